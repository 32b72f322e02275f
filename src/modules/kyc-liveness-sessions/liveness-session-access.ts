/**
 * Who may see a liveness session: the customer it belongs to, and — for a gatherer token bound to a KYC
 * request — only sessions of that request. Anything else is "not found" (no hint that the id exists).
 * A pending session past its `expiresTime` is recorded as `abandoned` on the way.
 */
import { notFound } from '../../errors.ts';
import type { Executor } from '../../db/database.ts';
import type { KycLivenessSessionRow } from '../../db/schema.ts';
import { findLivenessSession, updateLivenessSession } from './kyc-liveness-sessions.repo.ts';

export interface LivenessCaller {
  organizationId: string;
  customerId: string;
  /** The request a gatherer token is bound to. */
  boundRequestId: string | undefined;
}

export async function abandonIfExpired(
  db: Executor,
  row: KycLivenessSessionRow,
  now: Date = new Date(),
): Promise<KycLivenessSessionRow> {
  if (row.status !== 'pending' || Date.parse(row.expiresTime) > now.getTime()) return row;
  return (
    (await updateLivenessSession(db, row, { status: 'abandoned' })) ??
    (await findLivenessSession(db, row.organizationId, row.id)) ??
    row
  );
}

export async function visibleLivenessSession(
  db: Executor,
  caller: LivenessCaller,
  id: string,
): Promise<KycLivenessSessionRow> {
  const row = await findLivenessSession(db, caller.organizationId, id);
  if (
    !row ||
    row.customerId !== caller.customerId ||
    (caller.boundRequestId !== undefined && row.kycRequestId !== caller.boundRequestId)
  ) {
    throw notFound('KYC liveness session');
  }
  return abandonIfExpired(db, row);
}
