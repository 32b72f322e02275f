/** KYC request rows → the organization API shape (with the gatherer link) and the storefront shape. */
import type { Executor } from '../../db/database.ts';
import type { CustomerJwtRow, KycDocumentRow, KycRequestRow } from '../../db/schema.ts';
import type { RequestStatus } from '../../analysis/vocabulary.ts';
import { resourceUrl, type Deps } from '../deps.ts';
import { presentKycDocument, presentStorefrontKycDocument } from '../kyc-documents/present-kyc-document.ts';
import { gathererUrl, signGathererToken } from './gatherer-token.ts';
import { requestedDocuments } from './kyc-requests.repo.ts';
import type { KycRequest, StorefrontKycRequest } from './kyc-requests.schemas.ts';

/**
 * The status to show: the stored one, or `expired`/`abandoned` once the expiration time has passed and
 * the sweep has not recorded it yet — a reader never sees a dead request as open.
 */
export function effectiveStatus(
  row: KycRequestRow,
  documentCount: number | undefined,
  now = Date.now(),
): RequestStatus {
  const status = row.status as RequestStatus;
  if (['fulfilled', 'failed', 'abandoned', 'expired'].includes(status)) return status;
  if (Date.parse(row.expirationTime) > now) return status;
  if (documentCount !== undefined) return documentCount > 0 ? 'abandoned' : 'expired';
  return status === 'gathering' ? 'expired' : 'abandoned';
}

/** `db` is the caller's transaction when there is one (SQLite has one connection: never wait on it). */
export async function presentKycRequest(
  deps: Pick<Deps, 'config' | 'jwt'>,
  db: Executor,
  row: KycRequestRow,
  documents?: KycDocumentRow[],
  /** The gatherer token's row when the caller has it at hand (a creation), saving a query. */
  gathererJwt?: CustomerJwtRow,
): Promise<KycRequest> {
  const { config } = deps;
  const self = resourceUrl(config, row.organizationId, `kyc-requests/${row.id}`);
  const links: KycRequest['_links'] = [
    { rel: 'self', href: self },
    {
      rel: 'documents',
      href: resourceUrl(config, row.organizationId, `kyc-documents?filter=requestId:${row.id}`),
    },
  ];
  if (row.gathererJwtId) {
    const jwtRow =
      gathererJwt?.id === row.gathererJwtId
        ? gathererJwt
        : await db
            .selectFrom('customerJwts')
            .selectAll()
            .where('organizationId', '=', row.organizationId)
            .where('id', '=', row.gathererJwtId)
            .executeTakeFirst();
    if (jwtRow && jwtRow.revokedTime === null) {
      const href = gathererUrl(config.publicUrl, await signGathererToken(deps, jwtRow, row.id));
      links.push({ rel: 'gatherer', href }, { rel: 'kycGatherer', href });
    }
  }
  const request: KycRequest = {
    id: row.id,
    customerId: row.customerId,
    documents: requestedDocuments(row),
    status: effectiveStatus(row, documents?.length),
    redirectUrl: row.redirectUrl,
    reason: row.reason,
    matchLevel: row.matchLevel as KycRequest['matchLevel'],
    revision: row.revision,
    expirationTime: row.expirationTime,
    createdTime: row.createdTime,
    updatedTime: row.updatedTime,
    _links: links,
  };
  if (documents) request._embedded = { documents: documents.map((d) => presentKycDocument(config, d)) };
  return request;
}

export function presentStorefrontKycRequest(
  deps: Pick<Deps, 'config'>,
  row: KycRequestRow,
  documents?: KycDocumentRow[],
): StorefrontKycRequest {
  const request: StorefrontKycRequest = {
    id: row.id,
    documents: requestedDocuments(row),
    status: effectiveStatus(row, documents?.length),
    redirectUrl: row.redirectUrl,
    expirationTime: row.expirationTime,
    createdTime: row.createdTime,
    updatedTime: row.updatedTime,
    _links: [
      {
        rel: 'self',
        href: `${deps.config.publicUrl}/storefront/organizations/${encodeURIComponent(row.organizationId)}/kyc-requests/${row.id}`,
      },
    ],
  };
  if (documents) {
    request._embedded = { documents: documents.map((d) => presentStorefrontKycDocument(deps.config, d)) };
  }
  return request;
}
