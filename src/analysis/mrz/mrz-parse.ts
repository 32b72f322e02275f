/**
 * MRZ text → fields, per ICAO 9303 parts 4 (TD3), 5 (TD1), 6 (TD2) and 7 (MRV-A/MRV-B).
 *
 * Contract:
 * - `extractMrzLines(texts)` turns raw OCR lines into the MRZ lines of one detected format, or `null`.
 * - `parseMrz(lines)` parses them, verifies every check digit and repairs ambiguous characters only where
 *   a repair is confirmed: by the field's character class (a letter in a date or check digit, a digit in
 *   a state code or a name, an `H` — the OCR's M — in the sex, which admits only M/F/X/`<`) or by the field's check digit (a document number or optional number whose
 *   check digit fails as read but passes after a unique, minimal O↔0/I↔1/B↔8/S↔5/Z↔2/Q↔0/D↔0 swap).
 * - A check digit that still fails is never hidden: `checks.<field>` is false and `checksumValid` is false.
 * - Names and state codes have no check digit: their validity is `unverified` (cross-check with the VIZ).
 * - State codes are not checked against ISO 3166 (ICAO's specimen state `UTO` must parse).
 *
 * Written by hand rather than with the `mrz` package so that per-field validity, the repair rules and the
 * evidence are ours; the tests cross-check the result against `mrz`.
 */
import { computeCheckDigit, isCheckDigitValid } from './check-digit.ts';

export type MrzFormat = 'TD1' | 'TD2' | 'TD3' | 'MRVA' | 'MRVB';

/** Line count and length per format. */
export const MRZ_FORMAT_SHAPES: Record<MrzFormat, { lines: number; length: number }> = {
  TD1: { lines: 3, length: 30 },
  TD2: { lines: 2, length: 36 },
  TD3: { lines: 2, length: 44 },
  MRVA: { lines: 2, length: 44 },
  MRVB: { lines: 2, length: 36 },
};

export type MrzFieldName =
  | 'documentCode'
  | 'issuingState'
  | 'lastName'
  | 'firstName'
  | 'documentNumber'
  | 'nationality'
  | 'dateOfBirth'
  | 'sex'
  | 'expirationDate'
  | 'personalNumber'
  | 'optionalData';

/**
 * - `verified`: covered by a check digit that passes.
 * - `repaired`: passes after a confirmed repair (see `repairs`).
 * - `failed`: its check digit fails, or the value breaks the field's format (a date that is no date).
 * - `unverified`: no check digit covers it (names, state codes, sex); well-formed as read.
 */
export type FieldValidity = 'verified' | 'repaired' | 'failed' | 'unverified';

export type MrzSex = 'male' | 'female' | 'unspecified';

export interface MrzFields {
  /** `P`, `ID`, `I`, `A`, `C`, `V`, … with trailing fillers removed. */
  documentCode: string;
  issuingState: string;
  lastName: string;
  /** Given names separated by single spaces. */
  firstName: string;
  documentNumber: string;
  nationality: string;
  /** ISO date `YYYY-MM-DD`, or `null` when the six characters are not a calendar date. */
  dateOfBirth: string | null;
  sex: MrzSex | null;
  /** ISO date `YYYY-MM-DD`, or `null`. */
  expirationDate: string | null;
  /** TD3 personal number (positions 29–42 of line 2), fillers removed; `null` when absent. */
  personalNumber: string | null;
  /** Optional data of TD1/TD2/MRV (TD1: both fields joined by a space), fillers removed; `null` when empty. */
  optionalData: string | null;
}

export interface MrzChecks {
  documentNumber: boolean;
  dateOfBirth: boolean;
  expirationDate: boolean;
  /** TD3 only: the personal-number check digit. */
  personalNumber?: boolean;
  /** Absent for visas (MRV-A/B have no composite check digit). */
  composite?: boolean;
}

export interface MrzRepair {
  field: MrzFieldName | 'checkDigit';
  from: string;
  to: string;
  /** `class`: the field admits only digits or only letters; `checkDigit`: the check digit confirms it. */
  by: 'class' | 'checkDigit';
}

