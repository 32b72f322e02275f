/**
 * The gatherer link's token: a customer JWT bound to one KYC request. It expires with the request, carries
 * the request id, and its ACL allows only what the gatherer page needs.
 */
import type { Executor } from '../../db/database.ts';
import type { CustomerJwtRow, KycRequestRow } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import { issueCustomerJwt } from '../customer-auth/issue-customer-jwt.ts';
import { requestedDocuments } from './kyc-requests.repo.ts';

export const GATHERER_PERMISSIONS = [
  'StorefrontGetKycRequest',
  'StorefrontGetAccount',
  'StorefrontGetWebsite',
  'PostFile',
  'StorefrontPostKycDocument',
  'StorefrontGetKycDocument',
  'StorefrontPatchKycDocument',
  'StorefrontGetKycDocumentCollection',
  'StorefrontPostKycLivenessSession',
  'StorefrontGetKycLivenessSession',
  'StorefrontPostKycLivenessSessionFinish',
  'StorefrontPostKycLivenessSessionFrames',
];

export async function issueGathererToken(deps: Pick<Deps, 'jwt'>, db: Executor, request: KycRequestRow) {
  return issueCustomerJwt(deps, db, {
    organizationId: request.organizationId,
    customerId: request.customerId,
    acl: [{ scope: { organizationId: [request.organizationId] }, permissions: GATHERER_PERMISSIONS }],
    customClaims: {
      kycRequestId: request.id,
      documents: requestedDocuments(request).map((d) => d.type),
      redirectUrl: request.redirectUrl,
    },
    expiredTime: new Date(request.expirationTime),
    tokenClaims: gathererTokenClaims(request.id, request.redirectUrl),
  });
}

/**
 * Claims inside the gatherer token: the request, and the redirect URL as it was when the link was made —
 * the page needs it to send the customer back with `info=token_expired` when it can no longer call the API.
 */
function gathererTokenClaims(requestId: string, redirectUrl: string | null): Record<string, unknown> {
  return redirectUrl ? { kycRequestId: requestId, redirectUrl } : { kycRequestId: requestId };
}

/** The same token string again, from its row (signing is deterministic for fixed claims and times). */
export function signGathererToken(
  deps: Pick<Deps, 'jwt'>,
  jwtRow: CustomerJwtRow,
  requestId: string,
): Promise<string> {
  return deps.jwt.sign(
    { organizationId: jwtRow.organizationId, customerId: jwtRow.customerId, jwtId: jwtRow.id },
    new Date(jwtRow.expiredTime),
    gathererTokenClaims(requestId, redirectUrlOf(jwtRow)),
    new Date(jwtRow.createdTime),
  );
}

function redirectUrlOf(jwtRow: CustomerJwtRow): string | null {
  const claims = jwtRow.customClaims ? (JSON.parse(jwtRow.customClaims) as { redirectUrl?: unknown }) : {};
  return typeof claims.redirectUrl === 'string' ? claims.redirectUrl : null;
}

export function gathererUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/gatherer/?token=${encodeURIComponent(token)}`;
}
