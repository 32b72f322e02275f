/**
 * Find and decode a PDF417 barcode (the back of a North American driver licence or ID card) in a photo.
 *
 * ZXing's PDF417 reader (`@zxing/library`, pure JavaScript) decodes a flat scan at once but fails on a
 * phone photo: its row scanner loses the rows when the symbol is rotated or sheared by more than a degree
 * or two (ChecksumException on every rotated fixture). So the reader first looks for the symbol itself
 * and straightens it:
 * 1. one try on the whole working image (flat scans, ~10–50 ms);
 * 2. locate: on a ≤ 640 px grayscale copy, the largest dense blocks of strong edges whose shape is a wide
 *    rectangle (a PDF417 symbol is 3–5× wider than tall; text lines are thinner, portraits less dense);
 * 3. measure the tilt of the bars and of the rows in that crop from the image gradients (perspective
 *    shears the symbol, so the two differ), undo both with one affine transform, enlarge the crop so a
 *    module is ≈ 5 px, and decode, with two binarizers and ±1.5° around the measured tilts.
 *
 * Every step is bounded (the crop is resized to DECODE_WIDTH_PX), so a photo without a barcode costs
 * about 0.1 s. The reader never throws for an image without a readable barcode: it answers null.
 */
import zxing from '@zxing/library';
import sharp, { type Sharp } from 'sharp';

const {
  BinaryBitmap,
  DecodeHintType,
  GlobalHistogramBinarizer,
  HybridBinarizer,
  PDF417Reader,
  RGBLuminanceSource,
} = zxing;

/** Long side of the grayscale copy the locator works on, px. */
const LOCATE_MAX_SIDE = 640;
/** Width the straightened symbol crop is resized to before decoding, px (≈ 5 px per module). */
const DECODE_WIDTH_PX = 1500;

export interface Pdf417Reading {
  text: string;
  /** Which step decoded it: the `whole` image, or the `located` and straightened crop. */
  method: 'whole' | 'located';
  /** The bars' tilt that was undone, degrees clockwise (0 for `whole`). */
  angleDeg: number;
  /** How far the rows sloped beyond the bars' tilt (perspective), degrees. */
  shearDeg: number;
  /** Decoder runs (each with up to two binarizers). */
  attempts: number;
  ms: number;
}

export interface Gray {
  data: Uint8Array;
  width: number;
  height: number;
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

function decodeGray(gray: Gray): string | null {
  const hints = new Map<zxing.DecodeHintType, unknown>([[DecodeHintType.TRY_HARDER, true]]);
  const luminances = new Uint8ClampedArray(gray.data.buffer, gray.data.byteOffset, gray.width * gray.height);
  for (const Binarizer of [HybridBinarizer, GlobalHistogramBinarizer]) {
    try {
      const source = new RGBLuminanceSource(luminances, gray.width, gray.height);
      const text = new PDF417Reader().decode(new BinaryBitmap(new Binarizer(source)), hints).getText();
      if (text) return text;
    } catch {
      // NotFound / Checksum / Format: try the next binarizer.
    }
  }
  return null;
}

async function toGray(image: Sharp): Promise<Gray> {
  const { data, info } = await image.greyscale().raw().toBuffer({ resolveWithObject: true });
  if (info.channels === 1) return { data, width: info.width, height: info.height };
  const out = new Uint8Array(info.width * info.height);
  for (let i = 0; i < out.length; i++) out[i] = data[i * info.channels]!;
  return { data: out, width: info.width, height: info.height };
}

const fromGray = (g: Gray) => sharp(g.data, { raw: { width: g.width, height: g.height, channels: 1 } });

/**
 * Candidate symbol boxes, best first, in the coordinates of `gray`: connected blocks where ≥ 40 % of the
 * pixels around are strong edges, at least 1.8× wider than tall and filled enough to be a symbol.
 */
export function locateBarcodeBlocks(gray: Gray): Box[] {
  const { data, width: w, height: h } = gray;
  const edge = new Uint8Array(w * h);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const gx = Math.abs(data[i + 1]! - data[i - 1]!);
      const gy = Math.abs(data[i + w]! - data[i - w]!);
      if (gx + gy > 60) edge[i] = 1;
    }
  }
  const r = Math.max(2, Math.round(Math.max(w, h) / 160));
  const iw = w + 1;
  const integral = new Uint32Array(iw * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += edge[y * w + x]!;
      integral[(y + 1) * iw + x + 1] = integral[y * iw + x + 1]! + row;
    }
  }
  const dense = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(w, x + r + 1);
      const sum =
        integral[y1 * iw + x1]! - integral[y0 * iw + x1]! - integral[y1 * iw + x0]! + integral[y0 * iw + x0]!;
      if (sum >= 0.4 * (y1 - y0) * (x1 - x0)) dense[y * w + x] = 1;
    }
  }
  // Connected components, 4-neighbour flood fill.
  const seen = new Uint8Array(w * h);
  const boxes: (Box & { pixels: number })[] = [];
  const stack: number[] = [];
  for (let start = 0; start < w * h; start++) {
    if (!dense[start] || seen[start]) continue;
    let [minX, minY, maxX, maxY, pixels] = [w, h, 0, 0, 0];
    seen[start] = 1;
    stack.push(start);
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % w;
      const y = (i - x) / w;
      pixels++;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
      const neighbours = [
        x > 0 ? i - 1 : -1,
        x < w - 1 ? i + 1 : -1,
        y > 0 ? i - w : -1,
        y < h - 1 ? i + w : -1,
      ];
      for (const n of neighbours) {
        if (n < 0 || seen[n] || !dense[n]) continue;
        seen[n] = 1;
        stack.push(n);
      }
    }
    boxes.push({ x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1, pixels });
  }
  const minWidth = Math.max(w, h) / 12;
  return boxes
    .filter((b) => b.width >= minWidth && b.width >= 1.8 * b.height && b.height >= minWidth / 5)
    .filter((b) => b.pixels >= 0.35 * b.width * b.height)
    .sort((a, b) => b.pixels - a.pixels)
    .slice(0, 2)
    .map(({ x, y, width, height }) => ({ x, y, width, height }));
}

