/**
 * Read the MRZ of a document image: locate → OCR the band with the fast engine over cheap variants →
 * vote → fall back to the accurate engine only when check digits still fail → keep the candidate whose
 * check digits pass.
 *
 * Contract: `readMrz(image, engines, options)` never throws for an unreadable image (it answers
 * `found: false`); it throws only when an engine fails. A reading whose check digits fail is returned as
 * such (`checksumValid: false`, per-field `checks`): the caller decides, nothing is silently accepted.
 * Every OCR call is recorded in `attempts` (engine, variant, orientation, lines, validity, ms) so a
 * reviewer can see why a value was chosen.
 *
 * Cost model (measured on this 2-core machine, see the test files for the commands): the common path is
 * one locate (~0.2–0.3 s on a 12-MP JPEG, mostly JPEG decoding) plus one Tesseract-legacy call on the
 * band (~0.15–0.3 s). Extra variants cost ~0.2 s each and run only when a check digit fails; PaddleOCR
 * (~0.5 s per band, plus ~0.5 s and ~0.6 GB to load once) runs only when voting did not produce a valid
 * reading, or to settle doubtful characters. It reads the band's rows one by one with its recognition
 * model alone when the locator found two or three separate rows (about half the cost of detection plus
 * recognition: 0.28 against 0.52 s of CPU per band; 30 of 30 photo and scan bands of the benchmark read
 * exactly against 24 of 30 for the whole band, but 8 of 14 blurred ones against 11 of 14); the whole band
 * when there are no such rows, or when the row reading fails its check digits or its line lengths.
 */
import sharp from 'sharp';
import type { MrzEngines } from '../ocr/create-ocr-engine.ts';
import { MRZ_CHARSET, type OcrEngine, type OcrLine } from '../ocr/ocr-engine.ts';
import {
  flip180,
  grayToPng,
  locateMrz,
  TARGET_CAP_HEIGHT_PX,
  textColumns,
  textMask,
  type GrayImage,
  type MrzBandGeometry,
} from './locate-mrz.ts';
import {
  checkedSpans,
  cleanMrzText,
  extractMrzLines,
  fitLineLength,
  MRZ_FORMAT_SHAPES,
  MRZ_LAYOUTS,
  parseMrz,
  type FieldValidity,
  type MrzChecks,
  type MrzFieldName,
  type MrzFields,
  type MrzFormat,
  type MrzParseResult,
  type MrzRepair,
} from './mrz-parse.ts';
import { isCheckDigitValid } from './check-digit.ts';
import { KNOWN_STATE_CODES } from './state-codes.ts';

/**
 * How a band was read: `normalized` (contrast-stretched), `binarized`, `upscaled` — the whole band;
 * `lines` — its rows one by one (the fallback engine's recognizer alone); `vote` — combined readings.
 */
export type MrzVariant = 'normalized' | 'binarized' | 'upscaled' | 'lines' | 'vote';

export interface MrzAttempt {
  engine: string;
  variant: MrzVariant;
  /** 0 as located, 180 when the band was turned upside down. */
  orientation: 0 | 180;
  /** The MRZ lines extracted from this attempt (after cleaning), or the raw OCR lines when none fit. */
  lines: string[];
  /** All check digits pass and every field is well-formed. */
  valid: boolean;
  ms: number;
}

export interface MrzReading {
  /** An MRZ was read (its lines fit a format), valid or not. */
  found: boolean;
  format: MrzFormat | null;
  lines: string[];
  fields: MrzFields | null;
  checks: MrzChecks | null;
  checksumValid: boolean;
  fieldValidity: Record<MrzFieldName, FieldValidity> | null;
  repairs: MrzRepair[];
  /** The engine whose reading was kept (`…+vote` when it came from voting), or null. */
  engine: string | null;
  /** Versions of every engine that was called, by name. */
  engineVersions: Record<string, string>;
  band: MrzBandGeometry | null;
  attempts: MrzAttempt[];
  timings: { locateMs: number; fastOcrMs: number; fallbackOcrMs: number; totalMs: number };
}

export interface ReadMrzOptions {
  /** Reference date for the two-digit-year century rule; default now. */
  now?: Date;
  /** Fast-engine variants to try before voting (1–3); default 3. */
  maxVariants?: number;
  /** Use the fallback engine when check digits fail; default true (when the engine is given). */
  useFallback?: boolean;
  /**
   * The names the document is expected to hold (the customer record, in MRZ form: `toMrzName`). Names have
   * no check digit: where a passing reading differs from them only by characters the fast engine confuses
   * (`DOUBTFUL`: a W read as N), those positions are doubtful and the fallback engine settles them. The
   * expected names never replace a character themselves; a name that really differs stays as read.
   */
  expectedNames?: { surname: string; givenNames: string };
}

