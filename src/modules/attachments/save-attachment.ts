/**
 * Creating and replacing attachments (`POST /attachments`, `PUT /attachments/{id}`). A PUT is an upsert
 * with the client's id (rebilly-js-sdk's `attach({id})` relies on it): 201 when it created, 200 when it
 * replaced. The file must exist in the organization. `name` defaults to the file's name.
 */
import type { AttachmentRow } from '../../db/schema.ts';
import { AppError, invalidField } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Deps } from '../deps.ts';
import { findFile } from '../files/files.repo.ts';
import type { AttachmentInput } from './attachments.schemas.ts';
import { findAttachment, insertAttachment, replaceAttachment } from './attachments.repo.ts';

async function fileName(deps: Deps, organizationId: string, fileId: string): Promise<string> {
  const file = await findFile(deps.db.kysely, organizationId, fileId);
  if (!file) throw invalidField('fileId', `file ${fileId} does not exist`);
  return file.name;
}

export async function createAttachment(
  deps: Deps,
  organizationId: string,
  input: AttachmentInput,
): Promise<AttachmentRow> {
  const defaultName = await fileName(deps, organizationId, input.fileId);
  const now = new Date().toISOString();
  const row: AttachmentRow = {
    organizationId,
    id: input.id ?? newId('att'),
    fileId: input.fileId,
    relatedType: input.relatedType,
    relatedId: input.relatedId,
    name: input.name === undefined ? defaultName : input.name,
    description: input.description ?? null,
    createdTime: now,
    updatedTime: now,
  };
  try {
    await insertAttachment(deps.db.kysely, row);
  } catch (error) {
    if (deps.db.isUniqueViolation(error)) {
      throw new AppError('conflict', `Attachment ${row.id} already exists`, { cause: error });
    }
    throw error;
  }
  return row;
}

export async function upsertAttachment(
  deps: Deps,
  organizationId: string,
  id: string,
  input: AttachmentInput,
): Promise<{ row: AttachmentRow; created: boolean }> {
  if (input.id !== undefined && input.id !== id) throw invalidField('id', 'must equal the id in the path');
  for (let attempt = 0; attempt < 2; attempt++) {
    const existing = await findAttachment(deps.db.kysely, organizationId, id);
    if (!existing) {
      try {
        return { row: await createAttachment(deps, organizationId, { ...input, id }), created: true };
      } catch (error) {
        // Another request created it in between: replace it instead.
        if (error instanceof AppError && error.code === 'conflict') continue;
        throw error;
      }
    }
    const defaultName = await fileName(deps, organizationId, input.fileId);
    await replaceAttachment(deps.db.kysely, organizationId, id, {
      fileId: input.fileId,
      relatedType: input.relatedType,
      relatedId: input.relatedId,
      name: input.name === undefined ? defaultName : input.name,
      description: input.description ?? null,
      updatedTime: new Date().toISOString(),
    });
    const row = await findAttachment(deps.db.kysely, organizationId, id);
    if (row) return { row, created: false };
  }
  throw new AppError('conflict', `Attachment ${id} is being changed concurrently; retry`);
}
