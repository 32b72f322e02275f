/**
 * What a proof of address says, read from its lines: the document date (the labelled bill or statement
 * date, else the latest date that is not a due date or a period), the issuer's phone, the kind of document,
 * the recipient block (holder name, street lines, postcode, town, region), and the customer's own name and
 * address wherever they appear. Works on text-layer lines and on OCR lines alike (see address-text.ts).
 */
import type { DocumentSubtype } from '../vocabulary.ts';
import {
  approximateFind,
  citySpellings,
  compact,
  fold,
  fuzzyContains,
  letterAllowance,
  normalizePostcode,
  POSTCODE_PATTERNS,
  regionSpellings,
  streetPattern,
  UNIT_WORDS,
} from './address-text.ts';
import type { TextLine } from './document-text.ts';

// ---------------------------------------------------------------------------------------------------
// Dates

const MONTHS: [RegExp, number][] = [
  [/^(january|januar|janvier|januari|jan|janv)$/, 1],
  [/^(february|februar|fevrier|februari|feb|fevr|fev)$/, 2],
  [/^(march|marz|maerz|mars|maart|mar|mrz|mrt)$/, 3],
  [/^(april|avril|apr|avr)$/, 4],
  [/^(may|mai|mei)$/, 5],
  [/^(june|juni|juin|jun)$/, 6],
  [/^(july|juli|juillet|jul|juil)$/, 7],
  [/^(august|aout|augustus|aug)$/, 8],
  [/^(september|septembre|sep|sept)$/, 9],
  [/^(october|oktober|octobre|oct|okt)$/, 10],
  [/^(november|novembre|nov)$/, 11],
  [/^(december|dezember|decembre|dec|dez)$/, 12],
];
const MONTH_WORD =
  'january|januar|janvier|januari|february|februar|fevrier|februari|march|marz|maerz|mars|maart|april|avril|may|mai|mei|june|juni|juin|july|juli|juillet|august|aout|augustus|september|septembre|october|oktober|octobre|november|novembre|december|dezember|decembre|janv|jan|fevr|feb|fev|mar|mrz|mrt|apr|avr|jun|juil|jul|aug|sept|sep|oct|okt|nov|dec|dez';

function monthOf(word: string): number | null {
  for (const [re, n] of MONTHS) if (re.test(word)) return n;
  return null;
}

function iso(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2200) return null;
  const value = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const t = new Date(`${value}T00:00:00Z`);
  return t.getUTCDate() === d ? value : null;
}

export interface FoundDate {
  date: string;
  /** Index of the line and where in its folded text the date starts. */
  line: number;
  index: number;
  text: string;
}

/** Every date written on a line, in the formats of the six countries (US month first, others day first). */
export function datesIn(text: string, country: string | null, line = 0): FoundDate[] {
  const t = fold(text);
  const out: FoundDate[] = [];
  const push = (date: string | null, index: number, raw: string) => {
    if (date && !out.some((d) => d.index === index)) out.push({ date, line, index, text: raw });
  };
  for (const m of t.matchAll(/\b(\d{4})-(\d{2})-(\d{2})\b/g))
    push(iso(+m[1]!, +m[2]!, +m[3]!), m.index, m[0]);
  for (const m of t.matchAll(/(?<![\d-])(\d{1,2})\s?[./-]\s?(\d{1,2})\s?[./-]\s?(\d{4})(?!\d)/g)) {
    const a = +m[1]!;
    const b = +m[2]!;
    const monthFirst = a > 12 ? false : b > 12 ? true : country === 'US';
    push(monthFirst ? iso(+m[3]!, a, b) : iso(+m[3]!, b, a), m.index, m[0]);
  }
  const dayMonth = new RegExp(
    `(?<!\\d)(\\d{1,2})(?:st|nd|rd|th|er)?\\.?\\s*(${MONTH_WORD})\\.?\\s*(\\d{4})(?!\\d)`,
    'g',
  );
  for (const m of t.matchAll(dayMonth)) push(iso(+m[3]!, monthOf(m[2]!) ?? 0, +m[1]!), m.index, m[0]);
  const monthDay = new RegExp(`(${MONTH_WORD})\\.?\\s*(\\d{1,2})(?:st|nd|rd|th)?,?\\s*(\\d{4})(?!\\d)`, 'g');
  for (const m of t.matchAll(monthDay)) push(iso(+m[3]!, monthOf(m[1]!) ?? 0, +m[2]!), m.index, m[0]);
  return out;
}

