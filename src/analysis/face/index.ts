export {
  cropPortrait,
  faceMatchThreshold,
  PORTRAIT_MARGIN,
  type DetectOptions,
  type DetectedFace,
  type Embedding,
  type FaceBox,
  type FaceEngine,
  type FaceGesture,
  type FacePose,
  type FaceQuality,
} from './face-engine.ts';
export { compareFaces, type FaceComparison } from './compare-faces.ts';
export {
  createHumanFaceEngine,
  embeddingSimilarity,
  HUMAN_FACE_MATCH_THRESHOLD,
  HUMAN_FACE_MATCH_THRESHOLDS,
  HumanFaceEngine,
  type HumanFaceEngineOptions,
} from './human-engine.ts';
