/**
 * Photocopy detection from colour. A photocopy or a black-and-white scan of a colour document carries no
 * chroma variation: every pixel is grey, or grey under one uniform colour cast (warm indoor light, yellowed
 * paper). We measure Hasler–Süsstrunk colourfulness (2003) on a downscaled copy: with rg = R − G and
 * yb = (R + G)/2 − B per pixel, `spread` = √(σ²rg + σ²yb) and `colourfulness` = spread + 0.3·√(μ²rg + μ²yb).
 * The decision uses `spread` only, because a cast moves the means but not the spread.
 *
 * Measure the document crop, not the whole photo: a colourful desk around a photocopy would hide it.
 */
import sharp from 'sharp';
import type { FraudSignal } from './signal.ts';

export interface ColourStats {
  /** Channels of the decoded image: 1–2 grey (with alpha), 3–4 colour. */
  channels: number;
  meanRg: number;
  meanYb: number;
  stdRg: number;
  stdYb: number;
  /** √(σ²rg + σ²yb), 0 for grey under any uniform cast; 0–255 scale. */
  spread: number;
  /** Hasler–Süsstrunk M: about 0 grey, 15 slightly, 33 moderately, 59 quite, 82 highly colourful. */
  colourfulness: number;
}

/** Longest side, in pixels, of the copy the statistics are taken on (speed; the figures hardly move). */
export const COLOUR_STATS_MAX_SIDE_PX = 256;

/**
 * Below this chroma spread a document image counts as a photocopy. Measured on synthetic document
 * renderings: grey, grey under a warm cast, JPEG at quality 60–70: 0; the colour image with its saturation
 * cut to 15 %: 6.1; a pale colour layout (cream background, pastel guilloche): 19.5; a strongly coloured
 * one: 47. On the generated captures (bench:analysis set, the document region of each image): every
 * grayscale photocopy 0.0; colour documents 5.5–34, the lowest the pale back of an ID card in a
 * JPEG-q55 phone photo (chroma subsampling flattens pastel colour) — so the line sits at 4, between them.
 * Provisional until calibrated on real captures, where sensor noise adds a little chroma.
 */
export const PHOTOCOPY_MAX_SPREAD = 4;

/** Colour statistics of an image (any format sharp reads; EXIF orientation applied, alpha on white). */
export async function colourStats(image: Buffer): Promise<ColourStats> {
  const base = sharp(image, { failOn: 'none' }).rotate();
  const meta = await base.metadata();
  const { data, info } = await base
    .flatten({ background: '#ffffff' })
    .resize(COLOUR_STATS_MAX_SIDE_PX, COLOUR_STATS_MAX_SIDE_PX, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pixels = info.width * info.height;
  let sumRg = 0;
  let sumYb = 0;
  let sumRg2 = 0;
  let sumYb2 = 0;
  for (let i = 0; i < data.length; i += info.channels) {
    const r = data[i] as number;
    const g = data[i + 1] as number;
    const b = data[i + 2] as number;
    const rg = r - g;
    const yb = (r + g) / 2 - b;
    sumRg += rg;
    sumYb += yb;
    sumRg2 += rg * rg;
    sumYb2 += yb * yb;
  }
  const meanRg = sumRg / pixels;
  const meanYb = sumYb / pixels;
  const stdRg = Math.sqrt(Math.max(0, sumRg2 / pixels - meanRg * meanRg));
  const stdYb = Math.sqrt(Math.max(0, sumYb2 / pixels - meanYb * meanYb));
  const spread = Math.hypot(stdRg, stdYb);
  return {
    channels: meta.channels ?? info.channels,
    meanRg,
    meanYb,
    stdRg,
    stdYb,
    spread,
    colourfulness: spread + 0.3 * Math.hypot(meanRg, meanYb),
  };
}

/**
 * Photocopy signal: `grayscale` when the file itself is grey (1–2 channels), `no-colour` when its chroma
 * spread is below `maxSpread` (default {@link PHOTOCOPY_MAX_SPREAD}).
 */
export function isPhotocopySignal(
  stats: Pick<ColourStats, 'channels' | 'spread'>,
  maxSpread: number = PHOTOCOPY_MAX_SPREAD,
): FraudSignal {
  if (stats.channels < 3) return { detected: true, reason: 'grayscale' };
  if (stats.spread < maxSpread) return { detected: true, reason: 'no-colour' };
  return { detected: false, reason: null };
}
