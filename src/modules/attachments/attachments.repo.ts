/** Attachment queries. Every query is scoped by organization; callers pass `db.kysely` or a transaction. */
import { sql } from 'kysely';
import { type FilterColumn, selectPage } from '../../db/collection.ts';
import type { Executor } from '../../db/database.ts';
import type { AttachmentRow, AttachmentsTable } from '../../db/schema.ts';
import type { FilterClause, SortKey } from '../../lib/collection-query.ts';
import { escapeLike } from '../files/files.repo.ts';
import { ATTACHMENT_RELATED_TYPES } from './attachments.schemas.ts';

export const ATTACHMENT_FILTERS: Record<string, FilterColumn> = {
  id: { type: 'id', column: 'id' },
  fileId: { type: 'id', column: 'fileId' },
  relatedType: { type: 'enum', column: 'relatedType', values: ATTACHMENT_RELATED_TYPES },
  relatedId: { type: 'id', column: 'relatedId' },
  name: { type: 'string', column: 'name' },
  createdTime: { type: 'datetime', column: 'createdTime' },
  updatedTime: { type: 'datetime', column: 'updatedTime' },
};

export const ATTACHMENT_SORTS: Record<string, string> = {
  id: 'id',
  fileId: 'fileId',
  relatedType: 'relatedType',
  relatedId: 'relatedId',
  name: 'name',
  createdTime: 'createdTime',
  updatedTime: 'updatedTime',
};

export function findAttachment(
  db: Executor,
  organizationId: string,
  id: string,
): Promise<AttachmentRow | undefined> {
  return db
    .selectFrom('attachments')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function insertAttachment(db: Executor, row: AttachmentsTable): Promise<void> {
  await db.insertInto('attachments').values(row).execute();
}

export async function replaceAttachment(
  db: Executor,
  organizationId: string,
  id: string,
  changes: Pick<
    AttachmentsTable,
    'fileId' | 'relatedType' | 'relatedId' | 'name' | 'description' | 'updatedTime'
  >,
): Promise<boolean> {
  const result = await db
    .updateTable('attachments')
    .set(changes)
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteAttachment(db: Executor, organizationId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('attachments')
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export interface AttachmentListOptions {
  clauses: FilterClause[];
  sort: SortKey[];
  limit: number;
  offset: number;
  /** Partial, case-insensitive search in the name and description. */
  q?: string | undefined;
}

export async function listAttachments(
  db: Executor,
  organizationId: string,
  options: AttachmentListOptions,
): Promise<{ rows: AttachmentRow[]; total: number }> {
  let query = db.selectFrom('attachments').where('organizationId', '=', organizationId);
  if (options.q) {
    const pattern = `%${escapeLike(options.q.toLowerCase())}%`;
    query = query.where(
      sql<boolean>`(lower(name) like ${pattern} escape '\\' or lower(description) like ${pattern} escape '\\' or id = ${options.q})`,
    );
  }
  return selectPage(query, ATTACHMENT_FILTERS, ATTACHMENT_SORTS, options);
}
