/** Customer queries. Every query is scoped by organization; callers pass `db.kysely` or a transaction. */
import { sql } from 'kysely';
import { type FilterColumn, selectPage } from '../../db/collection.ts';
import type { Executor } from '../../db/database.ts';
import type { CustomerRow, CustomerUpdate, NewCustomerRow } from '../../db/schema.ts';
import type { FilterClause, SortKey } from '../../lib/collection-query.ts';

export const CUSTOMER_FILTERS: Record<string, FilterColumn> = {
  id: { type: 'id', column: 'id' },
  firstName: { type: 'string', column: 'firstName' },
  lastName: { type: 'string', column: 'lastName' },
  'primaryAddress.firstName': { type: 'string', column: 'firstName' },
  'primaryAddress.lastName': { type: 'string', column: 'lastName' },
  email: { type: 'string', column: 'email' },
  websiteId: { type: 'id', column: 'websiteId' },
  revision: { type: 'integer', column: 'revision' },
  createdTime: { type: 'datetime', column: 'createdTime' },
  updatedTime: { type: 'datetime', column: 'updatedTime' },
};

export const CUSTOMER_SORTS: Record<string, string> = {
  id: 'id',
  firstName: 'firstName',
  lastName: 'lastName',
  email: 'email',
  revision: 'revision',
  createdTime: 'createdTime',
  updatedTime: 'updatedTime',
};

export function findCustomer(
  db: Executor,
  organizationId: string,
  id: string,
): Promise<CustomerRow | undefined> {
  return db
    .selectFrom('customers')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function insertCustomer(db: Executor, row: NewCustomerRow): Promise<void> {
  await db.insertInto('customers').values(row).execute();
}

/** Applies `changes` and bumps `revision` in the same statement, so concurrent updates both count. */
export async function updateCustomer(
  db: Executor,
  organizationId: string,
  id: string,
  changes: Omit<CustomerUpdate, 'revision'>,
): Promise<void> {
  await db
    .updateTable('customers')
    .set((eb) => ({ ...changes, revision: eb('revision', '+', 1) }))
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .execute();
}

export interface CustomerListOptions {
  clauses: FilterClause[];
  sort: SortKey[];
  limit: number;
  offset: number;
  /** Partial, case-insensitive text search over names and email. */
  q?: string | undefined;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function listCustomers(
  db: Executor,
  organizationId: string,
  options: CustomerListOptions,
): Promise<{ rows: CustomerRow[]; total: number }> {
  let query = db.selectFrom('customers').where('organizationId', '=', organizationId);
  if (options.q) {
    const pattern = `%${escapeLike(options.q.toLowerCase())}%`;
    query = query.where(
      sql<boolean>`(lower(first_name) like ${pattern} escape '\\' or lower(last_name) like ${pattern} escape '\\' or lower(email) like ${pattern} escape '\\' or id = ${options.q})`,
    );
  }
  return selectPage(query, CUSTOMER_FILTERS, CUSTOMER_SORTS, options);
}
