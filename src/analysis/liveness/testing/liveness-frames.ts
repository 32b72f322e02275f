/**
 * Synthetic liveness captures for tests and the benchmark, made offline from one still photo.
 *
 * Nobody's head actually moves here, so each move is an image edit of a 480×640 camera frame cut from
 * the photo around the face — a phone held upright at arm's length, the face half the frame's width and
 * the scene around it (a neighbour included) cut by the frame's edge as a camera cuts it. Each edit follows
 * what the move does to a face, and its effect on the face engine was measured (Human 3.3, docs/face.md):
 * - head turn: the head region (face, hair, ears) warped horizontally so the nose moves towards one side,
 *   that half compressed and the far side shortened a little (a cheap perspective); the background
 *   outside the head stays put;
 * - blink: the upper-lid skin stretched down over each eye and the skin under it up, to a lid line just
 *   below the eye's middle, with a thin lash line — over the eye's mesh outline grown by a margin, since
 *   the mesh outline can sit a few pixels off the real eye corners;
 * - open mouth: the jaw dropped — everything below the lips (lower lip, chin) moved down by ≈ 12 % of the
 *   face height, fading out towards the cheeks and below the chin, and the gap between the lips shows the
 *   dark mouth with the upper teeth.
 * Every frame also gets a small shift, a brightness flicker and sensor-like noise, so no two frames are
 * byte-identical (as with a real camera). Deterministic for a given seed.
 *
 * This makes the *checks* testable; it says little about real captures (real turns move the ears and
 * the background parallax; real blinks are shorter). docs/face.md says what the fixtures cannot show.
 */
import sharp, { type Sharp } from 'sharp';

import type { FaceBox } from '../../face/face-engine.ts';
import type { HumanFaceEngine } from '../../face/human-engine.ts';
import type { LivenessStep } from '../challenge.ts';

export type LivenessPose = 'neutral' | LivenessStep;

type Point = [number, number];