/** Labels of the document's own date (compact). */
const DATE_LABELS = [
  'billdate',
  'statementdate',
  'invoicedate',
  'dateofissue',
  'issuedate',
  'issued',
  'letterdate',
  'rechnungsdatum',
  'auszugsdatum',
  'datum',
  'datedefacture',
  'datedureleve',
  'datedemission',
  'factuurdatum',
  'afschriftdatum',
  'date',
  'iss',
];
/** Dates that are not the document's: due dates, periods, births, expiries. */
const OTHER_DATE_LABELS = [
  'due',
  'payby',
  'fallig',
  'faellig',
  'payeravant',
  'apayer',
  'betalen',
  'period',
  'zeitraum',
  'periode',
  'dob',
  'birth',
  'geboren',
  'naissance',
  'exp',
  'valid',
  'since',
];

export interface DocumentDate {
  date: string | null;
  text: string | null;
  labelled: boolean;
  /** Every date found, for reviewers. */
  all: string[];
}

/**
 * The document's date: a date on the same line after a date label, or next to a label segment (OCR keeps
 * label and value apart); else the latest date not later than tomorrow that no due/period/birth label
 * claims.
 */
export function documentDate(lines: TextLine[], country: string | null, now: Date): DocumentDate {
  const found = lines.flatMap((l, i) => datesIn(l.text, country, i));
  /** What a label text ending says: `other` when a due/period/birth label is in it, else `doc`, else null. */
  const kindOf = (tail: string): 'doc' | 'other' | null => {
    if (OTHER_DATE_LABELS.some((l) => tail.includes(l))) return 'other';
    return DATE_LABELS.some((l) => tail.includes(l)) ? 'doc' : null;
  };
  const labelOf = (d: FoundDate): 'doc' | 'other' | null => {
    // On the same line, just before the date.
    const before = compact(fold(lines[d.line]!.text).slice(0, d.index)).slice(-20);
    const own = kindOf(before);
    if (own) return own;
    // A label segment to the left on about the same row (OCR and columns keep label and value apart); on a
    // photo taken at an angle rows tilt, so the nearest such label wins.
    const line = lines[d.line]!;
    const charX = line.x + (line.width * d.index) / Math.max(1, line.text.length);
    let best: { kind: 'doc' | 'other'; dy: number } | null = null;
    lines.forEach((l, i) => {
      if (i === d.line || l.x >= charX) return;
      const kind = kindOf(compact(l.text).slice(-20));
      if (!kind) return;
      const h = Math.max(l.height, line.height, 1);
      const dy = Math.abs(l.y + l.height / 2 - (line.y + line.height / 2));
      if (dy < 1.2 * h && charX - (l.x + l.width) < 14 * h && (!best || dy < best.dy)) best = { kind, dy };
    });
    return (best as { kind: 'doc' | 'other' } | null)?.kind ?? null;
  };
  const kinds = found.map((d) => ({ d, kind: labelOf(d) }));
  const labelled = kinds.filter((k) => k.kind === 'doc').map((k) => k.d);
  const other = (d: FoundDate) => kinds.find((k) => k.d === d)?.kind === 'other';
  const all = [...new Set(found.map((d) => d.date))];
  if (labelled[0]) return { date: labelled[0].date, text: labelled[0].text, labelled: true, all };
  const tomorrow = new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);
  const plain = found
    .filter((d) => !other(d) && d.date <= tomorrow)
    .sort((a, b) => (a.date < b.date ? 1 : -1));
  return plain[0]
    ? { date: plain[0].date, text: plain[0].text, labelled: false, all }
    : { date: null, text: null, labelled: false, all };
}

// ---------------------------------------------------------------------------------------------------
// Phone, subtype, words

const PHONE_LABELS = ['call', 'phone', 'tel', 'telefon', 'rufen', 'appelez', 'belons', 'questions', 'fragen'];

