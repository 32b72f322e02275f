/**
 * The analysis job of one document: `pending` → `in-progress` → decided (accepted, rejected, or `pending`
 * for a person in the manual band). Idempotent: a rerun after a crash picks the document up where it is;
 * a document decided, archived or sent to review meanwhile is left alone. When the job is parked (its
 * attempts used up), the document goes to manual review — never lost, never stuck `in-progress`.
 */
import Type from 'typebox';
import { CORRECTIONS } from '../../analysis/corrections.ts';
import { decide } from '../../analysis/decide.ts';
import type { AnalyzerFile } from '../../analysis/analyzer.ts';
import type { DocumentSubtype, DocumentType } from '../../analysis/vocabulary.ts';
import type { Executor } from '../../db/database.ts';
import type { KycDocumentRow } from '../../db/schema.ts';
import { defineJob } from '../../queue/queue.ts';
import type { Deps } from '../deps.ts';
import { findCustomer } from '../customers/customers.repo.ts';
import { findFile } from '../files/files.repo.ts';
import { findKycRequest, lockKycRequest, requestedDocuments } from '../kyc-requests/kyc-requests.repo.ts';
import { loadKycSettings } from '../kyc-settings/kyc-settings.repo.ts';
import type { KycSettings } from '../kyc-settings/kyc-settings.schemas.ts';
import { analyzerCustomer } from './analyzer-customer.ts';
import { livenessCompletedFor } from '../kyc-liveness-sessions/liveness-for-document.ts';
import { afterDocumentChange, eventForStatus, recordDocumentEvent } from './document-lifecycle.ts';
import { applyDuplicates, findDuplicates, saveFingerprint } from './document-duplicates.ts';
import { findKycDocument, updateKycDocument } from './kyc-documents.repo.ts';

/** Where a document's evidence artifact is stored (never shown to clients; served by the evidence route). */
export function evidenceKey(organizationId: string, documentId: string, name: string): string {
  return `${organizationId}/evidence/${documentId}/${name}`;
}

export const AnalyzeKycDocumentPayload = Type.Object({
  organizationId: Type.String({ maxLength: 50 }),
  documentId: Type.String({ maxLength: 50 }),
});

/** Analysis is retried 3 times (10 s, 20 s apart at first), then left to a person. */
const ANALYSIS_MAX_ATTEMPTS = 3;

async function sendToReview(deps: Deps, trx: Executor, row: KycDocumentRow, why: string): Promise<void> {
  const updated = await updateKycDocument(trx, row, {
    status: 'pending',
    reviewRequired: 1,
    evidence: JSON.stringify({
      ...(row.evidence ? (JSON.parse(row.evidence) as object) : {}),
      analysisError: why,
    }),
  });
  await afterDocumentChange(deps, trx, updated, 'kyc-document-modified');
}

/** The part of the KYC settings that scores a document type. */
export function settingsFor(settings: KycSettings, type: DocumentType) {
  switch (type) {
    case 'address-proof':
      return settings.addressProof;
    case 'funds-proof':
      return settings.fundsProof;
    case 'purchase-proof':
      return settings.purchaseProof;
    default:
      return settings.identityProof;
  }
}