/** A camera frame ready to be posed: its pixels and the mesh points the edits need. */
export interface LivenessFace {
  /** The frame, RGB, `width` × `height` (480×640). */
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

/** A phone's front camera held upright (the gatherer asks for 640×480; phones upright deliver 480×640). */
const FRAME_WIDTH = 480;
const FRAME_HEIGHT = 640;
/**
 * Face box width as a share of the frame width: the gatherer's oval (48 % × 84 % of a landscape frame)
 * puts the face at ≈ 35–40 % of a 640 px width, which is ≈ 50 % of an upright 480 px one.
 */
const FACE_SHARE_OF_FRAME = 0.5;
/** Warp strength of a head turn (share of the head region's width the nose moves). */
const TURN_SHIFT = 0.32;
/** How far the jaw drops for an open mouth, as a share of the face height (forehead to chin). */
const JAW_DROP_SHARE = 0.12;

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
 * A head crop: the face box plus 25 % each side (for a print or a document portrait of the face; the
 * sample photos are group photos, and a wider crop brings in a neighbour's face).
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

/**
 * What the customer's camera sees: a 3:4 cut of the photo around the face, the face FACE_SHARE_OF_FRAME
 * of its width and its centre at 45 % of its height, shifted (not shrunk) to stay inside the photo. The
 * sample photos are group photos, but a customer does the check alone: the person (an ellipse around
 * head and hair, and the neck and shoulders below it, feathered) stays sharp in front of the same scene
 * out of focus (blur σ 14 px, where no face is found), as a front camera focused on a face at arm's length
 * sees the room behind. A neighbour's face touching the head stays, cut where the person's outline ends.
 */
export async function livenessScene(photo: Buffer, box: FaceBox): Promise<Buffer> {
  const meta = await sharp(photo).metadata();
  const width = meta.autoOrient.width;
  const height = meta.autoOrient.height;
  let cropWidth = Math.min(width, box.width / FACE_SHARE_OF_FRAME);
  let cropHeight = (cropWidth * FRAME_HEIGHT) / FRAME_WIDTH;
  if (cropHeight > height) {
    cropHeight = height;
    cropWidth = (cropHeight * FRAME_WIDTH) / FRAME_HEIGHT;
  }
  const clamp = (value: number, max: number) => Math.round(Math.min(Math.max(0, value), max));
  const left = clamp(box.x + box.width / 2 - cropWidth / 2, width - cropWidth);
  const top = clamp(box.y + box.height / 2 - 0.45 * cropHeight, height - cropHeight);
  const scene = await sharp(photo)
    .autoOrient()
    .extract({ left, top, width: Math.round(cropWidth), height: Math.round(cropHeight) })
    .resize(FRAME_WIDTH, FRAME_HEIGHT, { fit: 'fill' })
    .removeAlpha()
    .png()
    .toBuffer();
  const scale = FRAME_WIDTH / cropWidth;
  const fw = box.width * scale;
  const fh = box.height * scale;
  const cx = (box.x + box.width / 2 - left) * scale;
  const cy = (box.y + box.height / 2 - top) * scale;
  const shoulders = [
    `${cx - 0.3 * fw},${cy + 0.45 * fh}`,
    `${cx + 0.3 * fw},${cy + 0.45 * fh}`,
    `${cx + 0.45 * fw},${cy + 0.95 * fh}`,
    `${cx + 1.1 * fw},${cy + 1.25 * fh}`,
    `${cx + 1.1 * fw},${FRAME_HEIGHT}`,
    `${cx - 1.1 * fw},${FRAME_HEIGHT}`,
    `${cx - 1.1 * fw},${cy + 1.25 * fh}`,
    `${cx - 0.45 * fw},${cy + 0.95 * fh}`,
  ].join(' ');
  const mask = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${FRAME_WIDTH}" height="${FRAME_HEIGHT}"><defs><filter id="f"><feGaussianBlur stdDeviation="${(0.05 * fw).toFixed(1)}"/></filter></defs><g filter="url(#f)" fill="#fff"><ellipse cx="${cx}" cy="${cy - 0.12 * fh}" rx="${0.72 * fw}" ry="${0.92 * fh}"/><polygon points="${shoulders}"/></g></svg>`,
  );
  const person = await sharp(scene)
    .composite([{ input: mask, blend: 'dest-in' }])
    .png()
    .toBuffer();
  return sharp(scene)
    .blur(14)
    .composite([{ input: person }])
    .png()
    .toBuffer();
}

/**
 * Reads the mesh of the face in `image` with the engine's Human. `image` is a camera frame
 * (`livenessScene`); any other picture (a portrait) is fitted into 480×640, its edges stretched to fill.
 */
export async function prepareLivenessFace(engine: HumanFaceEngine, image: Buffer): Promise<LivenessFace> {
  const fitted = await sharp(image)
    .resize(FRAME_WIDTH, FRAME_HEIGHT, { fit: 'inside' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const padX = FRAME_WIDTH - fitted.info.width;
  const padY = FRAME_HEIGHT - fitted.info.height;
  const { data, info } = await sharp(fitted.data, {
    raw: { width: fitted.info.width, height: fitted.info.height, channels: 3 },
  })
    .extend({
      left: padX >> 1,
      right: padX - (padX >> 1),
      top: padY >> 1,
      bottom: padY - (padY >> 1),
      extendWith: 'copy',
    })
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
      cacheSensitivity: 0,
      face: {
        detector: { maxDetected: 1, skipFrames: 0, skipTime: 0 },
        description: { enabled: false },
        antispoof: { enabled: false },
        liveness: { enabled: false },
      },
    });
    const mesh = result.face[0]?.mesh;
    if (!mesh) throw new Error('No face mesh in the picture');
    return { rgb: data, width: info.width, height: info.height, mesh: mesh.map(([x, y]) => [x, y]) };
  } finally {
    tensor.dispose();
  }
}

/** The face outline of the mesh: x and y extent. */
function faceExtent(face: LivenessFace) {
  const xs = face.mesh.slice(0, 468).map((p) => p[0]);
  const ys = face.mesh.slice(0, 468).map((p) => p[1]);
  return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
}

const smoothstep = (t: number) => {
  const c = Math.min(1, Math.max(0, t));
  return c * c * (3 - 2 * c);
};

/**
 * A head turn: inside the head region (face outline + 35 % of its width each side, forehead to below the
 * chin, blended out over a third of the face height) the columns are remapped so the nose moves by
 * `shift` × the region's width; outside it the frame is untouched.
 */
function warpTurn(face: LivenessFace, shift: number): Buffer {
  const { width: W, height: H, rgb } = face;
  const out = Buffer.from(rgb);
  const { x0, x1, y0, y1 } = faceExtent(face);
  const faceWidth = x1 - x0;
  const faceHeight = y1 - y0;
  const hx0 = Math.max(0, x0 - 0.35 * faceWidth);
  const hx1 = Math.min(W - 1, x1 + 0.35 * faceWidth);
  const cx = face.mesh[1]?.[0] ?? (hx0 + hx1) / 2; // mesh 1: nose tip
  const d = shift * (hx1 - hx0);
  const half = (hx1 - hx0) / 2;
  const cy = (y0 + y1) / 2;
  const top = y0 - 0.45 * faceHeight;
  const bottom = y1 + 0.25 * faceHeight;
  const fade = faceHeight / 3;
  for (let y = 0; y < H; y++) {
    const wy = smoothstep((y - (top - fade)) / fade) * smoothstep((bottom + fade - y) / fade);
    if (wy === 0) continue;
    for (let x = Math.ceil(hx0); x <= Math.floor(hx1); x++) {
      const sx =
        x <= cx + d
          ? hx0 + ((x - hx0) * (cx - hx0)) / (cx + d - hx0)
          : cx + ((x - (cx + d)) * (hx1 - cx)) / (hx1 - cx - d);
      const vs = 1 - 0.06 * Math.sign(shift) * ((x - (cx + d)) / half);
      const srcX = x + (sx - x) * wy;
      const srcY = y + (cy + (y - cy) * vs - y) * wy;
      const xi = Math.min(W - 1, Math.max(0, Math.round(srcX)));
      const yi = Math.min(H - 1, Math.max(0, Math.round(srcY)));
      rgb.copy(out, (y * W + x) * 3, (yi * W + xi) * 3, (yi * W + xi) * 3 + 3);
    }
  }
  return out;
}

const RIGHT_EYE = [33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7];
const LEFT_EYE = [263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249];

/** Outer and inner corners of each eye (mesh), for the lid line. */
const EYE_CORNERS: [number, number][] = [
  [33, 133],
  [263, 362],
];

/**
 * Closes the eyes: each eye's mesh outline, grown by 30 % of its width each side and to at least a third
 * of its width in height (the outline can sit a few pixels off the real eye corners), becomes an ellipse
 * that is filled, column by column, with the skin just above it shading into the skin just below it —
 * the lid that covers a closed eye — feathered into the face at its edge.
 */
function closeEyes(face: LivenessFace): Buffer {
  const out = Buffer.from(face.rgb);
  const { width: W, height: H, rgb } = face;
  const at = (x: number, y: number, c: number) =>
    rgb[
      (Math.min(H - 1, Math.max(0, Math.round(y))) * W + Math.min(W - 1, Math.max(0, Math.round(x)))) * 3 + c
    ]!;
  for (const ids of [RIGHT_EYE, LEFT_EYE]) {
    const xs = ids.map((i) => face.mesh[i]![0]);
    const ys = ids.map((i) => face.mesh[i]![1]);
    const span = Math.max(...xs) - Math.min(...xs);
    const cx = (Math.min(...xs) + Math.max(...xs)) / 2;
    const cy = (Math.min(...ys) + Math.max(...ys)) / 2;
    const h = Math.max(Math.max(...ys) - Math.min(...ys), span / 3);
    const ax = span;
    const ay = 0.9 * h;
    for (let x = Math.floor(cx - ax); x <= Math.ceil(cx + ax); x++) {
      if (x < 0 || x >= W) continue;
      const u = (x - cx) / ax;
      if (Math.abs(u) >= 1) continue;
      const reach = ay * Math.sqrt(1 - u * u);
      const yTop = cy - reach - 1;
      const yBottom = cy + reach + 1;
      for (let y = Math.ceil(yTop); y <= Math.floor(yBottom); y++) {
        if (y < 0 || y >= H) continue;
        const r = u * u + ((y - cy) / ay) ** 2;
        const weight = 1 - smoothstep((r - 0.6) / 0.4);
        if (weight <= 0) continue;
        const t = (y - yTop) / Math.max(1, yBottom - yTop);
        const di = (y * W + x) * 3;
        for (let c = 0; c < 3; c++) {
          const above = (at(x, yTop, c) + at(x, yTop - 1, c) + at(x, yTop - 2, c)) / 3;
          const below = (at(x, yBottom, c) + at(x, yBottom + 1, c) + at(x, yBottom + 2, c)) / 3;
          const lid = above * (1 - t) + below * t;
          out[di + c] = Math.round(rgb[di + c]! * (1 - weight) + lid * weight);
        }
      }
    }
  }
  return out;
}

/** The lash line of each closed eye: a thin dark curve from corner to corner, sagging a little. */
function lashSvg(face: LivenessFace): Buffer {
  const m = face.mesh;
  const paths = EYE_CORNERS.map(([outer, inner]) => {
    const [ox, oy] = m[outer]!;
    const [ix, iy] = m[inner]!;
    const ax = ox + (ox - ix) * 0.1;
    const ay = oy + (oy - iy) * 0.1;
    const bx = ix + (ix - ox) * 0.05;
    const by = iy + (iy - oy) * 0.05;
    const span = Math.hypot(bx - ax, by - ay);
    const ids = outer === 33 ? RIGHT_EYE : LEFT_EYE;
    const middle = (Math.min(...ids.map((i) => m[i]![1])) + Math.max(...ids.map((i) => m[i]![1]))) / 2;
    const lift = middle - (ay + by) / 2;
    const sag = 0.18 * span;
    const c1 = `${(ax + (bx - ax) / 3).toFixed(1)},${(ay + (by - ay) / 3 + lift + sag).toFixed(1)}`;
    const c2 = `${(ax + (2 * (bx - ax)) / 3).toFixed(1)},${(ay + (2 * (by - ay)) / 3 + lift + sag).toFixed(1)}`;
    const stroke = Math.max(1.5, span / 14).toFixed(1);
    return `<path d="M${ax.toFixed(1)},${ay.toFixed(1)} C${c1} ${c2} ${bx.toFixed(1)},${by.toFixed(1)}" fill="none" stroke="#2a1a14" stroke-opacity="0.9" stroke-width="${stroke}" stroke-linecap="round"/>`;
  }).join('');
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${face.width}" height="${face.height}"><defs><filter id="b"><feGaussianBlur stdDeviation="0.6"/></filter></defs><g filter="url(#b)">${paths}</g></svg>`,
  );
}

/**
 * Opens the mouth the way a jaw does: below the lip line everything (lower lip, chin) moves down by up to
 * JAW_DROP_SHARE of the face height — fully across the mouth, fading out towards the cheeks, and taken up
 * again over a third of the face height below the chin — and the gap between the lips shows the dark
 * inside of the mouth, lens-shaped from corner to corner, with the upper teeth along its top.
 */
function openMouth(face: LivenessFace): Buffer {
  const { width: W, height: H, rgb } = face;
  const m = face.mesh;
  const out = Buffer.from(rgb);
  const faceHeight = Math.abs(m[152]![1] - m[10]![1]);
  const drop = JAW_DROP_SHARE * faceHeight;
  const [lx, ly] = m[61]!; // mouth corners
  const [rx, ry] = m[291]!;
  const xc = (lx + rx) / 2;
  const halfMouth = Math.abs(rx - lx) / 2;
  const lipY = (m[13]![1] + m[14]![1]) / 2;
  const chinY = m[152]![1];
  const cheek = Math.max(halfMouth * 1.4, Math.abs(m[454]![0] - m[234]![0]) / 2);
  const band = Math.max(1, 0.02 * faceHeight);
  const takeUp = faceHeight / 3;
  /** The lip line at column x: through both corners and the middle of the lips. */
  const lipLine = (x: number) => {
    const t = (x - xc) / halfMouth;
    const side = t < 0 ? ly : ry;
    return lipY + (side - lipY) * Math.min(1, t * t);
  };
  const x0 = Math.max(0, Math.floor(xc - cheek));
  const x1 = Math.min(W - 1, Math.ceil(xc + cheek));
  for (let x = x0; x <= x1; x++) {
    const off = Math.abs(x - xc);
    const dj = drop * (off <= halfMouth ? 1 : 1 - smoothstep((off - halfMouth) / (cheek - halfMouth)));
    if (dj < 0.5) continue;
    const line = lipLine(x);
    const lens = off < halfMouth ? drop * Math.sqrt(1 - (off / halfMouth) ** 2) : 0;
    const gapTop = line - band;
    const gapBottom = line + band + dj;
    const chin = chinY + dj;
    const end = Math.min(H - 1, chin + takeUp);
    for (let y = Math.ceil(gapTop); y <= end; y++) {
      let sy: number;
      if (y < gapBottom) sy = gapTop + ((y - gapTop) * 2 * band) / (2 * band + dj);
      else if (y < chin) sy = y - dj;
      else sy = chinY + ((y - chin) * (end - chinY)) / Math.max(1, end - chin);
      const si = (Math.min(H - 1, Math.max(0, Math.round(sy))) * W + x) * 3;
      const di = (y * W + x) * 3;
      rgb.copy(out, di, si, si + 3);
      // The inside of the mouth, centred in the gap, anti-aliased at its edge.
      const mid = line + dj / 2;
      const depth = lens / 2 - Math.abs(y - mid);
      if (lens > 0 && depth > -1) {
        const cover = Math.min(1, depth + 1);
        const fromTop = (y - (mid - lens / 2)) / Math.max(1, lens);
        const teeth = fromTop < 0.22 && off < 0.6 * halfMouth;
        const shade = teeth ? [196, 186, 170] : [48 - 20 * fromTop, 16, 18];
        for (let c = 0; c < 3; c++) out[di + c] = Math.round(out[di + c]! * (1 - cover) + shade[c]! * cover);
      }
    }
  }
  return out;
}

/** The frame in `pose`, as PNG. */
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
      .composite([{ input: lashSvg(face) }])
      .png()
      .toBuffer();
  }
  if (pose === 'open-mouth') return sharp(openMouth(face), raw).png().toBuffer();
  return sharp(face.rgb, raw).png().toBuffer();
}