/** The issuer's phone: a 9–15-digit number, preferably on a line that says call/phone/tel. */
export function issuerPhone(lines: TextLine[], exclude: Set<number>): string | null {
  const candidates: { phone: string; labelled: boolean; line: number }[] = [];
  lines.forEach((l, i) => {
    if (exclude.has(i)) return;
    // Not `\b`: OCR glues the number to the word before it (`Call us at08005550111`).
    for (const m of l.text.matchAll(/(?:\+|\((?=\d)|(?<!\d))\d[\d\s().\-/]{7,}\d(?!\d)/g)) {
      const digits = m[0].replace(/\D/g, '');
      if (digits.length < 9 || digits.length > 15 || datesIn(m[0], null).length) continue;
      const c = compact(l.text);
      const labelled = PHONE_LABELS.some((p) => c.includes(p));
      // Unlabelled, only what is written like a phone number (grouped, or international): not an account number.
      if (!labelled && !/[\s().\-/]/.test(m[0].trim()) && !m[0].startsWith('+')) continue;
      candidates.push({ phone: m[0].trim(), labelled, line: i });
    }
  });
  return (candidates.find((c) => c.labelled) ?? candidates[0])?.phone ?? null;
}

const SUBTYPE_WORDS: [DocumentSubtype, string[]][] = [
  [
    'driver-license',
    [
      'driverlicense',
      'driverslicense',
      'driverslicence',
      'drivinglicence',
      'fuhrerschein',
      'fuehrerschein',
      'permisdeconduire',
      'rijbewijs',
    ],
  ],
  ['id-card', ['identitycard', 'personalausweis', 'cartedidentite', 'identiteitskaart']],
  ['passport', ['passport', 'reisepass', 'passeport', 'paspoort']],
  [
    'credit-card-statement',
    [
      'creditcardstatement',
      'cardstatement',
      'kreditkartenabrechnung',
      'relevedecarte',
      'creditcardafschrift',
      'creditcardoverzicht',
    ],
  ],
  [
    'bank-statement',
    [
      'bankstatement',
      'statementofaccount',
      'accountstatement',
      'kontoauszug',
      'relevedecompte',
      'rekeningafschrift',
      'sortcode',
      'iban',
    ],
  ],
  [
    'lease-agreement',
    [
      'leaseagreement',
      'tenancyagreement',
      'rentalagreement',
      'residentiallease',
      'mietvertrag',
      'contratdelocation',
      'huurovereenkomst',
    ],
  ],
  ['rental-receipt', ['rentreceipt', 'quittancedeloyer', 'mietquittung']],
  [
    'tax-return',
    [
      'taxassessment',
      'noticeofassessment',
      'taxreturn',
      'steuerbescheid',
      'finanzamt',
      'avisdimpot',
      'impotsurlerevenu',
      'financespubliques',
      'belastingdienst',
      'inkomstenbelasting',
      'belastingkantoor',
    ],
  ],
  [
    'utility-bill',
    [
      'electricity',
      'electric',
      'energy',
      'energie',
      'stromrechnung',
      'strom',
      'gasbill',
      'waterbill',
      'wasser',
      'electricite',
      'stadtwerke',
      'hydro',
      'utility',
      'broadband',
      'kwh',
      'standingcharge',
      'energierekening',
    ],
  ],
  [
    'salary-slip',
    [
      'payslip',
      'payslips',
      'salaryslip',
      'earningsstatement',
      'gehaltsabrechnung',
      'lohnabrechnung',
      'bulletindesalaire',
      'fichedepaie',
      'loonstrook',
      'salarisstrook',
    ],
  ],
  [
    'income-statement',
    [
      'incomestatement',
      'statementofincome',
      'einkommensnachweis',
      'attestationderevenus',
      'inkomensverklaring',
    ],
  ],
  [
    'insurance-letter',
    ['insurancepolicy', 'versicherungsschein', 'attestationdassurance', 'verzekeringspolis'],
  ],
];

/** The kind of document from its words; null when none of the known kinds is named. */
export function detectSubtype(fullText: string): { subtype: DocumentSubtype | null; hits: string[] } {
  const c = compact(fullText);
  let best: { subtype: DocumentSubtype | null; hits: string[] } = { subtype: null, hits: [] };
  for (const [subtype, keys] of SUBTYPE_WORDS) {
    const hits = keys.filter((k) => c.includes(k));
    if (hits.length > best.hits.length) best = { subtype, hits };
  }
  return best;
}

// ---------------------------------------------------------------------------------------------------
// Compact text with a map back to the original

interface Compacted {
  text: string;
  /** Original index of each compact character. */
  map: number[];
}

function compactWithMap(value: string): Compacted {
  let text = '';
  const map: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const piece = compact(value[i]!);
    for (const ch of piece) {
      text += ch;
      map.push(i);
    }
  }
  return { text, map };
}

