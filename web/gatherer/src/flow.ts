/**
 * The gatherer's plan, derived from the request and its documents (the server is the truth, so a reload or
 * a second device lands on the same step), plus the few things only the customer's device knows: consent,
 * skipped steps and the files of a capture in progress (kept in localStorage per request).
 */
import type { DocumentType, KycDocument, KycRequest, RequestedDocument } from './api.ts';

export type StepId = DocumentType | 'selfie' | 'liveness';
export type TypeState = 'none' | 'waiting' | 'accepted' | 'review' | 'rejected' | 'failed';

export const TYPE_ORDER: DocumentType[] = [
  'identity-proof',
  'address-proof',
  'funds-proof',
  'purchase-proof',
];

export interface Progress {
  consent: boolean;
  started: boolean;
  skipped: StepId[];
  /** Identity capture in progress: chosen subtype and uploaded file ids by side. */
  identity: { subtype: string | null; front?: string; back?: string; selfie?: string };
  livenessDone: boolean;
  finished: boolean;
}

export const EMPTY_PROGRESS: Progress = {
  consent: false,
  started: false,
  skipped: [],
  identity: { subtype: null },
  livenessDone: false,
  finished: false,
};

const key = (requestId: string) => `kycgate-gatherer:${requestId}`;

export function loadProgress(requestId: string): Progress {
  try {
    const raw = localStorage.getItem(key(requestId));
    return raw ? { ...EMPTY_PROGRESS, ...(JSON.parse(raw) as Partial<Progress>) } : { ...EMPTY_PROGRESS };
  } catch {
    return { ...EMPTY_PROGRESS };
  }
}

export function saveProgress(requestId: string, progress: Progress): void {
  try {
    localStorage.setItem(key(requestId), JSON.stringify(progress));
  } catch {
    // Private mode or storage full: resume falls back to what the server knows.
  }
}

export function requested(request: KycRequest): RequestedDocument[] {
  return TYPE_ORDER.map((type) => request.documents.find((d) => d.type === type)).filter(
    (d): d is RequestedDocument => d !== undefined,
  );
}

/** The steps in the order identity → selfie → liveness → address → funds → purchase. */
export function plan(request: KycRequest): StepId[] {
  const steps: StepId[] = [];
  for (const doc of requested(request)) {
    steps.push(doc.type as DocumentType);
    if (doc.type === 'identity-proof') {
      if (doc.faceProofRequired || doc.faceLivenessRequired) steps.push('selfie');
      if (doc.faceLivenessRequired) steps.push('liveness');
    }
  }
  return steps;
}

export function documentsOf(request: KycRequest, type: DocumentType): KycDocument[] {
  return (request._embedded?.documents ?? [])
    .filter((d) => d.documentType === type)
    .sort((a, b) => a.createdTime.localeCompare(b.createdTime));
}

export function attemptsLeft(request: KycRequest, type: DocumentType): number {
  const spec = request.documents.find((d) => d.type === type);
  if (!spec) return 0;
  if (spec.maxAttempts === 0) return Infinity;
  return Math.max(0, spec.maxAttempts - documentsOf(request, type).length);
}

/** Where a requested type stands, from its newest document and the attempts left. */
export function typeState(request: KycRequest, type: DocumentType): TypeState {
  const docs = documentsOf(request, type).filter((d) => d.status !== 'archived');
  if (docs.some((d) => d.status === 'accepted')) return 'accepted';
  const latest = docs[docs.length - 1];
  if (!latest) return attemptsLeft(request, type) > 0 ? 'none' : 'failed';
  if (latest.status === 'in-progress' || (latest.status === 'pending' && latest.awaitingAnalysis !== false))
    return 'waiting';
  if (latest.status === 'pending') return 'review';
  return attemptsLeft(request, type) > 0 ? 'rejected' : 'failed';
}

export function livenessCompleted(request: KycRequest): boolean {
  return documentsOf(request, 'identity-proof').some(
    (d) =>
      (d as { documentMatches?: { data?: { hasCompletedFaceLiveness?: unknown } } | null }).documentMatches
        ?.data?.hasCompletedFaceLiveness === true,
  );
}

/** Whether a step needs nothing more from the customer. */
export function stepSettled(request: KycRequest, progress: Progress, step: StepId): boolean {
  if (progress.skipped.includes(step)) return true;
  if (step === 'selfie') return stepSettled(request, progress, 'identity-proof');
  if (step === 'liveness') {
    const identity = typeState(request, 'identity-proof');
    return progress.livenessDone || livenessCompleted(request) || identity === 'failed';
  }
  const state = typeState(request, step);
  return state === 'accepted' || state === 'review' || state === 'failed';
}

export type Info = 'success' | 'manual' | 'partial';

/**
 * The `info` of a finished visit (spec §4.5): `partial` when some requested type was not provided (skipped),
 * `manual` when everything was provided but something waits for a person or was finally rejected,
 * `success` when every requested type was accepted by the analysis.
 */
export function finalInfo(request: KycRequest, progress: Progress): Info {
  const types = requested(request).map((d) => d.type as DocumentType);
  const provided = types.filter((type) => documentsOf(request, type).length > 0);
  if (
    provided.length < types.length ||
    (progress.skipped.includes('liveness') && !livenessCompleted(request))
  )
    return 'partial';
  return types.every((type) => typeState(request, type) === 'accepted') ? 'success' : 'manual';
}

/** `redirectUrl` with `info` set (any `info` already there is replaced). */
export function redirectTarget(redirectUrl: string, info: string): string | null {
  try {
    const url = new URL(redirectUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    url.searchParams.set('info', info);
    return url.toString();
  } catch {
    return null;
  }
}
