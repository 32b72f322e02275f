/**
 * The face engine contract: image bytes in, faces out (box, embedding, pose, quality and liveness hints).
 * The document stage (`containsImage`, portrait crop), the selfie match and the liveness check all use
 * this interface only, so the engine can be swapped (Human today, face-api or an ONNX model later) without
 * touching them. Everything here is engine-neutral: units are image pixels and degrees, gestures are our
 * own vocabulary, and similarity is on the engine's own 0..1 scale with its own `matchThreshold`.
 */
import sharp from 'sharp';

/** A face descriptor. Only comparable with descriptors from the same engine `name` and `version`. */
export type Embedding = Float32Array | readonly number[];

/** An axis-aligned rectangle in pixels of the auto-oriented (EXIF-applied) input image. */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Head pose in degrees. `yaw` 0 is facing the camera; `roll` is in-plane rotation (a document photographed
 * at 8° gives |roll| ≈ 8); `pitch` is nodding. Signs follow the engine (Human: see human-engine.ts).
 */
export interface FacePose {
  yaw: number;
  pitch: number;
  roll: number;
}

/** Cheap capture-quality measurements of the face region, for correction hints (too small, blurry, dark). */
export interface FaceQuality {
  /** Face box width in pixels of the original image. */
  widthPx: number;
  /** Face box height in pixels of the original image. */
  heightPx: number;
  /** Face box width as a share of the image width (0..1). */
  relativeWidth: number;
  /**
   * Variance of the Laplacian of the face region resampled to 128×128 greyscale. Higher is sharper;
   * a sharp selfie is in the hundreds, a strong blur (σ ≥ 3) falls below ~20.
   */
  sharpness: number;
  /** Mean luminance of the face region, 0 (black) .. 255 (white). */
  brightness: number;
}

/**
 * Engine-neutral gestures, for active liveness challenges. Left/right are as the engine reports them
 * (see the conventions in human-engine.ts).
 */
export type FaceGesture =
  | 'facing-left'
  | 'facing-right'
  | 'facing-center'
  | 'head-up'
  | 'head-down'
  | 'blink-left'
  | 'blink-right'
  | 'mouth-open'
  | 'looking-left'
  | 'looking-right'
  | 'looking-up'
  | 'looking-down'
  | 'looking-center';

export interface DetectedFace {
  /** In pixels of the original (auto-oriented) image, whatever resolution the engine worked at. */
  box: FaceBox;
  /** Detection confidence, 0..1. */
  score: number;
  embedding: Embedding;
  pose: FacePose;
  quality: FaceQuality;
  /** Passive anti-spoofing score, 0..1 (1 = real). A weak signal: see the engine's notes. */
  real?: number;
  /** Passive liveness score, 0..1 (1 = live). A weak signal: see the engine's notes. */
  live?: number;
  gestures?: FaceGesture[];
  /**
   * How far the mouth is open: the gap between the inner lips over the face height (forehead to chin),
   * measured on the mesh. A closed mouth is ≈ 0.01–0.03, a clearly open one ≥ 0.05.
   */
  mouthOpen?: number;
  /**
   * Eye openness, each eye's lid gap over the height of the eye region (the engine's blink measure): open
   * eyes ≈ 0.3–0.45, closed ≤ 0.15 (Human's own blink gesture fires below 0.2).
   */
  eyesOpen?: { left: number; right: number };
  /**
   * Share (0..1) of the face's mesh that lies inside the image: ≈ 1 for a whole face, less for a face
   * cut by the frame's edge (a neighbour half out of the picture). Absent when the engine has no mesh.
   */
  inFrameShare?: number;
}