function originalSlice(line: string, c: Compacted, start: number, end: number): string {
  if (end <= start) return '';
  return line.slice(c.map[start], c.map[end - 1]! + 1).trim();
}

// ---------------------------------------------------------------------------------------------------
// The customer's name and address on the document

export interface FieldMatch {
  matched: boolean;
  /** The document's text for the field (when found), as printed. */
  value: string | null;
  line: number | null;
  /** Why not: `missing` (no customer value), `not-found`, `different`. */
  reason: string | null;
}

export interface CustomerOnDocument {
  firstName: FieldMatch;
  lastName: FieldMatch;
  line1: FieldMatch;
  city: FieldMatch;
  region: FieldMatch;
  postalCode: FieldMatch;
}

export interface CustomerAddress {
  firstName: string | null;
  lastName: string | null;
  line1: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
}

const miss = (reason: string): FieldMatch => ({ matched: false, value: null, line: null, reason });

/** The line itself, then the lines just below it in the same column (a block's next lines), top to bottom. */
function below(lines: TextLine[], index: number, count: number): number[] {
  const base = lines[index]!;
  const h = Math.max(base.height, 1);
  const out = [index];
  const column = lines
    .map((l, i) => ({ l, i }))
    .filter(
      ({ l, i }) =>
        i !== index &&
        Math.abs(l.x - base.x) < 3 * h &&
        l.y > base.y &&
        l.y - base.y < (count + 0.8) * 1.6 * h,
    )
    .sort((a, b) => a.l.y - b.l.y);
  return [...out, ...column.slice(0, count).map((c) => c.i)];
}

/** Lines next to a line in its column (one above, one below), for a name split over two lines. */
function beside(lines: TextLine[], index: number): number[] {
  const base = lines[index]!;
  const h = Math.max(base.height, 1);
  return lines
    .map((l, i) => ({ l, i }))
    .filter(({ l, i }) => i !== index && Math.abs(l.x - base.x) < 3 * h && Math.abs(l.y - base.y) < 2.2 * h)
    .map((c) => c.i);
}

/** Best hit of any spelling in any line (lowest distance, then earliest line). */
function bestHit(
  lines: TextLine[],
  compacted: Compacted[],
  spellings: string[],
  matchLevel: number,
  only?: (line: number) => boolean,
  allowance?: (pattern: string) => number,
): { line: number; start: number; end: number; distance: number } | null {
  let best: { line: number; start: number; end: number; distance: number } | null = null;
  for (let i = 0; i < lines.length; i++) {
    if (only && !only(i)) continue;
    for (const s of spellings) {
      const hit = allowance
        ? approximateFind(s, compacted[i]!.text)
        : fuzzyContains(s, compacted[i]!.text, matchLevel);
      if (!hit || (allowance && hit.distance > allowance(s))) continue;
      if (!best || hit.distance < best.distance) best = { line: i, ...hit };
    }
  }
  return best;
}

/**
 * A name in the spellings a document may print or OCR may read: `ß` as `ss` (and as `B` or `s`, which is
 * how PaddleOCR reads it), umlauts as the vowel or with `e` (`Müller`, `Mueller`).
 */
function nameSpellings(name: string | null): string[] {
  if (!name) return [];
  const out = new Set<string>([compact(name)]);
  if (/ß/.test(name)) {
    out.add(compact(name.replace(/ß/g, 'b')));
    out.add(compact(name.replace(/ß/g, 's')));
  }
  if (/[äöüÄÖÜ]/.test(name)) out.add(compact(name.replace(/([äöüÄÖÜ])/g, '$1e')));
  return [...out].filter(Boolean);
}

/**
 * One name part alone, outside the holder's full name, is weak evidence: short names hide in other words
 * (`Weiss` in `weiss`-anything), so it gets no misread letters under seven letters and one from seven.
 */
const partAllowance = (pattern: string) => (pattern.length >= 7 ? 1 : 0);

