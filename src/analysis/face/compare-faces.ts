/**
 * 1:1 face match on any FaceEngine. The threshold defaults to the engine's calibrated `matchThreshold`
 * (see HUMAN_FACE_MATCH_THRESHOLD for the figures); the face-match stage may pass a stricter or looser one
 * per `matchLevel` and must keep `similarity` and `threshold` as evidence.
 */
import type { DetectedFace, Embedding, FaceEngine } from './face-engine.ts';

export interface FaceComparison {
  /** 0..1 on the engine's scale. */
  similarity: number;
  matched: boolean;
  /** The threshold the decision used. */
  threshold: number;
}

export function compareFaces(
  engine: Pick<FaceEngine, 'similarity' | 'matchThreshold'>,
  a: Embedding | Pick<DetectedFace, 'embedding'>,
  b: Embedding | Pick<DetectedFace, 'embedding'>,
  options: { threshold?: number } = {},
): FaceComparison {
  const threshold = options.threshold ?? engine.matchThreshold;
  const similarity = engine.similarity(embeddingOf(a), embeddingOf(b));
  return { similarity, matched: similarity >= threshold, threshold };
}

function embeddingOf(value: Embedding | Pick<DetectedFace, 'embedding'>): Embedding {
  return 'embedding' in value ? value.embedding : value;
}
