/**
 * `POST /storefront/kyc-liveness-sessions`: a new session with a fresh challenge for one of the customer's
 * open KYC requests that asks for an identity proof.
 */
import { createLivenessChallenge, LIVENESS_SESSION_TTL_MS } from '../../analysis/liveness/challenge.ts';
import type { KycLivenessSessionRow } from '../../db/schema.ts';
import { AppError, invalidField } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Deps } from '../deps.ts';
import { FINAL_STATUSES } from '../kyc-requests/request-status.ts';
import { findKycRequest, requestedDocuments } from '../kyc-requests/kyc-requests.repo.ts';
import { insertLivenessSession } from './kyc-liveness-sessions.repo.ts';
import type { LivenessCaller } from './liveness-session-access.ts';

/** Sessions one request may have: enough for every honest retry, not for probing the check at will. */
export const MAX_SESSIONS_PER_REQUEST = 20;

export async function createKycLivenessSession(
  deps: Pick<Deps, 'db'>,
  caller: LivenessCaller,
  input: { kycRequestId: string },
  now: Date = new Date(),
): Promise<KycLivenessSessionRow> {
  const db = deps.db.kysely;
  const request = await findKycRequest(db, caller.organizationId, input.kycRequestId);
  if (
    !request ||
    request.customerId !== caller.customerId ||
    (caller.boundRequestId !== undefined && caller.boundRequestId !== request.id)
  ) {
    throw invalidField('kycRequestId', 'no such KYC request of this customer');
  }
  const expired = Date.parse(request.expirationTime) <= now.getTime();
  if (expired || FINAL_STATUSES.includes(request.status as never)) {
    throw invalidField('kycRequestId', `the KYC request is ${expired ? 'expired' : request.status}`);
  }
  if (!requestedDocuments(request).some((d) => d.type === 'identity-proof')) {
    throw invalidField('kycRequestId', 'the KYC request does not ask for an identity proof');
  }
  const { count } = await db
    .selectFrom('kycLivenessSessions')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('organizationId', '=', caller.organizationId)
    .where('kycRequestId', '=', request.id)
    .executeTakeFirstOrThrow();
  if (Number(count) >= MAX_SESSIONS_PER_REQUEST) {
    throw new AppError(
      'conflict',
      `This KYC request already has ${MAX_SESSIONS_PER_REQUEST} liveness sessions; no more can be started`,
    );
  }
  const challenge = createLivenessChallenge();
  const time = now.toISOString();
  const expiresTime = new Date(
    Math.min(now.getTime() + LIVENESS_SESSION_TTL_MS, Date.parse(request.expirationTime)),
  ).toISOString();
  const row: KycLivenessSessionRow = {
    organizationId: caller.organizationId,
    id: newId('kyc_liv'),
    customerId: caller.customerId,
    kycRequestId: request.id,
    status: 'pending',
    nonce: challenge.nonce,
    steps: JSON.stringify(challenge.steps),
    stepMs: challenge.stepMs,
    maxDurationMs: challenge.maxDurationMs,
    expiresTime,
    frames: '[]',
    failureCode: null,
    referenceFileId: null,
    evidence: null,
    revision: 1,
    createdTime: time,
    updatedTime: time,
  };
  await insertLivenessSession(db, row);
  return row;
}
