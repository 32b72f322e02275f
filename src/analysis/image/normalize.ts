/**
 * Normalisation: any accepted upload (JPEG, PNG, GIF, PDF — HEIC was converted to JPEG on upload) to an
 * upright RGB working image of bounded size, plus a small grayscale copy for measurements.
 *
 * Budget: the working image is at most WORK_MAX_SIDE px on its long side. A 12-MP phone photo shrinks to
 * ≈ 5 MP, which keeps the MRZ characters ≥ 30 px high when the document fills a third of the frame, and
 * halves the cost of every later stage (sharp decode + resize of a 12-MP JPEG: ≈ 200 ms here).
 * PDFs: only the first page is rendered (a 300-page statement costs one page), at most PDF_MAX_SIDE px.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import sharp from 'sharp';

/**
 * 2000 px was measured too (2026-11-22, docs/accuracy.md "Speed"): JPEG shrink-on-load decodes a 12-MP photo
 * at half size and every stage after it handles fewer pixels, a fifth to a quarter less CPU per photo, but
 * the MRZ of 2 of the benchmark's 10 glare photos then read wrong. Not worth it.
 */
export const WORK_MAX_SIDE = 2600;
export const GRAY_MAX_SIDE = 800;
const PDF_MAX_SIDE = 2400;

export interface NormalizedImage {
  /**
   * The upright RGB working image, encoded as a JPEG (quality 92), which OCR, the barcode reader and face
   * detection read. An uncompressed TIFF would decode in half the time (16 against 32 ms whole), some
   * 30 ms per photo in all, but its cleaner pixels moved the printed-zone readings the thresholds were
   * measured on (a tampered surname went unnoticed in test/viz-read.test.ts): not worth it.
   */
  encoded: Buffer;
  width: number;
  height: number;
  /** Raw 8-bit grayscale, at most GRAY_MAX_SIDE px long side, for quality measurements. */
  gray: { data: Buffer; width: number; height: number };
  /** Size of the source before downscaling (after rotation). */
  sourceWidth: number;
  sourceHeight: number;
  /** `application/pdf` pages rendered, else 0. */
  pdfPages: number;
}

export class UnreadableImageError extends Error {
  constructor(
    readonly code: 'encrypted-pdf' | 'unreadable' | 'too-many-pixels',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UnreadableImageError';
  }
}

const require = createRequire(import.meta.url);

/**
 * Bounds what sharp (libvips) keeps between images in an analysis worker: no operation cache (it holds up
 * to 50 MB of decoded pixels and 100 operations for reuse that never comes — every upload is new) and one
 * libvips thread per operation (a worker analyses on one core; each extra thread also gets its own malloc
 * arena). Measured on 40 generated documents with every model loaded: peak RSS 1339 MB → 1187 MB
 * (docs/accuracy.md, "Memory"). Process-wide; called when an analyzer is built.
 */
export function limitImageMemory(): void {
  sharp.cache(false);
  sharp.concurrency(1);
}

async function renderPdfFirstPage(bytes: Buffer): Promise<{ png: Buffer; pages: number }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const { createCanvas } = await import('@napi-rs/canvas');
  const fontsDir =
    path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts') + path.sep;
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes),
    standardFontDataUrl: fontsDir,
    isEvalSupported: false,
    useSystemFonts: false,
    stopAtErrors: false,
  });
  try {
    const document = await task.promise;
    const page = await document.getPage(1);
    const base = page.getViewport({ scale: 1 });
    const scale = Math.min(4, PDF_MAX_SIDE / Math.max(base.width, base.height));
    const viewport = page.getViewport({ scale });
    const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
    const context = canvas.getContext('2d');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    // pdfjs types these with the DOM's canvas types (absent in Node's lib); @napi-rs/canvas implements them.
    await page.render({ canvas: canvas as never, canvasContext: context as never, viewport }).promise;
    const png = await canvas.encode('png');
    return { png, pages: document.numPages };
  } catch (error) {
    if ((error as { name?: string }).name === 'PasswordException') {
      throw new UnreadableImageError('encrypted-pdf', 'the PDF is password-protected', { cause: error });
    }
    throw new UnreadableImageError('unreadable', 'the PDF could not be rendered', { cause: error });
  } finally {
    await task.destroy();
  }
}

export async function normalizeImage(
  bytes: Buffer,
  mime: string,
  limits: { maxPixels: number },
): Promise<NormalizedImage> {
  let source = bytes;
  let pdfPages = 0;
  if (mime === 'application/pdf') {
    const rendered = await renderPdfFirstPage(bytes);
    source = rendered.png;
    pdfPages = rendered.pages;
  }
  try {
    const image = sharp(source, { limitInputPixels: limits.maxPixels, failOn: 'truncated', pages: 1 });
    const meta = await image.metadata();
    const swap = (meta.orientation ?? 1) >= 5;
    const sourceWidth = (swap ? meta.height : meta.width) ?? 0;
    const sourceHeight = (swap ? meta.width : meta.height) ?? 0;
    const upright = image.rotate().removeAlpha().toColourspace('srgb');
    const { data: encoded, info } = await upright
      .resize({ width: WORK_MAX_SIDE, height: WORK_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 92 })
      .toBuffer({ resolveWithObject: true });
    // From the JPEG, not from raw pixels kept in memory: the decoder's shrink-on-load makes this cheaper
    // (measured: 164 against 191 ms of CPU per photo for both steps).
    const grayOut = await sharp(encoded)
      .resize({ width: GRAY_MAX_SIDE, height: GRAY_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return {
      encoded,
      width: info.width,
      height: info.height,
      gray: { data: grayOut.data, width: grayOut.info.width, height: grayOut.info.height },
      sourceWidth,
      sourceHeight,
      pdfPages,
    };
  } catch (error) {
    if (error instanceof UnreadableImageError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (/pixel limit/i.test(message)) {
      throw new UnreadableImageError('too-many-pixels', 'the image has too many pixels', { cause: error });
    }
    throw new UnreadableImageError('unreadable', 'the image could not be decoded', { cause: error });
  }
}
