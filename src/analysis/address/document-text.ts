/**
 * The text of a bill, statement or letter as positioned lines, whatever the upload: a text PDF is read
 * directly (pdfjs text layer: exact, ~50 ms), a scanned PDF (no text layer) is rendered and read by OCR, a
 * photo is normalised (upright, bounded) and read by OCR. OCR runs on a copy at most OCR_MAX_SIDE px long:
 * PaddleOCR's detector works on the whole image, and at the full working size a page costs 2–3× the time
 * and ~0.6 GB more memory for no better reading of 9-pt print (measured on the fixtures).
 *
 * PDFs also yield what a reviewer looks at for tampering: the producing and editing software in the
 * metadata, creation against modification date, text drawn over other text (a value covered with a white
 * box and retyped), and the fonts of each line.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { normalizeImage, type NormalizedImage } from '../image/normalize.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';

const require = createRequire(import.meta.url);

/** Longest side of the image OCR reads (px). */
export const OCR_MAX_SIDE = 1400;
/** A PDF whose first page has fewer words in its text layer is treated as a scan. */
const MIN_TEXT_LAYER_WORDS = 8;

export interface TextLine {
  text: string;
  /** Top-left origin, in the page's pixel or point space. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** The font of the line (text PDFs only). */
  font?: string;
}

export interface PdfFacts {
  pages: number;
  producer: string | null;
  creator: string | null;
  creationDate: string | null;
  modificationDate: string | null;
  /** Text items drawn over other, different text (a covered and retyped value). */
  overlaps: { text: string; covered: string }[];
  /** How many text items use each font. */
  fontUse: Record<string, number>;
}

export interface DocumentText {
  source: 'pdf-text' | 'pdf-ocr' | 'image-ocr';
  lines: TextLine[];
  pdf: PdfFacts | null;
  /** The normalised image (scans and photos), for quality gates and metadata. */
  image: NormalizedImage | null;
  ocrEngine: string | null;
  timings: Record<string, number>;
}

interface PdfTextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
  fontName: string;
}

/** `D:20261105060000Z` or `D:20261105060000+01'00'` → ISO date-time; null when absent or odd. */
export function pdfDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?/.exec(value);
  if (!m) return null;
  const iso = `${m[1]}-${m[2] ?? '01'}-${m[3] ?? '01'}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}Z`;
  return Number.isNaN(Date.parse(iso)) ? null : iso;
}

/** Groups positioned items into lines: same baseline (within ⅓ of the font size), left to right. */
function itemsToLines(items: PdfTextItem[], pageHeight: number, fonts: Record<string, string>): TextLine[] {
  const boxes = items
    .filter((i) => i.str.trim())
    .map((i) => {
      const size = Math.hypot(i.transform[2] ?? 0, i.transform[3] ?? 0) || i.height || 10;
      return {
        text: i.str,
        x: i.transform[4] ?? 0,
        y: pageHeight - (i.transform[5] ?? 0) - size,
        width: i.width,
        height: size,
        font: fonts[i.fontName] ?? i.fontName,
      };
    })
    .sort((a, b) => a.y - b.y || a.x - b.x);
  const rows: (typeof boxes)[] = [];
  for (const box of boxes) {
    const row = rows.find((r) => Math.abs(r[0]!.y - box.y) < r[0]!.height / 3);
    if (row) row.push(box);
    else rows.push([box]);
  }
  const lines: TextLine[] = [];
  for (const row of rows) {
    row.sort((a, b) => a.x - b.x);
    // Columns stay apart: a gap wider than two font sizes starts a new segment.
    let current: TextLine | null = null;
    for (const box of row) {
      if (current && box.x - (current.x + current.width) < 2 * box.height) {
        const gap = box.x - (current.x + current.width) > box.height * 0.15 ? ' ' : '';
        current.text += gap + box.text;
        current.width = box.x + box.width - current.x;
      } else {
        current = { ...box };
        lines.push(current);
      }
    }
  }
  return lines.sort((a, b) => a.y - b.y || a.x - b.x);
}

