/** Liveness session rows → the storefront shape (allowlisted: no frames, hashes or evidence). */
import { CORRECTIONS, type CorrectionCode } from '../../analysis/corrections.ts';
import type { LivenessStep } from '../../analysis/liveness/challenge.ts';
import type { Config } from '../../config.ts';
import type { KycLivenessSessionRow } from '../../db/schema.ts';
import { resourceUrl } from '../deps.ts';
import type { StorefrontKycLivenessSession } from './kyc-liveness-sessions.schemas.ts';

export function presentStorefrontLivenessSession(
  config: Config,
  row: KycLivenessSessionRow,
): StorefrontKycLivenessSession {
  const org = encodeURIComponent(row.organizationId);
  const code = row.failureCode as CorrectionCode | null;
  return {
    id: row.id,
    customerId: row.customerId,
    kycRequestId: row.kycRequestId,
    sessionId: row.id,
    status: row.status,
    referenceImage: row.referenceFileId
      ? resourceUrl(config, row.organizationId, `files/${row.referenceFileId}/download`)
      : null,
    createdTime: row.createdTime,
    updatedTime: row.updatedTime,
    challenge: {
      nonce: row.nonce,
      steps: JSON.parse(row.steps) as LivenessStep[],
      stepMs: row.stepMs,
      maxDurationMs: row.maxDurationMs,
      expiresTime: row.expiresTime,
    },
    failureReason:
      code && Object.hasOwn(CORRECTIONS, code) ? { code, message: CORRECTIONS[code].message } : null,
    _links: [
      {
        rel: 'self',
        href: `${config.publicUrl}/storefront/organizations/${org}/kyc-liveness-sessions/${row.id}`,
      },
      {
        rel: 'kycRequest',
        href: `${config.publicUrl}/storefront/organizations/${org}/kyc-requests/${row.kycRequestId}`,
      },
    ],
  };
}
