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
    tokenClaims: { kycRequestId: request.id },
  });
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
    { kycRequestId: requestId },
    new Date(jwtRow.createdTime),
  );
}

export function gathererUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/gatherer/?token=${encodeURIComponent(token)}`;
}
