/**
 * What follows any change of a document, in the same transaction: its event, the archiving of the
 * customer's other undecided documents of the type when it is accepted, and the re-evaluation of every
 * request those documents belong to.
 */
import type { Executor } from '../../db/database.ts';
import type { KycDocumentRow } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import { recordEvent, type KycEventType } from '../events/events.repo.ts';
import { reevaluateKycRequest } from '../kyc-requests/reevaluate-kyc-request.ts';
import { undecidedDocuments, updateKycDocument } from './kyc-documents.repo.ts';
import { presentKycDocument } from './present-kyc-document.ts';

export type LifecycleDeps = Pick<Deps, 'config' | 'db' | 'jwt'>;

export async function recordDocumentEvent(
  deps: LifecycleDeps,
  trx: Executor,
  eventType: KycEventType,
  row: KycDocumentRow,
): Promise<void> {
  await recordEvent(trx, {
    organizationId: row.organizationId,
    eventType,
    resourceType: 'kyc-document',
    resourceId: row.id,
    customerId: row.customerId,
    revision: row.revision,
    payload: presentKycDocument(deps.config, row),
  });
}

/** The event a document's new status calls for. */
export function eventForStatus(status: string): KycEventType {
  if (status === 'accepted') return 'kyc-document-accepted';
  if (status === 'rejected') return 'kyc-document-rejected';
  if (status === 'archived') return 'kyc-document-archived';
  return 'kyc-document-modified';
}

/** Records `eventType` for the changed document, archives what it supersedes, re-evaluates requests. */
export async function afterDocumentChange(
  deps: LifecycleDeps,
  trx: Executor,
  row: KycDocumentRow,
  eventType: KycEventType,
): Promise<void> {
  await recordDocumentEvent(deps, trx, eventType, row);
  const requestIds = new Set<string>(row.requestId ? [row.requestId] : []);
  if (row.status === 'accepted') {
    const superseded = await undecidedDocuments(
      trx,
      row.organizationId,
      row.customerId,
      row.documentType,
      row.id,
    );
    for (const other of superseded) {
      const archived = await updateKycDocument(trx, other, { status: 'archived', reviewRequired: 0 });
      await recordDocumentEvent(deps, trx, 'kyc-document-archived', archived);
      if (archived.requestId) requestIds.add(archived.requestId);
    }
  }
  for (const requestId of requestIds) await reevaluateKycRequest(deps, trx, row.organizationId, requestId);
}
