/**
 * Quality gates on the normalised image: each failed gate is a specific, user-fixable finding with a
 * correction code (see src/analysis/corrections.ts) rather than a vague "unreadable".
 *
 * Measures, on the small grayscale copy (≤ 800 px):
 * - sharpness: variance of the 4-neighbour Laplacian, contrast-normalised (multiplied by the square of the
 *   gain that stretches the 1st–99th percentile to 0–255, at most ×{@link MAX_CONTRAST_GAIN}), so a dark but
 *   sharp photo is reported as dark, not blurry. Text-rich documents measure in the hundreds; a photo
 *   blurred with σ ≥ 3 measures below ≈ 60 (figures in test/image-quality.test.ts);
 * - exposure: mean luminance (0–255); below 55 the text contrast is lost;
 * - cut-off: the document (the largest bright region, split from the background at Otsu's threshold) runs
 *   into the frame edge over a long stretch while not filling the whole frame (a flat scan or a page that
 *   fills the frame touches all four edges and is not cut off) — see {@link documentCutOff};
 * - glare: share of saturated pixels (≥ 250) in mostly-saturated 16 px cells, over 2.5 % of the image — only
 *   when the image is not a white page itself (median < 220: a scanned bill on white paper is not glare);
 * - size: the short side of the source image below 480 px cannot carry a readable MRZ.
 */
import type { NormalizedImage } from './normalize.ts';

export const MIN_SHORT_SIDE_PX = 480;
export const MIN_SHARPNESS = 60;
export const MIN_MEAN_LUMA = 55;
export const MAX_GLARE_SHARE = 0.025;
/** The most the sharpness is scaled up for a low-contrast (dark) image: a blank wall stays blurry. */
export const MAX_CONTRAST_GAIN = 6;

export type QualityIssue = 'too-small' | 'blurry' | 'too-dark' | 'glare' | 'cut-off';

/**
 * Quality issues the customer must fix before the document can be judged: with one of these the
 * document is rejected for a retake even when what could be read scored well (a reviewer would not
 * accept a photo they cannot check). Glare alone is not blocking: it is reported as a hint.
 */
export const BLOCKING_QUALITY_ISSUES: readonly QualityIssue[] = [
  'too-small',
  'blurry',
  'too-dark',
  'cut-off',
];

export interface CutOffReport {
  /** Share of the frame covered by the document region. */
  area: number;
  /** Share of each frame edge (top, right, bottom, left) the document region touches. */
  contact: [number, number, number, number];
  cutOff: boolean;
  /**
   * Bounding box of the largest bright region (the document, on a darker background), as shares of the
   * frame (0–1); the whole frame when nothing stands out. Colour is measured there, not on the desk.
   */
  documentBox: { left: number; top: number; width: number; height: number };
}

export interface QualityReport {
  sharpness: number;
  meanLuma: number;
  glareShare: number;
  median: number;
  shortSide: number;
  cutOff: CutOffReport;
  issues: QualityIssue[];
}