interface Candidate {
  parsed: MrzParseResult;
  engine: string;
  attempt: MrzAttempt;
  /** Positions (`line:index`) the engine read with low confidence as a character it confuses. */
  doubts: Set<string>;
}

/**
 * Characters the legacy Tesseract classifier substitutes for others where no check digit can object,
 * with what they may really be: W→H/N and M→H in names and state codes (no check digit), G→6 in a
 * document number (G is 16 and 6 is 6: the weights 7-3-1 cannot see a difference of 10). Measured on
 * the fixtures (bench/mrz-accuracy.ts, 5,300 characters): an `H` read with a confidence under 0.8 was
 * wrong 16 times in 17, an `N` under 0.78 5 times in 12, a `6` under 0.8 10 times in 14; correct reads
 * of these characters are almost all above. Such a character makes a passing reading doubtful, and
 * the reader asks the fallback engine about that position only.
 */
const DOUBTFUL: Record<string, { below: number; mayBe: string[] }> = {
  H: { below: 0.8, mayBe: ['W', 'M', 'N'] },
  N: { below: 0.78, mayBe: ['W', 'H'] },
  M: { below: 0.8, mayBe: ['W', 'H'] },
  '6': { below: 0.8, mayBe: ['G'] },
};

/**
 * In the alphanumeric fields a check digit covers (document number, personal number, TD1/TD2 optional
 * data) the legacy engine also reads letters as digits that the check digit cannot tell apart: G→6,
 * S→8 (28 vs 8), U→0 (30 vs 0), or two misreads that cancel out (DB→08: 13·7 + 3·3 = 100). There a
 * `0`, `6` or `8` under this confidence is doubtful, and the fallback's reading of the whole field is
 * taken only if the field still passes its check digit (and the composite) with it.
 */
const DOUBTFUL_IN_CHECKED: Record<string, number> = {
  '0': 0.85,
  '6': 0.85,
  '8': 0.85,
  H: 0.8,
  N: 0.78,
  M: 0.8,
};

/** The state-code spans of a reading that hold no known code (`NLO` for `NLD`, `VM<` for `VNM`). */
function unknownStateSpans(p: MrzParseResult): { line: number; start: number; end: number }[] {
  const l = MRZ_LAYOUTS[p.format];
  return [l.issuingState, l.nationality].filter(
    (sp) => !KNOWN_STATE_CODES.has(p.lines[sp.line]!.slice(sp.start, sp.end).replace(/<+$/, '')),
  );
}

/** Letters OCR confuses in OCR-B state codes (no check digit covers them): `D` read as `O`, say. */
const STATE_CODE_CONFUSIONS: Record<string, string> = {
  O: 'DQ',
  D: 'O',
  Q: 'O',
  I: 'L',
  L: 'I',
  B: 'E',
  E: 'B',
  H: 'NM',
  N: 'HM',
  M: 'HN',
  V: 'Y',
  Y: 'V',
};

/**
 * Last resort for a state code that is no code after both engines (`O` for Germany's `D`): the known
 * codes one confusable letter away. Taken only when exactly one is found, or when one of them is the
 * reading's other state code (nationality usually equals the issuing state); else left as read.
 */
export function repairStateCodes(p: MrzParseResult, now?: Date): MrzParseResult {
  const l = MRZ_LAYOUTS[p.format];
  let lines = p.lines;
  const repairs: MrzRepair[] = [];
  for (const [field, span, other] of [
    ['issuingState', l.issuingState, l.nationality],
    ['nationality', l.nationality, l.issuingState],
  ] as const) {
    const read = lines[span.line]!.slice(span.start, span.end);
    if (KNOWN_STATE_CODES.has(read.replace(/<+$/, ''))) continue;
    const options = new Set<string>();
    for (let i = 0; i < read.length; i++) {
      for (const to of STATE_CODE_CONFUSIONS[read[i]!] ?? '') {
        const code = read.slice(0, i) + to + read.slice(i + 1);
        if (/^[A-Z]+<*$/.test(code) && KNOWN_STATE_CODES.has(code.replace(/<+$/, ''))) options.add(code);
      }
    }
    const otherCode = lines[other.line]!.slice(other.start, other.end);
    const chosen = options.size === 1 ? [...options][0]! : options.has(otherCode) ? otherCode : null;
    if (!chosen) continue;
    const line = lines[span.line]!;
    lines = lines.map((x, i) =>
      i === span.line ? line.slice(0, span.start) + chosen + line.slice(span.end) : x,
    );
    repairs.push({ field, from: read, to: chosen, by: 'class' });
  }
  if (repairs.length === 0) return p;
  const parsed = parseMrz(lines, now ? { now } : {});
  return parsed ? { ...parsed, repairs: [...parsed.repairs, ...repairs] } : p;
}