/**
 * A 480×640 JPEG camera frame with a small shift, flicker and noise from `random`. A picture at least the
 * frame's size is the scene itself (a posed frame); a smaller one (a print, a card) is held in front of a
 * plain backdrop.
 */
export async function cameraFrame(picture: Buffer, random: () => number): Promise<Buffer> {
  const meta = await sharp(picture).metadata();
  let scene: Sharp;
  if (meta.width >= FRAME_WIDTH && meta.height >= FRAME_HEIGHT) {
    const pad = 4;
    const left = pad + Math.round((random() - 0.5) * 6);
    const top = pad + Math.round((random() - 0.5) * 6);
    const padded = await sharp(picture)
      .removeAlpha()
      .extend({ top: pad, bottom: pad, left: pad, right: pad, extendWith: 'copy' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    scene = sharp(padded.data, { raw: padded.info }).extract({
      left,
      top,
      width: FRAME_WIDTH,
      height: FRAME_HEIGHT,
    });
  } else {
    const left = Math.round((FRAME_WIDTH - meta.width) / 2 + (random() - 0.5) * 6);
    const top = Math.round((FRAME_HEIGHT - meta.height) / 2 + (random() - 0.5) * 6);
    scene = sharp({
      create: { width: FRAME_WIDTH, height: FRAME_HEIGHT, channels: 3, background: '#8a8f86' },
    }).composite([{ input: picture, left: Math.max(0, left), top: Math.max(0, top) }]);
  }
  const flat = await sharp(await scene.png({ compressionLevel: 0 }).toBuffer())
    .linear(1 + (random() - 0.5) * 0.04, (random() - 0.5) * 4)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { data, info } = flat;
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
