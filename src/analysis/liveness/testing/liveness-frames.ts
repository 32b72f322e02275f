/**
 * Synthetic liveness captures for tests and the benchmark, made offline from one still portrait.
 *
 * Nobody's head actually moves here, so each move is an image edit whose effect on the face engine was
 * measured (Human 3.3, sample face s3f1, docs/face.md):
 * - head turn: a horizontal warp that moves the nose towards one side, compresses that half of the face
 *   and shortens the far side a little (a cheap perspective). Yaw changed by −13…+20° for shifts of ±0.25;
 * - blink: the eye openings painted over with skin sampled under the eye, and a lash line; the eye measure
 *   fell from 0.31–0.38 to 0.11–0.14;
 * - open mouth: a dark ellipse between the lips; the mouth measure rose from 0.017 to 0.05–0.07.
 * Every frame also gets a sub-pixel jitter, a brightness flicker and sensor-like noise, so no two frames
 * are byte-identical (as with a real camera). Deterministic for a given seed.
 *
 * This makes the *checks* testable; it says little about real captures (real turns move the ears and
 * the background parallax; real blinks are shorter). docs/face.md says what the fixtures cannot show.
 */
import sharp from 'sharp';

import type { FaceBox } from '../../face/face-engine.ts';
import type { HumanFaceEngine } from '../../face/human-engine.ts';
import type { LivenessStep } from '../challenge.ts';

export type LivenessPose = 'neutral' | LivenessStep;

type Point = [number, number];

/** A portrait ready to be posed: its pixels and the mesh points the edits need. */
export interface LivenessFace {
  /** Head crop, RGB, `width` × `height`. */
  rgb: Buffer;
  width: number;
  height: number;
  mesh: Point[];
}

export interface CaptureFrame {
  bytes: Buffer;
  ms: number;
  pose: LivenessPose;
}

const FRAME_WIDTH = 640;
const FRAME_HEIGHT = 480;
/** Head crop height inside the 640×480 frame: the face is ≈ 40 % of the frame width, as in a selfie. */
const HEAD_HEIGHT = 360;
/** Warp strength of a head turn (share of the crop width the nose moves). */
const TURN_SHIFT = 0.32;

/** Deterministic pseudo-random numbers (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A head crop for liveness captures: the face box plus 25 % each side (the sample photos are group
 * photos, and a wider crop brings in a neighbour's face).
 */
export async function livenessHead(photo: Buffer, box: FaceBox): Promise<Buffer> {
  const meta = await sharp(photo).metadata();
  const width = meta.autoOrient.width;
  const height = meta.autoOrient.height;
  const left = Math.max(0, Math.floor(box.x - box.width * 0.25));
  const top = Math.max(0, Math.floor(box.y - box.height * 0.25));
  return sharp(photo)
    .autoOrient()
    .extract({
      left,
      top,
      width: Math.min(width, Math.ceil(box.x + box.width * 1.25)) - left,
      height: Math.min(height, Math.ceil(box.y + box.height * 1.25)) - top,
    })
    .png()
    .toBuffer();
}

/** Reads the mesh of the one face in `head` (a head-and-shoulders crop) with the engine's Human. */
export async function prepareLivenessFace(engine: HumanFaceEngine, head: Buffer): Promise<LivenessFace> {
  const { data, info } = await sharp(head)
    .resize({ height: HEAD_HEIGHT })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const human = await engine.load();
  const tensor = human.tf.tensor(
    new Uint8Array(data.buffer, data.byteOffset, data.length),
    [1, info.height, info.width, 3],
    'int32',
  );
  try {
    const result = await human.detect(tensor, {
      face: { description: { enabled: false }, antispoof: { enabled: false }, liveness: { enabled: false } },
    });
    const mesh = result.face[0]?.mesh;
    if (!mesh) throw new Error('No face mesh in the portrait');
    return { rgb: data, width: info.width, height: info.height, mesh: mesh.map(([x, y]) => [x, y]) };
  } finally {
    tensor.dispose();
  }
}

