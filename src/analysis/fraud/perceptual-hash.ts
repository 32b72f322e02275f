/**
 * A 64-bit perceptual hash (pHash, after Zauner 2010): the image is made grey and shrunk to 32 × 32
 * pixels, transformed with a 2-D DCT, and each of the 8 × 8 lowest frequencies (the constant term left out
 * and replaced by the next one) gives a bit: above or below their median. Resizing, recompression and colour
 * changes move a few bits; an unrelated picture differs in about half. A difference hash (dHash) was tried
 * first: on a synthetic document image with large flat areas, downscaling with JPEG quality 40 or
 * upscaling to PNG moved 8–9 of its 64 bits, because near-equal neighbours flip; pHash moved 2. Written as
 * 16 hex digits so it stores and compares as text.
 *
 * Two documents of the same design photographed the same way hash close under any global hash (the same
 * synthetic layout with other text and guilloche measured 0 bits apart): hash portrait crops for duplicate
 * detection, or treat a whole-document match as a hint for a person, not proof.
 */
import sharp from 'sharp';

/** Hashes at most this many bits apart are taken as the same picture (resized or recompressed). */
export const SAME_IMAGE_MAX_DISTANCE = 6;

const SIZE = 32;
const BITS_SIDE = 8;

/** DCT-II basis, `COS[u][x] = cos((2x + 1)uπ / 2N)`. */
const COS = Array.from({ length: BITS_SIDE + 1 }, (_, u) =>
  Float64Array.from({ length: SIZE }, (_, x) => Math.cos(((2 * x + 1) * u * Math.PI) / (2 * SIZE))),
);

/** pHash of an image (EXIF orientation applied, alpha flattened on white): 16 lower-case hex digits. */
export async function perceptualHash(image: Buffer): Promise<string> {
  const { data, info } = await sharp(image, { failOn: 'none' })
    .rotate()
    .flatten({ background: '#ffffff' })
    .greyscale()
    .resize(SIZE, SIZE, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const channels = info.channels; // grey: 1; the first channel of each pixel is read either way
  const pixel = (x: number, y: number) => data[(y * SIZE + x) * channels] as number;
  // Separable DCT: rows first (only the low frequencies are needed), then columns.
  const rows: Float64Array[] = [];
  for (let y = 0; y < SIZE; y++) {
    const row = new Float64Array(BITS_SIDE + 1);
    for (let u = 0; u <= BITS_SIDE; u++) {
      let sum = 0;
      for (let x = 0; x < SIZE; x++) sum += pixel(x, y) * (COS[u] as Float64Array)[x]!;
      row[u] = sum;
    }
    rows.push(row);
  }
  const coefficients: number[] = [];
  for (let v = 0; v <= BITS_SIDE; v++) {
    for (let u = 0; u <= BITS_SIDE; u++) {
      if (u === 0 && v === 0) continue;
      if (coefficients.length === BITS_SIDE * BITS_SIDE) break;
      let sum = 0;
      for (let y = 0; y < SIZE; y++) sum += (rows[y] as Float64Array)[u]! * (COS[v] as Float64Array)[y]!;
      coefficients.push(sum);
    }
  }
  const sorted = [...coefficients].sort((a, b) => a - b);
  const median = ((sorted[31] as number) + (sorted[32] as number)) / 2;
  let hash = 0n;
  for (const c of coefficients) hash = (hash << 1n) | (c > median ? 1n : 0n);
  return hash.toString(16).padStart(16, '0');
}

/** Bits that differ between two hashes of the same length (hex). */
export function hammingDistance(a: string, b: string): number {
  if (a.length !== b.length) throw new RangeError(`hashes differ in length: ${a.length} and ${b.length}`);
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let count = 0;
  while (x > 0n) {
    count += Number(x & 1n);
    x >>= 1n;
  }
  return count;
}
