/**
 * Quality gates on the normalised image: each failed gate is a specific, user-fixable finding with a
 * correction code (see src/analysis/corrections.ts) rather than a vague "unreadable".
 *
 * Measures, on the small grayscale copy (≤ 800 px):
 * - sharpness: variance of the 4-neighbour Laplacian. Text-rich documents measure in the hundreds;
 *   a photo blurred with σ ≥ 3 measures below ≈ 60 (see test/image-quality.test.ts for the figures);
 * - exposure: mean luminance (0–255); below 55 the text contrast is lost;
 * - glare: share of saturated pixels (≥ 250) in mostly-saturated 16 px cells, over 2.5 % of the image — only
 *   when the image is not a white page itself (median < 220: a scanned bill on white paper is not glare);
 * - size: the short side of the source image below 480 px cannot carry a readable MRZ.
 */
import type { NormalizedImage } from './normalize.ts';

export const MIN_SHORT_SIDE_PX = 480;
export const MIN_SHARPNESS = 60;
export const MIN_MEAN_LUMA = 55;
export const MAX_GLARE_SHARE = 0.025;

export type QualityIssue = 'too-small' | 'blurry' | 'too-dark' | 'glare';

export interface QualityReport {
  sharpness: number;
  meanLuma: number;
  glareShare: number;
  median: number;
  shortSide: number;
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
  const sharpness = laplacianVariance(data, width, height);
  const glare = glareShare(data, width, height);
  const shortSide = Math.min(image.sourceWidth, image.sourceHeight);
  const issues: QualityIssue[] = [];
  if (shortSide < MIN_SHORT_SIDE_PX) issues.push('too-small');
  if (sharpness < MIN_SHARPNESS) issues.push('blurry');
  if (meanLuma < MIN_MEAN_LUMA) issues.push('too-dark');
  if (glare > MAX_GLARE_SHARE && median < 220) issues.push('glare');
  return { sharpness, meanLuma, glareShare: glare, median, shortSide, issues };
}
