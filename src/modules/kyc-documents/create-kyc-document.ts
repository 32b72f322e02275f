/**
 * Creating a KYC document, through the organization API (`POST /kyc-documents`, PUT-create) or the
 * storefront (`POST /storefront/kyc-documents`). In one transaction: the request is locked, linked and its
 * attempt counted, the files checked, the document written, its analysis job or manual review queued, the
 * `kyc-document-created` event recorded and the request re-evaluated.
 */
import type { DocumentType } from '../../analysis/vocabulary.ts';
import type { Executor } from '../../db/database.ts';
import type { KycDocumentRow, KycRequestRow } from '../../db/schema.ts';
import { AppError, invalidField } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { enqueue } from '../../queue/queue.ts';
import type { Deps } from '../deps.ts';
import { findCustomer } from '../customers/customers.repo.ts';
import { findFile } from '../files/files.repo.ts';
import { loadKycSettings } from '../kyc-settings/kyc-settings.repo.ts';
import { FINAL_STATUSES } from '../kyc-requests/request-status.ts';
import {
  lockKycRequest,
  openRequestsOfCustomer,
  requestedDocuments,
} from '../kyc-requests/kyc-requests.repo.ts';
import { afterDocumentChange, eventForStatus, recordDocumentEvent } from './document-lifecycle.ts';
import { consultCreditBureau } from './consult-credit-bureau.ts';
import { documentsOfRequest, insertKycDocument } from './kyc-documents.repo.ts';

export interface NewKycDocument {
  id?: string | undefined;
  documentType: DocumentType;
  documentSubtype?: string | null | undefined;
  fileIds: string[];
  reason?: string | null | undefined;
  notes?: string | null | undefined;
  matchLevel?: number | undefined;
}

export interface CreateKycDocumentContext {
  organizationId: string;
  customerId: string;
  /** `storefront`: a customer token made the call; its files must be the customer's own. */
  via: 'api' | 'storefront';
  /** The request the caller's token is bound to (gatherer links), if any. */
  boundRequestId?: string | undefined;
}

const IDENTITY_SIDE_TAGS = ['id-front', 'id-back', 'face-proof'];
const IDENTITY_MIMES = ['image/jpeg', 'image/png', 'application/pdf'];

function attemptsLeft(request: KycRequestRow, documentType: string, documents: KycDocumentRow[]): boolean {
  const spec = requestedDocuments(request).find((d) => d.type === documentType);
  if (!spec) return false;
  if (spec.maxAttempts === 0) return true;
  return documents.filter((d) => d.documentType === documentType).length < spec.maxAttempts;
}

/** The request the new document belongs to: the token's, or the customer's newest open one asking for it. */
async function resolveRequest(
  trx: Executor,
  context: CreateKycDocumentContext,
  input: NewKycDocument,
  now: Date,
): Promise<KycRequestRow | undefined> {
  if (context.boundRequestId) {
    const request = await lockKycRequest(trx, context.organizationId, context.boundRequestId);
    if (!request || request.customerId !== context.customerId)
      throw new AppError('not-found', 'KYC request not found');
    if (
      FINAL_STATUSES.includes(request.status as never) ||
      Date.parse(request.expirationTime) <= now.getTime()
    ) {
      throw new AppError(
        'validation-error',
        `This KYC request is ${Date.parse(request.expirationTime) <= now.getTime() ? 'expired' : request.status}; no more documents can be added`,
        {
          invalidFields: [{ field: 'documentType', message: 'the request no longer accepts documents' }],
        },
      );
    }
    const spec = requestedDocuments(request).find((d) => d.type === input.documentType);
    if (!spec) {
      throw invalidField('documentType', `this request does not ask for ${input.documentType}`);
    }
    if (input.documentSubtype && spec.subtypes && !spec.subtypes.includes(input.documentSubtype as never)) {
      throw invalidField('documentSubtype', `must be one of: ${spec.subtypes.join(', ')}`);
    }
    const documents = await documentsOfRequest(trx, context.organizationId, request.id);
    if (!attemptsLeft(request, input.documentType, documents)) {
      throw invalidField(
        'documentType',
        `no attempts left for ${input.documentType} (at most ${spec.maxAttempts})`,
      );
    }
    return request;
  }
  const candidates = await openRequestsOfCustomer(
    trx,
    context.organizationId,
    context.customerId,
    now.toISOString(),
  );
  for (const candidate of candidates) {
    if (!requestedDocuments(candidate).some((d) => d.type === input.documentType)) continue;
    const request = await lockKycRequest(trx, context.organizationId, candidate.id);
    if (!request) continue;
    const documents = await documentsOfRequest(trx, context.organizationId, request.id);
    if (attemptsLeft(request, input.documentType, documents)) return request;
  }
  return undefined;
}

/** An organization's upload that it attached to some other customer: uploaded for someone else. */
async function isAttachedToAnotherCustomer(
  trx: Executor,
  context: Pick<CreateKycDocumentContext, 'organizationId' | 'customerId'>,
  fileId: string,
): Promise<boolean> {
  const attachment = await trx
    .selectFrom('attachments')
    .select('id')
    .where('organizationId', '=', context.organizationId)
    .where('fileId', '=', fileId)
    .where('relatedType', '=', 'customer')
    .where('relatedId', '!=', context.customerId)
    .executeTakeFirst();
  return attachment !== undefined;
}