async function readPdfText(bytes: Buffer): Promise<{ lines: TextLine[]; facts: PdfFacts } | null> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
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
    const meta = await document.getMetadata().catch(() => null);
    const info = (meta?.info ?? {}) as Record<string, unknown>;
    const page = await document.getPage(1);
    const viewport = page.getViewport({ scale: 1 });
    const content = await page.getTextContent();
    const items = content.items.filter((i) => 'str' in i) as PdfTextItem[];
    const fonts: Record<string, string> = {};
    for (const [id, style] of Object.entries(content.styles)) fonts[id] = `${style.fontFamily}:${id}`;
    const fontUse: Record<string, number> = {};
    for (const item of items) {
      if (!item.str.trim()) continue;
      const name = fonts[item.fontName] ?? item.fontName;
      fontUse[name] = (fontUse[name] ?? 0) + 1;
    }
    // Different text drawn where other text already is: the later item covers the earlier one.
    const overlaps: PdfFacts['overlaps'] = [];
    const placed = items.filter((i) => i.str.trim());
    for (let a = 0; a < placed.length; a++) {
      for (let b = a + 1; b < placed.length; b++) {
        const A = placed[a]!;
        const B = placed[b]!;
        const ax = A.transform[4]!;
        const bx = B.transform[4]!;
        const ay = A.transform[5]!;
        const by = B.transform[5]!;
        const h = Math.max(A.height, B.height, 1);
        const overlapX = Math.min(ax + A.width, bx + B.width) - Math.max(ax, bx);
        if (Math.abs(ay - by) < h / 2 && overlapX > 0.5 * Math.min(A.width, B.width) && A.str !== B.str) {
          overlaps.push({ text: B.str.slice(0, 80), covered: A.str.slice(0, 80) });
        }
      }
    }
    const lines = itemsToLines(items, viewport.height, fonts);
    const facts: PdfFacts = {
      pages: document.numPages,
      producer: typeof info.Producer === 'string' ? info.Producer : null,
      creator: typeof info.Creator === 'string' ? info.Creator : null,
      creationDate: pdfDate(info.CreationDate),
      modificationDate: pdfDate(info.ModDate),
      overlaps,
      fontUse,
    };
    return { lines, facts };
  } catch {
    return null;
  } finally {
    await task.destroy();
  }
}

async function ocrLines(engine: OcrEngine, image: NormalizedImage): Promise<TextLine[]> {
  const small = await sharp(image.encoded)
    .resize({ width: OCR_MAX_SIDE, height: OCR_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 90 })
    .toBuffer();
  const result = await engine.recognize(small, { keepSegments: true });
  return result.lines
    .filter((l) => l.text.trim())
    .map((l) => ({
      text: l.text,
      x: l.box?.x ?? 0,
      y: l.box?.y ?? 0,
      width: l.box?.width ?? 0,
      height: l.box?.height ?? 0,
    }))
    .sort((a, b) => a.y - b.y || a.x - b.x);
}

const wordTotal = (lines: TextLine[]) =>
  lines.reduce((n, l) => n + (l.text.match(/[\p{L}\p{N}]+/gu)?.length ?? 0), 0);

/**
 * Reads one uploaded file. Throws `UnreadableImageError` (from normalise) when the bytes are no image or
 * PDF it can open; returns no lines when nothing legible is on it.
 */
export async function readDocumentText(
  bytes: Buffer,
  mime: string,
  options: { ocr: OcrEngine; maxPixels: number },
): Promise<DocumentText> {
  const timings: Record<string, number> = {};
  let started = performance.now();
  let pdf: PdfFacts | null = null;
  if (mime === 'application/pdf') {
    const text = await readPdfText(bytes);
    timings.pdfTextMs = performance.now() - started;
    if (text) {
      pdf = text.facts;
      if (wordTotal(text.lines) >= MIN_TEXT_LAYER_WORDS) {
        return { source: 'pdf-text', lines: text.lines, pdf, image: null, ocrEngine: null, timings };
      }
    }
  }
  started = performance.now();
  const image = await normalizeImage(bytes, mime, { maxPixels: options.maxPixels });
  timings.normalizeMs = performance.now() - started;
  started = performance.now();
  const lines = await ocrLines(options.ocr, image);
  timings.ocrMs = performance.now() - started;
  return {
    source: mime === 'application/pdf' ? 'pdf-ocr' : 'image-ocr',
    lines,
    pdf,
    image,
    ocrEngine: `${options.ocr.name} ${options.ocr.version}`,
    timings,
  };
}
