import type { Executor } from '../../db/database.ts';
import type { ApiKeyRow } from '../../db/schema.ts';
import { type FilterColumn, selectPage } from '../../db/collection.ts';
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
  return selectPage(
    db.selectFrom('apiKeys').where('organizationId', '=', organizationId),
    API_KEY_FILTERS,
    API_KEY_SORTS,
    options,
  );
}
