/**
 * What an uploaded file really is, decided from its bytes alone (the declared content type and the name
 * are not trusted), and the bytes kycgate stores for it:
 * - JPEG, PNG, GIF and PDF are kept as they are;
 * - HEIC/HEIF phone photos are converted to JPEG (sharp cannot decode HEVC: heic-decode → RGBA → sharp);
 * - anything else, an empty file, or an image that does not decode is a 422 on `file`.
 *
 * Images are bounded by pixels before a single pixel is decoded: the dimensions come from the header
 * (sharp `metadata()`, the HEIF container), so a 30000×30000 PNG of 100 KB is refused without the GBs its
 * pixels would take. sharp's own `limitInputPixels` is set too, as a second fence.
 */
import { createHash } from 'node:crypto';
import exifReader from 'exif-reader';
import { fileTypeFromBuffer } from 'file-type';
import heicDecode from 'heic-decode';
import sharp, { type Metadata } from 'sharp';
import { AppError, invalidField } from '../../errors.ts';
import type { ExifData, FileMime } from './files.schemas.ts';

export interface ContentLimits {
  /** Largest accepted file, in bytes. */
  maxBytes: number;
  /** Largest accepted image, in pixels (width × height). */
  maxPixels: number;
}

export interface FileContent {
  bytes: Buffer;
  mime: FileMime;
  extension: 'jpg' | 'png' | 'gif' | 'pdf';
  size: number;
  width: number | null;
  height: number | null;
  sha1: string;
  sha256: string;
  exifData: ExifData | null;
  /** Whether the stored bytes were converted (HEIC → JPEG). */
  isConverted: boolean;
}

const KEPT = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'application/pdf': 'pdf',
} as const satisfies Record<FileMime, string>;

const HEIF_MIMES = new Set(['image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence']);

/** JPEG quality of HEIC conversions: visually lossless for document photos, about 1/3 of q100's size. */
const HEIC_JPEG_QUALITY = 92;

const ACCEPTED = 'a JPEG, PNG, GIF, PDF or HEIC file';

export function tooLarge(maxBytes: number): AppError {
  return new AppError('payload-too-large', `The file is larger than ${maxBytes} bytes`);
}

function checkPixels(width: number, height: number, maxPixels: number): void {
  if (!(width > 0 && height > 0)) throw invalidField('file', 'is an image without dimensions');
  if (width * height > maxPixels) {
    throw invalidField('file', `is ${width}x${height} pixels; at most ${maxPixels} pixels are accepted`);
  }
}

export async function inspectFileContent(input: Buffer, limits: ContentLimits): Promise<FileContent> {
  if (input.length === 0) throw invalidField('file', 'is empty');
  if (input.length > limits.maxBytes) throw tooLarge(limits.maxBytes);

  const detected = await fileTypeFromBuffer(input);
  if (detected && HEIF_MIMES.has(detected.mime)) return convertHeic(input, limits);
  const mime = detected?.mime as FileMime | undefined;
  if (!mime || !Object.hasOwn(KEPT, mime)) {
    const what = detected ? `${detected.ext} (${detected.mime})` : 'of an unrecognised type';
    throw invalidField('file', `must be ${ACCEPTED}; this file is ${what}`);
  }
  const extension = KEPT[mime];
  if (mime === 'application/pdf') return describe(input, mime, extension, null, null, null, false);

  const options = { limitInputPixels: limits.maxPixels, failOn: 'truncated' as const };
  let metadata: Metadata;
  try {
    // The header only: no pixel is decoded here, so sharp's pixel fence is lifted to read the size of
    // a decompression bomb and refuse it with that size; the decode below keeps the fence.
    metadata = await sharp(input, { ...options, limitInputPixels: false }).metadata();
  } catch (error) {
    throw new AppError('validation-error', `file: the ${extension} image cannot be read`, {
      invalidFields: [{ field: 'file', message: `is not a readable ${extension} image` }],
      cause: error,
    });
  }
  checkPixels(metadata.width, metadata.height, limits.maxPixels);
  // Decode once, small (JPEG shrinks on load), to refuse truncated or corrupt images now rather than in
  // the analysis worker.
  try {
    await sharp(input, { ...options, sequentialRead: true })
      .resize(64, 64, { fit: 'inside' })
      .raw()
      .toBuffer();
  } catch (error) {
    throw new AppError('validation-error', `file: the ${extension} image does not decode`, {
      invalidFields: [{ field: 'file', message: `is a damaged ${extension} image` }],
      cause: error,
    });
  }
  const height = metadata.pages && metadata.pageHeight ? metadata.pageHeight : metadata.height;
  return describe(input, mime, extension, metadata.width, height, readExif(metadata.exif), false);
}

