/**
 * FaceEngine on @vladmandic/human 3.3 with the tfjs wasm backend, fully offline: models and the wasm
 * binaries come from node_modules, nothing is fetched at run time (a test runs it under `unshare -n`).
 *
 * Models per face: BlazeFace (detection, 256 px input over the whole image), FaceMesh + iris (pose,
 * gestures), FaceRes (1024-d embedding), antispoof and liveness (tiny single-frame scores). Emotion, body,
 * hand, object and segmentation are off: the liveness challenges need pose and gestures only.
 *
 * Conventions (measured): pose angles are Human's radians converted to degrees; mirroring a face flips the
 * sign of `yaw` (+10° → −10°); a card photographed at 8° gives |roll| ≈ 7–8°. `facing-left/right` are
 * Human's mesh-depth gestures (eye-corner depth). On warped portraits (liveness fixtures), moving the nose
 * towards the image's left — the subject turning to their own right in an unmirrored frame — raised `yaw`
 * and gave `facing right`; not yet confirmed on a real head-turn clip.
 * `real`/`live` did not separate genuine photos from a simulated print in the notes (§3): weak signals.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import {
  cropRgb,
  decodeRegion,
  measureRegion,
  orientedSize,
  type DecodedRegion,
  type ImageSize,
} from './decode-image.ts';
import type {
  DetectFramesOptions,
  DetectOptions,
  DetectedFace,
  Embedding,
  FaceBox,
  FaceEngine,
  FaceGesture,
} from './face-engine.ts';
import {
  installFileFetchShim,
  loadHumanModule,
  resolveHumanPaths,
  type HumanConfig,
  type HumanInstance,
  type HumanResult,
} from './human-runtime.ts';

/**
 * Same-person threshold on `similarity` (Human's FaceRes scale, 0..1; it saturates at 1 for distances
 * ≤ 0.2). Measured 2026-11-22 by `npx tsx src/analysis/face/calibrate.ts` on the six face-api sample photos
 * (22 faces, 1920 px, whole-image pass at 1280 px):
 *
 *   different people, every pair of originals (231):      median 0.317, p99 0.635, max 0.748
 *   different people, each variant vs the 21 others (2730): median 0.295, p99 0.631, max 0.826
 *   same face, original vs its synthetic variant (22 each):  min / median
 *     crop 0.705 / 0.954 · half-scale 1.000 / 1.000 · grey JPEG-q40 "ID print" 0.599 / 0.816
 *     mirror 0.706 / 0.855 · rotated 12° 0.691 / 0.923
 *     portrait at 12 % of a card rotated 8° (small-face search) 0.543 / 0.925
 *     not detected: the print and the 12° rotation of one profile face (yaw 38°)
 *
 *   threshold  false match (of 2961)  false non-match (of 132, misses included)
 *   0.60       59 (1.99 %)            5 (3.8 %)
 *   0.65       20 (0.68 %)            6 (4.5 %)
 *   0.70        9 (0.30 %)            7 (5.3 %)
 *   0.75        5 (0.17 %)           13 (9.8 %)
 *   0.80        1 (0.03 %)           21 (15.9 %)
 *
 * 0.70: false matches 0.3 % for false non-matches 5.3 % (3.9 % without the two detection misses) — the
 * issue-5 goal (≤ 1 % / ≤ 5 %) is met at 0.65–0.70 on this set. The false non-matches are the off-pose
 * faces (yaw 30–40°) in their hardest variants, which a selfie quality gate rejects anyway. Party photos
 * of similar-looking people are not ID data: recalibrate per `matchLevel` on genuine ID-vs-selfie pairs
 * from the fixtures (issue 5) before quoting rates.
 */
export const HUMAN_FACE_MATCH_THRESHOLD = 0.7;

/**
 * Per `matchLevel` (1 moderate, 2 strict, 3 basic), chosen on the two sets of `npm run bench:face`
 * (docs/face.md has the rates). At 0.70 the false non-matches were 5.0 % (ID vs selfie) and 5.3 % (sample
 * variants) for 0 % and 0.30 % false matches; 0.67 keeps false matches well under 1 % on both and brings
 * false non-matches within the 5 % goal. Level 1 and 3 trade more false matches for fewer retakes.
 * Calibrated and evaluated on the same small synthetic set: re-measure on real consented data.
 */
