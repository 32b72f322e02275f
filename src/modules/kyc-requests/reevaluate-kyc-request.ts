/**
 * Re-derives a request's status from its documents and records the change (revision + event) in the
 * caller's transaction — every document change calls this in the same transaction as itself.
 */
import type { Executor } from '../../db/database.ts';
import type { KycRequestRow } from '../../db/schema.ts';
import type { RequestStatus } from '../../analysis/vocabulary.ts';
import type { Deps } from '../deps.ts';
import { recordEvent } from '../events/events.repo.ts';
import { documentsOfRequest } from '../kyc-documents/kyc-documents.repo.ts';
import { findKycRequest, requestedDocuments, updateKycRequest } from './kyc-requests.repo.ts';
import { presentKycRequest } from './present-kyc-request.ts';
import { deriveRequestStatus, REQUEST_STATUS_EVENTS } from './request-status.ts';

export async function reevaluateKycRequest(
  deps: Pick<Deps, 'config' | 'db' | 'jwt'>,
  trx: Executor,
  organizationId: string,
  requestId: string,
  now: Date = new Date(),
): Promise<KycRequestRow | undefined> {
  const row = await findKycRequest(trx, organizationId, requestId);
  if (!row) return undefined;
  const documents = await documentsOfRequest(trx, organizationId, requestId);
  // An accepted identity proof of a request that asks for liveness counts once liveness is completed;
  // until then it is as good as pending (the customer can still finish the liveness check).
  const livenessRequired = requestedDocuments(row).some(
    (d) => d.type === 'identity-proof' && d.faceLivenessRequired,
  );
  const awaitsLiveness = (d: (typeof documents)[number]) =>
    livenessRequired &&
    d.documentType === 'identity-proof' &&
    d.status === 'accepted' &&
    !(JSON.parse(d.documentMatches ?? '{}') as { data?: { hasCompletedFaceLiveness?: boolean } }).data
      ?.hasCompletedFaceLiveness;
  const next = deriveRequestStatus(
    requestedDocuments(row),
    documents.map((d) => ({
      documentType: d.documentType,
      status: awaitsLiveness(d) ? 'pending' : d.status,
      reviewRequired: d.reviewRequired === 1,
    })),
    Date.parse(row.expirationTime) <= now.getTime(),
    row.status as RequestStatus,
  );
  if (next === row.status) return row;
  const updated = await updateKycRequest(trx, row, { status: next });
  const eventType = REQUEST_STATUS_EVENTS[next as keyof typeof REQUEST_STATUS_EVENTS];
  if (eventType) {
    await recordEvent(trx, {
      organizationId,
      eventType,
      resourceType: 'kyc-request',
      resourceId: updated.id,
      customerId: updated.customerId,
      revision: updated.revision,
      payload: await presentKycRequest(deps, trx, updated, documents),
    });
  }
  return updated;
}