/**
 * The tilt of the symbol's two edge families, degrees clockwise: `bars` (the bar edges, 0° when upright)
 * and `rows` (the row boundaries every few modules). In a phone photo they differ: perspective shears the
 * symbol, so the bars may stay vertical while the rows slope. Each is the magnitude-weighted mean direction
 * of the gradients within 30° of its axis, taken on the doubled angle.
 */
export function edgeTilts(gray: Gray): { bars: number; rows: number } {
  const { data, width: w, height: h } = gray;
  const bars: [number, number] = [0, 0];
  const rows: [number, number] = [0, 0];
  const window = Math.PI / 6;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const gx = data[i + 1]! - data[i - 1]!;
      const gy = data[i + w]! - data[i - w]!;
      const m2 = gx * gx + gy * gy;
      if (m2 < 400) continue;
      // Gradient direction folded to (−90°, 90°].
      let phi = Math.atan2(gy, gx);
      if (phi > Math.PI / 2) phi -= Math.PI;
      else if (phi <= -Math.PI / 2) phi += Math.PI;
      if (Math.abs(phi) < window) {
        bars[0] += m2 * Math.cos(2 * phi);
        bars[1] += m2 * Math.sin(2 * phi);
      } else if (Math.abs(phi) > Math.PI / 2 - window) {
        const rel = phi > 0 ? phi - Math.PI / 2 : phi + Math.PI / 2;
        rows[0] += m2 * Math.cos(2 * rel);
        rows[1] += m2 * Math.sin(2 * rel);
      }
    }
  }
  const degrees = ([c, s]: [number, number]) => (Math.atan2(s, c) * 90) / Math.PI;
  return { bars: degrees(bars), rows: degrees(rows) };
}

/**
 * The affine matrix (sharp's `[a, b, c, d]`) that makes the rows horizontal and the bars vertical: the
 * inverse of the matrix whose columns are the row direction and the bar direction in the image.
 */
export function rectifyMatrix(tilts: { bars: number; rows: number }): [number, number, number, number] {
  const r = (tilts.rows * Math.PI) / 180;
  const b = (tilts.bars * Math.PI) / 180;
  // Row direction (cos r, sin r); bar direction (−sin b, cos b); y grows downwards.
  const [a, c] = [Math.cos(r), Math.sin(r)];
  const [bb, d] = [-Math.sin(b), Math.cos(b)];
  const det = a * d - bb * c;
  return [d / det, -bb / det, -c / det, a / det];
}

/** Reads the first PDF417 symbol in `image` (any format sharp reads, upright), or null. */
export async function readPdf417(
  image: Buffer,
  options: { maxPixels: number },
): Promise<Pdf417Reading | null> {
  const started = performance.now();
  const full = await toGray(sharp(image, { limitInputPixels: options.maxPixels }));
  let attempts = 1;
  const whole = decodeGray(full);
  if (whole) {
    return {
      text: whole,
      method: 'whole',
      angleDeg: 0,
      shearDeg: 0,
      attempts,
      ms: performance.now() - started,
    };
  }
  const scale = Math.min(1, LOCATE_MAX_SIDE / Math.max(full.width, full.height));
  const small = await toGray(
    fromGray(full).resize(Math.round(full.width * scale), Math.round(full.height * scale)),
  );
  for (const block of locateBarcodeBlocks(small)) {
    // The block in working-image pixels, with a margin for the quiet zone and the tilt.
    // Wide to the sides: glare or shadow can hide one end of the symbol from the locator.
    const [mx, my] = [0.25 * block.width, 0.3 * block.height];
    const left = Math.max(0, Math.floor((block.x - mx) / scale));
    const top = Math.max(0, Math.floor((block.y - my) / scale));
    const right = Math.min(full.width, Math.ceil((block.x + block.width + mx) / scale));
    const bottom = Math.min(full.height, Math.ceil((block.y + block.height + my) / scale));
    const crop = await toGray(
      fromGray(full).extract({ left, top, width: right - left, height: bottom - top }),
    );
    const tilts = edgeTilts(crop);
    const enlarge = DECODE_WIDTH_PX / crop.width;
    for (const delta of [0, -1.5, 1.5]) {
      attempts++;
      const matrix = rectifyMatrix({ bars: tilts.bars + delta, rows: tilts.rows + delta });
      const straight = await toGray(
        fromGray(crop).affine(matrix, { background: '#ffffff', interpolator: 'bicubic' }),
      );
      const upright = await toGray(
        fromGray(straight).resize({ width: Math.round(straight.width * enlarge), kernel: 'cubic' }),
      );
      const text = decodeGray(upright);
      if (text) {
        return {
          text,
          method: 'located',
          angleDeg: Math.round(tilts.bars * 10) / 10,
          shearDeg: Math.round((tilts.rows - tilts.bars) * 10) / 10,
          attempts,
          ms: performance.now() - started,
        };
      }
    }
  }
  return null;
}