export function laplacianVariance(data: Buffer, width: number, height: number): number {
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    const row = y * width;
    for (let x = 1; x < width - 1; x++) {
      const i = row + x;
      const v = 4 * data[i]! - data[i - 1]! - data[i + 1]! - data[i - width]! - data[i + width]!;
      sum += v;
      sumSq += v * v;
      n++;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

/** Share of saturated pixels inside 16×16 cells that are mostly saturated (a blob, not white paper dots). */
export function glareShare(data: Buffer, width: number, height: number): number {
  const cell = 16;
  let glare = 0;
  for (let cy = 0; cy + cell <= height; cy += cell) {
    for (let cx = 0; cx + cell <= width; cx += cell) {
      let saturated = 0;
      for (let y = cy; y < cy + cell; y++) {
        for (let x = cx; x < cx + cell; x++) if (data[y * width + x]! >= 250) saturated++;
      }
      if (saturated > cell * cell * 0.9) glare += saturated;
    }
  }
  return glare / (width * height);
}

/** Otsu's threshold of a 256-bin histogram: the level that best splits it into two classes. */
export function otsuThreshold(histogram: readonly number[]): number {
  let total = 0;
  let sumAll = 0;
  for (let v = 0; v < 256; v++) {
    total += histogram[v]!;
    sumAll += v * histogram[v]!;
  }
  let below = 0;
  let sumBelow = 0;
  let best = 0;
  let threshold = 127;
  for (let v = 0; v < 256; v++) {
    below += histogram[v]!;
    if (below === 0) continue;
    const above = total - below;
    if (above === 0) break;
    sumBelow += v * histogram[v]!;
    const meanBelow = sumBelow / below;
    const meanAbove = (sumAll - sumBelow) / above;
    const between = below * above * (meanBelow - meanAbove) ** 2;
    if (between > best) {
      best = between;
      threshold = v;
    }
  }
  return threshold;
}

/** Below this share of the frame the bright region is not taken for the document. */
const CUT_OFF_MIN_AREA = 0.04;
/**
 * A document edge running along this share of a frame edge (or more) leaves the frame there. Generated
 * captures with 30 % of the document outside measure 0.37–0.76; a card whose corner pokes 14 px out of a
 * 2400 px frame measures 0.21 (it is not cut off for a reviewer: every field is visible).
 */
const CUT_OFF_MIN_CONTACT = 0.3;
/** A region touching all four edges over this share fills the frame (a flat scan): not cut off. */
const FULL_FRAME_CONTACT = 0.5;

/**
 * Whether the document runs out of the frame. The document is taken to be the largest 4-connected region
 * brighter than Otsu's threshold (paper against a desk or a hand); it is cut off when it covers a fair part
 * of the frame and runs along at least one frame edge for a long stretch — a document lying inside the
 * frame touches no edge — unless it touches all four (a scan, or a page filling the frame).
 */
export function documentCutOff(
  data: Buffer,
  width: number,
  height: number,
  histogram: readonly number[],
): CutOffReport {
  const whole = { left: 0, top: 0, width: 1, height: 1 };
  const none: CutOffReport = { area: 0, contact: [0, 0, 0, 0], cutOff: false, documentBox: whole };
  if (width < 8 || height < 8) return none;
  const threshold = otsuThreshold(histogram);
  const size = width * height;
  const label = new Int32Array(size);
  const queue = new Int32Array(size);
  let bestLabel = 0;
  let bestArea = 0;
  let next = 0;
  for (let start = 0; start < size; start++) {
    if (label[start] !== 0 || data[start]! <= threshold) continue;
    next++;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    label[start] = next;
    while (head < tail) {
      const i = queue[head++]!;
      const x = i % width;
      // The four neighbours, inline (this loop visits every bright pixel once).
      let j = i - 1;
      if (x > 0 && label[j] === 0 && data[j]! > threshold) {
        label[j] = next;
        queue[tail++] = j;
      }
      j = i + 1;
      if (x < width - 1 && label[j] === 0 && data[j]! > threshold) {
        label[j] = next;
        queue[tail++] = j;
      }
      j = i - width;
      if (j >= 0 && label[j] === 0 && data[j]! > threshold) {
        label[j] = next;
        queue[tail++] = j;
      }
      j = i + width;
      if (j < size && label[j] === 0 && data[j]! > threshold) {
        label[j] = next;
        queue[tail++] = j;
      }
    }
    if (tail > bestArea) {
      bestArea = tail;
      bestLabel = next;
    }
  }
  if (bestLabel === 0) return none;
  // Per region, its area and its run along each frame edge (top, right, bottom, left).
  const areas = new Int32Array(next + 1);
  for (let i = 0; i < size; i++) areas[label[i]!]!++;
  const runs = new Int32Array((next + 1) * 4);
  for (let x = 0; x < width; x++) {
    runs[label[x]! * 4]!++;
    runs[label[(height - 1) * width + x]! * 4 + 2]!++;
  }
  for (let y = 0; y < height; y++) {
    runs[label[y * width + width - 1]! * 4 + 1]!++;
    runs[label[y * width]! * 4 + 3]!++;
  }
  const contactOf = (l: number): CutOffReport['contact'] => [
    runs[l * 4]! / width,
    runs[l * 4 + 1]! / height,
    runs[l * 4 + 2]! / width,
    runs[l * 4 + 3]! / height,
  ];
  const largest = contactOf(bestLabel);
  let [x0, y0, x1, y1] = [width, height, 0, 0];
  for (let i = 0; i < size; i++) {
    if (label[i] !== bestLabel) continue;
    const x = i % width;
    const y = (i - x) / width;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  const documentBox =
    bestArea / size >= CUT_OFF_MIN_AREA
      ? { left: x0 / width, top: y0 / height, width: (x1 + 1 - x0) / width, height: (y1 + 1 - y0) / height }
      : whole;
  // The largest region fills the frame: a flat scan or a page filling the frame, not cut off.
  if (largest.every((c) => c >= FULL_FRAME_CONTACT))
    return { area: bestArea / size, contact: largest, cutOff: false, documentBox };
  // Any document-sized region (the back of a card below its front, say) may run out of the frame: the one
  // with the longest run along an edge is reported.
  let area = bestArea / size;
  let contact = largest;
  for (let l = 1; l <= next; l++) {
    if (areas[l]! / size < CUT_OFF_MIN_AREA || l === bestLabel) continue;
    const other = contactOf(l);
    if (Math.max(...other) > Math.max(...contact)) [area, contact] = [areas[l]! / size, other];
  }
  return { area, contact, cutOff: Math.max(...contact) >= CUT_OFF_MIN_CONTACT, documentBox };
}

export function assessQuality(image: NormalizedImage): QualityReport {
  const { data, width, height } = image.gray;
  let total = 0;
  const histogram = new Array<number>(256).fill(0);
  for (const value of data) {
    total += value;
    histogram[value]!++;
  }
  const meanLuma = data.length ? total / data.length : 0;
  let median = 0;
  for (let seen = 0; median < 255 && seen + histogram[median]! < data.length / 2; median++)
    seen += histogram[median]!;
  const percentile = (share: number) => {
    let v = 0;
    for (let seen = histogram[0]!; v < 255 && seen < data.length * share;) seen += histogram[++v]!;
    return v;
  };
  const gain = Math.min(
    MAX_CONTRAST_GAIN,
    Math.max(1, 255 / Math.max(1, percentile(0.99) - percentile(0.01))),
  );
  const sharpness = laplacianVariance(data, width, height) * gain * gain;
  const glare = glareShare(data, width, height);
  const shortSide = Math.min(image.sourceWidth, image.sourceHeight);
  const cutOff = documentCutOff(data, width, height, histogram);
  const issues: QualityIssue[] = [];
  if (shortSide < MIN_SHORT_SIDE_PX) issues.push('too-small');
  if (sharpness < MIN_SHARPNESS) issues.push('blurry');
  if (meanLuma < MIN_MEAN_LUMA) issues.push('too-dark');
  if (glare > MAX_GLARE_SHARE && median < 220) issues.push('glare');
  if (cutOff.cutOff) issues.push('cut-off');
  return { sharpness, meanLuma, glareShare: glare, median, shortSide, cutOff, issues };
}
