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
 * A second face with less than this share of its mesh inside the picture is a partial face cut by the
 * frame's edge (a neighbour half out of view), not another person facing the camera. A neighbour beside
 * the customer with most of the face in view (0.87–0.90 measured on the sample photos' liveness frames)
 * still counts.
 */
const MIN_IN_FRAME_SHARE = 0.8;

/**
 * Whether `other`, found in the same picture as the customer's `main` face, is another person: a face of
 * comparable size (not a small face in the background) that lies (almost) whole in the picture (not a
 * partial face cut by the frame's edge). The selfie gate and the liveness check count "several faces"
 * by this one rule.
 */
export function isAnotherPerson(
  main: Pick<DetectedFace, 'box'>,
  other: Pick<DetectedFace, 'box' | 'inFrameShare'>,
): boolean {
  return (
    other.box.width >= SECOND_FACE_SHARE * main.box.width && (other.inFrameShare ?? 1) >= MIN_IN_FRAME_SHARE
  );
}
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
  const [face, ...others] = faces;
  if (!face) return 'selfie-no-face';
  if (others.some((other) => isAnotherPerson(face, other))) return 'selfie-several-faces';
  if (face.quality.widthPx < MIN_FACE_WIDTH_PX || face.quality.relativeWidth < MIN_RELATIVE_WIDTH)
    return 'selfie-face-too-small';
  if (face.quality.brightness < MIN_BRIGHTNESS) return 'selfie-too-dark';
  if (Math.abs(face.pose.yaw) > MAX_YAW_DEG || Math.abs(face.pose.pitch) > MAX_PITCH_DEG)
    return 'selfie-turned-away';
  if (face.eyesOpen && (face.eyesOpen.left + face.eyesOpen.right) / 2 < MIN_EYES_OPEN)
    return 'selfie-eyes-closed';
  return null;
}
