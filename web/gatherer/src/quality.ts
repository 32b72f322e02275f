/**
 * Live capture feedback, computed in the browser on a small grayscale copy of each video frame (about
 * 240 px wide, so one check costs well under a millisecond of the 200 ms between checks):
 * - dark: mean luminance below `DARK_MEAN` (0–255);
 * - glare: more than `GLARE_FRACTION` of the pixels saturated (≥ 250);
 * - blurry: variance of the 4-neighbour Laplacian below the threshold (sharp printed text gives hundreds,
 *   a defocused frame a few tens);
 * - too far: the box around strong edges spans less than `MIN_FILL` of the guide frame's width or height.
 * The server's quality gates decide; these only guide the customer and gate the auto-capture.
 */

export type Issue = 'dark' | 'glare' | 'blurry' | 'far';

export const DARK_MEAN = 55;
export const GLARE_FRACTION = 0.02;
export const MIN_FILL = 0.55;

export interface Measures {
  mean: number;
  glare: number;
  sharpness: number;
  fillX: number;
  fillY: number;
}

/** `gray` is row-major luminance, `width` × `height`. */
export function measure(gray: Uint8Array, width: number, height: number): Measures {
  let sum = 0;
  let saturated = 0;
  for (let i = 0; i < gray.length; i++) {
    const v = gray[i]!;
    sum += v;
    if (v >= 250) saturated++;
  }
  let lapSum = 0;
  let lapSq = 0;
  let count = 0;
  let minX = width;
  let maxX = -1;
  let minY = height;
  let maxY = -1;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const c = gray[i]!;
      const lap = gray[i - 1]! + gray[i + 1]! + gray[i - width]! + gray[i + width]! - 4 * c;
      lapSum += lap;
      lapSq += lap * lap;
      count++;
      const gx = Math.abs(gray[i + 1]! - gray[i - 1]!);
      const gy = Math.abs(gray[i + width]! - gray[i - width]!);
      if (gx + gy > 60) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  const lapMean = count ? lapSum / count : 0;
  return {
    mean: gray.length ? sum / gray.length : 0,
    glare: gray.length ? saturated / gray.length : 0,
    sharpness: count ? lapSq / count - lapMean * lapMean : 0,
    fillX: maxX >= minX ? (maxX - minX) / width : 0,
    fillY: maxY >= minY ? (maxY - minY) / height : 0,
  };
}

/** The most pressing issue, or null when the frame is good enough to capture. */
export function assess(m: Measures, kind: 'document' | 'selfie'): Issue | null {
  if (m.mean < DARK_MEAN) return 'dark';
  if (kind === 'document' && m.glare > GLARE_FRACTION) return 'glare';
  if (m.sharpness < (kind === 'document' ? 120 : 40)) return 'blurry';
  if (kind === 'document' && (m.fillX < MIN_FILL || m.fillY < MIN_FILL * 0.8)) return 'far';
  return null;
}

/** RGBA → luminance (Rec. 601). */
export function toGray(rgba: Uint8ClampedArray): Uint8Array {
  const gray = new Uint8Array(rgba.length / 4);
  for (let i = 0, j = 0; j < gray.length; i += 4, j++) {
    gray[j] = (rgba[i]! * 299 + rgba[i + 1]! * 587 + rgba[i + 2]! * 114) / 1000;
  }
  return gray;
}
