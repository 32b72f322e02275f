/**
 * Quality gates of a selfie (a `face-proof` file), before it is compared with the document portrait: each
 * failure is a correction code the gatherer shows, so the customer retakes the photo instead of being
 * told it is someone else. Thresholds are on the engine-neutral DetectedFace measures; the figures behind
 * them were measured on the face-api sample photos (docs/face.md).
 */
import type { DetectedFace } from './face-engine.ts';

export type SelfieIssue =
  | 'selfie-no-face'
  | 'selfie-several-faces'
  | 'selfie-face-too-small'
  | 'selfie-turned-away'
  | 'selfie-eyes-closed'
  | 'selfie-too-dark';

/** A second face at least this share of the first face's width is another person in the picture. */
const SECOND_FACE_SHARE = 0.5;
/**
 * Smallest face: 64 px wide, and 15 % of the image width (a selfie at arm's length is 25–45 %; a whole
 * document held up to the camera, or a face in a group photo, is less).
 */
const MIN_FACE_WIDTH_PX = 64;
const MIN_RELATIVE_WIDTH = 0.15;
/** Head turned or tilted further than this (degrees) is not a frontal selfie; sample faces reach 38°. */
const MAX_YAW_DEG = 30;
const MAX_PITCH_DEG = 30;
/** Mean eye openness below this: eyes closed (open eyes measured 0.21–0.45, eyes painted shut 0.10–0.17). */
const MIN_EYES_OPEN = 0.18;
/** Mean luminance of the face below this (0..255): too dark (sample faces in dim bars: 43–64). */
const MIN_BRIGHTNESS = 35;

/** The first gate `faces` (as detected in the selfie, score order) fails, or null when it is usable. */
export function selfieIssue(faces: readonly DetectedFace[]): SelfieIssue | null {
  const [face, second] = faces;
  if (!face) return 'selfie-no-face';
  if (second && second.box.width >= SECOND_FACE_SHARE * face.box.width) return 'selfie-several-faces';
  if (face.quality.widthPx < MIN_FACE_WIDTH_PX || face.quality.relativeWidth < MIN_RELATIVE_WIDTH)
    return 'selfie-face-too-small';
  if (face.quality.brightness < MIN_BRIGHTNESS) return 'selfie-too-dark';
  if (Math.abs(face.pose.yaw) > MAX_YAW_DEG || Math.abs(face.pose.pitch) > MAX_PITCH_DEG)
    return 'selfie-turned-away';
  if (face.eyesOpen && (face.eyesOpen.left + face.eyesOpen.right) / 2 < MIN_EYES_OPEN)
    return 'selfie-eyes-closed';
  return null;
}
