/**
 * Duplicate documents across customers (issue 4, step 6): after an analysis, the document's fingerprint
 * (number, issuing state, portrait hash) is compared with those of the organization's other customers, then
 * stored for the next ones. A customer's own retries never count.
 *
 * What a hit does to the decision (a documented kycgate rule, no Rebilly weight covers it):
 * - the same document number and issuing state as another customer's document → rejected,
 *   `document-duplicate` (a number is unique per issuing state: either two accounts of one person or a
 *   borrowed document; both are for the merchant to sort out, not to pass);
 * - only the same portrait picture → never accepted automatically: an acceptance becomes manual review,
 *   since a reused photo is strong but not certain evidence (pHash can collide on near-identical crops).
 * A rejection for another reason keeps its reason. The other customers are listed in the evidence for the
 * reviewer, never shown to the customer.
 *
 * Image hashes are compared by Hamming distance over the organization's most recent
 * {@link MAX_IMAGE_CANDIDATES} fingerprints; document numbers through an index, over all of them.
 */
import type { Analysis } from '../../analysis/analyzer.ts';
import { rejectionMessage, type Decision } from '../../analysis/decide.ts';
import {
  duplicateSignal,
  type DuplicateSignal,
  type KnownDocument,
} from '../../analysis/fraud/duplicates.ts';
import { normalizeDocumentNumber } from '../../analysis/fraud/viz-mrz.ts';
import { toAlpha2 } from '../../analysis/match/countries.ts';
import type { Executor } from '../../db/database.ts';

/** How many recent portrait hashes of the organization a new one is compared with. */
export const MAX_IMAGE_CANDIDATES = 50_000;

type Fingerprint = NonNullable<Analysis['fingerprint']>;

export interface DuplicateFinding extends DuplicateSignal {
  /** The other customers' documents that matched. */
  documentIds: string[];
}

/** Looks up the organization's other customers' documents with the same number or portrait. */
export async function findDuplicates(
  db: Executor,
  organizationId: string,
  customerId: string,
  documentId: string,
  fingerprint: Fingerprint,
): Promise<DuplicateFinding> {
  const number = normalizeDocumentNumber(fingerprint.documentNumber) || null;
  const base = db
    .selectFrom('kycDocumentFingerprints')
    .select(['documentId', 'customerId', 'documentNumber', 'issuingState', 'imageHash'])
    .where('organizationId', '=', organizationId)
    .where('customerId', '!=', customerId)
    .where('documentId', '!=', documentId);
  const byNumber = number ? await base.where('documentNumber', '=', number).execute() : [];
  const byImage = fingerprint.imageHash
    ? await base
        .where('imageHash', 'is not', null)
        .orderBy('createdTime', 'desc')
        .limit(MAX_IMAGE_CANDIDATES)
        .execute()
    : [];
  const rows = new Map([...byNumber, ...byImage].map((r) => [r.documentId, r]));
  const known: (KnownDocument & { documentId: string })[] = [...rows.values()].map((r) => ({
    documentId: r.documentId,
    customerId: r.customerId,
    documentNumber: r.documentNumber,
    issuingState: r.issuingState,
    imageHash: r.imageHash,
  }));
  const current: KnownDocument = {
    customerId,
    documentNumber: number,
    issuingState: fingerprint.issuingState,
    imageHash: fingerprint.imageHash,
  };
  const signal = duplicateSignal(current, known);
  const documentIds = signal.detected
    ? known.filter((k) => duplicateSignal(current, [k]).detected).map((k) => k.documentId)
    : [];
  return { ...signal, documentIds };
}

/** Stores (or replaces) the document's fingerprint. */
export async function saveFingerprint(
  db: Executor,
  organizationId: string,
  customerId: string,
  documentId: string,
  fingerprint: Fingerprint,
): Promise<void> {
  await db
    .deleteFrom('kycDocumentFingerprints')
    .where('organizationId', '=', organizationId)
    .where('documentId', '=', documentId)
    .execute();
  const documentNumber = normalizeDocumentNumber(fingerprint.documentNumber) || null;
  if (!documentNumber && !fingerprint.imageHash) return;
  await db
    .insertInto('kycDocumentFingerprints')
    .values({
      organizationId,
      documentId,
      customerId,
      documentNumber,
      issuingState: toAlpha2(fingerprint.issuingState),
      imageHash: fingerprint.imageHash,
      createdTime: new Date().toISOString(),
    })
    .execute();
}

/** The decision after the duplicate rule above; unchanged when nothing matched. */
export function applyDuplicates(decision: Decision, duplicates: DuplicateFinding): Decision {
  if (!duplicates.detected) return decision;
  if (duplicates.reason === 'same-document-number') {
    if (decision.status === 'rejected') return decision;
    return {
      ...decision,
      status: 'rejected',
      rejectionReason: { type: 'document-duplicate', message: rejectionMessage('document-duplicate') },
    };
  }
  if (decision.status === 'accepted') return { ...decision, status: 'pending', rejectionReason: null };
  return decision;
}
