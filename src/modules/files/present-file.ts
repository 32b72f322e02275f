import type { Config } from '../../config.ts';
import type { FileRow } from '../../db/schema.ts';
import { resourceUrl } from '../deps.ts';
import type { ExifData, File, FileSourceType } from './files.schemas.ts';

/** The File resource. The storage key, the uploading customer and the sha256 stay on the server. */
export function presentFile(config: Config, row: FileRow): File {
  const self = resourceUrl(config, row.organizationId, `files/${row.id}`);
  return {
    id: row.id,
    name: row.name,
    extension: row.extension,
    description: row.description,
    sourceType: row.sourceType as FileSourceType | null,
    tags: JSON.parse(row.tags) as string[],
    mime: row.mime,
    size: Number(row.size),
    width: row.width,
    height: row.height,
    sha1: row.sha1,
    exifData: row.exifData === null ? null : (JSON.parse(row.exifData) as ExifData),
    isPublic: row.isPublic === 1,
    createdTime: row.createdTime,
    updatedTime: row.updatedTime,
    _links: [
      { rel: 'self', href: self },
      { rel: 'download', href: `${self}/download` },
    ],
  };
}