export const HUMAN_FACE_MATCH_THRESHOLDS: Readonly<Record<1 | 2 | 3, number>> = { 1: 0.64, 2: 0.67, 3: 0.6 };

/** Longest side of the image fed to the whole-image pass; BlazeFace sees 256 px anyway. */
const MAX_INPUT_SIDE_PX = 1280;
/** Longest side of the higher-resolution decode that the small-face tiles are cut from. */
const DETAIL_SIDE_PX = 2560;
/** Faces narrower than this (in decoded pixels) are re-detected from the original at more pixels. */
const REFINE_BELOW_PX = 160;
/** Longest side of the region (3 × the face box) decoded to refine a small face. */
const REFINE_REGION_SIDE_PX = 640;
/** Detector + mesh confidence below which a face is dropped (text and card edges score below 0.3). */
const MIN_FACE_SCORE = 0.5;
const DEFAULT_MAX_FACES = 10;
/**
 * `detectFrames` runs the detector on every this-many frames and, in between, only the mesh on the box
 * the previous frame's mesh gave (Human's video mode). The detector (BlazeFace with rotation correction)
 * is about half of a describe-less frame: measured 2026-11-22 on 480×640 liveness frames, 105–115 ms CPU
 * a frame with it, 60–65 ms without. Every third frame keeps a face entering the picture seen within
 * ≈ 0.3 s at 10 fps; a frame whose followed face is lost is searched afresh at once.
 */
const REDETECT_EVERY_FRAMES = 3;
/**
 * A followed frame whose face moved more than this from the previous frame is analysed afresh: the mesh
 * on the previous frame's box misreads the first frame of a new pose — measured on synthetic captures,
 * yaw off by up to 8.6° and mouth openness by up to 0.037 there, against ≤ 1.1° and ≤ 0.02 while the pose
 * holds (the frame-to-frame noise of fresh detection).
 */
const FOLLOW_MAX_TURN_DEG = 3;
const FOLLOW_MAX_SHIFT_SHARE = 0.08;

const RAD_TO_DEG = 180 / Math.PI;

export interface HumanFaceEngineOptions {
  /** Longest side, in pixels, of the image the whole-image pass works on. Default 1280. */
  maxInputSidePx?: number;
}

/** What a pass computes besides detection, pose and mesh (DetectOptions `describe`, `eyes` and `antispoof`). */
interface Work {
  describe: boolean;
  eyes: boolean;
  antispoof: boolean;
}

function workOf(options: DetectOptions): Work {
  const describe = options.describe ?? true;
  return { describe, eyes: options.eyes ?? true, antispoof: options.antispoof ?? describe };
}

interface InternalFace extends DetectedFace {
  /** Box in pixels of the decoded region the face was found in (for refinement decisions). */
  decodedWidth: number;
  regionScale: number;
}

function humanConfig(paths: ReturnType<typeof resolveHumanPaths>): HumanConfig {
  const noCache = { skipFrames: 0, skipTime: 0 };
  return {
    backend: 'wasm',
    wasmPath: paths.wasmPath,
    modelBasePath: paths.modelBaseUrl,
    debug: false,
    warmup: 'none',
    // Still images, not video: never reuse a previous call's result.
    cacheSensitivity: 0,
    filter: { enabled: false },
    gesture: { enabled: true },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    segmentation: { enabled: false },
    face: {
      enabled: true,
      detector: {
        rotation: true,
        maxDetected: DEFAULT_MAX_FACES,
        minConfidence: 0.2,
        return: false,
        ...noCache,
      },
      mesh: { enabled: true },
      iris: { enabled: true },
      attention: { enabled: false },
      description: { enabled: true, ...noCache },
      emotion: { enabled: false },
      antispoof: { enabled: true, ...noCache },
      liveness: { enabled: true, ...noCache },
      gear: { enabled: false },
    },
  };
}

const GESTURES: Record<string, FaceGesture> = {
  'facing left': 'facing-left',
  'facing right': 'facing-right',
  'facing center': 'facing-center',
  'head up': 'head-up',
  'head down': 'head-down',
  'blink left eye': 'blink-left',
  'blink right eye': 'blink-right',
  'looking left': 'looking-left',
  'looking right': 'looking-right',
  'looking up': 'looking-up',
  'looking down': 'looking-down',
  'looking center': 'looking-center',
};