/** Files exist, belong to the customer, and (identity proofs) carry the side tags and an allowed format. */
export async function checkKycDocumentFiles(
  trx: Executor,
  context: Pick<CreateKycDocumentContext, 'organizationId' | 'customerId' | 'via'>,
  documentType: DocumentType,
  fileIds: string[],
): Promise<void> {
  let hasDocumentSide = false;
  for (const [index, fileId] of fileIds.entries()) {
    const field = `fileIds.${index}`;
    const file = await findFile(trx, context.organizationId, fileId);
    const owner = file?.customerId ?? null;
    const ownedHere =
      context.via === 'storefront'
        ? owner === context.customerId
        : owner === context.customerId ||
          (owner === null && !(await isAttachedToAnotherCustomer(trx, context, fileId)));
    if (!file || !ownedHere)
      throw invalidField(field, `file ${fileId} does not exist or belongs to someone else`);
    if (documentType !== 'identity-proof') continue;
    const tags = JSON.parse(file.tags) as string[];
    const side = tags.find((t) => IDENTITY_SIDE_TAGS.includes(t));
    if (!tags.includes('kyc') || !side) {
      throw invalidField(
        field,
        'identity-proof files need the tags "kyc" and one of id-front, id-back, face-proof',
      );
    }
    if (!IDENTITY_MIMES.includes(file.mime))
      throw invalidField(field, 'identity-proof files must be JPEG, PNG or PDF');
    if (side !== 'face-proof') hasDocumentSide = true;
  }
  if (documentType === 'identity-proof' && !hasDocumentSide) {
    throw invalidField('fileIds', 'an identity proof needs at least one file tagged id-front or id-back');
  }
  if (documentType !== 'credit-file-proof' && fileIds.length === 0) {
    throw invalidField('fileIds', 'at least one file is required');
  }
}

export async function createKycDocument(
  deps: Deps,
  context: CreateKycDocumentContext,
  input: NewKycDocument,
): Promise<KycDocumentRow> {
  const row = await deps.db.transaction((trx) => createKycDocumentIn(deps, trx, context, input));
  deps.wakeWorker();
  return row;
}

/** The same, inside the caller's transaction (a request creation adds its credit file this way). */
export async function createKycDocumentIn(
  deps: Deps,
  trx: Executor,
  context: CreateKycDocumentContext,
  input: NewKycDocument,
): Promise<KycDocumentRow> {
  const now = new Date();
  const customer = await findCustomer(trx, context.organizationId, context.customerId);
  if (!customer) throw invalidField('customerId', `customer ${context.customerId} does not exist`);
  const request = await resolveRequest(trx, context, input, now);
  await checkKycDocumentFiles(trx, context, input.documentType, input.fileIds);

  const analyzer = deps.analyzers.get(input.documentType);
  const document: KycDocumentRow = {
    organizationId: context.organizationId,
    id: input.id ?? newId('kyc_doc'),
    customerId: context.customerId,
    requestId: request?.id ?? null,
    documentType: input.documentType,
    documentSubtype: input.documentSubtype ?? null,
    status: 'pending',
    // Without an analyzer a person decides (funds and purchase proofs always; others until one exists).
    reviewRequired: analyzer ? 0 : 1,
    fileIds: JSON.stringify(input.fileIds),
    rejectionReason: null,
    processedTime: null,
    reviewerId: null,
    reviewerName: null,
    reviewStartTime: null,
    reviewTime: null,
    notes: input.notes ?? null,
    reason: input.reason ?? null,
    matchLevel: input.matchLevel ?? request?.matchLevel ?? 2,
    revision: 1,
    documentMatches: null,
    parsedData: null,
    settings: null,
    evidence: null,
    createdTime: now.toISOString(),
    updatedTime: now.toISOString(),
  };
  if (input.documentType === 'credit-file-proof') {
    const settings = await loadKycSettings(trx, context.organizationId);
    Object.assign(document, await consultCreditBureau(deps, customer, settings, now), {
      reviewRequired: 0,
    });
  }
  try {
    await insertKycDocument(trx, document);
  } catch (error) {
    if (deps.db.isUniqueViolation(error)) {
      throw new AppError('conflict', `KYC document ${document.id} already exists`, { cause: error });
    }
    throw error;
  }
  if (analyzer && document.status === 'pending') {
    await enqueue(
      trx,
      deps.jobs.analyzeKycDocument,
      { organizationId: document.organizationId, documentId: document.id },
      { jobKey: `analyze:${document.organizationId}:${document.id}` },
    );
  }
  if (document.status === 'accepted' || document.status === 'rejected') {
    // Decided on arrival (a credit file): announce the creation, then the decision and what follows it.
    await recordDocumentEvent(deps, trx, 'kyc-document-created', document);
    await afterDocumentChange(deps, trx, document, eventForStatus(document.status));
  } else {
    await afterDocumentChange(deps, trx, document, 'kyc-document-created');
  }
  return document;
}
