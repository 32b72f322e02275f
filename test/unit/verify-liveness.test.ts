/**
 * The liveness decision on scripted measurements: a face engine that answers, frame by frame, what a
 * capture's face did (pose, eyes, mouth, other faces), so each rule of verify-liveness.ts is pinned
 * without the models — what counts as a blink, an open mouth and another person, and how much of a
 * capture is analysed. The real engine on synthetic captures is covered in test/liveness-sessions.test.ts.
 */
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';

import type { DetectedFace, DetectFramesOptions, FaceEngine } from '../../src/analysis/face/face-engine.ts';
import { embeddingSimilarity } from '../../src/analysis/face/human-engine.ts';
import { isAnotherPerson } from '../../src/analysis/face/selfie-quality.ts';
import type { LivenessStep } from '../../src/analysis/liveness/challenge.ts';
import { verifyLiveness, type LivenessFrame } from '../../src/analysis/liveness/verify-liveness.ts';

/** What one frame shows: the customer's face (or none) and any other faces. */
interface Shot {
  yaw?: number;
  eyes?: [number, number];
  mouth?: number;
  /** Other faces: width as a share of the main face's, and the share of each inside the frame. */
  others?: { widthShare: number; inFrameShare: number }[];
  noFace?: boolean;
}

const REST: Required<Pick<Shot, 'yaw' | 'eyes' | 'mouth'>> = { yaw: 2, eyes: [0.36, 0.4], mouth: 0.02 };
const EMBEDDING = Float32Array.from({ length: 16 }, (_, i) => (i % 3) / 10);

function faceOf(shot: Shot): DetectedFace[] {
  if (shot.noFace) return [];
  const width = 240;
  const main: DetectedFace = {
    box: { x: 120, y: 160, width, height: width },
    score: 0.99,
    embedding: EMBEDDING,
    pose: { yaw: shot.yaw ?? REST.yaw, pitch: 0, roll: 0 },
    quality: { widthPx: width, heightPx: width, relativeWidth: 0.5, sharpness: 300, brightness: 120 },
    real: 0.8,
    live: 0.8,
    eyesOpen: { left: (shot.eyes ?? REST.eyes)[0], right: (shot.eyes ?? REST.eyes)[1] },
    mouthOpen: shot.mouth ?? REST.mouth,
    inFrameShare: 1,
  };
  const others = (shot.others ?? []).map((o): DetectedFace => ({
    ...main,
    box: { x: 400, y: 150, width: width * o.widthShare, height: width * o.widthShare },
    score: 0.995,
    inFrameShare: o.inFrameShare,
  }));
  // Score order, as engines return them: another face may come first.
  return [...others, main];
}

/**
 * A FaceEngine that reads each frame's script by its bytes, and counts what it was asked: the frames
 * measured without embedding, and those described.
 */
