/** KYC document rows → the organization API shape and the reduced storefront shape (spec §5.2, §5.6). */
import type { Config } from '../../config.ts';
import type { KycDocumentRow, TagRow } from '../../db/schema.ts';
import { resourceUrl } from '../deps.ts';
import type {
  DocumentMatches,
  KycDocument,
  RejectionReason,
  StorefrontKycDocument,
} from './kyc-documents.schemas.ts';

const parse = <T>(json: string | null): T | null => (json === null ? null : (JSON.parse(json) as T));

export function presentKycDocument(
  config: Config,
  row: KycDocumentRow,
  embedded: { customer?: Record<string, unknown>; files?: Record<string, unknown>[] } = {},
  tags: TagRow[] = [],
): KycDocument {
  const document: KycDocument = {
    id: row.id,
    customerId: row.customerId,
    requestId: row.requestId,
    documentType: row.documentType as KycDocument['documentType'],
    documentSubtype: row.documentSubtype as KycDocument['documentSubtype'],
    status: row.status as KycDocument['status'],
    fileIds: JSON.parse(row.fileIds) as string[],
    rejectionReason: parse<RejectionReason>(row.rejectionReason),
    processedTime: row.processedTime,
    reviewerId: row.reviewerId,
    reviewerName: row.reviewerName,
    reviewStartTime: row.reviewStartTime,
    reviewTime: row.reviewTime,
    notes: row.notes,
    tags: tags.map((tag) => ({
      id: tag.id,
      name: tag.name,
      type: tag.type,
      createdTime: tag.createdTime,
      updatedTime: tag.updatedTime,
      _links: [
        {
          rel: 'self',
          href: resourceUrl(config, row.organizationId, `tags/${encodeURIComponent(tag.name)}`),
        },
      ],
    })),
    reason: row.reason,
    matchLevel: row.matchLevel as KycDocument['matchLevel'],
    revision: row.revision,
    documentMatches: parse<DocumentMatches>(row.documentMatches),
    parsedData: parse<Record<string, unknown>>(row.parsedData),
    settings: parse<Record<string, unknown>>(row.settings),
    createdTime: row.createdTime,
    updatedTime: row.updatedTime,
    _links: [
      { rel: 'self', href: resourceUrl(config, row.organizationId, `kyc-documents/${row.id}`) },
      { rel: 'customer', href: resourceUrl(config, row.organizationId, `customers/${row.customerId}`) },
    ],
  };
  if (embedded.customer || embedded.files) document._embedded = embedded;
  return document;
}

const STOREFRONT_DATA_KEYS: Record<string, { keys: string[]; emptyString: string[] }> = {
  'identity-proof': {
    keys: [
      'containsImage',
      'isIdentityDocument',
      'firstName',
      'lastName',
      'dateOfBirth',
      'expirationDate',
      'issueDate',
      'hasMinimalAge',
      'nationality',
      'issuanceCountry',
      'issuanceRegion',
      'documentNumber',
      'sex',
      'documentSubtype',
      'hasMatchingFaceProof',
      'hasCompletedFaceLiveness',
      'expiryDate',
    ],
    emptyString: ['firstName', 'lastName'],
  },
  'address-proof': {
    keys: [
      'firstName',
      'lastName',
      'line1',
      'city',
      'region',
      'postalCode',
      'phone',
      'wordCount',
      'uniqueWords',
      'date',
      'documentSubtype',
    ],
    emptyString: ['firstName', 'lastName', 'line1', 'city', 'region', 'postalCode', 'phone'],
  },
};

/** The storefront's `documentMatches`: version and data only (no score or checks), reduced per type. */
function storefrontMatches(row: KycDocumentRow): StorefrontKycDocument['documentMatches'] {
  const matches = parse<DocumentMatches>(row.documentMatches);
  if (!matches) return null;
  const spec = STOREFRONT_DATA_KEYS[row.documentType];
  if (!spec) return { version: matches.version, data: matches.data };
  const data: Record<string, unknown> = {};
  for (const key of spec.keys) {
    if (!(key in matches.data)) continue;
    const value = matches.data[key];
    data[key] = value === null && spec.emptyString.includes(key) ? '' : value;
  }
  return { version: matches.version, data };
}

/** The correction codes and messages the analysis stored in the evidence (nothing else of it leaves). */
function storefrontCorrections(row: KycDocumentRow): StorefrontKycDocument['corrections'] {
  if (row.status !== 'rejected' && row.status !== 'pending') return [];
  const evidence = parse<{ corrections?: unknown }>(row.evidence);
  if (!Array.isArray(evidence?.corrections)) return [];
  return evidence.corrections
    .filter(
      (c): c is { code: string; message: string } =>
        typeof (c as { code?: unknown }).code === 'string' &&
        typeof (c as { message?: unknown }).message === 'string',
    )
    .slice(0, 5)
    .map((c) => ({ code: c.code, message: c.message }));
}

export function presentStorefrontKycDocument(config: Config, row: KycDocumentRow): StorefrontKycDocument {
  return {
    id: row.id,
    fileIds: JSON.parse(row.fileIds) as string[],
    documentType: row.documentType as StorefrontKycDocument['documentType'],
    documentSubtype: row.documentSubtype as StorefrontKycDocument['documentSubtype'],
    status: row.status as StorefrontKycDocument['status'],
    rejectionReason: parse<RejectionReason>(row.rejectionReason),
    requestId: row.requestId,
    processedTime: row.processedTime,
    documentMatches: storefrontMatches(row),
    awaitingAnalysis: row.status === 'in-progress' || (row.status === 'pending' && row.reviewRequired === 0),
    corrections: storefrontCorrections(row),
    createdTime: row.createdTime,
    updatedTime: row.updatedTime,
    _links: [
      {
        rel: 'self',
        href: `${config.publicUrl}/storefront/organizations/${encodeURIComponent(row.organizationId)}/kyc-documents/${row.id}`,
      },
    ],
  };
}
