/** Reviewer, session and review-log queries, scoped by organization. */
import { type FilterColumn, selectPage } from '../../db/collection.ts';
import type { Executor } from '../../db/database.ts';
import type { ReviewActionRow, ReviewerRow } from '../../db/schema.ts';
import type { FilterClause, SortKey } from '../../lib/collection-query.ts';
import { newId } from '../../lib/ids.ts';

export const REVIEWER_FILTERS: Record<string, FilterColumn> = {
  id: { type: 'id', column: 'id' },
  email: { type: 'string', column: 'email' },
  name: { type: 'string', column: 'name' },
  role: { type: 'enum', column: 'role', values: ['reviewer', 'admin'] },
  status: { type: 'enum', column: 'status', values: ['active', 'inactive'] },
  createdTime: { type: 'datetime', column: 'createdTime' },
};

export const REVIEWER_SORTS: Record<string, string> = {
  id: 'id',
  name: 'name',
  email: 'email',
  createdTime: 'createdTime',
  lastSignInTime: 'lastSignInTime',
};

export function findReviewer(db: Executor, organizationId: string, id: string) {
  return db
    .selectFrom('reviewers')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function findReviewerByEmail(db: Executor, organizationId: string, email: string) {
  return db
    .selectFrom('reviewers')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('emailKey', '=', email.trim().toLowerCase())
    .executeTakeFirst();
}

export function listReviewers(
  db: Executor,
  organizationId: string,
  options: { clauses: FilterClause[]; sort: SortKey[]; limit: number; offset: number },
) {
  return selectPage(
    db.selectFrom('reviewers').where('organizationId', '=', organizationId),
    REVIEWER_FILTERS,
    REVIEWER_SORTS,
    options,
  );
}

export async function updateReviewer(
  db: Executor,
  row: ReviewerRow,
  changes: Partial<Omit<ReviewerRow, 'organizationId' | 'id' | 'createdTime'>>,
): Promise<ReviewerRow> {
  await db
    .updateTable('reviewers')
    .set({ ...changes, updatedTime: changes.updatedTime ?? new Date().toISOString() })
    .where('organizationId', '=', row.organizationId)
    .where('id', '=', row.id)
    .execute();
  return (await findReviewer(db, row.organizationId, row.id))!;
}

/** Ends every open session of a reviewer (deactivation, new password). */
export async function revokeReviewerSessions(
  db: Executor,
  organizationId: string,
  reviewerId: string,
  now: string,
): Promise<void> {
  await db
    .updateTable('reviewerSessions')
    .set({ revokedTime: now })
    .where('organizationId', '=', organizationId)
    .where('reviewerId', '=', reviewerId)
    .where('revokedTime', 'is', null)
    .execute();
}

export function findReviewerSession(db: Executor, organizationId: string, id: string) {
  return db
    .selectFrom('reviewerSessions')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Who acted: a signed-in reviewer, or a secret API key (named by its description). */
export interface Actor {
  type: 'reviewer' | 'api-key';
  id: string;
  name: string | null;
  /** An admin or a secret key may release or decide a document another reviewer has claimed. */
  mayOverride: boolean;
}

export async function recordReviewAction(
  db: Executor,
  entry: {
    organizationId: string;
    kycDocumentId: string;
    customerId: string;
    action: string;
    actor: Actor;
    detail?: Record<string, unknown> | null;
  },
): Promise<void> {
  await db
    .insertInto('reviewActions')
    .values({
      organizationId: entry.organizationId,
      id: newId('rva'),
      kycDocumentId: entry.kycDocumentId,
      customerId: entry.customerId,
      action: entry.action,
      actorType: entry.actor.type,
      actorId: entry.actor.id,
      actorName: entry.actor.name,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
      createdTime: new Date().toISOString(),
    })
    .execute();
}

export function listReviewActions(
  db: Executor,
  organizationId: string,
  kycDocumentId: string,
): Promise<ReviewActionRow[]> {
  return db
    .selectFrom('reviewActions')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('kycDocumentId', '=', kycDocumentId)
    .orderBy('createdTime')
    .orderBy('id')
    .limit(1000)
    .execute();
}
