/**
 * Read the visual inspection zone (VIZ) of a document photo: OCR of the printed-data area only, then
 * {@link parseViz}.
 *
 * Where the area is: next to the portrait. On ICAO 9303 passports and ID cards and on AAMVA driver
 * licences the printed data stand to the right of the photo of the holder, from a little above its top to
 * a little below its bottom, across the rest of the document. The face the face engine found on the
 * document gives the scale (the face box is ≈ 0.85 of the portrait's width; a card is ≈ 3.9 face widths
 * wide to the right of the face's left edge, a passport page about the same) and the anchor, so no
 * document outline is needed. The crop keeps a margin of ~0.9 face widths above and below for a rotation of
 * up to ±15°, and is resized so that the face is {@link FACE_WIDTH_PX} px wide: the smallest labels
 * (≈ 1.3 mm on an ID-1 card) then stand ≈ 13 px high, which PaddleOCR still reads, while the crop stays
 * ≈ 0.5 MP (detection cost grows with the pixels).
 *
 * Cost (measured on this machine, warm, see test/viz-read.test.ts): one PaddleOCR call on a ≈ 670 × 860 px
 * crop, 0.3–0.6 s on an idle core.
 */
import sharp from 'sharp';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import { parseViz, type VizParseOptions, type VizParseResult, type VizSegment } from './parse-viz.ts';

/**
 * `all` the whole printed-data area; `names` only its top rows (document number, surname, given names —
 * from ≈ 0.3 face widths above the top of the face to ≈ 0.6 below it on TD1, TD3 and AAMVA layouts), for documents whose
 * MRZ already gives the rest with check digits: half the pixels and half the text lines to OCR.
 */
export type VizPart = 'all' | 'names';

/** The face width the crop is scaled to, px. */
export const FACE_WIDTH_PX = 220;
/** The largest tilt the crop is straightened for (phone photos: ±15°, and a little perspective). */
const MAX_TILT_DEG = 20;

export interface VizAnchor {
  /** The face on the document, in pixels of `image`. */
  face: { x: number; y: number; width: number; height: number };
}

export interface VizReading extends VizParseResult {
  /** The OCR segments (crop pixels), for evidence. */
  segments: VizSegment[];
  /** The crop in pixels of the image. */
  crop: { x: number; y: number; width: number; height: number };
  /** The text tilt that was undone before OCR, degrees clockwise. */
  tiltDeg: number;
  engine: string;
  engineVersion: string;
  ms: number;
}

/**
 * The slope of the text lines in a grayscale image, degrees clockwise within ±{@link MAX_TILT_DEG}: the
 * angle at which the dark pixels (darker than their surroundings) project onto the fewest, fullest rows —
 * the sum of squared row counts peaks when every text line falls into its own rows.
 */
export function textTiltDeg(gray: { data: Uint8Array; width: number; height: number }): number {
  const { data, width: w, height: h } = gray;
  const r = 6;
  const iw = w + 1;
  const integral = new Float64Array(iw * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += data[y * w + x]!;
      integral[(y + 1) * iw + x + 1] = integral[y * iw + x + 1]! + row;
    }
  }
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(w, x + r + 1);
      const mean =
        (integral[y1 * iw + x1]! -
          integral[y0 * iw + x1]! -
          integral[y1 * iw + x0]! +
          integral[y0 * iw + x0]!) /
        ((y1 - y0) * (x1 - x0));
      if (data[y * w + x]! < mean - 18) {
        xs.push(x - w / 2);
        ys.push(y);
      }
    }
  }
  if (xs.length < 50) return 0;
  const energy = (deg: number) => {
    const t = (deg * Math.PI) / 180;
    const [sin, cos] = [Math.sin(t), Math.cos(t)];
    const offset = w;
    const bins = new Float64Array(h + 2 * w + 2);
    for (let i = 0; i < xs.length; i++) bins[Math.round(ys[i]! * cos - xs[i]! * sin + offset)]! += 1;
    let sum = 0;
    for (const b of bins) sum += b * b;
    return sum;
  };
  let best = 0;
  let bestEnergy = -1;
  for (let deg = -MAX_TILT_DEG; deg <= MAX_TILT_DEG; deg += 1) {
    const e = energy(deg);
    if (e > bestEnergy) [best, bestEnergy] = [deg, e];
  }
  const coarse = best;
  for (let deg = coarse - 0.75; deg <= coarse + 0.75; deg += 0.25) {
    const e = energy(deg);
    if (e > bestEnergy) [best, bestEnergy] = [deg, e];
  }
  return best;
}