class ScriptedEngine implements FaceEngine {
  readonly name = 'scripted';
  readonly version = '1';
  readonly matchThreshold = 0.67;
  measured = 0;
  described = 0;
  constructor(private readonly shots: Map<Buffer, Shot>) {}
  detect(image: Buffer, options: DetectFramesOptions = {}): Promise<DetectedFace[]> {
    const shot = this.shots.get(image);
    if (!shot) throw new Error('unknown frame');
    if (options.describe === false) this.measured++;
    else this.described++;
    return Promise.resolve(faceOf(shot));
  }
  async detectFrames(images: readonly Buffer[], options?: DetectFramesOptions): Promise<DetectedFace[][]> {
    const out: DetectedFace[][] = [];
    for (const image of images) out.push(await this.detect(image, options));
    return out;
  }
  similarity(a: Float32Array | readonly number[], b: Float32Array | readonly number[]): number {
    return embeddingSimilarity(a, b);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Distinct small JPEGs (the pixel-change check compares frames with the first). */
const images: Buffer[] = [];
beforeAll(async () => {
  for (let i = 0; i < 40; i++) {
    images.push(
      await sharp({
        create: { width: 48, height: 64, channels: 3, background: { r: 40 + 5 * i, g: 90, b: 120 } },
      })
        .jpeg()
        .toBuffer(),
    );
  }
});

/** A capture at 10 fps: five frames at rest, then per step its frames and four at rest. */
function capture(moves: Shot[][]): { frames: LivenessFrame[]; shots: Map<Buffer, Shot> } {
  const script: Shot[] = [{}, {}, {}, {}, {}];
  for (const move of moves) script.push(...move, {}, {}, {}, {});
  const shots = new Map<Buffer, Shot>();
  const frames = script.map((shot, i) => {
    shots.set(images[i]!, shot);
    return { bytes: images[i]!, ms: i * 100 };
  });
  return { frames, shots };
}

const turnLeft: Shot[] = Array.from({ length: 4 }, () => ({ yaw: -18 }));
const turnRight: Shot[] = Array.from({ length: 4 }, () => ({ yaw: 22 }));
const openMouth: Shot[] = Array.from({ length: 4 }, () => ({ mouth: 0.12 }));
const blink = (eyes: [number, number], yaw = REST.yaw): Shot[] => [
  { eyes, yaw },
  { eyes, yaw },
];

async function verify(steps: LivenessStep[], moves: Shot[][]) {
  const { frames, shots } = capture(moves);
  const engine = new ScriptedEngine(shots);
  const verdict = await verifyLiveness(engine, {
    steps,
    maxDurationMs: 10_000,
    frames,
    references: [],
    matchThreshold: 0.67,
  });
  return { verdict, engine, frames };
}

describe('liveness moves', () => {
  it('passes a capture with the moves in order, a blink being both eyes closed against their own rest', async () => {
    // 0.2/0.25 of rests 0.36/0.40: 0.56 and 0.63 of each eye's rest.
    const { verdict, engine } = await verify(
      ['turn-left', 'blink', 'open-mouth'],
      [turnLeft, blink([0.2, 0.25]), openMouth],
    );
    expect(verdict.failure).toBeNull();
    expect(verdict.passed).toBe(true);
    expect(verdict.evidence.baseline).toMatchObject({ eyes: { left: 0.36, right: 0.4 } });
    // The embeddings of the first and the last frame come from the first pass: no frame is read twice.
    expect(engine.described).toBe(2);
    expect(verdict.evidence.analysedFrames).toBe(engine.measured + engine.described);
  });

  it('does not take one eye closed (a wink) for a blink', async () => {
    const { verdict } = await verify(
      ['turn-left', 'blink', 'open-mouth'],
      [turnLeft, blink([0.05, 0.38]), openMouth],
    );
    expect(verdict.failure?.code).toBe('liveness-steps-not-followed');
    expect(verdict.evidence.stepsSeenAt).toEqual([800, null, null]);
  });

  it('does not take narrowed eyes during a head turn for a blink', async () => {
    const { verdict } = await verify(
      ['turn-right', 'blink', 'turn-left'],
      [turnRight, blink([0.15, 0.18], 24), turnLeft],
    );
    expect(verdict.failure?.code).toBe('liveness-steps-not-followed');
  });

  it('needs a clearly open mouth, seen facing the camera', async () => {
    // 0.065: a smile showing teeth, or a mesh misread on a bent print.
    const smile = Array.from({ length: 4 }, () => ({ mouth: 0.065 }));
    expect(
      (await verify(['turn-left', 'open-mouth', 'turn-right'], [turnLeft, smile, turnRight])).verdict.passed,
    ).toBe(false);
    const mouthWhileTurned = Array.from({ length: 4 }, () => ({ mouth: 0.12, yaw: 20 }));
    const turned = await verify(
      ['turn-left', 'open-mouth', 'turn-right'],
      [turnLeft, mouthWhileTurned, turnRight],
    );
    expect(turned.verdict.failure?.code).toBe('liveness-steps-not-followed');
  });

  it('fails a missing move without analysing the frames before the previous move', async () => {
    // The blink never comes: the search runs from the turn to the end, not over the whole capture.
    const { verdict, engine, frames } = await verify(
      ['turn-left', 'blink', 'open-mouth'],
      [turnLeft, [{}, {}], openMouth],
    );
    expect(verdict.failure?.code).toBe('liveness-steps-not-followed');
    // Read: every 4th frame (0, 4, … 24, 26; the first and the last with their embedding), then 9…25;
    // never frames 1–3 and 5–7, before the turn was seen.
    expect(engine.measured + engine.described).toBe(frames.length - 6);
    expect(engine.described).toBe(2);
  });
});

describe('another person in the frame', () => {
  it('fails a second face of comparable size that is whole in the frame', async () => {
    const crowd = { others: [{ widthShare: 0.6, inFrameShare: 0.95 }] };
    const { verdict } = await verify(
      ['turn-left', 'open-mouth', 'turn-right'],
      [turnLeft.map((s) => ({ ...s, ...crowd })), openMouth, turnRight],
    );
    expect(verdict.failure?.code).toBe('liveness-several-faces');
    expect(verdict.evidence.otherPerson).toMatchObject({ widthShare: 0.6, inFrameShare: 0.95 });
  });

  it('ignores a face cut by the frame’s edge and a small face in the background', async () => {
    const edge = { others: [{ widthShare: 0.8, inFrameShare: 0.55 }] };
    const background = { others: [{ widthShare: 0.3, inFrameShare: 1 }] };
    const { verdict } = await verify(
      ['turn-left', 'open-mouth', 'turn-right'],
      [turnLeft.map((s) => ({ ...s, ...edge })), openMouth.map((s) => ({ ...s, ...background })), turnRight],
    );
    expect(verdict.failure).toBeNull();
  });

  it('counts another person by one rule, shared with the selfie gate', () => {
    const main = { box: { x: 0, y: 0, width: 200, height: 200 } };
    const other = (width: number, inFrameShare?: number) => ({
      box: { x: 300, y: 0, width, height: width },
      ...(inFrameShare === undefined ? {} : { inFrameShare }),
    });
    expect(isAnotherPerson(main, other(100))).toBe(true);
    expect(isAnotherPerson(main, other(99))).toBe(false);
    expect(isAnotherPerson(main, other(180, 0.8))).toBe(true);
    expect(isAnotherPerson(main, other(180, 0.79))).toBe(false);
  });
});
