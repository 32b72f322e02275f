/**
 * Decoding for the face engine: EXIF auto-orientation, alpha removed, sRGB (greyscale inputs become three
 * equal channels), and a bounded size, so a 12-MP or 100-MP photo is never turned into a tensor whole.
 */
import sharp from 'sharp';

/** Interleaved 8-bit RGB pixels. */
export interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

/** A decoded region of the original image and how to map its pixels back to original coordinates. */
export interface DecodedRegion extends RgbImage {
  /** Original-image pixels per decoded pixel (≥ 1 when downscaled). */
  scale: number;
  /** Top-left of the region in original-image pixels. */
  offsetX: number;
  offsetY: number;
}

export interface ImageSize {
  width: number;
  height: number;
}

/** Size of the image after EXIF orientation; throws if the bytes are not a decodable image. */
export async function orientedSize(image: Buffer): Promise<ImageSize> {
  const meta = await sharp(image).metadata();
  return { width: meta.autoOrient.width, height: meta.autoOrient.height };
}

/**
 * Decodes `region` (original-image pixels, default the whole image) so that its longer side is at most
 * `maxSidePx`. Never upscales.
 */
export async function decodeRegion(
  image: Buffer,
  maxSidePx: number,
  region?: { left: number; top: number; width: number; height: number },
  /** The oriented size of `image` when the caller knows it already (saves reading the header again). */
  size?: ImageSize,
): Promise<DecodedRegion> {
  let pipeline = sharp(image).autoOrient();
  if (region) pipeline = pipeline.extract(region);
  const { data, info } = await pipeline
    .resize({ width: maxSidePx, height: maxSidePx, fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`Expected 3 channels after decoding, got ${info.channels}`);
  const sourceWidth = region?.width ?? (size ?? (await orientedSize(image))).width;
  return {
    data,
    width: info.width,
    height: info.height,
    scale: sourceWidth / info.width,
    offsetX: region?.left ?? 0,
    offsetY: region?.top ?? 0,
  };
}

/** Copies a rectangle out of an RGB image (no resampling). */
export function cropRgb(image: RgbImage, left: number, top: number, width: number, height: number): RgbImage {
  const data = Buffer.allocUnsafe(width * height * 3);
  for (let row = 0; row < height; row++) {
    const from = ((top + row) * image.width + left) * 3;
    image.data.copy(data, row * width * 3, from, from + width * 3);
  }
  return { data, width, height };
}

/**
 * Sharpness (variance of the Laplacian) and brightness (mean luminance) of a region of an RGB image,
 * measured on a 128×128 greyscale resample so the figures do not depend on the face's pixel size.
 */
export async function measureRegion(
  image: RgbImage,
  box: { left: number; top: number; width: number; height: number },
): Promise<{ sharpness: number; brightness: number }> {
  const side = 128;
  const grey = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract(box)
    .greyscale()
    .resize(side, side, { fit: 'fill' })
    .raw()
    .toBuffer();
  let sum = 0;
  for (const value of grey) sum += value;
  let lapSum = 0;
  let lapSquares = 0;
  let count = 0;
  for (let y = 1; y < side - 1; y++) {
    for (let x = 1; x < side - 1; x++) {
      const i = y * side + x;
      const lap = grey[i - 1]! + grey[i + 1]! + grey[i - side]! + grey[i + side]! - 4 * grey[i]!;
      lapSum += lap;
      lapSquares += lap * lap;
      count++;
    }
  }
  const lapMean = lapSum / count;
  return { sharpness: lapSquares / count - lapMean * lapMean, brightness: sum / grey.length };
}
