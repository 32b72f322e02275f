/**
 * `POST /storefront/kyc-liveness-sessions/{id}/finish`: verifies the uploaded capture (src/analysis/
 * liveness/verify-liveness.ts) against the challenge and against the request's selfie and document
 * portrait, when they exist yet. A pending session becomes `succeeded` or `failed` (with a correction
 * code); any other status is returned as it is.
 *
 * On success the most frontal frame is kept as a File (`referenceImage`), and every identity proof of the
 * request gets `hasCompletedFaceLiveness: true` in its documentMatches — in the same
 * transaction as the session, with the document's event and the request's re-evaluation. An identity
 * proof analysed later compares its selfie with the reference image itself (the analysis job passes it).
 *
 * The verification runs outside any transaction (≈ 1–2 s of model time); the session row is updated only
 * if nobody changed it meanwhile.
 */
import sharp from 'sharp';

import { faceMatchThreshold } from '../../analysis/face/face-engine.ts';
import { verifyLiveness, type LivenessReference } from '../../analysis/liveness/verify-liveness.ts';
import type { LivenessStep } from '../../analysis/liveness/challenge.ts';
import type { Principal } from '../../auth/principal.ts';
import type { Executor } from '../../db/database.ts';
import type { KycLivenessSessionRow } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Deps } from '../deps.ts';
import { findFile } from '../files/files.repo.ts';
import { uploadFile } from '../files/upload-file.ts';
import { evidenceKey } from '../kyc-documents/analyze-kyc-document.ts';
import { afterDocumentChange } from '../kyc-documents/document-lifecycle.ts';
import { documentsOfRequest, updateKycDocument } from '../kyc-documents/kyc-documents.repo.ts';
import { findKycRequest } from '../kyc-requests/kyc-requests.repo.ts';
import { framesOf, updateLivenessSession } from './kyc-liveness-sessions.repo.ts';
import { visibleLivenessSession, type LivenessCaller } from './liveness-session-access.ts';

/** The request's identity proofs that still count (newest first). */
async function identityDocuments(db: Executor, organizationId: string, requestId: string) {
  const documents = await documentsOfRequest(db, organizationId, requestId);
  return documents.filter((d) => d.documentType === 'identity-proof' && d.status !== 'archived').reverse();
}

/** The newest selfie (`face-proof` file) and document portrait (analysis artifact) of the request. */
async function referencesOf(
  deps: Pick<Deps, 'db' | 'blobs'>,
  session: KycLivenessSessionRow,
): Promise<LivenessReference[]> {
  const db = deps.db.kysely;
  const references: LivenessReference[] = [];
  let selfie: Buffer | null = null;
  let portrait: Buffer | null = null;
  for (const document of await identityDocuments(db, session.organizationId, session.kycRequestId)) {
    for (const fileId of JSON.parse(document.fileIds) as string[]) {
      if (selfie) break;
      const file = await findFile(db, session.organizationId, fileId);
      if (file && (JSON.parse(file.tags) as string[]).includes('face-proof')) {
        selfie = await deps.blobs.get(file.storageKey);
      }
    }
    portrait ??= await deps.blobs.get(evidenceKey(session.organizationId, document.id, 'portrait.jpg'));
  }
  if (selfie) references.push({ label: 'selfie', image: selfie });
  if (portrait) references.push({ label: 'document-portrait', image: portrait });
  return references;
}

export async function finishKycLivenessSession(
  deps: Deps,
  caller: LivenessCaller,
  principal: Principal,
  id: string,
): Promise<KycLivenessSessionRow> {
  const db = deps.db.kysely;
  const session = await visibleLivenessSession(db, caller, id);
  if (session.status !== 'pending') return session;
  const engine = deps.faceEngine;
  if (!engine) {
    throw new AppError('unavailable', 'Liveness checks are not available: face analysis is turned off');
  }
  const request = await findKycRequest(db, session.organizationId, session.kycRequestId);
  const stored = framesOf(session);
  const frames = [];
  for (const frame of stored) {
    const bytes = await deps.blobs.get(frame.key);
    if (bytes) frames.push({ bytes, ms: frame.ms });
  }
  const verdict = await verifyLiveness(engine, {
    steps: JSON.parse(session.steps) as LivenessStep[],
    maxDurationMs: session.maxDurationMs,
    frames,
    references: await referencesOf(deps, session),
    matchThreshold: faceMatchThreshold(engine, request?.matchLevel ?? 2),
  });

  let referenceFileId: string | null = null;
  if (verdict.passed && verdict.referenceFrame !== null) {
    const jpeg = await sharp(frames[verdict.referenceFrame]!.bytes)
      .autoOrient()
      .jpeg({ quality: 90 })
      .toBuffer();
    const file = await uploadFile(deps, principal, {
      bytes: jpeg,
      filename: 'liveness-reference.jpg',
      metadata: { tags: ['kyc', 'liveness-reference'], description: `Liveness session ${session.id}` },
    });
    referenceFileId = file.id;
  }

  const finished = await deps.db.transaction(async (trx) => {
    const row = await updateLivenessSession(trx, session, {
      status: verdict.passed ? 'succeeded' : 'failed',
      failureCode: verdict.failure?.code ?? null,
      referenceFileId,
      evidence: JSON.stringify(verdict.evidence),
    });
    if (!row || !verdict.passed) return row;
    for (const document of await identityDocuments(trx, session.organizationId, session.kycRequestId)) {
      // A document not analysed yet (or waiting for a person) gets the flag alone; an analysis later keeps it.
      const matches = (
        document.documentMatches
          ? JSON.parse(document.documentMatches)
          : { version: '2.0', score: null, checkList: null, data: {} }
      ) as { data?: Record<string, unknown> };
      if (matches.data?.hasCompletedFaceLiveness === true) continue;
      const updated = await updateKycDocument(trx, document, {
        documentMatches: JSON.stringify({
          ...matches,
          data: { ...matches.data, hasCompletedFaceLiveness: true },
        }),
      });
      await afterDocumentChange(deps, trx, updated, 'kyc-document-modified');
    }
    return row;
  });
  if (!finished) {
    // Another call finished (or sent frames to) the session meanwhile: show what it left.
    return visibleLivenessSession(db, caller, id);
  }
  return finished;
}