function gesturesOf(result: HumanResult, index: number): { gestures: FaceGesture[]; mouthOpen: number } {
  const gestures = new Set<FaceGesture>();
  let mouthOpen = 0;
  for (const { face, iris, gesture } of result.gesture) {
    // Iris gestures: only gaze. Its own "facing center" (from iris shape) contradicts the mesh-based one.
    if (face !== index && !(iris === index && gesture.startsWith('looking '))) continue;
    const mouth = /^mouth (\d+)% open$/.exec(gesture);
    if (mouth) {
      mouthOpen = Number(mouth[1]) / 100;
      gestures.add('mouth-open');
      continue;
    }
    const known = GESTURES[gesture];
    if (known) gestures.add(known);
  }
  return { gestures: [...gestures], mouthOpen };
}

type Mesh = NonNullable<HumanResult['face'][number]['mesh']>;

const verticalGap = (mesh: Mesh, a: number, b: number) => Math.abs(mesh[a]![1] - mesh[b]![1]);

/**
 * Human's blink measure, kept continuous: each eye's lid gap (mesh 386/374 left, 159/145 right) over the
 * height of the eye region around it (443/450, 223/230). With the iris model on, open eyes measured
 * 0.31–0.45 and eyes painted shut 0.11–0.14 on the sample faces.
 */
function eyeOpenness(mesh: Mesh): { left: number; right: number } {
  const ratio = (lid: [number, number], region: [number, number]) =>
    verticalGap(mesh, ...lid) / Math.max(1e-6, verticalGap(mesh, ...region));
  return { left: ratio([374, 386], [443, 450]), right: ratio([145, 159], [223, 230]) };
}

/** Inner-lip gap (13/14) over the face height (10 forehead, 152 chin). */
function mouthOpenness(mesh: Mesh): number {
  return verticalGap(mesh, 13, 14) / Math.max(1e-6, verticalGap(mesh, 10, 152));
}

/** Share of the mesh points inside the original image (region pixels mapped back). */
function inFrameShare(mesh: Mesh, region: DecodedRegion, size: ImageSize): number {
  let inside = 0;
  for (const [px, py] of mesh) {
    const x = region.offsetX + px * region.scale;
    const y = region.offsetY + py * region.scale;
    if (x >= 0 && y >= 0 && x <= size.width && y <= size.height) inside++;
  }
  return mesh.length === 0 ? 1 : inside / mesh.length;
}

function overlaps(a: FaceBox, b: FaceBox): boolean {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const intersection = ix * iy;
  const smaller = Math.min(a.width * a.height, b.width * b.height);
  return intersection > 0.3 * smaller;
}

/** Keeps the best-scoring face of each group of overlapping boxes (tiles overlap). */
function dedupe<T extends DetectedFace>(faces: T[]): T[] {
  const kept: T[] = [];
  for (const face of [...faces].sort((a, b) => b.score - a.score)) {
    if (!kept.some((other) => overlaps(other.box, face.box))) kept.push(face);
  }
  return kept;
}

interface Tile {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Square tiles of 0.6 × the shorter side, evenly spread with at least a third of overlap (so a face up to
 * 0.2 × the shorter side lies whole in some tile; 6 tiles for a 4:3 image), grouped in columns from the left, where portraits usually are. A portrait at 12 %
 * of a card that fills the frame is then ~13 % of a tile, ~33 px at BlazeFace's 256 px input.
 */
function tileColumns(width: number, height: number): Tile[][] {
  const side = Math.min(Math.max(256, Math.round(Math.min(width, height) * 0.6)), width, height);
  const starts = (length: number): number[] => {
    const count = Math.ceil((length - side) / ((side * 2) / 3)) + 1;
    if (count === 1) return [0];
    return Array.from({ length: count }, (_, i) => Math.round((i * (length - side)) / (count - 1)));
  };
  return starts(width).map((left) => starts(height).map((top) => ({ left, top, width: side, height: side })));
}

export class HumanFaceEngine implements FaceEngine {
  readonly name = 'human';
  readonly version: string;
  readonly matchThreshold = HUMAN_FACE_MATCH_THRESHOLD;
  readonly matchThresholds = HUMAN_FACE_MATCH_THRESHOLDS;
  private readonly paths = resolveHumanPaths();
  private readonly maxInputSidePx: number;
  private loading: Promise<HumanInstance> | undefined;
  /** Human keeps per-call state and the wasm backend is single-threaded: calls run one at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(options: HumanFaceEngineOptions = {}) {
    this.maxInputSidePx = options.maxInputSidePx ?? MAX_INPUT_SIDE_PX;
    const pkg = JSON.parse(readFileSync(path.join(this.paths.humanDir, 'package.json'), 'utf8')) as {
      version: string;
    };
    this.version = `${pkg.version}+faceres`;
  }

  /** Loads the models once; concurrent callers share the same promise; a failed load is retried later. */
  load(): Promise<HumanInstance> {
    if (this.closed) return Promise.reject(new Error('Face engine is closed'));
    this.loading ??= this.createHuman().catch((error: unknown) => {
      this.loading = undefined;
      throw new Error('Could not load the Human face models', { cause: error });
    });
    return this.loading;
  }