export interface DetectOptions {
  /** Stop after this many faces, largest-confidence first. Default 10; a selfie check asks for 2. */
  maxFaces?: number;
  /**
   * Also look for faces that are small relative to the image — the portrait on an identity document is
   * ≈ 10–15 % of the page width. When the whole-image pass finds nothing, tiles of the image are searched
   * too. Costs up to a few hundred ms more on images without a face. Default false.
   */
  findSmallFaces?: boolean;
  /**
   * Compute the embedding and the passive anti-spoof scores. Default true. False keeps detection, pose,
   * mesh gestures and eye/mouth openness only (≈ 2–3× faster: liveness frames); `embedding` is then empty.
   */
  describe?: boolean;
  /**
   * Refine the eyes (Human: the iris model) so `eyesOpen` is precise enough for blinks and closed eyes.
   * Default true. False is ≈ 25 % cheaper per frame; `eyesOpen` is then coarse.
   */
  eyes?: boolean;
  /**
   * The passive anti-spoof and liveness scores (`real`, `live`): two more models per face. Default: as
   * `describe`. A document's portrait is a print by nature and needs neither.
   */
  antispoof?: boolean;
}

export interface DetectFramesOptions extends DetectOptions {
  /**
   * Longest side, in pixels, the frames are decoded to before the engine sees them (never upscaled).
   * Default: the engine's own bound.
   */
  maxSidePx?: number;
}

export interface FaceEngine {
  /** Engine id kept with evidence, e.g. `human`. */
  readonly name: string;
  /** Engine and model version; embeddings from different versions must not be compared. */
  readonly version: string;
  /** The calibrated same-person threshold on this engine's `similarity` scale. */
  readonly matchThreshold: number;
  /**
   * Calibrated thresholds per `matchLevel` (1 moderate, 2 strict, 3 basic — spec §4.6); `matchThreshold`
   * when absent. See `faceMatchThreshold`.
   */
  readonly matchThresholds?: Readonly<Record<1 | 2 | 3, number>>;
  /** Detects faces in an encoded image (JPEG, PNG, WebP, AVIF, TIFF). Faces are sorted by score. */
  detect(image: Buffer, options?: DetectOptions): Promise<DetectedFace[]>;
  /**
   * Faces in frames of one capture (one camera, one size), in time order: what `detect` would give for
   * each. An engine may follow a face from frame to frame instead of searching every frame afresh
   * (cheaper), as long as it searches afresh whenever it loses the face and regularly in between (so a
   * face that enters the picture is still seen). Absent: callers run `detect` per frame.
   */
  detectFrames?(images: readonly Buffer[], options?: DetectFramesOptions): Promise<DetectedFace[][]>;
  /** Similarity of two embeddings of this engine, 0 (different) .. 1 (identical). Pure and synchronous. */
  similarity(a: Embedding, b: Embedding): number;
  /** Frees the models. Later `detect` calls reject. */
  close(): Promise<void>;
}

/** Default margin around the face box for `cropPortrait`, as a share of the box size on each side. */
export const PORTRAIT_MARGIN = 0.3;

/**
 * Crops a face out of the original image (auto-oriented, as boxes are) with `margin` × box size added on
 * each side, clamped to the image, and encodes it as JPEG. Used as evidence and as the document portrait
 * for the face match.
 */
export async function cropPortrait(
  image: Buffer,
  face: Pick<DetectedFace, 'box'>,
  margin: number = PORTRAIT_MARGIN,
): Promise<Buffer> {
  const meta = await sharp(image).metadata();
  const width = meta.autoOrient.width;
  const height = meta.autoOrient.height;
  const { box } = face;
  const left = Math.max(0, Math.floor(box.x - box.width * margin));
  const top = Math.max(0, Math.floor(box.y - box.height * margin));
  const right = Math.min(width, Math.ceil(box.x + box.width * (1 + margin)));
  const bottom = Math.min(height, Math.ceil(box.y + box.height * (1 + margin)));
  if (right - left < 1 || bottom - top < 1) throw new RangeError('Face box lies outside the image');
  return sharp(image)
    .autoOrient()
    .extract({ left, top, width: right - left, height: bottom - top })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** The same-person threshold for a request's `matchLevel` (unknown levels get the engine's default). */
export function faceMatchThreshold(
  engine: Pick<FaceEngine, 'matchThreshold' | 'matchThresholds'>,
  matchLevel: number,
): number {
  const level = matchLevel as 1 | 2 | 3;
  return engine.matchThresholds?.[level] ?? engine.matchThreshold;
}
