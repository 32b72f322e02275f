/**
 * `GET /files/{id}/download`: the stored bytes, or with `imageSize=WxH` an image resized to fit inside
 * that box (never enlarged, EXIF orientation applied). `imageSize` is ignored for PDFs.
 */
import sharp from 'sharp';
import type { FileRow } from '../../db/schema.ts';
import { AppError, invalidField } from '../../errors.ts';
import type { Deps } from '../deps.ts';

const SIZE_MIN = 10;
const SIZE_MAX = 2000;

export interface Download {
  bytes: Buffer;
  mime: string;
  /** A header-safe file name with the real extension. */
  filename: string;
}

/** `"800x600"` → `{width, height}`; each side 10..2000 or a 422 on `imageSize`. */
export function parseImageSize(value: string): { width: number; height: number } {
  const [width, height] = value.split('x').map(Number) as [number, number];
  for (const side of [width, height]) {
    if (!(side >= SIZE_MIN && side <= SIZE_MAX)) {
      throw invalidField('imageSize', `each side must be from ${SIZE_MIN} to ${SIZE_MAX} pixels`);
    }
  }
  return { width, height };
}

/** The name for Content-Disposition: `[\w.-]` only, with the stored extension. */
export function safeFilename(row: Pick<FileRow, 'name' | 'extension'>): string {
  const stem = row.name
    .replace(/\.[^.]*$/, '')
    .replace(/[^\w.-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 100);
  return `${stem || 'file'}.${row.extension}`;
}

export async function downloadFile(
  deps: Deps,
  row: FileRow,
  imageSize: string | undefined,
): Promise<Download> {
  const bytes = await deps.blobs.get(row.storageKey);
  if (!bytes) throw new AppError('internal', `The bytes of file ${row.id} are missing from storage`);
  const download = { bytes, mime: row.mime, filename: safeFilename(row) };
  if (!imageSize || !row.mime.startsWith('image/')) return download;
  const box = parseImageSize(imageSize);
  const format = row.extension === 'jpg' ? 'jpeg' : (row.extension as 'png' | 'gif');
  const resized = await sharp(bytes, { limitInputPixels: deps.config.maxImagePixels })
    .rotate()
    .resize(box.width, box.height, { fit: 'inside', withoutEnlargement: true })
    .toFormat(format)
    .toBuffer();
  return { ...download, bytes: resized };
}
