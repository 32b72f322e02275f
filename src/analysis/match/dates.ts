/**
 * Dates on identity documents: parsing, date-of-birth match, age, minimum age by location, expiry, issue
 * date and consistency. Dates are calendar dates (`YYYY-MM-DD`), never instants: a date of birth written as
 * a date-time keeps the calendar date as written, whatever its offset, and "today" is the UTC date of `now`.
 */
import type { Finding } from '../analyzer.ts';
import { normalizeRegion, toAlpha2 } from './countries.ts';

/** A calendar date `YYYY-MM-DD`. */
export type IsoDate = string;

export type DateInput = string | Date | null | undefined;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$)/;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Whether year, month and day name a real calendar date (no 31 April, 29 February only in leap years). */
export function isValidCalendarDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    year >= 1 &&
    year <= 9999 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function format(year: number, month: number, day: number): IsoDate {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/**
 * The calendar date of `YYYY-MM-DD`, a date-time starting with it (`1990-05-01T00:00:00+02:00` →
 * `1990-05-01`), or a `Date` (its UTC date). Null when missing, malformed or impossible (`2023-02-29`).
 */
export function parseDate(value: DateInput): IsoDate | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    return format(value.getUTCFullYear(), value.getUTCMonth() + 1, value.getUTCDate());
  }
  const match = ISO_DATE.exec(value.trim());
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return isValidCalendarDate(year, month, day) ? format(year, month, day) : null;
}

/** The UTC calendar date of an instant ("today" for expiry and age). */
export function utcDate(now: Date): IsoDate {
  return format(now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate());
}