function warpTurn(face: LivenessFace, shift: number): Buffer {
  const { width: W, height: H, rgb } = face;
  const out = Buffer.alloc(rgb.length);
  const cx = face.mesh[1]?.[0] ?? W / 2; // mesh 1: nose tip
  const d = shift * W;
  for (let x = 0; x < W; x++) {
    const sx = x <= cx + d ? (x * cx) / (cx + d) : cx + ((x - (cx + d)) * (W - cx)) / (W - cx - d);
    const vs = 1 - 0.06 * Math.sign(shift) * ((x - (cx + d)) / (W / 2));
    const xi = Math.min(W - 1, Math.max(0, Math.round(sx)));
    for (let y = 0; y < H; y++) {
      const yi = Math.min(H - 1, Math.max(0, Math.round(H / 2 + (y - H / 2) * vs)));
      rgb.copy(out, (y * W + x) * 3, (yi * W + xi) * 3, (yi * W + xi) * 3 + 3);
    }
  }
  return out;
}

const RIGHT_EYE = [33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7];
const LEFT_EYE = [263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249];
const RIGHT_LOWER_LID = [33, 7, 163, 144, 145, 153, 154, 155, 133];
const LEFT_LOWER_LID = [263, 249, 390, 373, 374, 380, 381, 382, 362];

function overlaySvg(face: LivenessFace, pose: 'blink' | 'open-mouth'): Buffer {
  const m = face.mesh;
  const points = (ids: number[], grow = 1) => {
    const cx = ids.reduce((sum, i) => sum + m[i]![0], 0) / ids.length;
    const cy = ids.reduce((sum, i) => sum + m[i]![1], 0) / ids.length;
    return ids
      .map((i) => `${(cx + (m[i]![0] - cx) * grow).toFixed(1)},${(cy + (m[i]![1] - cy) * grow).toFixed(1)}`)
      .join(' ');
  };
  const colourAt = (x: number, y: number) => {
    const xi = Math.min(face.width - 1, Math.max(0, Math.round(x)));
    const yi = Math.min(face.height - 1, Math.max(0, Math.round(y)));
    const i = (yi * face.width + xi) * 3;
    return `rgb(${face.rgb[i]},${face.rgb[i + 1]},${face.rgb[i + 2]})`;
  };
  let body: string;
  if (pose === 'blink') {
    const eyeHeight = Math.abs(m[145]![1] - m[159]![1]);
    const skinRight = colourAt(m[145]![0], m[145]![1] + eyeHeight * 1.6);
    const skinLeft = colourAt(m[374]![0], m[374]![1] + eyeHeight * 1.6);
    body = `<g filter="url(#b)"><polygon points="${points(RIGHT_EYE)}" fill="${skinRight}" stroke="${skinRight}" stroke-width="3"/>
      <polygon points="${points(LEFT_EYE)}" fill="${skinLeft}" stroke="${skinLeft}" stroke-width="3"/></g>
      <polyline points="${points(RIGHT_LOWER_LID)}" fill="none" stroke="#2a1a14" stroke-width="2"/>
      <polyline points="${points(LEFT_LOWER_LID)}" fill="none" stroke="#2a1a14" stroke-width="2"/>`;
  } else {
    const mouthWidth = Math.hypot(m[61]![0] - m[291]![0], m[61]![1] - m[291]![1]);
    const x = (m[61]![0] + m[291]![0]) / 2;
    const y = (m[13]![1] + m[14]![1]) / 2 + mouthWidth * 0.2;
    body = `<ellipse filter="url(#b)" cx="${x}" cy="${y}" rx="${mouthWidth * 0.42}" ry="${mouthWidth * 0.4}" fill="#3a1010" stroke="#a85a5a" stroke-width="4"/>`;
  }
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${face.width}" height="${face.height}"><defs><filter id="b"><feGaussianBlur stdDeviation="1.1"/></filter></defs>${body}</svg>`,
  );
}

/**
 * Closes the eyes by moving skin: the lid skin above each eye is stretched down and the skin below it
 * up, to a lid line a little under the eye's middle, blended out at the corners.
 */
