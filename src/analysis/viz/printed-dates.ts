/**
 * Dates as printed in the visual zone of identity documents: `18.07.1954`, `05/07/1988`, `07/24/1984` (US
 * month first), `18 JUL 1954`, `08SEP1968`, `18 JUL/JUIL 54`, `1954-07-18`. OCR slips inside digit groups
 * (`O` for 0, `I`/`l` for 1) are repaired; everything else must parse exactly or the date is not taken.
 */
import { isValidCalendarDate } from '../match/dates.ts';

/** Day and month order of all-numeric dates: `dmy` (most of the world) or `mdy` (US documents). */
export type DateOrder = 'dmy' | 'mdy';

/** Month abbreviations as printed (English first; the common bilingual second spellings). */
const MONTHS: Record<string, number> = {
  JAN: 1,
  FEB: 2,
  FEV: 2,
  MAR: 3,
  MAE: 3,
  APR: 4,
  AVR: 4,
  MAY: 5,
  MAI: 5,
  JUN: 6,
  JUI: 6,
  JUL: 7,
  AUG: 8,
  AOU: 8,
  SEP: 9,
  OCT: 10,
  OKT: 10,
  NOV: 11,
  DEC: 12,
  DEZ: 12,
  DIC: 12,
};

export interface PrintedDate {
  /** `YYYY-MM-DD` */
  iso: string;
  /** Where the date was found in the text (characters). */
  start: number;
  end: number;
  /** Day, month and year all in digits (`18.07.1954`), not a month name. */
  numeric: boolean;
  /** 4, or 2 for a two-digit year. */
  yearDigits: 2 | 4;
}

function iso(year: number, month: number, day: number): string | null {
  if (!isValidCalendarDate(year, month, day)) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A two-digit year: the latest century that puts it no more than 30 years after `now`. */
function fullYear(digits: string, now: Date): number {
  if (digits.length === 4) return Number(digits);
  const yy = Number(digits);
  const current = now.getUTCFullYear();
  const year = Math.floor(current / 100) * 100 + yy;
  return year > current + 30 ? year - 100 : year;
}

/** OCR letter-for-digit slips inside a run that is otherwise digits and separators. */
function repairDigits(token: string): string {
  return token.replace(/[OoD]/g, '0').replace(/[Il|]/g, '1').replace(/S/g, '5').replace(/B/g, '8');
}

const NUMERIC =
  /(?<![0-9])([0-9OIl]{1,2})\s?([./-])\s?([0-9OIl]{1,2})\s?\2\s?([0-9OIl]{4}|[0-9OIl]{2})(?![0-9])/g;
const YEAR_FIRST = /(?<![0-9])([0-9]{4})([./-])([0-9]{2})\2([0-9]{2})(?![0-9])/g;
const WITH_MONTH =
  /(?<![0-9])([0-9OIl]{1,2})\s?([A-Z0]{3})[A-Z]{0,2}(?:\s?\/\s?[A-Z]{3,5})?\.?\s?([0-9OIl]{4}|[0-9]{2})(?![0-9])/g;

/** Every date in `text`, in order of appearance. */
export function findPrintedDates(text: string, order: DateOrder, now: Date = new Date()): PrintedDate[] {
  const found: PrintedDate[] = [];
  const taken = (start: number, end: number) => found.some((d) => start < d.end && end > d.start);
  const upper = text.toUpperCase();
  for (const m of upper.matchAll(YEAR_FIRST)) {
    const value = iso(Number(m[1]), Number(m[3]), Number(m[4]));
    if (value)
      found.push({ iso: value, start: m.index, end: m.index + m[0].length, numeric: true, yearDigits: 4 });
  }
  for (const m of text.matchAll(NUMERIC)) {
    if (taken(m.index, m.index + m[0].length)) continue;
    const [a, b] = [Number(repairDigits(m[1]!)), Number(repairDigits(m[3]!))];
    const year = fullYear(repairDigits(m[4]!), now);
    // The document's order first; the other one only when the first is impossible (13/05 in a US date).
    const value =
      order === 'mdy' ? (iso(year, a, b) ?? iso(year, b, a)) : (iso(year, b, a) ?? iso(year, a, b));
    const yearDigits = m[4]!.length === 4 ? 4 : 2;
    if (value)
      found.push({ iso: value, start: m.index, end: m.index + m[0].length, numeric: true, yearDigits });
  }
  for (const m of upper.matchAll(WITH_MONTH)) {
    if (taken(m.index, m.index + m[0].length)) continue;
    const month = MONTHS[m[2]!.replace(/0/g, 'O')];
    if (!month) continue;
    const value = iso(fullYear(repairDigits(m[3]!), now), month, Number(repairDigits(m[1]!)));
    const yearDigits = m[3]!.length === 4 ? 4 : 2;
    if (value)
      found.push({ iso: value, start: m.index, end: m.index + m[0].length, numeric: false, yearDigits });
  }
  return found.sort((x, y) => x.start - y.start);
}

/** The single date in `text`, or null when there is none. */
export function parsePrintedDate(text: string, order: DateOrder, now: Date = new Date()): string | null {
  return findPrintedDates(text, order, now)[0]?.iso ?? null;
}
