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
 * reading.
 */
import sharp from 'sharp';
import type { MrzEngines } from '../ocr/create-ocr-engine.ts';
import { MRZ_CHARSET, type OcrEngine } from '../ocr/ocr-engine.ts';
import {
  flip180,
  grayToPng,
  locateMrz,
  textMask,
  type GrayImage,
  type MrzBandGeometry,
} from './locate-mrz.ts';
import {
  checkedSpans,
  extractMrzLines,
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

export type MrzVariant = 'normalized' | 'binarized' | 'upscaled' | 'vote';

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
}

interface Candidate {
  parsed: MrzParseResult;
  engine: string;
  attempt: MrzAttempt;
}

/** Stretch the 1st–99th percentile to 0–255. */
function normalizeContrast(img: GrayImage): GrayImage {
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

async function variantPng(band: GrayImage, variant: Exclude<MrzVariant, 'vote'>): Promise<Buffer> {
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

async function runOcr(
  engine: OcrEngine,
  png: Buffer,
  variant: MrzVariant,
  orientation: 0 | 180,
  now: Date | undefined,
): Promise<{ attempt: MrzAttempt; parsed: MrzParseResult | null }> {
  const started = performance.now();
  const result = await engine.recognize(png, { charset: MRZ_CHARSET, psm: 'block' });
  const texts = result.lines.map((l) => l.text);
  const extracted = extractMrzLines(texts);
  const parsed = extracted ? parseMrz(extracted.lines, now ? { now } : {}) : null;
  const attempt: MrzAttempt = {
    engine: engine.name,
    variant,
    orientation,
    lines: extracted?.lines ?? texts,
    valid: isAcceptable(parsed),
    ms: Math.round(performance.now() - started),
  };
  return { attempt, parsed };
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
    const p = best?.parsed ?? null;
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
  const best = (): Candidate | null =>
    candidates.reduce<Candidate | null>((b, c) => (!b || score(c.parsed) > score(b.parsed) ? c : b), null);
  const record = (engine: OcrEngine, r: { attempt: MrzAttempt; parsed: MrzParseResult | null }): void => {
    attempts.push(r.attempt);
    engineVersions[engine.name] = engine.version;
    if (r.parsed) candidates.push({ parsed: r.parsed, engine: engine.name, attempt: r.attempt });
  };

  // Orientation: the likelier one first; the other only when the first yields no MRZ-shaped text.
  const orientations: (0 | 180)[] = located.upsideDownLikely ? [180, 0] : [0, 180];
  const variants: Exclude<MrzVariant, 'vote'>[] = (['normalized', 'binarized', 'upscaled'] as const).slice(
    0,
    Math.max(1, Math.min(3, options.maxVariants ?? 3)),
  );
  let orientation: 0 | 180 = orientations[0]!;
  let band = orientation === 180 ? flip180(located.band) : located.band;
  const fast = engines.fast;
  for (let vi = 0; vi < variants.length; vi++) {
    const variant = variants[vi]!;
    const t = performance.now();
    const r = await runOcr(fast, await variantPng(band, variant), variant, orientation, now);
    timings.fastOcrMs += performance.now() - t;
    record(fast, r);
    if (isAcceptable(r.parsed)) return finish(candidates[candidates.length - 1]!, located.geometry);
    if (vi === 0 && !r.parsed && orientation === orientations[0]) {
      // Nothing MRZ-shaped: try the other way up before spending variants on this one.
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
      candidates.push({ parsed: voted, engine: `${fast.name}+vote`, attempt });
      if (isAcceptable(voted)) return finish(candidates[candidates.length - 1]!, located.geometry);
    }
  }

  // Fallback engine on the band, in the orientation that produced MRZ text (else both).
  if (engines.fallback && options.useFallback !== false) {
    const fb = engines.fallback;
    const tried = candidates.length > 0 ? [orientation] : orientations;
    for (const o of tried) {
      const oriented = o === 180 ? flip180(located.band) : located.band;
      const t = performance.now();
      const r = await runOcr(fb, await variantPng(oriented, 'normalized'), 'normalized', o, now);
      timings.fallbackOcrMs += performance.now() - t;
      record(fb, r);
      if (isAcceptable(r.parsed)) return finish(candidates[candidates.length - 1]!, located.geometry);
      if (r.parsed) {
        // Vote the fallback's reading with the fast engine's: each may have the field the other lost.
        const pool = candidates.filter((c) => c.attempt.orientation === o && c.attempt.variant !== 'vote');
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
          candidates.push({ parsed: voted, engine: `${fb.name}+vote`, attempt });
          return finish(candidates[candidates.length - 1]!, located.geometry);
        }
        break;
      }
    }
  }
  return finish(best(), located.geometry);
}
