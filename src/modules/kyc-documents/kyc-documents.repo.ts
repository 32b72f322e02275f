/** KYC document queries, scoped by organization. */
import { type FilterColumn, selectPage } from '../../db/collection.ts';
import type { Executor } from '../../db/database.ts';
import type { KycDocumentRow } from '../../db/schema.ts';
import { DOCUMENT_STATUSES, DOCUMENT_TYPES } from '../../analysis/vocabulary.ts';
import type { FilterClause, SortKey } from '../../lib/collection-query.ts';

export const KYC_DOCUMENT_FILTERS: Record<string, FilterColumn> = {
  id: { type: 'id', column: 'id' },
  customerId: { type: 'id', column: 'customerId' },
  requestId: { type: 'id', column: 'requestId' },
  documentType: { type: 'enum', column: 'documentType', values: DOCUMENT_TYPES },
  documentSubtype: { type: 'string', column: 'documentSubtype' },
  status: { type: 'enum', column: 'status', values: DOCUMENT_STATUSES },
  reviewerId: { type: 'id', column: 'reviewerId' },
  createdTime: { type: 'datetime', column: 'createdTime' },
  updatedTime: { type: 'datetime', column: 'updatedTime' },
  processedTime: { type: 'datetime', column: 'processedTime' },
  reviewTime: { type: 'datetime', column: 'reviewTime' },
};

export const KYC_DOCUMENT_SORTS: Record<string, string> = {
  id: 'id',
  createdTime: 'createdTime',
  updatedTime: 'updatedTime',
  processedTime: 'processedTime',
  reviewTime: 'reviewTime',
  status: 'status',
  documentType: 'documentType',
};

export function findKycDocument(
  db: Executor,
  organizationId: string,
  id: string,
): Promise<KycDocumentRow | undefined> {
  return db
    .selectFrom('kycDocuments')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function insertKycDocument(db: Executor, row: KycDocumentRow): Promise<void> {
  await db.insertInto('kycDocuments').values(row).execute();
}

/** Applies `changes`, bumps `revision` and `updatedTime`, and returns the new row. */
export async function updateKycDocument(
  db: Executor,
  row: KycDocumentRow,
  changes: Partial<Omit<KycDocumentRow, 'organizationId' | 'id' | 'revision' | 'updatedTime'>>,
): Promise<KycDocumentRow> {
  const updatedTime = new Date().toISOString();
  await db
    .updateTable('kycDocuments')
    .set((eb) => ({ ...changes, updatedTime, revision: eb('revision', '+', 1) }))
    .where('organizationId', '=', row.organizationId)
    .where('id', '=', row.id)
    .execute();
  const updated = await findKycDocument(db, row.organizationId, row.id);
  if (!updated) throw new Error(`kyc document ${row.id} vanished during an update`);
  return updated;
}

export function documentsOfRequest(
  db: Executor,
  organizationId: string,
  requestId: string,
): Promise<KycDocumentRow[]> {
  return db
    .selectFrom('kycDocuments')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('requestId', '=', requestId)
    .orderBy('createdTime')
    .orderBy('id')
    .execute();
}

/** The customer's documents of a type that are still undecided (to archive when one is accepted). */
export function undecidedDocuments(
  db: Executor,
  organizationId: string,
  customerId: string,
  documentType: string,
  exceptId: string,
): Promise<KycDocumentRow[]> {
  return db
    .selectFrom('kycDocuments')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('customerId', '=', customerId)
    .where('documentType', '=', documentType)
    .where('status', 'in', ['pending', 'in-progress'])
    .where('id', '!=', exceptId)
    .execute();
}

export async function listKycDocuments(
  db: Executor,
  organizationId: string,
  options: { clauses: FilterClause[]; sort: SortKey[]; limit: number; offset: number },
): Promise<{ rows: KycDocumentRow[]; total: number }> {
  return selectPage(
    db.selectFrom('kycDocuments').where('organizationId', '=', organizationId),
    KYC_DOCUMENT_FILTERS,
    KYC_DOCUMENT_SORTS,
    options,
  );
}

/** Whether the customer has accepted identity and address proofs, or an accepted credit file. */
export async function customersWithFulfilledKyc(
  db: Executor,
  organizationId: string,
  customerIds: string[],
): Promise<Set<string>> {
  if (customerIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('kycDocuments')
    .select(['customerId', 'documentType'])
    .distinct()
    .where('organizationId', '=', organizationId)
    .where('customerId', 'in', customerIds)
    .where('status', '=', 'accepted')
    .execute();
  const types = new Map<string, Set<string>>();
  for (const row of rows) {
    const set = types.get(row.customerId) ?? new Set<string>();
    set.add(row.documentType);
    types.set(row.customerId, set);
  }
  return new Set(
    [...types]
      .filter(([, t]) => t.has('credit-file-proof') || (t.has('identity-proof') && t.has('address-proof')))
      .map(([id]) => id),
  );
}
