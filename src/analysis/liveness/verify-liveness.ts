/**
 * kycgate's own liveness check: frames of a short capture in, a verdict with a reason and evidence out.
 * Knows no HTTP and no database (the session module checks nonces, ownership and frames reused by other
 * sessions).
 *
 * What is checked, in order (the first failure is the reason):
 * 1. enough frames, time stamps increasing, the whole capture within the challenge's window;
 * 2. a still image repeated as frames: too few distinct frames (byte-identical), or no pixel change at all;
 * 3. per frame (detection, pose and mesh only, no embedding — ≈ 3× cheaper): one person (another face
 *    counts as the selfie gate counts it: comparable size, not cut by the frame's edge), and the same
 *    face place to place (no jump of position or size between analysed frames);
 * 4. the moves, in the challenge's order: each requested move is seen after the previous one was done,
 *    and a deliberate move (turn, open mouth) was not already made before it was asked for — so a clip of
 *    someone doing every move in some other order fails;
 * 5. the same person throughout: embeddings of three frames (start, middle, end) must match each other;
 * 6. the passive anti-spoof score (Human's tiny single-frame model: a weak signal, see docs/face.md)
 *    must not be very low;
 * 7. the face matches each reference given (the selfie, the document portrait) at the request's threshold.
 *
 * Sampling: a 3-second capture at 10 fps is 30 frames; all of them at 60–115 ms CPU would miss the 1.5 s
 * goal, so every `stride`-th frame is analysed first (≤ COARSE_FRAMES), and then, while a move is still
 * missing, the frames from the previous move to the end of the capture in order, a few at a time,
 * stopping as soon as it shows (a blink lasts 100–300 ms and falls between samples). A move that is not
 * there fails the check without analysing the rest. The searched frames go to the engine in batches of
 * neighbouring frames (`detectFrames`), so it can follow the face from one frame to the next instead of
 * searching each afresh; the sampled frames, 0.4 s apart, are each analysed afresh (a followed box
 * misreads a pose that changed since the previous frame).
 */
import { createHash } from 'node:crypto';

import sharp from 'sharp';

import type { CorrectionCode } from '../corrections.ts';
import { CORRECTIONS } from '../corrections.ts';
import type { DetectedFace, FaceEngine } from '../face/face-engine.ts';
import { isAnotherPerson } from '../face/selfie-quality.ts';
import type { LivenessStep } from './challenge.ts';

export interface LivenessFrame {
  bytes: Buffer;
  /** Milliseconds since the capture started. */
  ms: number;
}

export interface LivenessReference {
  /** What the image is: evidence label. */
  label: 'selfie' | 'document-portrait';
  image: Buffer;
}

export interface VerifyLivenessInput {
  steps: readonly LivenessStep[];
  maxDurationMs: number;
  frames: LivenessFrame[];
  /** Images the live face must match; those without a detectable face are skipped (and recorded). */
  references: LivenessReference[];
  /** Same-person threshold on the engine's similarity scale (per `matchLevel`). */
  matchThreshold: number;
}

export type LivenessFailureCode = Extract<CorrectionCode, `liveness-${string}`>;

export interface LivenessVerdict {
  passed: boolean;
  failure: { code: LivenessFailureCode; message: string } | null;
  /** The analysed frame kept as the session's reference image (most frontal of the embedded ones). */
  referenceFrame: number | null;
  /** What was measured, for reviewers. No images, no embeddings. */
  evidence: Record<string, unknown>;
}

/** Fewest frames a capture may have (≈ 0.6 s at 10 fps). */
export const MIN_LIVENESS_FRAMES = 6;
/** Frames analysed in the first pass. */
const COARSE_FRAMES = 8;
/** Yaw change from the starting pose that counts as a head turn, degrees (real turns give 20–40°). */
export const TURN_MIN_DEG = 12;
/**
 * A blink: both eyes closed against their own resting openness — each eye at most BLINK_EYE_RELATIVE of
 * its rest and the two on average at most BLINK_MEAN_RELATIVE — while facing the camera (a turn narrows
 * the far eye). Resting openness varies ±10 % frame to frame (camera noise, measured on the sample faces),
 * so 0.7 is three times the noise; eyes closed by the fixtures measured 0–0.56 of rest, real closed
 * eyes ≈ 0.3. One eye closed (a wink) or a squint of one eye is not a blink.
 */
