/**
 * `DELETE /files/{id}`: the row (and the attachments that point at it) first, in one transaction, then
 * the blob. A crash between the two leaves an unreferenced blob, never a row without its bytes.
 */
import { notFound } from '../../errors.ts';
import type { Deps } from '../deps.ts';
import { deleteFileRow, findFile } from './files.repo.ts';

export async function deleteFile(
  deps: Deps,
  organizationId: string,
  id: string,
): Promise<{ blobError: unknown }> {
  const storageKey = await deps.db.transaction(async (trx) => {
    const row = await findFile(trx, organizationId, id);
    if (!row || !(await deleteFileRow(trx, organizationId, id))) throw notFound('File');
    return row.storageKey;
  });
  try {
    await deps.blobs.delete(storageKey);
    return { blobError: undefined };
  } catch (error) {
    return { blobError: error };
  }
}
