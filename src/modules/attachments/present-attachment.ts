import type { Config } from '../../config.ts';
import type { AttachmentRow, FileRow } from '../../db/schema.ts';
import { resourceUrl } from '../deps.ts';
import { presentFile } from '../files/present-file.ts';
import type { Attachment, AttachmentRelatedType } from './attachments.schemas.ts';

export function presentAttachment(
  config: Config,
  row: AttachmentRow,
  embedded: { file?: FileRow | undefined } = {},
): Attachment {
  const attachment: Attachment = {
    id: row.id,
    fileId: row.fileId,
    relatedType: row.relatedType as AttachmentRelatedType,
    relatedId: row.relatedId,
    name: row.name,
    description: row.description,
    createdTime: row.createdTime,
    updatedTime: row.updatedTime,
    _links: [
      { rel: 'self', href: resourceUrl(config, row.organizationId, `attachments/${row.id}`) },
      { rel: 'file', href: resourceUrl(config, row.organizationId, `files/${row.fileId}`) },
    ],
  };
  if (embedded.file) attachment._embedded = { file: presentFile(config, embedded.file) };
  return attachment;
}