/** A row taller than this many cap heights is two lines run together: the band is read whole. */
const MAX_LINE_HEIGHT_CAPS = 1.7;
/**
 * The margin kept above and below a row read on its own, as a share of its height. 0.15 read the most
 * bands exactly on the benchmark's photos and scans (0.1: 28, 0.15: 30, 0.2: 29, 0.3: 24 of 30); wider
 * margins shrink the glyphs in the recognizer's 48-px input.
 */
const LINE_MARGIN_SHARE = 0.15;

/** Most confusable substitutions between the read and the expected names that are worth a second look. */
const MAX_NAME_DOUBTS = 2;

/**
 * Positions of the name field where the reading has a letter the fast engine confuses and the expected
 * name has one of the letters it may really be (see `ReadMrzOptions.expectedNames`). Empty when the names
 * differ in any other way (length, filler, other letters): that is a different name, not a misread.
 */
export function expectedNameDoubts(
  p: MrzParseResult,
  expected: { surname: string; givenNames: string },
): Set<string> {
  const span = MRZ_LAYOUTS[p.format].name;
  const field = p.lines[span.line]!.slice(span.start, span.end);
  const want = `${expected.surname}<<${expected.givenNames}`.padEnd(field.length, '<').slice(0, field.length);
  const doubts = new Set<string>();
  for (let i = 0; i < field.length; i++) {
    const got = field[i]!;
    const exp = want[i]!;
    if (got === exp) continue;
    if (got === '<' || exp === '<' || !DOUBTFUL[got]?.mayBe.includes(exp)) return new Set();
    doubts.add(`${span.line}:${span.start + i}`);
  }
  return doubts.size <= MAX_NAME_DOUBTS ? doubts : new Set();
}

/** Whether a passing reading should be checked against the fallback engine before it is kept. */
function isDoubtful(c: Candidate): boolean {
  return c.doubts.size > 0 || unknownStateSpans(c.parsed).length > 0;
}

/** Line and index ranges of the alphanumeric fields covered by a check digit, per format. */
function checkedAlnumSpans(format: MrzFormat): { line: number; start: number; end: number }[] {
  const l = MRZ_LAYOUTS[format];
  const spans = [l.documentNumber];
  if (format !== 'MRVA' && format !== 'MRVB') spans.push(l.optional1);
  if (l.optional2) spans.push(l.optional2);
  return spans;
}

const spanOf = (
  format: MrzFormat,
  li: number,
  i: number,
): { line: number; start: number; end: number } | null =>
  checkedAlnumSpans(format).find((sp) => sp.line === li && i >= sp.start && i < sp.end) ?? null;

/**
 * The doubtful positions of an extracted reading: each MRZ line is traced back to the OCR line it was
 * fitted from (`fitLineLength` only adds or drops filler at the end or inside the longest filler run),
 * and each low-confidence confusable character is mapped to its position in the MRZ line.
 */
function doubtfulPositions(ocrLines: OcrLine[], format: MrzFormat, mrzLines: string[]): Set<string> {
  const doubts = new Set<string>();
  mrzLines.forEach((mrzLine, li) => {
    for (const ocr of ocrLines) {
      if (!ocr.chars) continue;
      const cleaned = cleanMrzText(ocr.text);
      if (fitLineLength(cleaned, mrzLine.length) !== mrzLine) continue;
      if (ocr.chars.map((c) => c.text).join('') !== cleaned) continue;
      let prefix = 0;
      while (prefix < cleaned.length && cleaned[prefix] === mrzLine[prefix]) prefix++;
      const delta = mrzLine.length - cleaned.length;
      ocr.chars.forEach((c, j) => {
        const i = j < prefix ? j : j + delta;
        if (mrzLine[i] !== c.text) return;
        const below = spanOf(format, li, i) ? DOUBTFUL_IN_CHECKED[c.text] : DOUBTFUL[c.text]?.below;
        if (below !== undefined && c.confidence < below) doubts.add(`${li}:${i}`);
      });
      break;
    }
  });
  return doubts;
}

