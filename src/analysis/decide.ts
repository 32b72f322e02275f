/**
 * The decision engine: score = 100 − Σ weights of failed checks; at or above `acceptAbove` accepted, below
 * `rejectBelow` rejected with the most specific reason, in between left `pending` for a person.
 */
import type { Finding } from './analyzer.ts';
import type { CheckName, RejectionReasonType } from './vocabulary.ts';

export interface Thresholds {
  rejectBelow: number;
  acceptAbove: number;
}

export interface CheckResult {
  name: CheckName;
  failed: boolean;
  /** The points taken off when the check fails (its weight), as Rebilly reports it. */
  score: number;
  reason: string | null;
}

export interface Decision {
  score: number;
  checkList: CheckResult[];
  status: 'accepted' | 'rejected' | 'pending';
  rejectionReason: { type: RejectionReasonType; message: string } | null;
}

/** Which settings weight scores a check (most share the name). */
const WEIGHT_OF: Partial<Record<CheckName, string>> = {
  matchesDateOfBirth: 'dateOfBirth',
  dateIsInvalid: 'date',
};

/**
 * `preferredReason`: the analyzer's own most specific reason (e.g. `document-unreadable` when no MRZ could
 * be read), used instead of the generic mapping from failed checks when the document is rejected.
 *
 * `retakeReason`: the capture must be retaken before anyone can judge the document (too dark, too small,
 * blurry, cut off — `Analysis.retakeReason`). A document the score would accept or send to review is then
 * rejected with this reason, as a reviewer would ask for a new photo rather than pass or study one they
 * cannot check; the score and checkList stay what was read. A score that rejects keeps its own reason.
 */
export function decide(
  findings: Finding[],
  weights: Record<string, number>,
  thresholds: Thresholds,
  preferredReason?: RejectionReasonType,
  retakeReason?: RejectionReasonType,
): Decision {
  const checkList = findings.map((f) => ({
    name: f.name,
    failed: f.failed,
    score: weights[WEIGHT_OF[f.name] ?? f.name] ?? 0,
    reason: f.reason ?? null,
  }));
  const lost = checkList.reduce((sum, c) => sum + (c.failed ? c.score : 0), 0);
  const score = Math.max(0, Math.min(100, 100 - lost));
  if (score < thresholds.rejectBelow) {
    const rejectionReason = preferredReason
      ? { type: preferredReason, message: MESSAGES[preferredReason] }
      : rejectionReasonFor(checkList);
    return { score, checkList, status: 'rejected', rejectionReason };
  }
  if (retakeReason) {
    return {
      score,
      checkList,
      status: 'rejected',
      rejectionReason: { type: retakeReason, message: MESSAGES[retakeReason] },
    };
  }
  if (score >= thresholds.acceptAbove) return { score, checkList, status: 'accepted', rejectionReason: null };
  return { score, checkList, status: 'pending', rejectionReason: null };
}

const MESSAGES: Record<RejectionReasonType, string> = {
  'document-unreadable':
    'The document could not be read. Upload a sharp, well-lit photo of the whole document.',
  'document-expired': 'The document has expired. Upload a document that is still valid.',
  'document-was-valid-but-expired': 'The document expired after it was provided. Upload a valid document.',
  'document-not-matching': 'The document does not match the details we have.',
  'document-duplicate': 'This document has already been used.',
  'document-invalid': 'This is not an accepted document. Upload a passport, ID card or driver licence.',
  'document-not-open': 'The document is not fully open or visible. Photograph the whole page.',
  'underage-person': 'The person on the document is under the minimum age.',
  'third-party-or-mismatch': 'The document belongs to someone else.',
  'expiration-date-missing': 'The expiry date could not be found on the document.',
  'issue-date-missing': 'The issue date could not be found on the document.',
  'subtype-missing': 'The kind of document could not be determined.',
  'dob-mismatch': 'The date of birth does not match the details we have.',
  'name-mismatch': 'The name does not match the details we have.',
  'name-and-dob-mismatch': 'The name and date of birth do not match the details we have.',
  'critical-info-missing': 'Required information is missing from the document.',
  'old-address-on-id': 'The address on the document is not your current address.',
  'tampered-document': 'The document appears to have been altered.',
  other: 'The document could not be accepted.',
};

/** The standard message of a rejection reason. */
export function rejectionMessage(type: RejectionReasonType): string {
  return MESSAGES[type];
}

/**
 * The most specific reason among the failed checks, by how decisive the finding is: fraud first, then
 * age and validity, then identity mismatches, then unreadable or missing data.
 */
export function rejectionReasonFor(checks: CheckResult[]): { type: RejectionReasonType; message: string } {
  const failed = new Map(checks.filter((c) => c.failed).map((c) => [c.name, c]));
  const has = (name: CheckName) => failed.has(name);
  const nameFailed = has('firstName') || has('lastName');
  const dobFailed = has('dateOfBirth') || has('matchesDateOfBirth');
  const reasonOf = (name: CheckName) => failed.get(name)?.reason;
  let type: RejectionReasonType = 'other';
  if (has('isTampered') || has('dateIsInvalid')) type = 'tampered-document';
  else if (has('isPublishedOnline')) type = 'document-duplicate';
  else if (has('hasMinimalAge')) type = 'underage-person';
  else if (has('isIdentityDocument')) type = 'document-invalid';
  else if (has('expirationDate')) {
    const reason = reasonOf('expirationDate');
    if (reason === 'missing') type = 'expiration-date-missing';
    else if (reason === 'expired-after-upload') type = 'document-was-valid-but-expired';
    else type = 'document-expired';
  } else if (nameFailed && dobFailed) type = 'name-and-dob-mismatch';
  else if (nameFailed) type = 'name-mismatch';
  else if (dobFailed) type = 'dob-mismatch';
  else if (has('line1') || has('city') || has('postalCode') || has('region')) type = 'document-not-matching';
  else if (has('date')) type = 'document-expired';
  else if (has('mrzChecksum') || has('containsImage')) type = 'document-unreadable';
  else if (has('issueDate')) type = 'issue-date-missing';
  else if (has('documentSubtype')) {
    type = reasonOf('documentSubtype') === 'missing' ? 'subtype-missing' : 'document-invalid';
  } else if (has('hasMatchingFaceProof')) type = 'third-party-or-mismatch';
  else if (has('isPhotocopy')) type = 'document-not-matching';
  return { type, message: MESSAGES[type] };
}
