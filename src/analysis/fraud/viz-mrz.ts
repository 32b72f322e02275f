/**
 * The printed (visual inspection zone) fields against the MRZ of the same document. The MRZ is derived from
 * the printed data when the document is made, so a difference means one of them was altered — or misread,
 * which is why only fields read on both sides are compared and names get the same transliteration and
 * truncation rules as the customer match.
 */
import { matchName } from '../match/names.ts';
import { parseDate, type DateInput } from '../match/dates.ts';
import type { FraudSignal } from './signal.ts';

export interface DocumentFields {
  surname?: string | null;
  givenNames?: string | null;
  dateOfBirth?: DateInput;
  expirationDate?: DateInput;
  documentNumber?: string | null;
  sex?: string | null;
}

export interface VizMrzOptions {
  /**
   * The level names are compared at (default 2, strict: equal after transliteration). Pass 1 to forgive one
   * OCR slip per eight letters when the printed zone was read with low confidence.
   */
  matchLevel?: number;
  /** The MRZ name field is full, so the MRZ names may be cut short. */
  mrzTruncated?: boolean;
}

export interface VizMrzSignal extends FraudSignal {
  /** The fields that differ, e.g. `['surname', 'dateOfBirth']`. */
  fields: string[];
}

/** Document numbers compare without fillers, spaces and punctuation (`L 898902 C3` = `L898902C3`). */
export function normalizeDocumentNumber(value: string | null | undefined): string {
  return (value ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '');
}

function normalizeSex(value: string | null | undefined): string | null {
  const s = (value ?? '').trim().toUpperCase();
  if (!s || s === '<') return null;
  if (['M', 'MALE', 'H'].includes(s)) return 'M';
  if (['F', 'FEMALE', 'W'].includes(s)) return 'F';
  return s === 'X' ? 'X' : null;
}

/** Mismatch signal (reason `viz-mrz-mismatch`) listing every field printed differently from the MRZ. */
export function vizMrzMismatch(
  viz: DocumentFields,
  mrz: DocumentFields,
  options: VizMrzOptions = {},
): VizMrzSignal {
  const level = options.matchLevel ?? 2;
  const fields: string[] = [];
  const present = (v: DateInput) => v instanceof Date || (typeof v === 'string' && v.trim() !== '');
  if (present(viz.surname) && present(mrz.surname)) {
    const truncated = Boolean(options.mrzTruncated) && !present(mrz.givenNames);
    if (!matchName(mrz.surname, viz.surname, level, { part: 'surname', truncated }).matched)
      fields.push('surname');
  }
  if (present(viz.givenNames) && present(mrz.givenNames)) {
    const truncated = Boolean(options.mrzTruncated);
    const result = matchName(mrz.givenNames, viz.givenNames, level, { part: 'surname', truncated });
    if (!result.matched) fields.push('givenNames');
  }
  for (const key of ['dateOfBirth', 'expirationDate'] as const) {
    const a = parseDate(viz[key]);
    const b = parseDate(mrz[key]);
    if (a && b && a !== b) fields.push(key);
  }
  const vizNumber = normalizeDocumentNumber(viz.documentNumber);
  const mrzNumber = normalizeDocumentNumber(mrz.documentNumber);
  if (vizNumber && mrzNumber && vizNumber !== mrzNumber) fields.push('documentNumber');
  const vizSex = normalizeSex(viz.sex);
  const mrzSex = normalizeSex(mrz.sex);
  if (vizSex && mrzSex && vizSex !== mrzSex) fields.push('sex');
  return fields.length > 0
    ? { detected: true, reason: 'viz-mrz-mismatch', fields }
    : { detected: false, reason: null, fields };
}