function closeEyes(face: LivenessFace): Buffer {
  const out = Buffer.from(face.rgb);
  const { width: W, height: H } = face;
  for (const ids of [RIGHT_EYE, LEFT_EYE]) {
    const xs = ids.map((i) => face.mesh[i]![0]);
    const ys = ids.map((i) => face.mesh[i]![1]);
    const top = Math.min(...ys);
    const bottom = Math.max(...ys);
    const h = Math.max(2, bottom - top);
    const span = Math.max(...xs) - Math.min(...xs);
    const x0 = Math.max(0, Math.floor(Math.min(...xs) - 0.2 * span));
    const x1 = Math.min(W - 1, Math.ceil(Math.max(...xs) + 0.2 * span));
    const lid = (top + bottom) / 2 + 0.2 * h;
    const from = Math.max(0, top - 1.2 * h);
    const to = Math.min(H - 1, bottom + 0.8 * h);
    const upperSkin = top - 0.15 * h;
    const lowerSkin = bottom + 0.15 * h;
    for (let x = x0; x <= x1; x++) {
      const edge = Math.min(x - x0, x1 - x) / (0.2 * span);
      const weight = Math.min(1, Math.max(0, edge));
      for (let y = Math.ceil(from); y <= Math.floor(to); y++) {
        const sy =
          y <= lid
            ? from + ((y - from) * (upperSkin - from)) / Math.max(1, lid - from)
            : to - ((to - y) * (to - lowerSkin)) / Math.max(1, to - lid);
        const si = (Math.min(H - 1, Math.max(0, Math.round(sy))) * W + x) * 3;
        const di = (y * W + x) * 3;
        for (let c = 0; c < 3; c++) {
          out[di + c] = Math.round(face.rgb[di + c]! * (1 - weight) + face.rgb[si + c]! * weight);
        }
      }
    }
  }
  return out;
}

/** The head crop in `pose`, as PNG. */
export async function posedHead(face: LivenessFace, pose: LivenessPose): Promise<Buffer> {
  const raw = { raw: { width: face.width, height: face.height, channels: 3 as const } };
  if (pose === 'turn-left' || pose === 'turn-right') {
    // Subject's left in an unmirrored camera frame: the nose moves towards the image's right.
    return sharp(warpTurn(face, pose === 'turn-left' ? TURN_SHIFT : -TURN_SHIFT), raw)
      .png()
      .toBuffer();
  }
  if (pose === 'blink') {
    return sharp(closeEyes(face), raw)
      .composite([{ input: overlaySvg(face, 'blink') }])
      .png()
      .toBuffer();
  }
  const base = sharp(face.rgb, raw);
  if (pose === 'neutral') return base.png().toBuffer();
  return base
    .composite([{ input: overlaySvg(face, pose) }])
    .png()
    .toBuffer();
}

/** A 640×480 JPEG camera frame of the head in `pose`, with jitter, flicker and noise from `random`. */
export async function cameraFrame(head: Buffer, random: () => number): Promise<Buffer> {
  const meta = await sharp(head).metadata();
  const left = Math.round((FRAME_WIDTH - meta.width) / 2 + (random() - 0.5) * 6);
  const top = Math.round((FRAME_HEIGHT - meta.height) / 2 + (random() - 0.5) * 6);
  const { data, info } = await sharp({
    create: { width: FRAME_WIDTH, height: FRAME_HEIGHT, channels: 3, background: '#8a8f86' },
  })
    .composite([{ input: head, left: Math.max(0, left), top: Math.max(0, top) }])
    .linear(1 + (random() - 0.5) * 0.04, (random() - 0.5) * 4)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  for (let i = 0; i < data.length; i += 3) {
    const n = Math.round((random() - 0.5) * 6);
    data[i] = Math.max(0, Math.min(255, data[i]! + n));
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
}

export interface CaptureOptions {
  /** Frames per second. Default 10. */
  fps?: number;
  /** Frames of each move (a blink is held for at most 2). Default 4. */
  holdFrames?: number;
  seed?: number;
}

/**
 * A capture following `steps`: half a second facing the camera, then per step the move held for
 * `holdFrames` frames and four frames back at rest. ≈ 2.9 s at 10 fps for three steps.
 */
export async function livenessCapture(
  face: LivenessFace,
  steps: readonly LivenessPose[],
  options: CaptureOptions = {},
): Promise<CaptureFrame[]> {
  const fps = options.fps ?? 10;
  const hold = options.holdFrames ?? 4;
  const random = seededRandom(options.seed ?? 1);
  const poses: LivenessPose[] = ['neutral', 'neutral', 'neutral', 'neutral', 'neutral'];
  for (const step of steps) {
    const frames = step === 'blink' ? Math.min(2, hold) : hold;
    for (let i = 0; i < frames; i++) poses.push(step);
    poses.push('neutral', 'neutral', 'neutral', 'neutral');
  }
  const heads = new Map<LivenessPose, Buffer>();
  const frames: CaptureFrame[] = [];
  for (const [i, pose] of poses.entries()) {
    let head = heads.get(pose);
    if (!head) {
      head = await posedHead(face, pose);
      heads.set(pose, head);
    }
    frames.push({ bytes: await cameraFrame(head, random), ms: Math.round((i * 1000) / fps), pose });
  }
  return frames;
}
