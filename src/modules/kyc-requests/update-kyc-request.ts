/**
 * `PATCH /kyc-requests/{id}`: changes what is asked for, the redirect, the reason, the match level or the
 * expiration time of an open request. Read-only fields in the body are ignored. A new expiration time
 * moves the gatherer token's expiry with it (the link changes). A closed request cannot be changed.
 */
import type { KycRequestRow } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import type { Deps } from '../deps.ts';
import { checkExpirationTime, normalizeRequestedDocuments } from './create-kyc-request.ts';
import { lockKycRequest, updateKycRequest } from './kyc-requests.repo.ts';
import type { KycRequestPatch } from './kyc-requests.schemas.ts';
import { effectiveStatus } from './present-kyc-request.ts';
import { reevaluateKycRequest } from './reevaluate-kyc-request.ts';
import { FINAL_STATUSES } from './request-status.ts';

export async function updateKycRequestFields(
  deps: Deps,
  organizationId: string,
  id: string,
  input: KycRequestPatch,
): Promise<KycRequestRow> {
  const now = Date.now();
  return deps.db.transaction(async (trx) => {
    const row = await lockKycRequest(trx, organizationId, id);
    if (!row) throw notFound('KYC request');
    const status = effectiveStatus(row, undefined, now);
    if (FINAL_STATUSES.includes(status)) {
      throw new AppError('validation-error', `The request is ${status} and can no longer be changed`, {
        invalidFields: [{ field: 'status', message: `is ${status}` }],
      });
    }
    const expirationTime =
      input.expirationTime === undefined ? undefined : checkExpirationTime(input.expirationTime, now);
    const updated = await updateKycRequest(trx, row, {
      ...(input.documents ? { documents: JSON.stringify(normalizeRequestedDocuments(input.documents)) } : {}),
      ...(input.redirectUrl !== undefined ? { redirectUrl: input.redirectUrl } : {}),
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
      ...(input.matchLevel !== undefined ? { matchLevel: input.matchLevel } : {}),
      ...(expirationTime ? { expirationTime } : {}),
    });
    if (expirationTime && updated.gathererJwtId) {
      await trx
        .updateTable('customerJwts')
        .set({ expiredTime: expirationTime, updatedTime: new Date(now).toISOString() })
        .where('organizationId', '=', organizationId)
        .where('id', '=', updated.gathererJwtId)
        .execute();
    }
    return (await reevaluateKycRequest(deps, trx, organizationId, id)) ?? updated;
  });
}