export interface MrzParseResult {
  format: MrzFormat;
  /** The lines after repair (what the fields were read from). */
  lines: string[];
  fields: MrzFields;
  checks: MrzChecks;
  /** Every applicable check digit passes. */
  checksumValid: boolean;
  fieldValidity: Record<MrzFieldName, FieldValidity>;
  repairs: MrzRepair[];
}

export interface ParseOptions {
  /** The reference date for the century rule; default now. */
  now?: Date;
}

// ---------------------------------------------------------------------------------------------------
// Layouts

interface Span {
  line: number;
  start: number;
  /** Exclusive. */
  end: number;
}

interface Layout {
  documentCode: Span;
  issuingState: Span;
  name: Span;
  documentNumber: Span;
  documentNumberCheck: Span;
  nationality: Span;
  dateOfBirth: Span;
  dateOfBirthCheck: Span;
  sex: Span;
  expirationDate: Span;
  expirationDateCheck: Span;
  /** TD3 personal number / TD2 & MRV optional data / TD1 optional data 1. */
  optional1: Span;
  optional1Check?: Span;
  /** TD1 optional data 2. */
  optional2?: Span;
  /** The spans the composite check digit covers, in order. */
  composite?: { spans: Span[]; check: Span };
}

const s = (line: number, start: number, end: number): Span => ({ line, start, end });

const TD3_LIKE = {
  documentCode: s(0, 0, 2),
  issuingState: s(0, 2, 5),
  name: s(0, 5, 44),
  documentNumber: s(1, 0, 9),
  documentNumberCheck: s(1, 9, 10),
  nationality: s(1, 10, 13),
  dateOfBirth: s(1, 13, 19),
  dateOfBirthCheck: s(1, 19, 20),
  sex: s(1, 20, 21),
  expirationDate: s(1, 21, 27),
  expirationDateCheck: s(1, 27, 28),
};
const TD2_LIKE = { ...TD3_LIKE, name: s(0, 5, 36) };

/** Where every field sits, per format (ICAO 9303-4 §4.2.2, 9303-5 §4.2.2, 9303-6 §4.2.2, 9303-7 §4.2). */
export const MRZ_LAYOUTS: Record<MrzFormat, Layout> = {
  TD3: {
    ...TD3_LIKE,
    optional1: s(1, 28, 42),
    optional1Check: s(1, 42, 43),
    composite: { spans: [s(1, 0, 10), s(1, 13, 20), s(1, 21, 43)], check: s(1, 43, 44) },
  },
  MRVA: { ...TD3_LIKE, optional1: s(1, 28, 44) },
  TD2: {
    ...TD2_LIKE,
    optional1: s(1, 28, 35),
    composite: { spans: [s(1, 0, 10), s(1, 13, 20), s(1, 21, 35)], check: s(1, 35, 36) },
  },
  MRVB: { ...TD2_LIKE, optional1: s(1, 28, 36) },
  TD1: {
    documentCode: s(0, 0, 2),
    issuingState: s(0, 2, 5),
    documentNumber: s(0, 5, 14),
    documentNumberCheck: s(0, 14, 15),
    optional1: s(0, 15, 30),
    dateOfBirth: s(1, 0, 6),
    dateOfBirthCheck: s(1, 6, 7),
    sex: s(1, 7, 8),
    expirationDate: s(1, 8, 14),
    expirationDateCheck: s(1, 14, 15),
    nationality: s(1, 15, 18),
    optional2: s(1, 18, 29),
    name: s(2, 0, 30),
    composite: { spans: [s(0, 5, 30), s(1, 0, 7), s(1, 8, 15), s(1, 18, 29)], check: s(1, 29, 30) },
  },
};

/**
 * The spans protected by a check digit (value span + check span), per format: what the reader votes on
 * field by field. `documentNumber` in TD1/TD2 may overflow into the optional data (ICAO 9303-5 §4.2.4);
 * the composite still covers it.
 */
