/**
 * What a reviewer session may do, by role: an ACL of operationIds like an API key's (src/auth/acl.ts).
 * A reviewer works documents, requests, customers and their files; an admin also manages reviewers.
 * Neither can touch API keys, webhooks, settings writes or anything else a secret key alone may do.
 */
import type { Acl } from './acl.ts';

export const REVIEWER_ROLES = ['reviewer', 'admin'] as const;
export type ReviewerRole = (typeof REVIEWER_ROLES)[number];

const REVIEW_OPERATIONS = [
  'GetReviewerSession',
  'DeleteReviewerSession',
  'GetReviewQueue',
  'GetKycDocumentCollection',
  'GetKycDocument',
  'PutKycDocument',
  'PostKycDocumentAcceptance',
  'PostKycDocumentRejection',
  'PostKycDocumentReview',
  'PostKycDocumentStartReview',
  'PostKycDocumentStopReview',
  'PostKycDocumentMatches',
  'GetKycDocumentEvidence',
  'GetKycDocumentEvidenceArtifact',
  'GetKycDocumentReviewActions',
  'PostTagKycDocument',
  'DeleteTagKycDocument',
  'PostTagKycDocumentCollection',
  'DeleteTagKycDocumentCollection',
  'GetKycRequestCollection',
  'GetKycRequest',
  'GetCustomerCollection',
  'GetCustomer',
  'GetFileCollection',
  'GetFile',
  'GetFileDownload',
  'GetKycSettings',
  'GetEventCollection',
] as const;

const ADMIN_OPERATIONS = ['GetReviewerCollection', 'GetReviewer', 'PostReviewer', 'PatchReviewer'] as const;

export const ROLE_OPERATIONS: Record<ReviewerRole, readonly string[]> = {
  reviewer: REVIEW_OPERATIONS,
  admin: [...REVIEW_OPERATIONS, ...ADMIN_OPERATIONS],
};

/** Every operation some role may call (for the OpenAPI security of those routes). */
export const REVIEWER_OPERATIONS: ReadonlySet<string> = new Set(ROLE_OPERATIONS.admin);

export function reviewerAcl(organizationId: string, role: ReviewerRole): Acl {
  return [{ scope: { organizationId: [organizationId] }, permissions: [...ROLE_OPERATIONS[role]] }];
}
