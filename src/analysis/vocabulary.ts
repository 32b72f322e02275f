/** The Rebilly KYC vocabulary (spec §4–§5): document types, subtypes, statuses, checks, rejection reasons. */

export const DOCUMENT_TYPES = [
  'identity-proof',
  'address-proof',
  'funds-proof',
  'purchase-proof',
  'credit-file-proof',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** The types a customer can provide through the storefront (credit files come only from a bureau). */
export const STOREFRONT_DOCUMENT_TYPES = [
  'identity-proof',
  'address-proof',
  'funds-proof',
  'purchase-proof',
] as const;

export const DOCUMENT_SUBTYPES = [
  'passport',
  'id-card',
  'driver-license',
  'birth-certificate',
  'utility-bill',
  'rental-receipt',
  'lease-agreement',
  'copy-credit-card',
  'credit-card-statement',
  'bank-statement',
  'inheritance-documentation',
  'tax-return',
  'salary-slip',
  'sale-of-assets',
  'public-health-card',
  'proof-of-age-card',
  'reverse-of-id',
  'public-service',
  'ewallet-holder-details',
  'ewallet-transaction-statement',
  'marriage-certificate',
  'firearms-license',
  'insurance-letter',
  'income-statement',
  'debtors-letter',
  'other',
] as const;
export type DocumentSubtype = (typeof DOCUMENT_SUBTYPES)[number];

export const DOCUMENT_STATUSES = ['pending', 'in-progress', 'accepted', 'rejected', 'archived'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export const REQUEST_STATUSES = [
  'gathering',
  'attempted',
  'partial',
  'pending-review',
  'fulfilled',
  'failed',
  'abandoned',
  'expired',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const REJECTION_REASONS = [
  'document-unreadable',
  'document-expired',
  'document-was-valid-but-expired',
  'document-not-matching',
  'document-duplicate',
  'document-invalid',
  'document-not-open',
  'underage-person',
  'third-party-or-mismatch',
  'expiration-date-missing',
  'issue-date-missing',
  'subtype-missing',
  'dob-mismatch',
  'name-mismatch',
  'name-and-dob-mismatch',
  'critical-info-missing',
  'old-address-on-id',
  'tampered-document',
  'other',
] as const;
export type RejectionReasonType = (typeof REJECTION_REASONS)[number];

/**
 * Check names of `documentMatches.checkList`: Rebilly's enum plus three identity weights that have no
 * Rebilly check name (`nationality`, `isPhotocopy`, `mrzChecksum`) — a documented extension.
 */
export const CHECK_NAMES = [
  'city',
  'containsImage',
  'date',
  'dateIsInvalid',
  'dateOfBirth',
  'decision',
  'documentSubtype',
  'expirationDate',
  'firstName',
  'hasMatchingFaceProof',
  'hasMinimalAge',
  'isIdentityDocument',
  'isPublishedOnline',
  'isTampered',
  'issueDate',
  'lastName',
  'line1',
  'matchesDateOfBirth',
  'phone',
  'postalCode',
  'region',
  'nationality',
  'isPhotocopy',
  'mrzChecksum',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];