/**
 * Settle the doubtful positions of `base` with another engine's reading of the same band. Outside the
 * checked fields: where the other engine reads one of the characters the doubtful one may really be
 * (`DOUBTFUL`), take it. Inside a checked alphanumeric field: take the other engine's characters at all
 * the doubtful positions of that field at once, and keep them only if the lines still pass every check
 * digit. Lines that do not line up (more than a quarter of the characters differ) are left alone. The
 * result is always parsed again, so every check digit still has to pass.
 */
function settleDoubts(
  base: Candidate,
  other: MrzParseResult,
  now: Date | undefined,
): { parsed: MrzParseResult; changed: boolean } | null {
  const format = base.parsed.format;
  if (other.format !== format) return null;
  let lines = [...base.parsed.lines];
  let changed = false;
  const aligned = (li: number): boolean => {
    const mine = lines[li]!;
    const theirs = other.lines[li]!;
    let differing = 0;
    for (let k = 0; k < mine.length; k++) if (mine[k] !== theirs[k]) differing++;
    return differing <= mine.length / 4;
  };
  const replace = (ls: string[], li: number, i: number, ch: string): void => {
    ls[li] = ls[li]!.slice(0, i) + ch + ls[li]!.slice(i + 1);
  };
  const inChecked = new Map<string, [number, number][]>();
  for (const key of base.doubts) {
    const [li, i] = key.split(':').map(Number) as [number, number];
    if (!aligned(li)) continue;
    const theirs = other.lines[li]![i]!;
    const span = spanOf(format, li, i);
    if (span) {
      if (theirs === '<' || theirs === lines[li]![i]) continue;
      const spanKey = `${span.line}:${span.start}`;
      inChecked.set(spanKey, [...(inChecked.get(spanKey) ?? []), [li, i]]);
      continue;
    }
    if (DOUBTFUL[lines[li]![i]!]?.mayBe.includes(theirs)) {
      replace(lines, li, i, theirs);
      changed = true;
    }
  }
  // A state code that is no code, where the other engine reads a known one.
  for (const sp of unknownStateSpans(base.parsed)) {
    const theirs = other.lines[sp.line]!.slice(sp.start, sp.end);
    if (!KNOWN_STATE_CODES.has(theirs.replace(/<+$/, ''))) continue;
    const l = lines[sp.line]!;
    lines[sp.line] = l.slice(0, sp.start) + theirs + l.slice(sp.end);
    changed = true;
  }
  for (const positions of inChecked.values()) {
    const trial = [...lines];
    for (const [li, i] of positions) replace(trial, li, i, other.lines[li]![i]!);
    const parsed = parseMrz(trial, now ? { now } : {});
    if (parsed && isAcceptable(parsed)) {
      lines = trial;
      changed = true;
    }
  }
  if (!changed) return { parsed: base.parsed, changed };
  const parsed = parseMrz(lines, now ? { now } : {});
  return parsed ? { parsed, changed } : null;
}

/** Whether two readings of one format differ in a field a check digit covers. */
function disagreeOnCheckedFields(a: MrzParseResult, b: MrzParseResult): boolean {
  if (a.format !== b.format) return false;
  const spans = [
    ...checkedSpans(a.format).flatMap((c) => [c.value, c.check]),
    ...checkedAlnumSpans(a.format),
  ];
  return spans.some(
    (sp) => a.lines[sp.line]!.slice(sp.start, sp.end) !== b.lines[sp.line]!.slice(sp.start, sp.end),
  );
}

/**
 * PaddleOCR reads a `<` next to letters as `K` now and then (`KAVANAGHKCCIARANKKKK`, `0612<K<<<18`), and
 * neither names nor a `K` for `<` in a checked field (K is 20, `<` is 0: the weights cannot see it) are
 * caught by a check digit. Where every fast-engine reading of the same band and format has `<` and the
 * fallback has a letter, keep `<` — the legacy engine's filler is the most reliable thing it reads (one
 * miss in ~1,900 on the fixtures) — provided the lines still pass every check digit.
 */
function restoreFiller(
  parsed: MrzParseResult,
  fastReadings: MrzParseResult[],
  now: Date | undefined,
): MrzParseResult {
  const same = fastReadings.filter((p) => p.format === parsed.format);
  if (same.length === 0) return parsed;
  const lines = parsed.lines.map((line, li) => {
    let fixed = '';
    for (let i = 0; i < line.length; i++) {
      const filler = /[A-Z]/.test(line[i]!) && same.every((p) => p.lines[li]![i] === '<');
      fixed += filler ? '<' : line[i]!;
    }
    return fixed;
  });
  if (lines.every((l, li) => l === parsed.lines[li])) return parsed;
  const again = parseMrz(lines, now ? { now } : {});
  return again && isAcceptable(again) ? again : parsed;
}

