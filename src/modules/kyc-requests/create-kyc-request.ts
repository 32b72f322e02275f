/**
 * `POST /kyc-requests`: asks a customer for documents. In one transaction: the request, its gatherer token
 * and — when a credit file is asked for — the bureau's answer, which can fulfil the request at once.
 */
import type { CustomerJwtRow, KycRequestRow } from '../../db/schema.ts';
import { invalidField } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Deps } from '../deps.ts';
import { findCustomer } from '../customers/customers.repo.ts';
import { createKycDocumentIn } from '../kyc-documents/create-kyc-document.ts';
import { issueGathererToken } from './gatherer-token.ts';
import { findKycRequest, insertKycRequest } from './kyc-requests.repo.ts';
import type { KycRequestInput, RequestedDocument } from './kyc-requests.schemas.ts';

/** Requests expire 1 hour after creation unless told otherwise (Rebilly's default), at most after a year. */
export const DEFAULT_REQUEST_TTL_MS = 3_600_000;
const MAX_REQUEST_TTL_MS = 366 * 86_400_000;
export const DEFAULT_MAX_ATTEMPTS = 3;

export function normalizeRequestedDocuments(input: KycRequestInput['documents']): RequestedDocument[] {
  const seen = new Set<string>();
  return input.map((item, index) => {
    if (seen.has(item.type)) throw invalidField(`documents.${index}.type`, `${item.type} is asked for twice`);
    seen.add(item.type);
    return {
      type: item.type,
      subtypes: item.subtypes ?? null,
      maxAttempts: item.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      faceProofRequired: item.faceProofRequired ?? false,
      faceLivenessRequired: item.faceLivenessRequired ?? false,
    };
  });
}

export function checkExpirationTime(value: string | undefined, now: number): string {
  if (value === undefined) return new Date(now + DEFAULT_REQUEST_TTL_MS).toISOString();
  const time = Date.parse(value);
  if (time <= now) throw invalidField('expirationTime', 'must be in the future');
  if (time > now + MAX_REQUEST_TTL_MS) throw invalidField('expirationTime', 'must be within a year');
  return new Date(time).toISOString();
}

/** The new request, and its gatherer token's row (so the response needs no second lookup). */
export async function createKycRequest(
  deps: Deps,
  organizationId: string,
  input: KycRequestInput,
): Promise<{ request: KycRequestRow; gathererJwt: CustomerJwtRow }> {
  const now = Date.now();
  const documents = normalizeRequestedDocuments(input.documents);
  const expirationTime = checkExpirationTime(input.expirationTime, now);
  return deps.db.transaction(async (trx) => {
    const customer = await findCustomer(trx, organizationId, input.customerId);
    if (!customer) throw invalidField('customerId', `customer ${input.customerId} does not exist`);
    const row: KycRequestRow = {
      organizationId,
      id: newId('kyc_req'),
      customerId: customer.id,
      documents: JSON.stringify(documents),
      status: 'gathering',
      redirectUrl: input.redirectUrl ?? null,
      reason: input.reason ?? null,
      matchLevel: input.matchLevel ?? 2,
      revision: 1,
      expirationTime,
      gathererJwtId: null,
      createdTime: new Date(now).toISOString(),
      updatedTime: new Date(now).toISOString(),
    };
    const token = await issueGathererToken(deps, trx, row);
    row.gathererJwtId = token.row.id;
    await insertKycRequest(trx, row);
    if (!documents.some((d) => d.type === 'credit-file-proof'))
      return { request: row, gathererJwt: token.row };
    // The credit file is tried first: when it succeeds, identity and address proofs are not needed.
    await createKycDocumentIn(
      deps,
      trx,
      { organizationId, customerId: customer.id, via: 'api', boundRequestId: row.id },
      { documentType: 'credit-file-proof', fileIds: [] },
    );
    return { request: (await findKycRequest(trx, organizationId, row.id))!, gathererJwt: token.row };
  });
}
