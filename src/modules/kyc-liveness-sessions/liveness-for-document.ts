/**
 * `hasCompletedFaceLiveness` for an identity proof analysed after its request's liveness session
 * succeeded: the session's reference image must show the same person as the document's selfie (or, without
 * a selfie, its portrait) at the request's match level. Called by the analysis job.
 */
import { faceMatchThreshold } from '../../analysis/face/face-engine.ts';
import type { AnalyzerFile } from '../../analysis/analyzer.ts';
import type { Deps } from '../deps.ts';
import { findFile } from '../files/files.repo.ts';

export async function livenessCompletedFor(
  deps: Pick<Deps, 'db' | 'blobs' | 'faceEngine'>,
  document: { organizationId: string; requestId: string | null; matchLevel: number },
  files: AnalyzerFile[],
  portrait: Buffer | null,
): Promise<boolean> {
  const engine = deps.faceEngine;
  if (!engine || !document.requestId) return false;
  const session = await deps.db.kysely
    .selectFrom('kycLivenessSessions')
    .select('referenceFileId')
    .where('organizationId', '=', document.organizationId)
    .where('kycRequestId', '=', document.requestId)
    .where('status', '=', 'succeeded')
    .orderBy('updatedTime', 'desc')
    .executeTakeFirst();
  if (!session?.referenceFileId) return false;
  const file = await findFile(deps.db.kysely, document.organizationId, session.referenceFileId);
  const reference = file ? await deps.blobs.get(file.storageKey) : null;
  const other = files.find((f) => f.tags.includes('face-proof'))?.bytes ?? portrait;
  if (!reference || !other) return false;
  const [live] = await engine.detect(reference, { maxFaces: 1 });
  const [known] = await engine.detect(other, {
    maxFaces: 1,
    findSmallFaces: !files.some((f) => f.tags.includes('face-proof')),
  });
  if (!live || !known) return false;
  return (
    engine.similarity(live.embedding, known.embedding) >= faceMatchThreshold(engine, document.matchLevel)
  );
}
