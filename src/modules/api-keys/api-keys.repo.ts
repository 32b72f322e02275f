import type { Executor } from '../../db/database.ts';
import type { ApiKeyRow } from '../../db/schema.ts';
import { applySort, filterWhere, toCount, type FilterColumn } from '../../db/collection.ts';
import type { FilterClause, SortKey } from '../../lib/collection-query.ts';

export const API_KEY_FILTERS: Record<string, FilterColumn> = {
  id: { type: 'id', column: 'id' },
  type: { type: 'enum', column: 'type', values: ['secret', 'publishable'] },
  description: { type: 'string', column: 'description' },
  createdTime: { type: 'datetime', column: 'createdTime' },
  updatedTime: { type: 'datetime', column: 'updatedTime' },
};
export const API_KEY_SORTS: Record<string, string> = {
  id: 'id',
  description: 'description',
  createdTime: 'createdTime',
  updatedTime: 'updatedTime',
};

export function findApiKey(db: Executor, organizationId: string, id: string): Promise<ApiKeyRow | undefined> {
  return db
    .selectFrom('apiKeys')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function insertApiKey(db: Executor, row: ApiKeyRow): Promise<void> {
  await db.insertInto('apiKeys').values(row).execute();
}

export async function updateApiKey(
  db: Executor,
  organizationId: string,
  id: string,
  changes: Pick<ApiKeyRow, 'description' | 'acl' | 'allowedIps' | 'updatedTime'>,
): Promise<void> {
  await db
    .updateTable('apiKeys')
    .set(changes)
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .execute();
}

export async function deleteApiKey(db: Executor, organizationId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('apiKeys')
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function listApiKeys(
  db: Executor,
  organizationId: string,
  options: { clauses: FilterClause[]; sort: SortKey[]; limit: number; offset: number },
): Promise<{ rows: ApiKeyRow[]; total: number }> {
  let query = db.selectFrom('apiKeys').where('organizationId', '=', organizationId);
  const where = filterWhere(options.clauses, API_KEY_FILTERS);
  if (where) query = query.where(where);
  const count = await query.select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
  const rows = await applySort(query.selectAll(), options.sort, API_KEY_SORTS)
    .limit(options.limit)
    .offset(options.offset)
    .execute();
  return { rows, total: toCount(count.count) };
}
