/**
 * Synthetic face images for tests and threshold calibration: capture variants of one face and a
 * document-like card carrying a small portrait. Made with sharp only, deterministic.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

import sharp, { type OverlayOptions } from 'sharp';

import type { FaceBox } from '../face-engine.ts';

const require = createRequire(import.meta.url);

/** The six group photos (1920 px wide, 22 faces) shipped with the @vladmandic/face-api devDependency. */
export function samplePhotoPaths(): string[] {
  const dir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
  return [1, 2, 3, 4, 5, 6].map((n) => path.join(dir, `sample${n}.jpg`));
}

/** Faces per sample photo, counted by eye: 3, 3, 3, 4, 5, 4. */
export const SAMPLE_FACE_COUNTS = [3, 3, 3, 4, 5, 4] as const;

function grow(box: FaceBox, margin: number, width: number, height: number) {
  const left = Math.max(0, Math.floor(box.x - box.width * margin));
  const top = Math.max(0, Math.floor(box.y - box.height * margin));
  return {
    left,
    top,
    width: Math.min(width, Math.ceil(box.x + box.width * (1 + margin))) - left,
    height: Math.min(height, Math.ceil(box.y + box.height * (1 + margin))) - top,
  };
}

/** A head-and-shoulders crop (box + 40 % each side) as PNG: the source of the other variants. */
export async function headCrop(photo: Buffer, box: FaceBox): Promise<Buffer> {
  const meta = await sharp(photo).metadata();
  const region = grow(box, 0.4, meta.autoOrient.width, meta.autoOrient.height);
  return sharp(photo).autoOrient().extract(region).png().toBuffer();
}

export type FaceVariant = 'crop' | 'half-scale' | 'id-print' | 'mirror' | 'rotated-12' | 'document';

/** Capture variants of the face in `photo` at `box` (original pixels). */
export async function faceVariant(photo: Buffer, box: FaceBox, variant: FaceVariant): Promise<Buffer> {
  const head = await headCrop(photo, box);
  switch (variant) {
    case 'crop':
      return head;
    case 'half-scale': {
      const meta = await sharp(photo).metadata();
      return sharp(photo)
        .autoOrient()
        .resize(Math.round(meta.autoOrient.width / 2))
        .jpeg({ quality: 85 })
        .toBuffer();
    }
    case 'id-print':
      return sharp(head).greyscale().jpeg({ quality: 40 }).toBuffer();
    case 'mirror':
      return sharp(head).flop().png().toBuffer();
    case 'rotated-12':
      return sharp(head).rotate(12, { background: '#ffffff' }).png().toBuffer();
    case 'document':
      return documentCard(head);
  }
}

function escapeXml(text: string): string {
  return text.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);
}

/** An SVG of text lines, for the card and for "no face" images. */
export function textSvg(width: number, height: number, lines: string[], background = 'none'): Buffer {
  const size = Math.round(height / (lines.length * 1.8 + 1));
  const body = lines
    .map(
      (line, i) =>
        `<text x="${Math.round(size * 0.8)}" y="${Math.round(size * (1.6 + i * 1.8))}" font-family="DejaVu Sans" font-size="${size}" fill="#1d2a3a">${escapeXml(line)}</text>`,
    )
    .join('');
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${background}"/>${body}</svg>`,
  );
}

export interface DocumentCardOptions {
  /** Card width in pixels. Default 1600 (ID-1 aspect ratio 85.6 × 54 mm). */
  widthPx?: number;
  /** Portrait width as a share of the card width. Default 0.12. */
  portraitShare?: number;
  /** Rotation of the card in the photo, degrees. Default 8. */
  rotateDeg?: number;
  /** Omit the portrait (a blank card). */
  withoutPortrait?: boolean;
}

/**
 * A document-like photo: a light card (pale gradient, a header band, labelled text fields, an MRZ-like
 * band) with `portrait` at 12 % of the card width on the left, rotated, on a darker desk. JPEG q85.
 */
export async function documentCard(
  portrait: Buffer | null,
  options: DocumentCardOptions = {},
): Promise<Buffer> {
  const width = options.widthPx ?? 1600;
  const height = Math.round((width * 54) / 85.6);
  const share = options.portraitShare ?? 0.12;
  const background = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
      <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
        <stop offset="0" stop-color="#eef4f7"/><stop offset="1" stop-color="#dfe9e4"/></linearGradient></defs>
      <rect width="100%" height="100%" rx="${Math.round(width * 0.04)}" fill="url(#g)"/>
      <rect y="${Math.round(height * 0.04)}" width="100%" height="${Math.round(height * 0.1)}" fill="#9fb8c9"/>
    </svg>`,
  );
  const layers: OverlayOptions[] = [];
  const portraitLeft = Math.round(width * 0.05);
  const portraitTop = Math.round(height * 0.2);
  if (portrait && !options.withoutPortrait) {
    const portraitWidth = Math.round(width * share);
    const resized = await sharp(portrait)
      .resize({ width: portraitWidth, height: Math.round(portraitWidth * 1.3), fit: 'cover' })
      .toBuffer();
    layers.push({ input: resized, left: portraitLeft, top: portraitTop });
  }
  const textLeft = Math.round(width * 0.05 + width * share + width * 0.04);
  layers.push({
    input: textSvg(width - textLeft, Math.round(height * 0.6), [
      'IDENTITY CARD  /  CARTE D IDENTITE',
      'Surname: ERIKSSON',
      'Given names: ANNA MARIA',
      'Date of birth: 12 08 1974   Sex: F',
      'Document no: L898902C3',
      'Expiry: 15 04 2032',
    ]),
    left: textLeft,
    top: Math.round(height * 0.17),
  });
  layers.push({
    input: textSvg(width, Math.round(height * 0.2), [
      'I<SWEL898902C36<<<<<<<<<<<<<<<',
      '7408122F3204159SWE<<<<<<<<<<<6',
    ]),
    left: 0,
    top: Math.round(height * 0.78),
  });
  const card = await sharp(background).composite(layers).png().toBuffer();
  const margin = Math.round(width * 0.12);
  return sharp(card)
    .flatten({ background: '#4a4036' })
    .rotate(options.rotateDeg ?? 8, { background: '#4a4036' })
    .extend({ top: margin, bottom: margin, left: margin, right: margin, background: '#4a4036' })
    .jpeg({ quality: 85 })
    .toBuffer();
}
