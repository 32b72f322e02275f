/**
 * The OCR seam: the MRZ reader (and later the visual-zone reader) talks only to this interface, and
 * `createOcrEngine` (in `create-ocr-engine.ts`) is the one place that knows which engines exist.
 *
 * Engines must run fully offline (models from npm packages, nothing fetched, nothing written to the cwd)
 * and must be safe to call concurrently; `close()` releases workers/sessions and is idempotent.
 */

export interface OcrBox {
  /** Pixels, in the coordinates of the image passed to `recognize`. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface OcrLine {
  text: string;
  /** 0–1; engines' own scale mapped to 0–1 (Tesseract 0–100 → 0–1, PaddleOCR mean probability). */
  confidence: number;
  box?: OcrBox;
  /**
   * Per-character confidences (0–1), one entry per character of `text` without its spaces, when the
   * engine reports them (Tesseract does; PaddleOCR does not). The MRZ reader uses them to doubt a
   * reading whose check digits pass but which holds a character the engine is known to confuse.
   */
  chars?: { text: string; confidence: number }[];
}

export interface OcrRecognizeOptions {
  /**
   * Restrict the output to these characters (e.g. the MRZ alphabet `A-Z0-9<`). Engines that cannot
   * restrict (PaddleOCR) ignore it; callers still clean the text.
   */
  charset?: string;
  /** Page layout hint: `block` (default) a block of several lines, `line` one text line. */
  psm?: 'block' | 'line';
  /**
   * Keep the detector's text segments as they are (PaddleOCR joins segments of one row by default, for
   * MRZ lines); the visual-zone reader wants a label and its value as separate segments.
   */
  keepSegments?: boolean;
}

export interface OcrResult {
  /** Top to bottom. */
  lines: OcrLine[];
}

export interface OcrEngine {
  /** Stable id used in evidence, e.g. `tesseract-legacy`, `paddle-ppocrv4`. */
  readonly name: string;
  /** Engine and model version, recorded with every reading for reviewers. */
  readonly version: string;
  /** `image`: an encoded image (PNG/JPEG) that sharp can read. */
  recognize(image: Buffer, options?: OcrRecognizeOptions): Promise<OcrResult>;
  /**
   * Optional: recognition alone on `image`, one text line already cut out by the caller (no text
   * detection, no layout analysis). Engines whose detection is the costly part offer it.
   */
  recognizeLine?(image: Buffer): Promise<OcrLine>;
  close(): Promise<void>;
}

/** The MRZ alphabet (ICAO 9303-3 §4.3): what the MRZ reader passes as `charset`. */
export const MRZ_CHARSET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';
