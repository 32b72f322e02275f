/**
 * The expiry sweep: requests past their expiration time become `expired` (nothing provided) or
 * `abandoned` (something provided). Readers already see that status before the sweep runs
 * (`effectiveStatus`); the sweep records it. Enqueued every minute by each worker, deduplicated.
 */
import Type from 'typebox';
import { defineJob } from '../../queue/queue.ts';
import type { Deps } from '../deps.ts';
import { expiredOpenRequests, lockKycRequest } from './kyc-requests.repo.ts';
import { reevaluateKycRequest } from './reevaluate-kyc-request.ts';

export const EXPIRY_SWEEP_JOB_KEY = 'kyc-requests.expire';
const BATCH = 100;

export async function sweepExpiredKycRequests(deps: Deps, now: Date = new Date()): Promise<number> {
  let swept = 0;
  for (;;) {
    const batch = await expiredOpenRequests(deps.db.kysely, now.toISOString(), BATCH);
    for (const request of batch) {
      await deps.db.transaction(async (trx) => {
        const locked = await lockKycRequest(trx, request.organizationId, request.id);
        if (locked) await reevaluateKycRequest(deps, trx, locked.organizationId, locked.id, now);
      });
      swept++;
    }
    if (batch.length < BATCH) return swept;
  }
}

export function defineSweepExpiredKycRequestsJob(deps: Deps) {
  return defineJob({
    name: 'kyc-requests.expire',
    payload: Type.Object({}),
    maxAttempts: 3,
    async handler() {
      await sweepExpiredKycRequests(deps);
    },
  });
}
