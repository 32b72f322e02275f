/**
 * A request's status, derived from its documents (spec §4.4). Pure: the same inputs give the same status.
 *
 * - `fulfilled`: every requested type is satisfied. An accepted credit file satisfies identity and address
 *   proofs; a credit file is in turn satisfied when the identity and address proofs requested beside it
 *   are accepted (the gatherer fallback).
 * - `failed`: some unsatisfied type used up its attempts and has nothing pending or in progress.
 * - `expired` / `abandoned`: past `expirationTime` with nothing / something provided. Final, and it takes
 *   over an open request as soon as the time passes — a decision made later cannot fulfil it, whether the
 *   sweep has recorded the expiry yet or not (readers already see it, `effectiveStatus`).
 * - `partial`: some requested type satisfied, not all.
 * - `pending-review`: nothing satisfied and some document waits for a person.
 * - `attempted`: something provided, nothing satisfied, nothing waiting for a person.
 * - `gathering`: nothing provided yet.
 */
import type { DocumentType, RequestStatus } from '../../analysis/vocabulary.ts';

export interface RequestedSpec {
  type: DocumentType;
  maxAttempts: number;
}

export interface ProvidedDocument {
  documentType: string;
  status: string;
  reviewRequired: boolean;
}

export const FINAL_STATUSES: readonly RequestStatus[] = ['fulfilled', 'failed', 'abandoned', 'expired'];
const EXPIRY_FINAL: readonly RequestStatus[] = ['abandoned', 'expired'];

export function deriveRequestStatus(
  requested: RequestedSpec[],
  documents: ProvidedDocument[],
  isExpired: boolean,
  current: RequestStatus,
): RequestStatus {
  if (EXPIRY_FINAL.includes(current)) return current;
  if (isExpired && !FINAL_STATUSES.includes(current)) return documents.length > 0 ? 'abandoned' : 'expired';
  const types = new Set(requested.map((r) => r.type));
  const accepted = new Set(documents.filter((d) => d.status === 'accepted').map((d) => d.documentType));
  const fallbackTypes = (['identity-proof', 'address-proof'] as const).filter((t) => types.has(t));
  const creditCovers = accepted.has('credit-file-proof');
  const hasFallback = fallbackTypes.length > 0;

  const satisfied = (type: DocumentType): boolean => {
    if (accepted.has(type)) return true;
    if (creditCovers && (type === 'identity-proof' || type === 'address-proof')) return true;
    if (type === 'credit-file-proof' && hasFallback) return fallbackTypes.every((t) => accepted.has(t));
    return false;
  };

  if (requested.every((r) => satisfied(r.type))) return 'fulfilled';

  const exhausted = requested.some((r) => {
    if (satisfied(r.type) || r.maxAttempts === 0) return false;
    // A failed credit file is not the end when the customer can still prove identity and address.
    if (r.type === 'credit-file-proof' && hasFallback) return false;
    const ofType = documents.filter((d) => d.documentType === r.type);
    const live = ofType.some((d) => d.status === 'pending' || d.status === 'in-progress');
    return ofType.length >= r.maxAttempts && !live;
  });
  if (exhausted) return 'failed';

  if (isExpired) return documents.length > 0 ? 'abandoned' : 'expired';
  if (requested.some((r) => satisfied(r.type))) return 'partial';
  if (documents.some((d) => d.status === 'pending' && d.reviewRequired)) return 'pending-review';
  if (documents.length > 0) return 'attempted';
  return 'gathering';
}

/** The request event a status change emits (spec §10.1); none for gathering, pending-review, expiry. */
export const REQUEST_STATUS_EVENTS = {
  attempted: 'kyc-request-attempted',
  partial: 'kyc-request-partially-fulfilled',
  fulfilled: 'kyc-request-fulfilled',
  failed: 'kyc-request-failed',
} as const;
