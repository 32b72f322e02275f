/**
 * Changing a document: the organization's PUT (notes, reason, subtype, files, match level) and the
 * storefront's PATCH (files and subtype, only while the document waits for analysis). New files are
 * checked like on creation, and a waiting document is analysed again.
 */
import type { KycDocumentRow } from '../../db/schema.ts';
import { AppError, invalidField, notFound } from '../../errors.ts';
import { enqueue } from '../../queue/queue.ts';
import type { DocumentType } from '../../analysis/vocabulary.ts';
import type { Deps } from '../deps.ts';
import { lockKycRequest, requestedDocuments } from '../kyc-requests/kyc-requests.repo.ts';
import { checkKycDocumentFiles } from './create-kyc-document.ts';
import { afterDocumentChange } from './document-lifecycle.ts';
import { findKycDocument, updateKycDocument } from './kyc-documents.repo.ts';
import { recordReviewAction, type Actor } from '../reviewers/reviewers.repo.ts';

export interface KycDocumentChanges {
  customerId?: string;
  documentType?: string;
  documentSubtype?: string | null;
  fileIds?: string[];
  notes?: string | null;
  reason?: string | null;
  matchLevel?: number;
}

export async function updateKycDocumentFields(
  deps: Deps,
  organizationId: string,
  id: string,
  input: KycDocumentChanges,
  via:
    | { kind: 'api'; actor?: Actor }
    | { kind: 'storefront'; customerId: string; boundRequestId?: string | undefined },
): Promise<KycDocumentRow> {
  const row = await deps.db.transaction(async (trx) => {
    const found = await findKycDocument(trx, organizationId, id);
    const visible =
      found &&
      (via.kind === 'api' ||
        (found.customerId === via.customerId &&
          (!via.boundRequestId || found.requestId === via.boundRequestId)));
    if (!found || !visible) throw notFound('KYC document');
    const request = found.requestId ? await lockKycRequest(trx, organizationId, found.requestId) : undefined;
    const current = (await findKycDocument(trx, organizationId, id))!;
    if (input.customerId !== undefined && input.customerId !== current.customerId) {
      throw invalidField('customerId', 'cannot be changed');
    }
    if (input.documentType !== undefined && input.documentType !== current.documentType) {
      throw invalidField('documentType', 'cannot be changed; create a new document');
    }
    if (via.kind === 'storefront' && current.status !== 'pending') {
      throw new AppError(
        'validation-error',
        `The document is ${current.status}; upload a new document instead`,
        {
          invalidFields: [{ field: 'status', message: `is ${current.status}` }],
        },
      );
    }
    // The customer picks among the subtypes the request allows, on a change as on creation.
    const allowed = request && requestedDocuments(request).find((d) => d.type === current.documentType);
    if (via.kind === 'storefront' && input.documentSubtype && allowed?.subtypes) {
      if (!allowed.subtypes.includes(input.documentSubtype as never)) {
        throw invalidField('documentSubtype', `must be one of: ${allowed.subtypes.join(', ')}`);
      }
    }
    const filesChanged =
      input.fileIds !== undefined &&
      input.fileIds.join() !== (JSON.parse(current.fileIds) as string[]).join();
    if (filesChanged) {
      await checkKycDocumentFiles(
        trx,
        {
          organizationId,
          customerId: current.customerId,
          via: via.kind,
        },
        current.documentType as DocumentType,
        input.fileIds!,
      );
    }
    // New files for a document still waiting: analyse it again (if its type has an analyzer).
    const reanalyze =
      filesChanged &&
      current.status === 'pending' &&
      deps.analyzers.has(current.documentType as DocumentType);
    const updated = await updateKycDocument(trx, current, {
      ...(input.documentSubtype !== undefined ? { documentSubtype: input.documentSubtype } : {}),
      ...(filesChanged ? { fileIds: JSON.stringify(input.fileIds) } : {}),
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
      ...(input.matchLevel !== undefined ? { matchLevel: input.matchLevel } : {}),
      ...(reanalyze ? { reviewRequired: 0 } : {}),
    });
    if (reanalyze) {
      const payload = { organizationId, documentId: id };
      await enqueue(trx, deps.jobs.analyzeKycDocument, payload, {
        jobKey: `analyze:${organizationId}:${id}`,
      });
    }
    await afterDocumentChange(deps, trx, updated, 'kyc-document-modified');
    if (via.kind === 'api' && via.actor && input.notes !== undefined && input.notes !== current.notes) {
      await recordReviewAction(trx, {
        organizationId,
        kycDocumentId: id,
        customerId: current.customerId,
        action: 'notes',
        actor: via.actor,
        detail: { notes: input.notes },
      });
    }
    return updated;
  });
  deps.wakeWorker();
  return row;
}