export function checkedSpans(format: MrzFormat): { value: Span; check: Span }[] {
  const l = MRZ_LAYOUTS[format];
  const out = [
    { value: l.documentNumber, check: l.documentNumberCheck },
    { value: l.dateOfBirth, check: l.dateOfBirthCheck },
    { value: l.expirationDate, check: l.expirationDateCheck },
  ];
  if (l.optional1Check) out.push({ value: l.optional1, check: l.optional1Check });
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Normalisation of OCR output

/** Glyphs OCR engines return for the filler chevron. */
const FILLER_LOOKALIKES = /[«‹〈＜≪<]/g;

/** Uppercase, map filler look-alikes to `<`, drop everything outside `[A-Z0-9<]` (spaces included). */
export function cleanMrzText(text: string): string {
  return text
    .toUpperCase()
    .replace(FILLER_LOOKALIKES, '<')
    .replace(/[^A-Z0-9<]/g, '');
}

/**
 * Fix a line to `length` by adding or removing "obvious filler": OCR engines most often drop or add a
 * chevron inside a long run of `<`. A line is trimmed/padded only at the end of it (when it ends in
 * filler) or inside its longest filler run (≥ 3 chevrons); anything else is left for the check digits.
 */
export function fitLineLength(line: string, length: number): string {
  let out = line;
  while (out.length > length) {
    if (out.endsWith('<')) out = out.slice(0, -1);
    else {
      const run = longestFillerRun(out);
      if (!run || run.length < 3) break;
      out = out.slice(0, run.start) + out.slice(run.start + 1);
    }
  }
  while (out.length < length) {
    if (out.endsWith('<')) out += '<';
    else {
      const run = longestFillerRun(out);
      if (!run || run.length < 3) break;
      out = out.slice(0, run.start) + '<' + out.slice(run.start);
    }
  }
  return out;
}

function longestFillerRun(text: string): { start: number; length: number } | null {
  let best: { start: number; length: number } | null = null;
  for (const m of text.matchAll(/<+/g)) {
    if (!best || m[0].length > best.length) best = { start: m.index, length: m[0].length };
  }
  return best;
}

/** How much a cleaned line looks like MRZ: share of `<` and digits is high, length is close to 30/36/44. */
function lengthDistance(len: number, target: number): number {
  return Math.abs(len - target);
}

/**
 * Pick the MRZ lines out of OCR output. Tries every format against every run of consecutive candidate
 * lines (from the bottom up, where the MRZ is) and keeps the one that needs the fewest length fixes; lines
 * must be within 4 characters of the format's length before fixing. The format is told apart by line
 * count/length and, for 2-line formats, by the leading `V` of a visa.
 */
export function extractMrzLines(texts: string[]): { format: MrzFormat; lines: string[] } | null {
  const cleaned = texts.map(cleanMrzText).filter((t) => t.length >= 20);
  let best: { format: MrzFormat; lines: string[]; cost: number } | null = null;
  for (const [format, shape] of Object.entries(MRZ_FORMAT_SHAPES) as [
    MrzFormat,
    { lines: number; length: number },
  ][]) {
    if (format === 'MRVA' || format === 'MRVB') continue; // decided below from the first characters
    for (let end = cleaned.length; end >= shape.lines; end--) {
      const group = cleaned.slice(end - shape.lines, end);
      if (group.some((l) => lengthDistance(l.length, shape.length) > 4)) continue;
      const fitted = group.map((l) => fitLineLength(l, shape.length));
      const cost =
        group.reduce((sum, l) => sum + lengthDistance(l.length, shape.length), 0) +
        fitted.reduce((sum, l) => sum + (l.length === shape.length ? 0 : 10), 0) +
        (cleaned.length - end) * 0.5;
      if (!best || cost < best.cost) best = { format, lines: fitted, cost };
    }
  }
  if (!best || best.lines.some((l) => l.length !== MRZ_FORMAT_SHAPES[best.format].length)) return null;
  let format = best.format;
  if (best.lines[0]!.startsWith('V')) {
    if (format === 'TD3') format = 'MRVA';
    else if (format === 'TD2') format = 'MRVB';
  }
  return { format, lines: best.lines };
}

// ---------------------------------------------------------------------------------------------------
// Repairs

/** Letter → digit, for fields that admit only digits (dates, check digits). */
const TO_DIGIT: Record<string, string> = { O: '0', Q: '0', D: '0', I: '1', Z: '2', S: '5', G: '6', B: '8' };
/** Digit → letter, for fields that admit only letters (state codes, names, document code). */
const TO_LETTER: Record<string, string> = { '0': 'O', '1': 'I', '2': 'Z', '5': 'S', '6': 'G', '8': 'B' };
/**
 * Alternatives tried for an alphanumeric field whose check digit fails. G↔6 is left out: G (16) and
 * 6 (6) differ by 10, so the check digit cannot tell them apart and could not confirm the swap.
 */
const AMBIGUOUS: Record<string, string[]> = {
  O: ['0'],
  Q: ['0'],
  D: ['0'],
  '0': ['O', 'D', 'Q'],
  I: ['1'],
  '1': ['I'],
  B: ['8'],
  '8': ['B'],
  S: ['5'],
  '5': ['S'],
  Z: ['2'],
  '2': ['Z'],
};

/** At most this many characters are changed to satisfy a check digit. */
const MAX_CHECK_REPAIRS = 2;

function mapClass(text: string, table: Record<string, string>, keep: RegExp): string {
  let out = '';
  for (const ch of text) out += keep.test(ch) ? ch : (table[ch] ?? ch);
  return out;
}

/**
 * The swaps allowed at `i`: only towards the class of the neighbours (a letter between digits may become
 * a digit, a digit between letters a letter). Without this rule a misread that is not an ambiguity
 * (8 read as 7) could be "explained" by swapping a correctly read 8 elsewhere into B, and the composite
 * cannot object: it weighs the document number exactly like the field's own check digit does.
 */
function alternatives(value: string, i: number): string[] {
  const alts = AMBIGUOUS[value[i]!];
  if (!alts) return [];
  const neighbours = [value[i - 1], value[i + 1]].filter((c): c is string => c !== undefined && c !== '<');
  if (neighbours.length === 0) return [];
  const digits = neighbours.every((c) => /[0-9]/.test(c));
  const letters = neighbours.every((c) => /[A-Z]/.test(c));
  return alts.filter((a) => (digits && /[0-9]/.test(a)) || (letters && /[A-Z]/.test(a)));
}

/**
 * Every minimal set of ambiguous swaps (≤ `MAX_CHECK_REPAIRS` characters) that makes `value` satisfy its
 * check digit: all candidates of the smallest size that has any, or `[]`.
 */
function checkDigitRepairs(value: string, check: string, fillerAllowed: boolean): string[] {
  const positions = [...value].map((ch, i) => (alternatives(value, i).length ? i : -1)).filter((i) => i >= 0);
  for (let size = 1; size <= MAX_CHECK_REPAIRS; size++) {
    const found: string[] = [];
    const visit = (from: number, chosen: number, current: string[]): void => {
      if (chosen === size) {
        const candidate = current.join('');
        if (isCheckDigitValid(candidate, check, fillerAllowed)) found.push(candidate);
        return;
      }
      for (let k = from; k < positions.length; k++) {
        const pos = positions[k]!;
        const original = current[pos]!;
        for (const alt of alternatives(value, pos)) {
          current[pos] = alt;
          visit(k + 1, chosen + 1, current);
        }
        current[pos] = original;
      }
    };
    visit(0, 0, [...value]);
    if (found.length > 0) return found;
  }
  return [];
}

// ---------------------------------------------------------------------------------------------------
// Dates

/**
 * `YYMMDD` → ISO date with the century chosen by `kind`: a birth date is never in the future (so `30`
 * read in 2026 is 1930); an expiry date may be up to 20 years ahead (so `45` read in 2026 is 2045, `47` is
 * 1947). Returns `null` for a non-date.
 */
export function mrzDateToIso(yymmdd: string, kind: 'birth' | 'expiry', now = new Date()): string | null {
  if (!/^\d{6}$/.test(yymmdd)) return null;
  const yy = Number(yymmdd.slice(0, 2));
  const mm = Number(yymmdd.slice(2, 4));
  const dd = Number(yymmdd.slice(4, 6));
  const nowYear = now.getUTCFullYear();
  const century = Math.floor(nowYear / 100) * 100;
  let year = century + yy;
  if (kind === 'birth') {
    const asDate = Date.UTC(year, mm - 1, dd);
    if (asDate > now.getTime()) year -= 100;
  } else if (year > nowYear + 20) year -= 100;
  const d = new Date(Date.UTC(year, mm - 1, dd));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== mm - 1 || d.getUTCDate() !== dd) return null;
  return `${String(year).padStart(4, '0')}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}`;
}