const BLINK_EYE_RELATIVE = 0.7;
const BLINK_MEAN_RELATIVE = 0.62;
/**
 * An open mouth: the inner-lip gap over the face height at least MOUTH_OPEN_MIN and MOUTH_OPEN_RISE above
 * the resting one, while facing the camera. A dropped jaw gives 0.10–0.16 (closed: 0.00–0.07 — a smile
 * showing teeth reaches 0.065); a mesh misread on a bent print mid-turn gave 0.061–0.065, which the earlier
 * bounds (0.045 and +0.02) took for an open mouth.
 */
const MOUTH_OPEN_MIN = 0.08;
const MOUTH_OPEN_RISE = 0.045;
/** How much clearer a move must be to count as made too early (before it was asked for). */
const CLEAR_MARGIN_DEG = 6;
const CLEAR_MARGIN_MOUTH = 0.03;
/** Share of analysed frames that may lack a face (a fast turn can lose the detector for a frame). */
const MAX_FACELESS_SHARE = 0.34;
/** Between analysed frames the face may move this share of its width, and change size by this factor. */
const MAX_JUMP_SHARE = 0.75;
const MAX_SIZE_CHANGE = 1.5;
/** Fewest distinct frames (by bytes), as a share of all frames, before it is a still image repeated. */
const MIN_DISTINCT_SHARE = 0.5;
/** Largest mean absolute grey-level change from the first frame to a move's frame below which nothing moved. */
const STATIC_MEAN_DIFF = 0.6;
/** Median anti-spoof score (`real`) below which the capture is taken for a screen or print. */
const MIN_REAL_SCORE = 0.15;
/** Frames searched per engine call while a move is missing (the engine follows the face within a batch). */
const SEARCH_BATCH_FRAMES = 4;
/** Longest side frames are decoded to for the engine (phone frames are 640×480; larger ones are reduced). */
const FRAME_SIDE_PX = 640;

interface FrameMeasure {
  index: number;
  ms: number;
  faces: number;
  /** The customer's face: the largest one in the frame. */
  face: DetectedFace | null;
  /** Whether `face` carries its embedding (and anti-spoof scores). */
  described: boolean;
  /** Another person in the frame (see `isAnotherPerson`), for the evidence. */
  otherPerson: { widthShare: number; inFrameShare: number } | null;
}

function fail(code: LivenessFailureCode, evidence: Record<string, unknown>): LivenessVerdict {
  return {
    passed: false,
    failure: { code, message: CORRECTIONS[code].message },
    referenceFrame: null,
    evidence,
  };
}

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

/** Grey 64×64 thumbnail, for the "nothing moved" check. */
async function thumbnail(image: Buffer): Promise<Buffer> {
  return sharp(image, { limitInputPixels: 5_000_000 })
    .autoOrient()
    .greyscale()
    .resize(64, 64, { fit: 'fill' })
    .raw()
    .toBuffer();
}