/**
 * Finds the customer's name and address on the document, as a reviewer does: the name on one line, the
 * street line in any of its spellings (the flat number on the same line or the next), and the postcode,
 * town and region near it.
 */
export function findCustomer(
  lines: TextLine[],
  customer: CustomerAddress,
  matchLevel: number,
): CustomerOnDocument {
  const compacted = lines.map((l) => compactWithMap(l.text));
  const country = customer.country;

  // Name: the whole name on one line (either order), else each part on its own.
  const firsts = nameSpellings(customer.firstName);
  const lasts = nameSpellings(customer.lastName);
  const first = firsts[0] ?? '';
  const last = lasts[0] ?? '';
  let firstName = first ? miss('not-found') : miss('missing');
  let lastName = last ? miss('not-found') : miss('missing');
  if (first && last) {
    const wholes = firsts.flatMap((f) => lasts.flatMap((l) => [f + l, l + f]));
    const whole = bestHit(lines, compacted, wholes, matchLevel);
    if (whole) {
      const text = originalSlice(lines[whole.line]!.text, compacted[whole.line]!, whole.start, whole.end);
      const f = fuzzyContains(first, compact(text), matchLevel);
      const firstText = f ? originalSlice(text, compactWithMap(text), f.start, f.end) : null;
      const lastText = text.replace(firstText ?? '', '').replace(/^[\s,]+|[\s,]+$/g, '') || text;
      firstName = { matched: true, value: firstText ?? text, line: whole.line, reason: null };
      lastName = { matched: true, value: lastText, line: whole.line, reason: null };
    }
  }
  if (!lastName.matched && last) {
    const hit = bestHit(lines, compacted, lasts, matchLevel, undefined, partAllowance);
    if (hit) {
      lastName = {
        matched: true,
        value: originalSlice(lines[hit.line]!.text, compacted[hit.line]!, hit.start, hit.end),
        line: hit.line,
        reason: null,
      };
      // The given name counts only on the holder's line or right beside it (a licence's `LN`/`FN` lines):
      // a first name alone elsewhere is no evidence.
      let f: { line: number; start: number; end: number } | null = null;
      for (const i of first ? [hit.line, ...beside(lines, hit.line)] : []) {
        const h = firsts.map((x) => fuzzyContains(x, compacted[i]!.text, matchLevel)).find(Boolean);
        if (h) {
          f = { line: i, start: h.start, end: h.end };
          break;
        }
      }
      if (f) {
        firstName = {
          matched: true,
          value: originalSlice(lines[f.line]!.text, compacted[f.line]!, f.start, f.end),
          line: f.line,
          reason: null,
        };
      } else if (first) firstName = miss('different');
    }
  }

  // Level 3 (basic) accepts the surname alone, as the identity name rules do.
  if (matchLevel === 3 && lastName.matched && !firstName.matched && first) {
    firstName = { matched: true, value: null, line: lastName.line, reason: 'surname-only' };
  }

  // Street line: any spelling; the unit on that line or one of the next two.
  let line1 = customer.line1 ? miss('not-found') : miss('missing');
  let anchor: number | null = lastName.line ?? firstName.line;
  if (customer.line1) {
    const pattern = streetPattern(customer.line1);
    const hit = pattern.spellings.length ? bestHit(lines, compacted, pattern.spellings, matchLevel) : null;
    if (hit) {
      let unitOk = true;
      let value = originalSlice(lines[hit.line]!.text, compacted[hit.line]!, hit.start, hit.end);
      if (pattern.unit) {
        unitOk = false;
        for (const i of [...below(lines, hit.line, 2), ...beside(lines, hit.line)]) {
          if (unitOk) break;
          const rest = i === hit.line ? compacted[i]!.text.slice(hit.end) : compacted[i]!.text;
          const unit = new RegExp(`(^|${['#', ...UNIT_WORDS].join('|')}|\\D)${pattern.unit}(?![0-9])`);
          if (unit.test(rest.slice(0, 16)) || (i !== hit.line && rest === pattern.unit)) {
            unitOk = true;
            if (i === hit.line) value = lines[i]!.text.slice(compacted[i]!.map[hit.start]).trim();
          }
        }
      }
      line1 = unitOk
        ? { matched: true, value, line: hit.line, reason: null }
        : { matched: false, value, line: hit.line, reason: 'unit-different' };
      anchor = hit.line;
    }
  }

  // Postcode, town, region: near the street line when it was found, anywhere otherwise.
  /** Within `up` line heights above and `down` below line `a` (columns apart do not matter). */
  const vertical = (a: number | null, up: number, down: number) => (i: number) => {
    if (a === null) return true;
    const base = lines[a]!;
    const h = Math.max(base.height, 1);
    const dy = lines[i]!.y - base.y;
    return dy >= -up * 1.6 * h && dy <= down * 1.6 * h;
  };
  const near = vertical(anchor, 1, 5);
  let postalCode = customer.postalCode ? miss('not-found') : miss('missing');
  let postLine: number | null = null;
  if (customer.postalCode) {
    const wanted = normalizePostcode(customer.postalCode, country);
    const pattern = country ? POSTCODE_PATTERNS[country] : undefined;
    for (let i = 0; i < lines.length && !postalCode.matched; i++) {
      if (!near(i)) continue;
      const folded = fold(lines[i]!.text);
      const shapes = pattern ? [...folded.matchAll(pattern)].map((m) => m[0]) : [];
      const direct = shapes.find((s) => normalizePostcode(s, country) === wanted);
      // OCR glues the postcode to the town (`LEEDSLS14AP`): look in the letters-and-digits run, where the
      // normalisation keeps every position, and report the document's own characters.
      const raw = fold(lines[i]!.text).replace(/[^a-z0-9]/g, '');
      const at =
        direct || wanted.length < 4
          ? -1
          : normalizePostcode(raw, country === 'US' ? null : country).indexOf(wanted);
      if (direct || at >= 0) {
        postalCode = {
          matched: true,
          value: direct ? direct.toUpperCase() : raw.slice(at, at + wanted.length).toUpperCase(),
          line: i,
          reason: null,
        };
        postLine = i;
      }
    }
  }
  const townAnchor = postLine ?? anchor;
  const nearTown = vertical(townAnchor, 2, 2);
  let city = customer.city ? miss('not-found') : miss('missing');
  if (customer.city) {
    const hit = bestHit(lines, compacted, citySpellings(customer.city), matchLevel, nearTown);
    if (hit) {
      city = {
        matched: true,
        value: originalSlice(lines[hit.line]!.text, compacted[hit.line]!, hit.start, hit.end),
        line: hit.line,
        reason: null,
      };
    }
  }
  let region = customer.region ? miss('not-found') : miss('missing');
  if (customer.region) {
    const spellings = regionSpellings(customer.region, country);
    const hitLine = [city.line, postLine].find((i): i is number => i !== null);
    const code = spellings[0]!;
    let found: string | null = null;
    if (hitLine !== undefined) {
      for (const i of new Set([hitLine, postLine ?? hitLine])) {
        const c = compacted[i]!.text;
        for (const s of spellings) {
          if (s.length <= 3) {
            // A two-letter code only counts between the town and the postcode (`Denver, CO 80202`).
            const folded = fold(lines[i]!.text);
            if (
              new RegExp(`(^|[^a-z])${s}([^a-z]|$)`).test(folded) ||
              c.includes(s + normalizePostcode(customer.postalCode, country))
            ) {
              found = s.toUpperCase();
            }
          } else if (fuzzyContains(s, c, matchLevel)) found = customer.region;
        }
      }
    }
    if (found) region = { matched: true, value: found, line: hitLine ?? null, reason: null };
    else if (postalCode.matched && city.matched && !(country === 'US' || country === 'CA')) {
      // Europe does not print the region: the postcode and town already place the address.
      region = { matched: true, value: null, line: null, reason: 'implied-by-postcode' };
    } else if (code && postalCode.matched && city.matched) {
      region = { matched: false, value: null, line: null, reason: 'not-found' };
    }
  }
  return { firstName, lastName, line1, city, region, postalCode };
}