  private async createHuman(): Promise<HumanInstance> {
    installFileFetchShim(path.join(this.paths.humanDir, 'models'));
    const { Human } = loadHumanModule(this.paths);
    const human = new Human(humanConfig(this.paths));
    await human.load();
    await human.tf.ready();
    if (human.tf.getBackend() !== 'wasm')
      throw new Error(`Expected the wasm backend, got ${human.tf.getBackend()}`);
    return human;
  }

  /** Number of live tensors in the shared tfjs engine (models included); for leak tests. */
  async tensorCount(): Promise<number> {
    return (await this.load()).tf.memory().numTensors;
  }

  async detect(image: Buffer, options: DetectOptions = {}): Promise<DetectedFace[]> {
    const human = await this.load();
    const maxFaces = options.maxFaces ?? DEFAULT_MAX_FACES;
    const work = workOf(options);
    const size = await orientedSize(image);
    const whole = await decodeRegion(image, this.maxInputSidePx, undefined, size);
    let faces = await this.run(human, whole, size, maxFaces, work);
    if (faces.length === 0 && options.findSmallFaces) {
      faces = await this.searchTiles(human, image, size, maxFaces, work);
    }
    const refined: InternalFace[] = [];
    for (const face of faces) refined.push(await this.refine(human, image, size, face, work));
    return refined.slice(0, maxFaces).map(toDetectedFace);
  }

  /**
   * Frames of one capture, decoded once (at most `maxSidePx`), then analysed in order under one hold of
   * the engine: the detector on the first frame and every REDETECT_EVERY_FRAMES-th, the mesh alone on
   * the boxes of the previous frame in between, and the detector again on a frame where the followed
   * face was lost. No small-face search and no refinement: frames of a capture have the face large.
   */
  async detectFrames(
    images: readonly Buffer[],
    options: DetectFramesOptions = {},
  ): Promise<DetectedFace[][]> {
    const human = await this.load();
    const maxFaces = options.maxFaces ?? DEFAULT_MAX_FACES;
    const work = workOf(options);
    const maxSide = Math.min(options.maxSidePx ?? this.maxInputSidePx, this.maxInputSidePx);
    const decoded: { size: ImageSize; region: DecodedRegion }[] = [];
    for (const image of images) {
      const size = await orientedSize(image);
      decoded.push({ size, region: await decodeRegion(image, maxSide, undefined, size) });
    }
    return this.exclusive(async () => {
      const results: DetectedFace[][] = [];
      let sinceDetector = Number.POSITIVE_INFINITY;
      let previousShape = '';
      let previous: InternalFace | undefined;
      for (const { size, region } of decoded) {
        const shape = `${region.width}x${region.height}`;
        const follow = sinceDetector < REDETECT_EVERY_FRAMES && shape === previousShape;
        let faces = await this.pass(human, region, size, maxFaces, work, follow);
        if (follow && (faces.length === 0 || movedFrom(previous, largest(faces)))) {
          faces = await this.pass(human, region, size, maxFaces, work, false);
          sinceDetector = 1;
        } else {
          sinceDetector = follow ? sinceDetector + 1 : 1;
        }
        previousShape = shape;
        previous = largest(faces);
        results.push(faces.slice(0, maxFaces).map(toDetectedFace));
      }
      return results;
    });
  }