/** Stretch the 1st–99th percentile to 0–255. */
export function normalizeContrast(img: GrayImage): GrayImage {
  const hist = new Uint32Array(256);
  for (const v of img.data) hist[v]!++;
  const total = img.data.length;
  let lo = 0;
  let hi = 255;
  for (let acc = 0; lo < 255 && (acc += hist[lo]!) < total * 0.01; lo++);
  for (let acc = 0; hi > 0 && (acc += hist[hi]!) < total * 0.01; hi--);
  if (hi - lo < 16) return img;
  const out = new Uint8Array(total);
  const k = 255 / (hi - lo);
  for (let i = 0; i < total; i++) out[i] = Math.max(0, Math.min(255, (img.data[i]! - lo) * k));
  return { data: out, width: img.width, height: img.height };
}

/** Black text on white from the local-mean text mask (robust to shading and glare gradients). */
function binarize(img: GrayImage): GrayImage {
  const mask = textMask(img, Math.max(8, Math.round(img.height / 5)), 10);
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = mask[i] ? 0 : 255;
  return { data: out, width: img.width, height: img.height };
}

async function variantPng(band: GrayImage, variant: Exclude<MrzVariant, 'vote' | 'lines'>): Promise<Buffer> {
  const norm = normalizeContrast(band);
  if (variant === 'normalized') return grayToPng(norm);
  if (variant === 'binarized') return grayToPng(binarize(norm));
  // `upscaled`: a third look at a different scale (Tesseract's legacy classifier is scale-sensitive).
  return sharp(await grayToPng(norm))
    .resize({ width: Math.round(band.width * 1.3), kernel: 'cubic' })
    .sharpen({ sigma: 1 })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

/**
 * Good enough to stop: every check digit passes and no field breaks its format (a sex of `H` — the
 * legacy engine's M→H confusion — or a digit left in a name sends the band on to the next variant/engine).
 */
function isAcceptable(p: MrzParseResult | null | undefined): boolean {
  return !!p && p.checksumValid && !Object.values(p.fieldValidity).includes('failed');
}

function score(p: MrzParseResult): number {
  const checks = Object.values(p.checks).filter(Boolean).length;
  const wellFormed = Object.values(p.fieldValidity).filter((v) => v !== 'failed').length;
  return checks * 10 + wellFormed;
}

/**
 * Combine readings of one format: per character the majority across readings; then, per check-digit-
 * protected field whose voted value fails its check, the most frequent value (with its check digit) that
 * passes in some reading. The result is parsed again, so the composite must confirm the combination.
 */
export function voteMrz(
  readings: { format: MrzFormat; lines: string[] }[],
  now?: Date,
): MrzParseResult | null {
  const first = readings[0];
  if (!first) return null;
  const same = readings.filter((r) => r.format === first.format);
  const lines = first.lines.map((line, li) => {
    let out = '';
    for (let i = 0; i < line.length; i++) {
      const counts = new Map<string, number>();
      for (const r of same) {
        const ch = r.lines[li]![i]!;
        counts.set(ch, (counts.get(ch) ?? 0) + 1);
      }
      out += [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    }
    return out;
  });
  for (const { value, check } of checkedSpans(first.format)) {
    const read = (ls: string[], sp: typeof value): string => ls[sp.line]!.slice(sp.start, sp.end);
    const fillerAllowed = first.format === 'TD3' && value.start === 28;
    if (isCheckDigitValid(read(lines, value), read(lines, check), fillerAllowed)) continue;
    const passing = new Map<string, number>();
    for (const r of same) {
      const v = read(r.lines, value);
      const c = read(r.lines, check);
      if (isCheckDigitValid(v, c, fillerAllowed)) passing.set(v + c, (passing.get(v + c) ?? 0) + 1);
    }
    const best = [...passing.entries()].sort((a, b) => b[1] - a[1])[0];
    if (!best) continue;
    const put = (sp: typeof value, text: string): void => {
      const l = lines[sp.line]!;
      lines[sp.line] = l.slice(0, sp.start) + text + l.slice(sp.end);
    };
    put(value, best[0].slice(0, value.end - value.start));
    put(check, best[0].slice(value.end - value.start));
  }
  return parseMrz(lines, now ? { now } : {});
}

/**
 * The rows of a band that can be read one by one: two or three (the MRZ formats' line counts), none of
 * them two lines run together. Each is cut to its text: the columns of its longest run of text (gaps of
 * at most two cap heights bridged, as the band itself was cut) plus half a cap height, so that a speck
 * in the band's margin is not read as a character; above and below, a margin of
 * {@link LINE_MARGIN_SHARE} of the row's height.
 */
function lineCrops(band: GrayImage, rows: readonly { top: number; bottom: number }[]): GrayImage[] | null {
  if (rows.length < 2 || rows.length > 3) return null;
  if (rows.some((r) => r.bottom - r.top > MAX_LINE_HEIGHT_CAPS * TARGET_CAP_HEIGHT_PX)) return null;
  const mask = textMask(band, Math.round(TARGET_CAP_HEIGHT_PX * 0.8));
  const pad = Math.round(TARGET_CAP_HEIGHT_PX / 2);
  return rows.map((r) => {
    const columns = textColumns(mask, band.width, r.top, r.bottom, TARGET_CAP_HEIGHT_PX);
    const left = columns.right > columns.left ? Math.max(0, columns.left - pad) : 0;
    const right = columns.right > columns.left ? Math.min(band.width, columns.right + 1 + pad) : band.width;
    const margin = Math.round(LINE_MARGIN_SHARE * (r.bottom - r.top));
    const top = Math.max(0, r.top - margin);
    const height = Math.min(band.height, r.bottom + margin) - top;
    const width = right - left;
    const data = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) {
      const from = (top + y) * band.width + left;
      data.set(band.data.subarray(from, from + width), y * width);
    }
    return { data, width, height };
  });
}

async function runOcr(
  engine: OcrEngine,
  png: Buffer,
  variant: MrzVariant,
  orientation: 0 | 180,
  now: Date | undefined,
  /** Read these lines one by one with `engine.recognizeLine` instead of the whole band. */
  lines?: GrayImage[],
): Promise<{ attempt: MrzAttempt; parsed: MrzParseResult | null; doubts: Set<string> }> {
  const started = performance.now();
  let result: { lines: OcrLine[] };
  if (lines && engine.recognizeLine) {
    result = { lines: [] };
    for (const line of lines) result.lines.push(await engine.recognizeLine(await grayToPng(line)));
  } else {
    result = await engine.recognize(png, { charset: MRZ_CHARSET, psm: 'block' });
  }
  const texts = result.lines.map((l) => l.text);
  const extracted = extractMrzLines(texts);
  const parsed = extracted ? parseMrz(extracted.lines, now ? { now } : {}) : null;
  const doubts = extracted
    ? doubtfulPositions(result.lines, extracted.format, extracted.lines)
    : new Set<string>();
  // A row read on its own must come out at the format's exact length: the recognizer may drop a letter
  // of a name (which no check digit covers) and the line would be padded with a filler unnoticed. Such a
  // reading stays in the attempts (evidence) but is no candidate, whatever its check digits say.
  const exact =
    !lines ||
    (extracted !== null &&
      texts.every((t) => cleanMrzText(t).length === MRZ_FORMAT_SHAPES[extracted.format].length));
  const attempt: MrzAttempt = {
    engine: engine.name,
    variant,
    orientation,
    lines: extracted?.lines ?? texts,
    valid: exact && isAcceptable(parsed),
    ms: Math.round(performance.now() - started),
  };
  return { attempt, parsed: exact ? parsed : null, doubts };
}

/** Read the MRZ of `image` (encoded bytes). See the module comment for the contract. */
export async function readMrz(
  image: Buffer,
  engines: MrzEngines,
  options: ReadMrzOptions = {},
): Promise<MrzReading> {
  const started = performance.now();
  const now = options.now;
  const attempts: MrzAttempt[] = [];
  const engineVersions: Record<string, string> = {};
  const timings = { locateMs: 0, fastOcrMs: 0, fallbackOcrMs: 0, totalMs: 0 };
  const finish = (best: Candidate | null, band: MrzBandGeometry | null): MrzReading => {
    timings.totalMs = Math.round(performance.now() - started);
    timings.fastOcrMs = Math.round(timings.fastOcrMs);
    timings.fallbackOcrMs = Math.round(timings.fallbackOcrMs);
    const p = best ? repairStateCodes(best.parsed, now) : null;
    return {
      found: p !== null,
      format: p?.format ?? null,
      lines: p?.lines ?? [],
      fields: p?.fields ?? null,
      checks: p?.checks ?? null,
      checksumValid: p?.checksumValid ?? false,
      fieldValidity: p?.fieldValidity ?? null,
      repairs: p?.repairs ?? [],
      engine: best?.engine ?? null,
      engineVersions,
      band,
      attempts,
      timings,
    };
  };

  const located = await locateMrz(image);
  timings.locateMs = Math.round(performance.now() - started);
  if (!located) return finish(null, null);

  const candidates: Candidate[] = [];
  // On a tie the later candidate wins: votes and the fallback engine come after the readings they improve.
  const best = (): Candidate | null =>
    candidates.reduce<Candidate | null>((b, c) => (!b || score(c.parsed) >= score(b.parsed) ? c : b), null);
  const record = (
    engine: OcrEngine,
    r: { attempt: MrzAttempt; parsed: MrzParseResult | null; doubts: Set<string> },
  ): Candidate | null => {
    attempts.push(r.attempt);
    engineVersions[engine.name] = engine.version;
    if (!r.parsed) return null;
    const c: Candidate = { parsed: r.parsed, engine: engine.name, attempt: r.attempt, doubts: r.doubts };
    candidates.push(c);
    return c;
  };
  const fast = engines.fast;
  const fb = engines.fallback && options.useFallback !== false ? engines.fallback : null;
  const fastReadings = (o: 0 | 180): MrzParseResult[] =>
    candidates
      .filter(
        (c) => c.attempt.engine === fast.name && c.attempt.variant !== 'vote' && c.attempt.orientation === o,
      )
      .map((c) => c.parsed);

  // The fallback engine runs at most once per orientation, whatever asked for it.
  const fallbackRuns = new Map<0 | 180, { parsed: MrzParseResult | null; candidate: Candidate | null }>();
  const runFallback = async (
    o: 0 | 180,
  ): Promise<{ parsed: MrzParseResult | null; candidate: Candidate | null }> => {
    const done = fallbackRuns.get(o);
    if (done || !fb) return done ?? { parsed: null, candidate: null };
    const oriented = o === 180 ? flip180(located.band) : located.band;
    const rows =
      o === 180
        ? located.rows
            .map((row) => ({ top: oriented.height - row.bottom, bottom: oriented.height - row.top }))
            .reverse()
        : located.rows;
    const t = performance.now();
    const normalized = normalizeContrast(oriented);
    // The rows one by one first; the whole band (detection, then recognition) when that reading fails
    // its check digits: on blurred bands the recognizer, fed a row at its own scale, now and then runs
    // a filler run together or drops characters, where the detector's tighter, enlarged boxes do not.
    const crops = lineCrops(normalized, rows);
    let r = crops ? await runOcr(fb, Buffer.alloc(0), 'lines', o, now, crops) : null;
    let candidate = r ? record(fb, r) : null;
    if (!r || !isAcceptable(r.parsed)) {
      r = await runOcr(fb, await grayToPng(normalized), 'normalized', o, now);
      candidate = record(fb, r) ?? candidate;
    }
    timings.fallbackOcrMs += performance.now() - t;
    const run = { parsed: r.parsed ?? candidate?.parsed ?? null, candidate };
    fallbackRuns.set(o, run);
    return run;
  };

  /**
   * A fast reading that passes: keep it, unless it holds doubtful characters (see `DOUBTFUL`); then the
   * fallback engine reads the band and settles those positions (and only those), and the settled
   * lines must pass every check digit again.
   */
  const confirm = async (read: Candidate): Promise<MrzReading> => {
    const hinted = options.expectedNames ? expectedNameDoubts(read.parsed, options.expectedNames) : null;
    const c = hinted?.size ? { ...read, doubts: new Set([...read.doubts, ...hinted]) } : read;
    if (!isDoubtful(c) || !fb) return finish(c, located.geometry);
    const o = c.attempt.orientation;
    const { parsed, candidate } = await runFallback(o);
    const settled = parsed ? settleDoubts(c, parsed, now) : null;
    const keep = settled && isAcceptable(settled.parsed) ? settled.parsed : c.parsed;
    if (candidate && isAcceptable(candidate.parsed) && disagreeOnCheckedFields(keep, candidate.parsed)) {
      // Two readings that both pass every check digit yet differ in a checked field: one of them passes
      // by chance (or by an invisible confusion). The fallback is the more accurate engine: keep its
      // reading, with the fast engine's filler restored (see `restoreFiller`).
      const restored = restoreFiller(candidate.parsed, fastReadings(o), now);
      const kept: Candidate = { ...candidate, parsed: restored, engine: `${fb.name}+${fast.name}` };
      candidates.push(kept);
      return finish(kept, located.geometry);
    }
    if (settled?.changed && isAcceptable(settled.parsed)) {
      const attempt: MrzAttempt = {
        engine: fb.name,
        variant: 'vote',
        orientation: c.attempt.orientation,
        lines: settled.parsed.lines,
        valid: true,
        ms: 0,
      };
      attempts.push(attempt);
      const combined: Candidate = {
        parsed: settled.parsed,
        engine: `${c.engine}+${fb.name}`,
        attempt,
        doubts: new Set(),
      };
      candidates.push(combined);
      return finish(combined, located.geometry);
    }
    return finish(c, located.geometry);
  };

  // Orientation: the likelier one first; the other only when the first yields no MRZ-shaped text.
  const orientations: (0 | 180)[] = located.upsideDownLikely ? [180, 0] : [0, 180];
  const variants: Exclude<MrzVariant, 'vote' | 'lines'>[] = (
    ['normalized', 'binarized', 'upscaled'] as const
  ).slice(0, Math.max(1, Math.min(3, options.maxVariants ?? 3)));
  let orientation: 0 | 180 = orientations[0]!;
  let band = orientation === 180 ? flip180(located.band) : located.band;
  for (let vi = 0; vi < variants.length; vi++) {
    const variant = variants[vi]!;
    const t = performance.now();
    const r = await runOcr(fast, await variantPng(band, variant), variant, orientation, now);
    timings.fastOcrMs += performance.now() - t;
    const c = record(fast, r);
    if (c && isAcceptable(c.parsed)) return confirm(c);
    const fillers = r.attempt.lines.join('').split('<').length - 1;
    if (vi === 0 && !r.parsed && fillers < 3 && orientation === orientations[0]) {
      // Nothing MRZ-shaped: try the other way up before spending variants on this one. Text with `<`
      // in it is the right way up (upside down, a chevron is no MRZ character) and only missed the
      // line lengths by a character or two: the other variants and the vote get their turn.
      orientation = orientations[1]!;
      band = flip180(band);
      vi = -1;
    }
  }

  // Vote across the fast engine's variants.
  const sameOrientation = candidates.filter((c) => c.attempt.orientation === orientation);
  if (sameOrientation.length >= 2) {
    const t = performance.now();
    const voted = voteMrz(
      sameOrientation.map((c) => ({ format: c.parsed.format, lines: c.parsed.lines })),
      now,
    );
    if (voted) {
      const attempt: MrzAttempt = {
        engine: fast.name,
        variant: 'vote',
        orientation,
        lines: voted.lines,
        valid: isAcceptable(voted),
        ms: Math.round(performance.now() - t),
      };
      attempts.push(attempt);
      // A voted character is doubtful when a reading that agrees with it was doubtful there.
      const doubts = new Set<string>();
      for (const c of sameOrientation) {
        for (const key of c.doubts) {
          const [li, i] = key.split(':').map(Number) as [number, number];
          if (c.parsed.lines[li]?.[i] === voted.lines[li]?.[i]) doubts.add(key);
        }
      }
      const c: Candidate = { parsed: voted, engine: `${fast.name}+vote`, attempt, doubts };
      candidates.push(c);
      if (isAcceptable(voted)) return confirm(c);
    }
  }

  // Fallback engine on the band, in the orientation that produced MRZ text (else both).
  if (fb) {
    const tried = candidates.length > 0 ? [orientation] : orientations;
    for (const o of tried) {
      const r = await runFallback(o);
      if (r.candidate && isAcceptable(r.candidate.parsed)) {
        const restored = restoreFiller(r.candidate.parsed, fastReadings(o), now);
        if (restored === r.candidate.parsed) return finish(r.candidate, located.geometry);
        const c: Candidate = { ...r.candidate, parsed: restored, engine: `${fb.name}+${fast.name}` };
        candidates.push(c);
        return finish(c, located.geometry);
      }
      if (r.parsed) {
        // Vote the fallback's reading with the fast engine's: each may have the field the other lost.
        const pool = candidates.filter(
          (c) =>
            c.attempt.orientation === o && c.attempt.variant !== 'vote' && c.attempt.engine === fast.name,
        );
        const voted = voteMrz(
          [r.parsed, ...pool.map((c) => c.parsed)].map((p) => ({ format: p.format, lines: p.lines })),
          now,
        );
        if (voted && isAcceptable(voted)) {
          const attempt: MrzAttempt = {
            engine: fb.name,
            variant: 'vote',
            orientation: o,
            lines: voted.lines,
            valid: true,
            ms: 0,
          };
          attempts.push(attempt);
          const c: Candidate = { parsed: voted, engine: `${fb.name}+vote`, attempt, doubts: new Set() };
          candidates.push(c);
          return finish(c, located.geometry);
        }
        break;
      }
    }
  }
  return finish(best(), located.geometry);
}