function parts(date: IsoDate): [number, number, number] {
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

function addYears(date: IsoDate, years: number): IsoDate {
  const [y, m, d] = parts(date);
  const year = y + years;
  return format(year, m, Math.min(d, daysInMonth(year, m)));
}

export type MrzDateKind = 'birth' | 'expiry' | 'issue';

/**
 * The full date of an MRZ `YYMMDD`. The century is chosen so that a date of birth or issue is not in the
 * future (`YY` up to this year → 20YY, else 19YY) and a date of expiry is at most 50 years ahead of `now`
 * (`YY` beyond that → 19YY, so an expiry of `991231` read in 2026 is 1999). Null for fillers (`<<<<<<`),
 * non-digits and impossible dates (`740231`).
 */
export function resolveMrzDate(yymmdd: string, kind: MrzDateKind, now: Date): IsoDate | null {
  if (!/^\d{6}$/.test(yymmdd)) return null;
  const yy = Number(yymmdd.slice(0, 2));
  const month = Number(yymmdd.slice(2, 4));
  const day = Number(yymmdd.slice(4, 6));
  const today = utcDate(now);
  const candidate = (century: number) => {
    const year = century + yy;
    return isValidCalendarDate(year, month, day) ? format(year, month, day) : null;
  };
  const recent = candidate(2000);
  const older = candidate(1900);
  if (!recent || !older) {
    // Only 29 February can be valid in one century and not the other (2000 was leap, 1900 was not).
    const only = recent ?? older;
    if (!only) return null;
    if (kind === 'expiry') return only <= addYears(today, 50) ? only : null;
    return only <= today ? only : null;
  }
  if (kind === 'expiry') return recent <= addYears(today, 50) ? recent : older;
  return recent <= today ? recent : older;
}

/**
 * Whole years of age on `date` (default today, UTC). Someone born on 29 February turns a year older on
 * 1 March in common years, the later of the two customary dates (as in English law), so a minimum age is
 * never met a day early. Null when either date is missing or invalid.
 */
export function ageOn(dateOfBirth: DateInput, date: DateInput = new Date()): number | null {
  const dob = parseDate(dateOfBirth);
  const on = parseDate(date);
  if (!dob || !on) return null;
  const [by, bm, bd] = parts(dob);
  const [y, m, d] = parts(on);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

export interface MinimumAgeSettings {
  defaultMinimumAge: number;
  locationOverrides: readonly { country: string; state?: string | null; minimumAge: number }[];
}

/**
 * The minimum age for a location: a state override of the country wins over a country-wide override, which
 * wins over `defaultMinimumAge`. `country` may be ISO alpha-2 (`US`), alpha-3 or an MRZ issuing-state code
 * (`USA`, `D<<`); `state` may be a code (`AL`, `US-AL`) or, for the US, Canada and Australia, a name
 * (`Alabama`). An unknown country gets the default.
 */
export function minimumAgeFor(
  settings: MinimumAgeSettings,
  country: string | null | undefined,
  state?: string | null,
): number {
  const alpha2 = toAlpha2(country);
  if (!alpha2) return settings.defaultMinimumAge;
  const overrides = settings.locationOverrides.filter((o) => o.country.toUpperCase() === alpha2);
  const region = normalizeRegion(alpha2, state);
  if (region) {
    const byState = overrides.find((o) => o.state && normalizeRegion(alpha2, o.state) === region);
    if (byState) return byState.minimumAge;
  }
  const countryWide = overrides.find((o) => !o.state);
  return countryWide?.minimumAge ?? settings.defaultMinimumAge;
}

/**
 * Whether the holder is at least `minimumAge` on `now` (UTC date). Null when the date of birth is unknown,
 * as `hasMinimalAge` in `documentMatches.data` (spec §5.6).
 */
export function hasMinimalAge(
  dateOfBirth: DateInput,
  minimumAge: number,
  now: Date = new Date(),
): boolean | null {
  const age = ageOn(dateOfBirth, now);
  return age === null ? null : age >= minimumAge;
}

/**
 * `hasMinimalAge` finding: fails (reason `underage`) only when the date of birth is known and too recent.
 * An unreadable date of birth does not fail it (reason `unknown`): the `dateOfBirth` finding already fails,
 * and failing this one too would reject with `underage-person`, which would not be true.
 */
export function minimalAgeFinding(
  dateOfBirth: DateInput,
  minimumAge: number,
  now: Date = new Date(),
): Finding {
  const ok = hasMinimalAge(dateOfBirth, minimumAge, now);
  if (ok === null) return { name: 'hasMinimalAge', failed: false, reason: 'unknown' };
  return { name: 'hasMinimalAge', failed: !ok, reason: ok ? null : 'underage' };
}

/**
 * The date-of-birth match: exact calendar dates (any accepted format on either side). Reasons: `missing`
 * (not on the document), `no-customer-value`, `mismatch`.
 */
export function dateOfBirthFinding(documentDob: DateInput, customerDob: DateInput): Finding {
  const doc = parseDate(documentDob);
  const customer = parseDate(customerDob);
  if (!doc) return { name: 'dateOfBirth', failed: true, reason: 'missing' };
  if (!customer) return { name: 'dateOfBirth', failed: true, reason: 'no-customer-value' };
  return doc === customer
    ? { name: 'dateOfBirth', failed: false, reason: null }
    : { name: 'dateOfBirth', failed: true, reason: 'mismatch' };
}

/**
 * `expirationDate` finding. A document is valid through its expiry date (expiring today passes). Reasons:
 * `missing` (absent or unreadable → `expiration-date-missing`), `expired`, or `expired-after-upload` when
 * `providedAt` is given and the document was still valid then (→ `document-was-valid-but-expired`, for
 * re-scoring an older upload).
 */
export function expirationFinding(expiry: DateInput, now: Date = new Date(), providedAt?: Date): Finding {
  const date = parseDate(expiry);
  if (!date) return { name: 'expirationDate', failed: true, reason: 'missing' };
  if (date >= utcDate(now)) return { name: 'expirationDate', failed: false, reason: null };
  const validWhenProvided = providedAt !== undefined && date >= utcDate(providedAt);
  return {
    name: 'expirationDate',
    failed: true,
    reason: validWhenProvided ? 'expired-after-upload' : 'expired',
  };
}

export interface IssueDateOptions {
  /**
   * Whether this kind of document prints an issue date (default true). Passports and ID cards do in their
   * printed zone, an MRZ never does; when false a missing date passes with reason `not-applicable`.
   */
  required?: boolean;
}

/** `issueDate` finding: present and not in the future. Reasons: `missing`, `future`, `not-applicable`. */
export function issueDateFinding(
  issue: DateInput,
  now: Date = new Date(),
  options: IssueDateOptions = {},
): Finding {
  const date = parseDate(issue);
  if (!date) {
    return options.required === false
      ? { name: 'issueDate', failed: false, reason: 'not-applicable' }
      : { name: 'issueDate', failed: true, reason: 'missing' };
  }
  return date > utcDate(now)
    ? { name: 'issueDate', failed: true, reason: 'future' }
    : { name: 'issueDate', failed: false, reason: null };
}

export interface DocumentDates {
  dateOfBirth?: DateInput;
  issueDate?: DateInput;
  expirationDate?: DateInput;
}

/** Oldest plausible holder, in years; older dates of birth are misreads or forgeries. */
export const MAX_PLAUSIBLE_AGE_YEARS = 130;

/**
 * Every inconsistency among a document's dates, as reasons: `impossible-date` (a value that is present but
 * is no calendar date, e.g. `2023-02-30`), `birth-in-future`, `birth-too-old`, `issue-in-future`,
 * `issue-after-expiry`, `birth-after-issue`. Missing values are no inconsistency (their own findings fail).
 */
export function dateProblems(dates: DocumentDates, now: Date = new Date()): string[] {
  const problems: string[] = [];
  const read = (value: DateInput) => {
    const date = parseDate(value);
    if (
      !date &&
      value !== null &&
      value !== undefined &&
      !(typeof value === 'string' && value.trim() === '')
    ) {
      problems.push('impossible-date');
    }
    return date;
  };
  const dob = read(dates.dateOfBirth);
  const issue = read(dates.issueDate);
  const expiry = read(dates.expirationDate);
  const today = utcDate(now);
  if (dob && dob > today) problems.push('birth-in-future');
  if (dob && dob < addYears(today, -MAX_PLAUSIBLE_AGE_YEARS)) problems.push('birth-too-old');
  if (issue && issue > today) problems.push('issue-in-future');
  if (issue && expiry && issue >= expiry) problems.push('issue-after-expiry');
  if (dob && issue && dob > issue) problems.push('birth-after-issue');
  return [...new Set(problems)];
}

/**
 * `dateIsInvalid` finding: failed when the dates contradict each other or cannot exist — a tamper signal.
 * `reason` is the first problem of {@link dateProblems}.
 */
export function dateIsInvalid(dates: DocumentDates, now: Date = new Date()): Finding {
  const [first] = dateProblems(dates, now);
  return { name: 'dateIsInvalid', failed: first !== undefined, reason: first ?? null };
}