/** The printed-data area for a face box, clipped to the image; null when too little of it is inside. */
export function vizCrop(
  face: VizAnchor['face'],
  image: { width: number; height: number },
): { x: number; y: number; width: number; height: number } | null {
  const fw = face.width;
  const left = Math.max(0, Math.round(face.x + 0.7 * fw));
  const top = Math.max(0, Math.round(face.y - 1.2 * fw));
  const right = Math.min(image.width, Math.round(face.x + 3.9 * fw));
  const bottom = Math.min(image.height, Math.round(face.y + 2.7 * fw));
  if (right - left < fw || bottom - top < fw) return null;
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/**
 * The printed-data area in the straightened crop: the face centre followed through the scaling and the
 * rotation, then from just right of the portrait to the document's edge and from a little above the face to
 * below the portrait (in face widths, see the module comment).
 */
function tightCrop(
  face: VizAnchor['face'],
  crop: { x: number; y: number },
  scale: number,
  tiltDeg: number,
  before: { width: number; height: number },
  after: { width: number; height: number },
  part: VizPart,
): { left: number; top: number; width: number; height: number } {
  const fw = face.width * scale;
  // Face centre in the wide crop, relative to its centre; rotated with the image (−tilt, clockwise positive).
  const px = (face.x + face.width / 2 - crop.x) * scale - before.width / 2;
  const py = (face.y + face.height / 2 - crop.y) * scale - before.height / 2;
  const a = (-tiltDeg * Math.PI) / 180;
  const cx = px * Math.cos(a) - py * Math.sin(a) + after.width / 2;
  const cy = px * Math.sin(a) + py * Math.cos(a) + after.height / 2;
  const faceTop = cy - (face.height * scale) / 2;
  const names = part === 'names';
  const left = Math.max(0, Math.round(cx + (names ? 0.45 : 0.2) * fw));
  const top = Math.max(0, Math.round(faceTop - (names ? 0.3 : 0.6) * fw));
  const right = Math.min(after.width, Math.round(cx + 3.5 * fw));
  const bottom = Math.min(after.height, Math.round(faceTop + (names ? 0.62 : 2.05) * fw));
  return { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
}

/**
 * OCR and parse the VIZ beside the portrait. `image` is the upright working image (any format sharp
 * reads). Returns null when the area next to the face is not in the image.
 */
export async function readViz(
  image: Buffer,
  size: { width: number; height: number },
  anchor: VizAnchor,
  engine: OcrEngine,
  options: VizParseOptions & { part?: VizPart } = {},
): Promise<VizReading | null> {
  const part = options.part ?? 'all';
  const started = performance.now();
  const crop = vizCrop(anchor.face, size);
  if (!crop) return null;
  const scale = Math.min(2, FACE_WIDTH_PX / anchor.face.width);
  const wide = await sharp(image)
    .extract({ left: crop.x, top: crop.y, width: crop.width, height: crop.height })
    .resize(Math.max(32, Math.round(crop.width * scale)))
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: wide.info.width, height: wide.info.height, channels: wide.info.channels } };
  // The tilt, measured on a small grayscale copy, is undone before OCR so that labels stand above their
  // values and rows stay rows; then only the printed-data area of the straightened crop is kept (the
  // rotation margins of the wide crop are not OCR'd).
  const small = await sharp(wide.data, raw)
    .resize(Math.min(400, wide.info.width))
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const tiltDeg = textTiltDeg({ data: small.data, width: small.info.width, height: small.info.height });
  const straight = await sharp(wide.data, raw)
    .rotate(-tiltDeg, { background: '#ffffff' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const tight = tightCrop(anchor.face, crop, scale, tiltDeg, wide.info, straight.info, part);
  const jpeg = await sharp(straight.data, {
    raw: { width: straight.info.width, height: straight.info.height, channels: straight.info.channels },
  })
    .extract(tight)
    .jpeg({ quality: 92 })
    .toBuffer();
  const result = await engine.recognize(jpeg, { keepSegments: true });
  const segments: VizSegment[] = result.lines
    .filter((l) => l.box && l.text.trim())
    .map((l) => ({ text: l.text, confidence: l.confidence, box: l.box! }));
  const parsed = parseViz(segments, options);
  return {
    ...parsed,
    segments,
    crop,
    tiltDeg,
    engine: engine.name,
    engineVersion: engine.version,
    ms: performance.now() - started,
  };
}