  similarity(a: Embedding, b: Embedding): number {
    return embeddingSimilarity(a, b);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const loading = this.loading;
    this.loading = undefined;
    if (!loading) return;
    const human = await loading.catch(() => undefined);
    await this.queue.catch(() => undefined);
    if (!human) return;
    for (const model of Object.values(human.models.models)) model?.dispose();
    human.models.reset();
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** One Human pass over a decoded region, holding the engine. */
  private run(
    human: HumanInstance,
    region: DecodedRegion,
    size: ImageSize,
    maxFaces: number,
    work: Work,
  ): Promise<InternalFace[]> {
    return this.exclusive(() => this.pass(human, region, size, maxFaces, work, false));
  }

  /**
   * One Human pass over a decoded region; boxes are mapped back to original-image pixels. The caller
   * holds the engine (`exclusive`). `follow`: reuse the boxes of the previous pass instead of running the
   * detector (only within one `detectFrames` hold, where the previous pass was the previous frame).
   */
  private async pass(
    human: HumanInstance,
    region: DecodedRegion,
    size: ImageSize,
    maxFaces: number,
    work: Work,
    follow: boolean,
  ): Promise<InternalFace[]> {
    if (this.closed) throw new Error('Face engine is closed');
    const pixels = new Uint8Array(region.data.buffer, region.data.byteOffset, region.data.length);
    const tensor = human.tf.tensor(pixels, [1, region.height, region.width, 3], 'int32');
    let result: HumanResult;
    try {
      // Human merges a per-call config into its own for good: every call states each switch it uses.
      // Following: any change between frames allows reusing the boxes (`cacheSensitivity` is Human's
      // bound on the mean squared pixel change), and the detector's own frame/time budget never runs out
      // (REDETECT_EVERY_FRAMES decides). Otherwise the cache is off, as for unrelated still images.
      result = await human.detect(tensor, {
        cacheSensitivity: follow ? 1e9 : 0,
        face: {
          detector: {
            maxDetected: maxFaces,
            skipFrames: follow ? 1e9 : 0,
            skipTime: follow ? 1e12 : 0,
          },
          iris: { enabled: work.eyes },
          description: { enabled: work.describe },
          antispoof: { enabled: work.antispoof },
          liveness: { enabled: work.antispoof },
        },
      });
    } finally {
      tensor.dispose();
    }
    if (result.error) throw new Error(`Face detection failed: ${result.error}`);
    const faces: InternalFace[] = [];
    for (const [index, face] of result.face.entries()) {
      if (face.score < MIN_FACE_SCORE || (work.describe && !face.embedding?.length)) continue;
      const [bx, by, bw, bh] = face.box;
      const left = Math.max(0, Math.round(bx));
      const top = Math.max(0, Math.round(by));
      const width = Math.min(region.width - left, Math.round(bw));
      const height = Math.min(region.height - top, Math.round(bh));
      if (width < 8 || height < 8) continue;
      const box: FaceBox = {
        x: region.offsetX + left * region.scale,
        y: region.offsetY + top * region.scale,
        width: width * region.scale,
        height: height * region.scale,
      };
      const angle = face.rotation?.angle ?? { yaw: 0, pitch: 0, roll: 0 };
      const { gestures, mouthOpen } = gesturesOf(result, index);
      const measured = await measureRegion(region, { left, top, width, height });
      faces.push({
        box,
        score: face.score,
        embedding: Float32Array.from(face.embedding ?? []),
        pose: { yaw: angle.yaw * RAD_TO_DEG, pitch: angle.pitch * RAD_TO_DEG, roll: angle.roll * RAD_TO_DEG },
        quality: {
          widthPx: box.width,
          heightPx: box.height,
          relativeWidth: box.width / size.width,
          sharpness: measured.sharpness,
          brightness: measured.brightness,
        },
        ...(face.real === undefined ? {} : { real: face.real }),
        ...(face.live === undefined ? {} : { live: face.live }),
        gestures,
        mouthOpen: face.mesh ? mouthOpenness(face.mesh) : mouthOpen,
        ...(face.mesh
          ? { eyesOpen: eyeOpenness(face.mesh), inFrameShare: inFrameShare(face.mesh, region, size) }
          : {}),
        decodedWidth: width,
        regionScale: region.scale,
      });
    }
    return dedupe(faces);
  }

  /**
   * Small-face search (document portraits): BlazeFace sees the whole image at 256 px, where a portrait
   * at 12 % of the page width is ~20 px and is missed. Tiles cut from a higher-resolution decode make it
   * ~2.5× larger. Costs one Human pass per tile (~50–100 ms each when empty; 6 tiles for a 4:3 photo).
   */
  private async searchTiles(
    human: HumanInstance,
    image: Buffer,
    size: ImageSize,
    maxFaces: number,
    work: Work,
  ): Promise<InternalFace[]> {
    const detail = await decodeRegion(image, DETAIL_SIDE_PX);
    const found: InternalFace[] = [];
    for (const column of tileColumns(detail.width, detail.height)) {
      for (const tile of column) {
        const pixels = cropRgb(detail, tile.left, tile.top, tile.width, tile.height);
        const region: DecodedRegion = {
          ...pixels,
          scale: detail.scale,
          offsetX: tile.left * detail.scale,
          offsetY: tile.top * detail.scale,
        };
        found.push(...(await this.run(human, region, size, maxFaces, work)));
      }
      // A document has one portrait (plus, at most, a ghost copy): stop at the first column with a face.
      if (found.length > 0) break;
    }
    return dedupe(found);
  }

  /**
   * A face that covered few decoded pixels while the original has more is decoded again from the
   * original around the face (3 × its box) and re-run, so the embedding sees more detail.
   */
  private async refine(
    human: HumanInstance,
    image: Buffer,
    size: ImageSize,
    face: InternalFace,
    work: Work,
  ): Promise<InternalFace> {
    if (face.decodedWidth >= REFINE_BELOW_PX || face.regionScale < 1.5) return face;
    const { box } = face;
    const left = Math.max(0, Math.floor(box.x - box.width));
    const top = Math.max(0, Math.floor(box.y - box.height));
    const width = Math.min(size.width, Math.ceil(box.x + 2 * box.width)) - left;
    const height = Math.min(size.height, Math.ceil(box.y + 2 * box.height)) - top;
    const region = await decodeRegion(image, REFINE_REGION_SIDE_PX, { left, top, width, height });
    const [better] = await this.run(human, region, size, 1, work);
    if (!better || better.decodedWidth <= face.decodedWidth) return face;
    return better;
  }
}

function largest(faces: readonly InternalFace[]): InternalFace | undefined {
  return faces.reduce<InternalFace | undefined>(
    (a, f) => (a && a.box.width >= f.box.width ? a : f),
    undefined,
  );
}

/** Whether `face` (followed) turned or moved too much from `previous` for the followed box to hold. */
function movedFrom(previous: InternalFace | undefined, face: InternalFace | undefined): boolean {
  if (!previous || !face) return true;
  const shift = Math.hypot(
    face.box.x + face.box.width / 2 - (previous.box.x + previous.box.width / 2),
    face.box.y + face.box.height / 2 - (previous.box.y + previous.box.height / 2),
  );
  return (
    Math.abs(face.pose.yaw - previous.pose.yaw) > FOLLOW_MAX_TURN_DEG ||
    Math.abs(face.pose.pitch - previous.pose.pitch) > FOLLOW_MAX_TURN_DEG ||
    shift > FOLLOW_MAX_SHIFT_SHARE * previous.box.width ||
    Math.abs(face.box.width / previous.box.width - 1) > FOLLOW_MAX_SHIFT_SHARE
  );
}

function toDetectedFace({ decodedWidth: _w, regionScale: _s, ...face }: InternalFace): DetectedFace {
  return face;
}

/**
 * Human's `match.similarity` with its defaults (order 2, multiplier 25, min 0.2, max 0.8), without its
 * rounding to two decimals: 1 − √(25·Σ(a−b)²)/100, mapped from [0.2, 0.8] onto [0, 1] and clamped.
 */
export function embeddingSimilarity(a: Embedding, b: Embedding): number {
  if (a.length !== b.length || a.length === 0)
    throw new RangeError('Embeddings of different engines or sizes');
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sum += d * d;
  }
  const distance = Math.sqrt(25 * sum) / 100;
  const min = 0.2;
  const max = 0.8;
  return Math.max(0, Math.min(1, (1 - distance - min) / (max - min)));
}

export function createHumanFaceEngine(options?: HumanFaceEngineOptions): HumanFaceEngine {
  return new HumanFaceEngine(options);
}
