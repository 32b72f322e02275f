/** KYC request queries, scoped by organization. */
import { type FilterColumn, selectPage } from '../../db/collection.ts';
import type { Executor } from '../../db/database.ts';
import type { KycRequestRow } from '../../db/schema.ts';
import { REQUEST_STATUSES } from '../../analysis/vocabulary.ts';
import type { FilterClause, SortKey } from '../../lib/collection-query.ts';
import type { RequestedDocument } from './kyc-requests.schemas.ts';

export const KYC_REQUEST_FILTERS: Record<string, FilterColumn> = {
  id: { type: 'id', column: 'id' },
  customerId: { type: 'id', column: 'customerId' },
  status: { type: 'enum', column: 'status', values: REQUEST_STATUSES },
  matchLevel: { type: 'integer', column: 'matchLevel' },
  createdTime: { type: 'datetime', column: 'createdTime' },
  updatedTime: { type: 'datetime', column: 'updatedTime' },
  expirationTime: { type: 'datetime', column: 'expirationTime' },
};

export const KYC_REQUEST_SORTS: Record<string, string> = {
  id: 'id',
  createdTime: 'createdTime',
  updatedTime: 'updatedTime',
  expirationTime: 'expirationTime',
  status: 'status',
};

export function requestedDocuments(row: Pick<KycRequestRow, 'documents'>): RequestedDocument[] {
  return JSON.parse(row.documents) as RequestedDocument[];
}

export function findKycRequest(
  db: Executor,
  organizationId: string,
  id: string,
): Promise<KycRequestRow | undefined> {
  return db
    .selectFrom('kycRequests')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * Takes the request's row lock for the rest of the transaction (a no-op UPDATE: a row lock on PostgreSQL,
 * the write lock on SQLite), so that concurrent document creations and decisions on one request run one
 * after another — two creations for the last attempt cannot both see it free. Returns the locked row.
 */
export async function lockKycRequest(
  db: Executor,
  organizationId: string,
  id: string,
): Promise<KycRequestRow | undefined> {
  const result = await db
    .updateTable('kycRequests')
    .set((eb) => ({ revision: eb.ref('revision') }))
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return undefined;
  return findKycRequest(db, organizationId, id);
}

export async function insertKycRequest(db: Executor, row: KycRequestRow): Promise<void> {
  await db.insertInto('kycRequests').values(row).execute();
}

/** Applies `changes`, bumps `revision` and `updatedTime`; returns the new row. */
export async function updateKycRequest(
  db: Executor,
  row: KycRequestRow,
  changes: Partial<Omit<KycRequestRow, 'organizationId' | 'id' | 'revision' | 'updatedTime'>>,
): Promise<KycRequestRow> {
  await db
    .updateTable('kycRequests')
    .set((eb) => ({ ...changes, updatedTime: new Date().toISOString(), revision: eb('revision', '+', 1) }))
    .where('organizationId', '=', row.organizationId)
    .where('id', '=', row.id)
    .execute();
  const updated = await findKycRequest(db, row.organizationId, row.id);
  if (!updated) throw new Error(`kyc request ${row.id} vanished during an update`);
  return updated;
}

export async function deleteKycRequest(db: Executor, organizationId: string, id: string): Promise<void> {
  await db
    .updateTable('kycDocuments')
    .set({ requestId: null })
    .where('organizationId', '=', organizationId)
    .where('requestId', '=', id)
    .execute();
  await db
    .deleteFrom('kycRequests')
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .execute();
}

/** The customer's open requests (newest first) — candidates to link a new document to. */
export function openRequestsOfCustomer(
  db: Executor,
  organizationId: string,
  customerId: string,
  now: string,
): Promise<KycRequestRow[]> {
  return db
    .selectFrom('kycRequests')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('customerId', '=', customerId)
    .where('status', 'not in', ['fulfilled', 'failed', 'abandoned', 'expired'])
    .where('expirationTime', '>', now)
    .orderBy('createdTime', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** Requests past their expiration time that are not final yet (for the expiry sweep). */
export function expiredOpenRequests(db: Executor, now: string, limit: number): Promise<KycRequestRow[]> {
  return db
    .selectFrom('kycRequests')
    .selectAll()
    .where('status', 'not in', ['fulfilled', 'failed', 'abandoned', 'expired'])
    .where('expirationTime', '<=', now)
    .orderBy('expirationTime')
    .limit(limit)
    .execute();
}

export async function listKycRequests(
  db: Executor,
  organizationId: string,
  options: { clauses: FilterClause[]; sort: SortKey[]; limit: number; offset: number },
): Promise<{ rows: KycRequestRow[]; total: number }> {
  return selectPage(
    db.selectFrom('kycRequests').where('organizationId', '=', organizationId),
    KYC_REQUEST_FILTERS,
    KYC_REQUEST_SORTS,
    options,
  );
}