// ---------------------------------------------------------------------------------------------------
// Parse

const get = (lines: string[], sp: Span): string => lines[sp.line]!.slice(sp.start, sp.end);

function put(lines: string[], sp: Span, value: string): void {
  const line = lines[sp.line]!;
  lines[sp.line] = line.slice(0, sp.start) + value + line.slice(sp.end);
}

const stripFiller = (v: string): string => v.replace(/<+$/g, '').replace(/</g, ' ').trim();

/** Detect the format of already-cleaned lines of the right shape. */
export function detectMrzFormat(lines: string[]): MrzFormat | null {
  const lengths = lines.map((l) => l.length);
  if (lines.length === 3 && lengths.every((n) => n === 30)) return 'TD1';
  if (lines.length !== 2) return null;
  const visa = lines[0]!.startsWith('V');
  if (lengths.every((n) => n === 44)) return visa ? 'MRVA' : 'TD3';
  if (lengths.every((n) => n === 36)) return visa ? 'MRVB' : 'TD2';
  return null;
}

/**
 * Parse MRZ lines (exact lengths; run `extractMrzLines` on raw OCR first). Returns `null` when the lines
 * fit no format.
 */
export function parseMrz(input: string[], options: ParseOptions = {}): MrzParseResult | null {
  const format = detectMrzFormat(input);
  if (!format) return null;
  const layout = MRZ_LAYOUTS[format];
  const lines = [...input];
  const repairs: MrzRepair[] = [];
  const now = options.now ?? new Date();

  // 1. Character-class repairs: these fields admit one class only, so the class confirms the swap.
  const classRepair = (
    field: MrzRepair['field'],
    sp: Span,
    table: Record<string, string>,
    keep: RegExp,
  ): void => {
    const from = get(lines, sp);
    const to = mapClass(from, table, keep);
    if (to !== from) {
      put(lines, sp, to);
      repairs.push({ field, from, to, by: 'class' });
    }
  };
  const digitsOrFiller = /[0-9<]/;
  const lettersOrFiller = /[A-Z<]/;
  classRepair('documentCode', layout.documentCode, TO_LETTER, lettersOrFiller);
  classRepair('issuingState', layout.issuingState, TO_LETTER, lettersOrFiller);
  classRepair('nationality', layout.nationality, TO_LETTER, lettersOrFiller);
  classRepair('lastName', layout.name, TO_LETTER, lettersOrFiller);
  // The sex is one of M, F, X or `<`; the legacy OCR engine reads M as H, which no sex can be.
  classRepair('sex', layout.sex, { H: 'M' }, /[MFX<]/);
  classRepair('dateOfBirth', layout.dateOfBirth, TO_DIGIT, digitsOrFiller);
  classRepair('expirationDate', layout.expirationDate, TO_DIGIT, digitsOrFiller);
  for (const sp of [
    layout.documentNumberCheck,
    layout.dateOfBirthCheck,
    layout.expirationDateCheck,
    ...(layout.optional1Check ? [layout.optional1Check] : []),
    ...(layout.composite ? [layout.composite.check] : []),
  ]) {
    classRepair('checkDigit', sp, TO_DIGIT, digitsOrFiller);
  }

  const compositeOk = (candidate: string[] = lines): boolean | undefined => {
    if (!layout.composite) return undefined;
    const text = layout.composite.spans.map((sp) => get(candidate, sp)).join('');
    return isCheckDigitValid(text, get(candidate, layout.composite.check));
  };

  // 2. Check-digit repairs of alphanumeric fields (document number, TD3 personal number). A swap set is
  //    accepted only when it is the unique minimal one; where the format has a composite check digit, the
  //    repaired lines must also pass the composite. Without that second confirmation a changed check digit
  //    could be "explained" by a swap elsewhere (e.g. L898902C3 with check 7 instead of 6 becomes
  //    L8B8902C3): the composite check digit refuses it.
  const alnum: { field: MrzFieldName; value: Span; check: Span; fillerAllowed: boolean }[] = [];
  const documentNumber = readDocumentNumber(format, lines);
  if (!documentNumber.overflow) {
    alnum.push({
      field: 'documentNumber',
      value: layout.documentNumber,
      check: layout.documentNumberCheck,
      fillerAllowed: false,
    });
  }
  if (layout.optional1Check) {
    alnum.push({
      field: 'personalNumber',
      value: layout.optional1,
      check: layout.optional1Check,
      fillerAllowed: true,
    });
  }
  const choices: string[][] = alnum.map((f) => {
    const value = get(lines, f.value);
    const check = get(lines, f.check);
    return isCheckDigitValid(value, check, f.fillerAllowed)
      ? [value]
      : checkDigitRepairs(value, check, f.fillerAllowed);
  });
  if (choices.every((o) => o.length > 0) && alnum.some((f, i) => choices[i]![0] !== get(lines, f.value))) {
    let combos: string[][] = [[]];
    for (const o of choices) combos = combos.flatMap((c) => o.map((v) => [...c, v]));
    const passing = combos.filter((combo) => {
      const trial = [...lines];
      combo.forEach((v, i) => put(trial, alnum[i]!.value, v));
      return layout.composite ? compositeOk(trial) === true : true;
    });
    if (passing.length === 1) {
      passing[0]!.forEach((v, i) => {
        const from = get(lines, alnum[i]!.value);
        if (v !== from) {
          put(lines, alnum[i]!.value, v);
          repairs.push({ field: alnum[i]!.field, from, to: v, by: 'checkDigit' });
        }
      });
    }
  }
  const stateOf = (field: MrzFieldName): 'verified' | 'repaired' | 'failed' => {
    const f = alnum.find((x) => x.field === field)!;
    if (!isCheckDigitValid(get(lines, f.value), get(lines, f.check), f.fillerAllowed)) return 'failed';
    return repairs.some((r) => r.field === field) ? 'repaired' : 'verified';
  };
  let documentNumberState: 'verified' | 'repaired' | 'failed';
  if (documentNumber.overflow) {
    // Long document number (TD1/TD2): its check digit follows the overflow inside the optional data.
    documentNumberState = isCheckDigitValid(documentNumber.value, documentNumber.check)
      ? 'verified'
      : 'failed';
  } else documentNumberState = stateOf('documentNumber');
  const dobOk = isCheckDigitValid(get(lines, layout.dateOfBirth), get(lines, layout.dateOfBirthCheck));
  const expOk = isCheckDigitValid(get(lines, layout.expirationDate), get(lines, layout.expirationDateCheck));
  const personalState = layout.optional1Check ? stateOf('personalNumber') : undefined;

  const composite = compositeOk();
  const checks: MrzChecks = {
    documentNumber: documentNumberState !== 'failed',
    dateOfBirth: dobOk,
    expirationDate: expOk,
  };
  if (personalState !== undefined) checks.personalNumber = personalState !== 'failed';
  if (composite !== undefined) checks.composite = composite;
  const checksumValid = Object.values(checks).every(Boolean);

  // 3. Fields.
  const finalDocNumber = readDocumentNumber(format, lines);
  const dobRaw = get(lines, layout.dateOfBirth);
  const expRaw = get(lines, layout.expirationDate);
  const dateOfBirth = mrzDateToIso(dobRaw, 'birth', now);
  const expirationDate = mrzDateToIso(expRaw, 'expiry', now);
  const sexChar = get(lines, layout.sex);
  const sex: MrzSex | null =
    sexChar === 'M'
      ? 'male'
      : sexChar === 'F'
        ? 'female'
        : sexChar === '<' || sexChar === 'X'
          ? 'unspecified'
          : null;
  const nameRaw = get(lines, layout.name);
  const [surnamePart = '', ...givenParts] = nameRaw.split('<<');
  const lastName = stripFiller(surnamePart);
  const firstName = stripFiller(givenParts.join('<<')).replace(/\s+/g, ' ');

  let personalNumber: string | null = null;
  let optionalData: string | null = null;
  if (format === 'TD3') personalNumber = stripFiller(get(lines, layout.optional1)) || null;
  else {
    const parts = [finalDocNumber.overflow ? finalDocNumber.rest : get(lines, layout.optional1)];
    if (layout.optional2) parts.push(get(lines, layout.optional2));
    optionalData =
      parts
        .map(stripFiller)
        .filter((p) => p.length > 0)
        .join(' ') || null;
  }

  const fields: MrzFields = {
    documentCode: stripFiller(get(lines, layout.documentCode)),
    issuingState: stripFiller(get(lines, layout.issuingState)),
    lastName,
    firstName,
    documentNumber: stripFiller(finalDocNumber.value),
    nationality: stripFiller(get(lines, layout.nationality)),
    dateOfBirth,
    sex,
    expirationDate,
    personalNumber,
    optionalData,
  };

  const repairedFields = new Set(repairs.map((r) => r.field));
  const checked = (ok: boolean, field: MrzFieldName, wellFormed = true): FieldValidity =>
    !ok || !wellFormed ? 'failed' : repairedFields.has(field) ? 'repaired' : 'verified';
  const letters = (v: string): FieldValidity => (/^[A-Z<]+$/.test(v) ? 'unverified' : 'failed');
  const fieldValidity: Record<MrzFieldName, FieldValidity> = {
    documentCode: letters(get(lines, layout.documentCode)),
    issuingState: letters(get(lines, layout.issuingState)),
    nationality: letters(get(lines, layout.nationality)),
    lastName: /^[A-Z<]+$/.test(nameRaw) && lastName.length > 0 ? 'unverified' : 'failed',
    firstName: /^[A-Z<]+$/.test(nameRaw) ? 'unverified' : 'failed',
    documentNumber: documentNumberState,
    dateOfBirth: checked(dobOk, 'dateOfBirth', dateOfBirth !== null),
    expirationDate: checked(expOk, 'expirationDate', expirationDate !== null),
    sex: sex === null ? 'failed' : 'unverified',
    personalNumber:
      personalState === undefined ? 'unverified' : personalState === 'failed' ? 'failed' : personalState,
    optionalData: layout.composite ? (composite ? 'verified' : 'failed') : 'unverified',
  };
  if (format === 'TD3') fieldValidity.optionalData = 'unverified';

  return { format, lines, fields, checks, checksumValid, fieldValidity, repairs };
}

/**
 * The document number, following the TD1/TD2 overflow rule: when the check-digit position holds `<`, the
 * number continues in the optional data up to the next `<`, whose preceding character is its check digit.
 */
function readDocumentNumber(
  format: MrzFormat,
  lines: string[],
): { value: string; check: string; overflow: boolean; rest: string } {
  const layout = MRZ_LAYOUTS[format];
  const value = get(lines, layout.documentNumber);
  const check = get(lines, layout.documentNumberCheck);
  if ((format === 'TD1' || format === 'TD2') && check === '<') {
    const optional = get(lines, layout.optional1);
    const end = optional.indexOf('<');
    const tail = end === -1 ? optional : optional.slice(0, end);
    if (tail.length >= 2) {
      return {
        value: value + tail.slice(0, -1),
        check: tail.slice(-1),
        overflow: true,
        rest: end === -1 ? '' : optional.slice(end),
      };
    }
  }
  return { value, check, overflow: false, rest: '' };
}

/** Exported for tests and the reader: the check digit of a text (null outside the MRZ alphabet). */
export { computeCheckDigit };