// ---------------------------------------------------------------------------------------------------
// The recipient block, without the customer (what the document says, for parsedData and reviewers)

const ISSUER_WORDS =
  /\b(po box|p\.o\.|postfach|postbus|bp|tsa|cedex|gmbh|ltd|llc|inc|plc|ag|eg|sa|sas|b\.v\.|n\.v\.|bank|www|tel|phone)\b|@|·/i;
const SALUTATION = /^(mr|mrs|ms|miss|mx|dr|herrn?|frau|m|mme|mlle|dhr|mevr|de heer|mevrouw)\.?\s+/i;

export interface RecipientBlock {
  name: string | null;
  firstName: string | null;
  lastName: string | null;
  lines: string[];
  line1: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  /** Indexes of the block's lines. */
  indexes: number[];
}

/** The recipient's block: the postcode line with a street line and a name line stacked above it. */
export function recipientBlock(lines: TextLine[], country: string | null): RecipientBlock | null {
  const pattern = country ? POSTCODE_PATTERNS[country] : undefined;
  if (!pattern) return null;
  let best: { score: number; block: RecipientBlock } | null = null;
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k]!;
    const folded = fold(line.text);
    const codes = [...folded.matchAll(pattern)];
    if (!codes.length || ISSUER_WORDS.test(line.text) || line.text.length > 60) continue;
    const code = codes[codes.length - 1]!;
    // Lines stacked above, left-aligned with the postcode line.
    const above: number[] = [];
    let y = line.y;
    for (let i = k - 1; i >= 0 && above.length < 4; i--) {
      const l = lines[i]!;
      if (Math.abs(l.x - line.x) > 3 * Math.max(l.height, line.height)) continue;
      if (y - l.y > 2.6 * Math.max(l.height, line.height)) break;
      if (ISSUER_WORDS.test(l.text)) break;
      above.unshift(i);
      y = l.y;
    }
    const texts = above.map((i) => lines[i]!.text.trim());
    let cityText =
      folded.slice(0, code.index).replace(/[,\s]+$/, '') + folded.slice(code.index + code[0].length);
    if (!compact(cityText) && texts.length) {
      // GB: the town on its own line above the postcode.
      cityText = fold(texts.pop()!);
      above.pop();
    }
    const streetIndex = texts.findIndex((t) => /\d/.test(t));
    if (streetIndex < 0 || texts.length < 2) continue;
    const nameText = texts.slice(0, streetIndex).pop() ?? null;
    let region: string | null = null;
    if (country === 'US' || country === 'CA') {
      const m = /([a-z]{2})\s*,?\s*$/.exec(folded.slice(0, code.index).trim());
      if (m) {
        region = m[1]!.toUpperCase();
        cityText = folded.slice(0, code.index - m[0].length + 1).trim();
      }
    }
    const name = nameText
      ? nameText
          .replace(SALUTATION, '')
          .replace(/\s+\d[\d\s]*$/, '')
          .trim()
      : null;
    const parts = name?.split(/\s+/) ?? [];
    const particle = parts.findIndex(
      (p, i) => i > 0 && /^(de|van|von|der|den|du|le|la|da|di|dos|del|mac|mc)$/i.test(p),
    );
    const split = particle > 0 ? particle : parts.length - 1;
    const block: RecipientBlock = {
      name,
      firstName: parts.length > 1 ? parts.slice(0, split).join(' ') : null,
      lastName: parts.length ? parts.slice(split).join(' ') : null,
      lines: texts.slice(streetIndex),
      line1: texts[streetIndex] ?? null,
      city:
        cityText
          .replace(/[^\p{L}\s'-]/gu, ' ')
          .replace(/\s+/g, ' ')
          .trim() || null,
      region,
      postalCode: code[0].toUpperCase(),
      indexes: [...above, k],
    };
    const score = texts.length + (nameText ? 2 : 0) - k / 1000;
    if (!best || score > best.score) best = { score, block };
  }
  return best?.block ?? null;
}

/** Whether two addresses are the same place (street spelling, postcode): for an address seen elsewhere. */
export function sameAddress(
  a: { line1: string | null; postalCode: string | null },
  b: { line1: string | null; postalCode: string | null },
  country: string | null,
): boolean {
  if (!a.line1 || !b.line1) return false;
  const pa = streetPattern(a.line1);
  const cb = compact(b.line1);
  const street = pa.spellings.some((s) => {
    const hit = approximateFind(s, cb);
    return hit !== null && hit.distance <= letterAllowance(s.length);
  });
  const post =
    !a.postalCode ||
    !b.postalCode ||
    normalizePostcode(a.postalCode, country) === normalizePostcode(b.postalCode, country);
  return street && post;
}
