/**
 * The same identity document used by another customer of the organization: the same document number (from
 * the same issuing state when both are known), or the same picture (perceptual hashes within
 * {@link SAME_IMAGE_MAX_DISTANCE} bits). A customer's own earlier uploads are retries, never duplicates.
 *
 * Hash the portrait crop where there is one: whole-document hashes of two people's cards of the same design,
 * photographed the same way, can come close.
 */
import { hammingDistance, SAME_IMAGE_MAX_DISTANCE } from './perceptual-hash.ts';
import { toAlpha2 } from '../match/countries.ts';
import { normalizeDocumentNumber } from './viz-mrz.ts';
import type { FraudSignal } from './signal.ts';

export interface KnownDocument {
  customerId: string;
  documentNumber: string | null;
  /** {@link perceptualHash} of the document image or its portrait crop. */
  imageHash: string | null;
  /** Issuing state as read (alpha-2, alpha-3 or MRZ code); null when unknown. */
  issuingState?: string | null;
}

export interface DuplicateSignal extends FraudSignal {
  /** `same-document-number` or `same-image` (the number wins when both hold). */
  reason: 'same-document-number' | 'same-image' | null;
  /** The other customers whose documents matched, without repeats. */
  customerIds: string[];
}

export interface DuplicateOptions {
  /** Most bits two image hashes may differ by to count as the same picture. */
  maxImageDistance?: number;
}

/** Numbers shorter than this are too likely to collide across documents (and are usually misreads). */
const MIN_DOCUMENT_NUMBER_LENGTH = 5;

/** Whether `current` is another customer's document among `others` (the organization's documents). */
export function duplicateSignal(
  current: KnownDocument,
  others: readonly KnownDocument[],
  options: DuplicateOptions = {},
): DuplicateSignal {
  const maxDistance = options.maxImageDistance ?? SAME_IMAGE_MAX_DISTANCE;
  const number = normalizeDocumentNumber(current.documentNumber);
  const state = toAlpha2(current.issuingState);
  const byNumber = new Set<string>();
  const byImage = new Set<string>();
  for (const other of others) {
    if (other.customerId === current.customerId) continue;
    const otherState = toAlpha2(other.issuingState);
    if (
      number.length >= MIN_DOCUMENT_NUMBER_LENGTH &&
      normalizeDocumentNumber(other.documentNumber) === number &&
      !(state && otherState && state !== otherState)
    ) {
      byNumber.add(other.customerId);
    }
    if (
      current.imageHash &&
      other.imageHash &&
      current.imageHash.length === other.imageHash.length &&
      hammingDistance(current.imageHash, other.imageHash) <= maxDistance
    ) {
      byImage.add(other.customerId);
    }
  }
  if (byNumber.size > 0) {
    return {
      detected: true,
      reason: 'same-document-number',
      customerIds: [...new Set([...byNumber, ...byImage])],
    };
  }
  if (byImage.size > 0) return { detected: true, reason: 'same-image', customerIds: [...byImage] };
  return { detected: false, reason: null, customerIds: [] };
}
