/** `PUT /files/{id}`: metadata only. Fields left out keep their value; content can only be POSTed. */
import type { FileRow } from '../../db/schema.ts';
import { invalidField, notFound } from '../../errors.ts';
import type { Deps } from '../deps.ts';
import type { FileUpdateInput } from './files.schemas.ts';
import { findFile, updateFile, type FileChanges } from './files.repo.ts';
import { normalizeTags } from './upload-file.ts';

export async function updateFileMetadata(
  deps: Deps,
  organizationId: string,
  id: string,
  input: FileUpdateInput,
): Promise<FileRow> {
  if (input.file !== undefined && input.file !== null && input.file !== '') {
    throw invalidField('file', 'content can only be uploaded with POST /files');
  }
  if (input.url !== undefined && input.url !== null && input.url !== '') {
    throw invalidField('url', 'content can only be uploaded with POST /files');
  }
  const changes: FileChanges = { updatedTime: new Date().toISOString() };
  if (input.name !== undefined) changes.name = input.name;
  if (input.description !== undefined) changes.description = input.description;
  if (input.tags !== undefined) changes.tags = JSON.stringify(normalizeTags(input.tags));
  if (input.sourceType !== undefined) changes.sourceType = input.sourceType;
  if (input.isPublic !== undefined) changes.isPublic = input.isPublic ? 1 : 0;
  // There is no upsert: a file without content cannot be created here.
  if (!(await updateFile(deps.db.kysely, organizationId, id, changes))) throw notFound('File');
  const row = await findFile(deps.db.kysely, organizationId, id);
  if (!row) throw notFound('File');
  return row;
}