export function defineAnalyzeKycDocumentJob(deps: Deps) {
  return defineJob({
    name: 'kyc-document.analyze',
    payload: AnalyzeKycDocumentPayload,
    maxAttempts: ANALYSIS_MAX_ATTEMPTS,
    backoff: { baseMs: 10_000, maxMs: 300_000 },
    async handler({ organizationId, documentId }, ctx) {
      const started = await deps.db.transaction(async (trx) => {
        const row = await findKycDocument(trx, organizationId, documentId);
        if (!row || row.reviewRequired === 1 || (row.status !== 'pending' && row.status !== 'in-progress'))
          return null;
        if (row.status === 'in-progress') return row;
        const updated = await updateKycDocument(trx, row, { status: 'in-progress' });
        await recordDocumentEvent(deps, trx, 'kyc-document-modified', updated);
        return updated;
      });
      if (!started) return;

      const analyzer = deps.analyzers.get(started.documentType as DocumentType);
      if (!analyzer) {
        await deps.db.transaction((trx) =>
          sendToReview(deps, trx, started, 'no analyzer for this document type'),
        );
        return;
      }
      const db = deps.db.kysely;
      const customer = await findCustomer(db, organizationId, started.customerId);
      if (!customer) throw new Error('the document’s customer is gone');
      const settings = await loadKycSettings(db, organizationId);
      const request = started.requestId
        ? await findKycRequest(db, organizationId, started.requestId)
        : undefined;
      const spec = request
        ? requestedDocuments(request).find((d) => d.type === started.documentType)
        : undefined;
      const files: AnalyzerFile[] = [];
      for (const fileId of JSON.parse(started.fileIds) as string[]) {
        const file = await findFile(db, organizationId, fileId);
        const bytes = file ? await deps.blobs.get(file.storageKey) : null;
        if (!file || !bytes) continue;
        files.push({ id: file.id, mime: file.mime, tags: JSON.parse(file.tags) as string[], bytes });
      }
      const typeSettings = settingsFor(settings, started.documentType as DocumentType);
      const analysis = await analyzer.analyze({
        documentType: started.documentType as DocumentType,
        documentSubtype: started.documentSubtype as DocumentSubtype | null,
        matchLevel: started.matchLevel,
        files,
        customer: analyzerCustomer(customer),
        settings: typeSettings,
        requirements: {
          faceProofRequired: spec?.faceProofRequired ?? false,
          faceLivenessRequired: spec?.faceLivenessRequired ?? false,
          subtypes: spec?.subtypes ?? null,
        },
        signal: ctx.signal,
      });
      if (ctx.signal.aborted) return;
      // A liveness session of the request that succeeded (before or during this analysis) counts when
      // its reference image is the person of this document's selfie.
      if (started.documentType === 'identity-proof' && 'hasCompletedFaceLiveness' in analysis.data) {
        const portrait = analysis.artifacts?.find((a) => a.name === 'portrait.jpg')?.bytes ?? null;
        analysis.data.hasCompletedFaceLiveness = await livenessCompletedFor(deps, started, files, portrait);
      }

      const duplicates = analysis.fingerprint
        ? await findDuplicates(db, organizationId, started.customerId, documentId, analysis.fingerprint)
        : null;
      const scored = decide(
        analysis.findings,
        typeSettings.weights,
        typeSettings.thresholds,
        analysis.rejectionReason,
        analysis.retakeReason,
      );
      const decided = duplicates ? applyDuplicates(scored, duplicates) : scored;
      // Proofs of funds and purchase go to a person unless the organization lets the score decide them.
      const decision =
        'automaticDecision' in typeSettings && !typeSettings.automaticDecision
          ? { ...decided, status: 'pending' as const, rejectionReason: null }
          : decided;
      const corrections = [...(analysis.corrections ?? [])];
      if (
        duplicates?.reason === 'same-document-number' &&
        decision.rejectionReason?.type === 'document-duplicate'
      )
        corrections.unshift({
          code: 'document-duplicate',
          message: CORRECTIONS['document-duplicate'].message,
        });
      // Artifacts (crops for reviewers) are written before the decision commits; a rerun overwrites them.
      const artifacts = [];
      for (const artifact of analysis.artifacts ?? []) {
        const key = evidenceKey(organizationId, documentId, artifact.name);
        await deps.blobs.put(key, artifact.bytes);
        artifacts.push({ name: artifact.name, mime: artifact.mime, size: artifact.bytes.length });
      }
      const evidence = {
        ...analysis.evidence,
        corrections,
        artifacts,
        ...(duplicates?.detected
          ? {
              duplicates: {
                reason: duplicates.reason,
                customerIds: duplicates.customerIds,
                documentIds: duplicates.documentIds,
              },
            }
          : {}),
      };
      await deps.db.transaction(async (trx) => {
        if (started.requestId) await lockKycRequest(trx, organizationId, started.requestId);
        const current = await findKycDocument(trx, organizationId, documentId);
        if (!current || current.status !== 'in-progress') return;
        const updated = await updateKycDocument(trx, current, {
          status: decision.status,
          reviewRequired: decision.status === 'pending' ? 1 : 0,
          rejectionReason: decision.rejectionReason ? JSON.stringify(decision.rejectionReason) : null,
          processedTime: new Date().toISOString(),
          documentMatches: JSON.stringify({
            version: '2.0',
            score: decision.score,
            checkList: decision.checkList,
            data: analysis.data,
          }),
          parsedData: JSON.stringify(analysis.parsedData),
          settings: JSON.stringify(typeSettings),
          evidence: JSON.stringify(evidence),
        });
        // A document rejected as someone else's does not claim its number: the first holder keeps it.
        if (analysis.fingerprint && decision.rejectionReason?.type !== 'document-duplicate')
          await saveFingerprint(trx, organizationId, started.customerId, documentId, analysis.fingerprint);
        await afterDocumentChange(deps, trx, updated, eventForStatus(updated.status));
      });
    },
    async onParked({ organizationId, documentId }, lastError, executor) {
      const row = await findKycDocument(executor, organizationId, documentId);
      if (!row || (row.status !== 'pending' && row.status !== 'in-progress') || row.reviewRequired === 1)
        return;
      await sendToReview(deps, executor, row, `analysis failed: ${lastError.slice(0, 500)}`);
    },
  });
}