async function convertHeic(input: Buffer, limits: ContentLimits): Promise<FileContent> {
  let jpeg: Buffer;
  let width: number;
  let height: number;
  try {
    const images = await heicDecode.all({ buffer: input });
    try {
      const first = images[0];
      if (!first) throw new Error('no image in the HEIF container');
      checkPixels(first.width, first.height, limits.maxPixels);
      const decoded = await first.decode();
      ({ width, height } = decoded);
      jpeg = await sharp(Buffer.from(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength), {
        raw: { width, height, channels: 4 },
        limitInputPixels: limits.maxPixels,
      })
        .removeAlpha()
        .jpeg({ quality: HEIC_JPEG_QUALITY, mozjpeg: false })
        .toBuffer();
    } finally {
      images.dispose();
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('validation-error', 'file: the HEIC image does not decode', {
      invalidFields: [{ field: 'file', message: 'is a HEIC image that cannot be decoded' }],
      cause: error,
    });
  }
  if (jpeg.length > limits.maxBytes) throw tooLarge(limits.maxBytes);
  // libheif applies the container's rotation and mirroring while decoding, so the JPEG needs no EXIF.
  return describe(jpeg, 'image/jpeg', 'jpg', width, height, null, true);
}

function describe(
  bytes: Buffer,
  mime: FileMime,
  extension: FileContent['extension'],
  width: number | null,
  height: number | null,
  exifData: ExifData | null,
  isConverted: boolean,
): FileContent {
  return {
    bytes,
    mime,
    extension,
    size: bytes.length,
    width,
    height,
    sha1: createHash('sha1').update(bytes).digest('hex'),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    exifData,
    isConverted,
  };
}

const TEXT_MAX = 100;

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex -- EXIF strings are NUL-padded
  const cleaned = value.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return cleaned === '' ? undefined : cleaned.slice(0, TEXT_MAX);
}

/** exif-reader parses EXIF dates as if the camera's wall clock were UTC: print that wall clock back. */
function wallClock(value: unknown): string | undefined {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) return undefined;
  return value.toISOString().slice(0, 19);
}

/** A few useful EXIF tags, or null. Broken EXIF never fails an upload: it just yields null. */
export function readExif(raw: Buffer | undefined): ExifData | null {
  if (!raw || raw.length === 0) return null;
  try {
    const exif = exifReader(raw);
    const data: ExifData = {};
    const make = text(exif.Image?.Make);
    const model = text(exif.Image?.Model);
    const software = text(exif.Image?.Software);
    const taken = wallClock(exif.Photo?.DateTimeOriginal);
    const orientation = exif.Image?.Orientation;
    if (make) data.Make = make;
    if (model) data.Model = model;
    if (software) data.Software = software;
    if (taken) data.DateTimeOriginal = taken;
    if (Number.isInteger(orientation) && orientation! >= 1 && orientation! <= 8)
      data.Orientation = orientation;
    const gps = exif.GPSInfo;
    if (gps && (gps.GPSLatitude !== undefined || gps.GPSLongitude !== undefined)) data.GPSPresent = true;
    return Object.keys(data).length > 0 ? data : null;
  } catch {
    return null;
  }
}