function meanAbsDiff(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** The customer's face in a frame: the largest one (the nearest to the camera), whatever the scores. */
function largestFace(faces: readonly DetectedFace[]): DetectedFace | null {
  return faces.reduce<DetectedFace | null>(
    (largest, f) => (largest && largest.box.width >= f.box.width ? largest : f),
    null,
  );
}

function centre(face: DetectedFace): [number, number] {
  return [face.box.x + face.box.width / 2, face.box.y + face.box.height / 2];
}

interface Baseline {
  yaw: number;
  /** Each eye's resting openness (the engine's left and right). */
  eyes: { left: number; right: number };
  mouth: number;
}

/** Each eye's openness over its resting openness, or null when the engine gave none. */
function eyeClosure(face: DetectedFace, base: Baseline): { left: number; right: number } | null {
  if (!face.eyesOpen) return null;
  return { left: face.eyesOpen.left / base.eyes.left, right: face.eyesOpen.right / base.eyes.right };
}

/**
 * The moves `face` shows against the resting pose. `clear` asks for an unmistakable move (a wider turn, a
 * wider mouth): used to call a move made before it was asked for, where a borderline frame — a smile, a
 * glance — must not fail an honest customer.
 */
function movesOf(face: DetectedFace, base: Baseline, clear = false): Set<LivenessStep> {
  const moves = new Set<LivenessStep>();
  const turn = face.pose.yaw - base.yaw;
  const turnMin = TURN_MIN_DEG + (clear ? CLEAR_MARGIN_DEG : 0);
  // Human's yaw is positive when the subject turns to their own right in an unmirrored camera frame.
  if (turn <= -turnMin) moves.add('turn-left');
  if (turn >= turnMin) moves.add('turn-right');
  const eyes = eyeClosure(face, base);
  if (
    eyes &&
    Math.abs(turn) < TURN_MIN_DEG &&
    Math.max(eyes.left, eyes.right) <= BLINK_EYE_RELATIVE &&
    (eyes.left + eyes.right) / 2 <= BLINK_MEAN_RELATIVE
  ) {
    moves.add('blink');
  }
  const mouth = face.mouthOpen ?? 0;
  const rise = MOUTH_OPEN_RISE + (clear ? CLEAR_MARGIN_MOUTH : 0);
  if (Math.abs(turn) < TURN_MIN_DEG && mouth >= Math.max(MOUTH_OPEN_MIN, base.mouth + rise)) {
    moves.add('open-mouth');
  }
  return moves;
}

/** Moves a customer cannot help making (and so never count against the order). */
const INVOLUNTARY: ReadonlySet<LivenessStep> = new Set(['blink']);

interface StepResult {
  /** Frame index (into all frames) where each step was seen; null when not seen. */
  seenAt: (number | null)[];
  /** A deliberate move made before it was asked for. */
  early: LivenessStep | null;
}

function matchSteps(steps: readonly LivenessStep[], measured: FrameMeasure[], base: Baseline): StepResult {
  const withFace = measured.filter((m) => m.face).sort((a, b) => a.index - b.index);
  const moves = withFace.map((m) => ({
    index: m.index,
    moves: movesOf(m.face!, base),
    clear: movesOf(m.face!, base, true),
  }));
  const seenAt: (number | null)[] = [];
  let after = -1;
  let early: LivenessStep | null = null;
  for (const step of steps) {
    const found = moves.find((m) => m.index > after && m.moves.has(step));
    if (!found) {
      seenAt.push(null);
      after = Number.POSITIVE_INFINITY;
      continue;
    }
    if (!INVOLUNTARY.has(step)) {
      const first = moves.find((m) => m.clear.has(step));
      if (first && first.index <= after && early === null) early = step;
    }
    seenAt.push(found.index);
    after = found.index;
  }
  return { seenAt, early };
}

export async function verifyLiveness(
  engine: FaceEngine,
  input: VerifyLivenessInput,
): Promise<LivenessVerdict> {
  const started = performance.now();
  const { frames, steps } = input;
  const evidence: Record<string, unknown> = { frames: frames.length, steps };
  const done = (verdict: LivenessVerdict): LivenessVerdict => {
    verdict.evidence.ms = Math.round(performance.now() - started);
    return verdict;
  };

  // 1. Timing.
  if (frames.length < MIN_LIVENESS_FRAMES) return done(fail('liveness-no-frames', evidence));
  for (let i = 1; i < frames.length; i++) {
    if (!(frames[i]!.ms > frames[i - 1]!.ms)) {
      evidence.outOfOrderAt = i;
      return done(fail('liveness-spoof-suspected', evidence));
    }
  }
  const durationMs = frames.at(-1)!.ms - frames[0]!.ms;
  evidence.durationMs = durationMs;
  if (durationMs > input.maxDurationMs) return done(fail('liveness-too-slow', evidence));

  // 2. A still image repeated.
  const hashes = frames.map((f) => createHash('sha256').update(f.bytes).digest('hex'));
  const distinct = new Set(hashes).size;
  evidence.distinctFrames = distinct;
  if (distinct < Math.max(MIN_LIVENESS_FRAMES, MIN_DISTINCT_SHARE * frames.length)) {
    return done(fail('liveness-spoof-suspected', { ...evidence, signal: 'repeated-frames' }));
  }

  // 3. Faces, frame by frame (coarse pass first).
  const measures = new Map<number, FrameMeasure>();
  // The eyes are refined (Human's iris model, ≈ 25 % of a frame) only when a blink is asked for.
  const options = { maxFaces: 2, describe: false, eyes: steps.includes('blink'), maxSidePx: FRAME_SIDE_PX };
  /**
   * `consecutive`: the frames follow each other (the engine may follow the face from one to the next).
   * `describe`: frames to analyse with the embedding too (the first and the last of the first pass).
   */
  const measure = async (
    indices: number[],
    consecutive: boolean,
    describe: ReadonlySet<number> = new Set(),
  ): Promise<FrameMeasure[]> => {
    const wanted = indices.filter((i) => !measures.has(i));
    const images = wanted.map((i) => frames[i]!.bytes);
    const follow = consecutive && engine.detectFrames !== undefined && describe.size === 0;
    const found = follow ? await engine.detectFrames!(images, options) : [];
    // One at a time: the engine runs one frame at a time anyway, and decoding frames in parallel only
    // adds threads fighting for the same core (CPU time is the budget).
    for (const [n, image] of (follow ? [] : images).entries()) {
      const described = describe.has(wanted[n]!);
      found.push(
        await engine.detect(image, described ? { ...options, describe: true, eyes: true } : options),
      );
    }
    for (const [n, index] of wanted.entries()) {
      const faces = found[n]!;
      const face = largestFace(faces);
      const other = face ? faces.find((f) => f !== face && isAnotherPerson(face, f)) : undefined;
      measures.set(index, {
        index,
        ms: frames[index]!.ms,
        faces: faces.length,
        face,
        described: describe.has(index) && face !== null && face.embedding.length > 0,
        otherPerson:
          face && other
            ? {
                widthShare: round(other.box.width / face.box.width, 2),
                inFrameShare: round(other.inFrameShare ?? 1, 2),
              }
            : null,
      });
    }
    return indices.map((i) => measures.get(i)!);
  };
  const stride = Math.max(1, Math.ceil(frames.length / COARSE_FRAMES));
  const coarseIndices: number[] = [];
  for (let i = 0; i < frames.length; i += stride) coarseIndices.push(i);
  if (coarseIndices.at(-1) !== frames.length - 1) coarseIndices.push(frames.length - 1);
  // The first and the last frame are usually at rest, facing the camera: their embeddings, computed in
  // the same pass, serve the same-person check (step 5) without analysing them twice.
  await measure(coarseIndices, false, new Set([0, frames.length - 1]));

  const sorted = () => [...measures.values()].sort((a, b) => a.index - b.index);
  const facesCheck = (): LivenessFailureCode | null => {
    const list = sorted();
    const crowded = list.find((m) => m.otherPerson);
    if (crowded) {
      evidence.otherPerson = { ms: crowded.ms, ...crowded.otherPerson };
      return 'liveness-several-faces';
    }
    const faceless = list.filter((m) => !m.face).length;
    if (faceless > MAX_FACELESS_SHARE * list.length || !list[0]!.face) return 'liveness-no-face';
    let previous: FrameMeasure | undefined;
    for (const m of list) {
      if (!m.face) continue;
      if (previous?.face) {
        const [ax, ay] = centre(previous.face);
        const [bx, by] = centre(m.face);
        const jump = Math.hypot(ax - bx, ay - by) / previous.face.box.width;
        const size = m.face.box.width / previous.face.box.width;
        if (jump > MAX_JUMP_SHARE || size > MAX_SIZE_CHANGE || size < 1 / MAX_SIZE_CHANGE) {
          evidence.jumpAt = m.index;
          return 'liveness-face-changed';
        }
      }
      previous = m;
    }
    return null;
  };
  let facesFailure = facesCheck();
  if (facesFailure) return done(fail(facesFailure, { ...evidence, analysedFrames: measures.size }));

  // The resting pose, from the first pass: the frames facing the camera with the mouth closed (outside
  // the turns and the open mouth), each measure's median over them — most of a capture is spent at rest
  // between moves (the gatherer asks for it), and a median ignores a blink caught in passing.
  const coarse = sorted().filter((m) => m.face);
  const roughYaw = median(coarse.map((m) => m.face!.pose.yaw));
  const roughMouth = median(coarse.map((m) => m.face!.mouthOpen ?? 0));
  const resting = coarse.filter(
    (m) =>
      Math.abs(m.face!.pose.yaw - roughYaw) < TURN_MIN_DEG / 2 &&
      (m.face!.mouthOpen ?? 0) < roughMouth + MOUTH_OPEN_RISE / 2,
  );
  const rest = resting.length >= 2 ? resting : coarse;
  const restingEye = (side: 'left' | 'right') => {
    const value = median(rest.flatMap((m) => (m.face!.eyesOpen ? [m.face!.eyesOpen[side]] : [])));
    return Number.isFinite(value) && value > 0 ? value : 0.35;
  };
  const base: Baseline = {
    yaw: median(rest.map((m) => m.face!.pose.yaw)),
    eyes: { left: restingEye('left'), right: restingEye('right') },
    mouth: median(rest.map((m) => m.face!.mouthOpen ?? 0)),
  };

  // 4. The moves. While one is missing, the frames not analysed yet from the previous move to the end of
  // the capture are analysed in order, a batch at a time, stopping as soon as it shows; when it is not
  // there at all the capture fails (nothing after it could make it pass).
  let result = matchSteps(steps, sorted(), base);
  for (;;) {
    const missing = result.seenAt.indexOf(null);
    if (missing === -1) break;
    const from = missing === 0 ? 0 : result.seenAt[missing - 1]! + 1;
    // Where the next step was seen first (the move is most likely before it), then on to the end.
    const next = result.seenAt.slice(missing + 1).find((i) => i !== null) ?? frames.length;
    const pending: number[] = [];
    for (let i = from; i < next; i++) if (!measures.has(i)) pending.push(i);
    for (let i = next; i < frames.length; i++) if (!measures.has(i)) pending.push(i);
    let found = false;
    for (let start = 0; start < pending.length && !found; start += SEARCH_BATCH_FRAMES) {
      const indices = pending.slice(start, start + SEARCH_BATCH_FRAMES);
      const close = indices.every((v, k) => k === 0 || v - indices[k - 1]! <= 2);
      const batch = await measure(indices, close);
      found = batch.some((m) => m.face !== null && movesOf(m.face, base).has(steps[missing]!));
    }
    result = matchSteps(steps, sorted(), base);
    if (!found) break;
  }
  facesFailure = facesCheck();
  if (facesFailure) return done(fail(facesFailure, { ...evidence, analysedFrames: measures.size }));
  evidence.analysedFrames = measures.size;
  evidence.baseline = {
    yaw: round(base.yaw, 1),
    eyes: { left: round(base.eyes.left), right: round(base.eyes.right) },
    mouth: round(base.mouth),
  };
  evidence.stepsSeenAt = result.seenAt.map((i) => (i === null ? null : frames[i]!.ms));
  evidence.poses = sorted().map((m) =>
    m.face
      ? {
          ms: m.ms,
          yaw: round(m.face.pose.yaw, 1),
          eyes: m.face.eyesOpen
            ? { left: round(m.face.eyesOpen.left), right: round(m.face.eyesOpen.right) }
            : null,
          mouth: round(m.face.mouthOpen ?? 0),
        }
      : { ms: m.ms, face: false },
  );
  if (result.seenAt.includes(null) || result.early) {
    if (result.early) evidence.earlyMove = result.early;
    return done(fail('liveness-steps-not-followed', evidence));
  }

  // A still image re-encoded each frame (bytes differ, pixels hardly): the frames where the moves were
  // seen must differ from the first one.
  const firstThumb = await thumbnail(frames[0]!.bytes);
  let change = 0;
  for (const index of result.seenAt) {
    change = Math.max(change, meanAbsDiff(firstThumb, await thumbnail(frames[index!]!.bytes)));
  }
  evidence.pixelChange = round(change, 2);
  if (change < STATIC_MEAN_DIFF) {
    return done(fail('liveness-spoof-suspected', { ...evidence, signal: 'static-pixels' }));
  }

  // 5. One person: embeddings of the most frontal face in the first and the last third of the capture
  // (the position and size checks above tie the frames in between to them).
  const withFace = sorted().filter((m) => m.face);
  const third = frames.length / 3;
  const ends = [withFace.filter((m) => m.index < third), withFace.filter((m) => m.index >= 2 * third)];
  const frontal = (m: FrameMeasure) => Math.abs(m.face!.pose.yaw - base.yaw);
  const described: { index: number; face: DetectedFace }[] = [];
  for (const group of ends) {
    // The frame described in the first pass when it faces the camera, else the most frontal one.
    const ready = group.find((m) => m.described && frontal(m) < TURN_MIN_DEG / 2);
    if (ready) {
      described.push({ index: ready.index, face: ready.face! });
      continue;
    }
    const pick = [...group].sort((a, b) => frontal(a) - frontal(b))[0];
    if (!pick) continue;
    const face = largestFace(await engine.detect(frames[pick.index]!.bytes, { maxFaces: 2 }));
    if (face) described.push({ index: pick.index, face });
  }
  if (described.length === 0) return done(fail('liveness-no-face', evidence));
  const similarities: number[] = [];
  for (let i = 0; i < described.length; i++) {
    for (let j = i + 1; j < described.length; j++) {
      similarities.push(engine.similarity(described[i]!.face.embedding, described[j]!.face.embedding));
    }
  }
  evidence.selfSimilarity = similarities.map((s) => round(s));
  if (similarities.some((s) => s < input.matchThreshold)) {
    return done(fail('liveness-face-changed', evidence));
  }

  // 6. Passive anti-spoof scores (weak).
  const realScores = described.flatMap((d) => (d.face.real === undefined ? [] : [d.face.real]));
  const liveScores = described.flatMap((d) => (d.face.live === undefined ? [] : [d.face.live]));
  evidence.real = realScores.map((s) => round(s));
  evidence.live = liveScores.map((s) => round(s));
  if (realScores.length > 0 && median(realScores) < MIN_REAL_SCORE) {
    return done(fail('liveness-spoof-suspected', { ...evidence, signal: 'antispoof-score' }));
  }

  // 7. The references.
  const reference = described[0]!;
  const matches: Record<string, unknown>[] = [];
  for (const { label, image } of input.references) {
    const [face] = await engine.detect(image, {
      maxFaces: 1,
      findSmallFaces: label === 'document-portrait',
    });
    if (!face) {
      matches.push({ label, face: false });
      continue;
    }
    const similarity = Math.max(...described.map((d) => engine.similarity(d.face.embedding, face.embedding)));
    matches.push({ label, similarity: round(similarity), threshold: input.matchThreshold });
    if (similarity < input.matchThreshold) {
      evidence.references = matches;
      return done(fail('liveness-face-mismatch', evidence));
    }
  }
  evidence.references = matches;
  return done({ passed: true, failure: null, referenceFrame: reference.index, evidence });
}
