/**
 * The AAMVA DL/ID card data in a North American driver licence's PDF417 barcode (AAMVA DL/ID Card Design
 * Standard, Annex D): a header (`@` LF RS CR, `ANSI ` or `AAMVA`, the issuer identification number, the
 * standard and jurisdiction versions, the number of subfiles), subfile designators, then subfiles
 * (`DL` licence, `ID` identification card, `Z…` jurisdiction-specific) of data elements: a three-letter
 * element id and its value, separated by LF, the subfile ended by CR.
 *
 * Elements read here: DCS surname, DAC first name, DAD middle names (DCT given names and DAA full name in
 * versions 1–2), DBB birth date, DBA expiry, DBD issue date, DAQ licence number, DAJ jurisdiction, DBC
 * sex (1 male, 2 female, 9 not specified), DCG country, DDE/DDF/DDG truncation flags. Dates are MMDDCCYY
 * in US documents and CCYYMMDD in Canadian ones (Annex D.12.5); the country decides, and a date that is
 * impossible in that order is tried in the other.
 */
import { isValidCalendarDate } from '../match/dates.ts';

export interface AamvaLicence {
  /** Issuer identification number (6 digits, e.g. `636014` California). */
  iin: string | null;
  /** AAMVA standard version (0–10). */
  version: number | null;
  /** `DL` driver licence or `ID` identification card. */
  subfile: 'DL' | 'ID';
  surname: string | null;
  /** First and middle names, space-separated. */
  givenNames: string | null;
  /** `YYYY-MM-DD` */
  dateOfBirth: string | null;
  expirationDate: string | null;
  issueDate: string | null;
  documentNumber: string | null;
  /** Jurisdiction code (US state, Canadian province), e.g. `CA`. */
  region: string | null;
  /** ISO 3166 alpha-3: `USA` or `CAN` (DCG; from the IIN range when absent). */
  country: string | null;
  sex: 'M' | 'F' | 'X' | null;
  /** DDE/DDF/DDG: the name was cut to fit the field. */
  truncated: { surname: boolean; firstName: boolean; middleName: boolean };
  /** Every element of the subfile, by id (for reviewers). */
  elements: Record<string, string>;
}

const EMPTY = new Set(['', 'NONE', 'UNAVAIL', 'UNAVL', 'N/A']);

function clean(value: string | undefined): string | null {
  const v = (value ?? '').replace(/\s+/g, ' ').trim();
  return EMPTY.has(v.toUpperCase()) ? null : v;
}

function isoOf(year: number, month: number, day: number): string | null {
  if (!isValidCalendarDate(year, month, day)) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** An AAMVA 8-digit date to `YYYY-MM-DD`: MMDDCCYY first for the US, CCYYMMDD first for Canada. */
export function parseAamvaDate(value: string | undefined, country: string | null): string | null {
  const v = (value ?? '').trim();
  if (!/^\d{8}$/.test(v)) return null;
  const us = () => isoOf(Number(v.slice(4, 8)), Number(v.slice(0, 2)), Number(v.slice(2, 4)));
  const ca = () => isoOf(Number(v.slice(0, 4)), Number(v.slice(4, 6)), Number(v.slice(6, 8)));
  return country === 'CAN' ? (ca() ?? us()) : (us() ?? ca());
}

/** The elements of the first `DL` (else `ID`) subfile, or null when the text is not AAMVA data. */
function subfileElements(text: string): { subfile: 'DL' | 'ID'; elements: Record<string, string> } | null {
  // eslint-disable-next-line no-control-regex -- the AAMVA compliance indicator is `@` LF RS CR
  const header = /^@\s*\n?\x1e?\r?\s*(ANSI |AAMVA)(\d{6})?/.exec(text);
  if (!header) return null;
  // The subfile starts where its designator's offset points; offsets are often wrong in the field, so
  // the data are taken from the first `DL`/`ID` followed by an element id (`DLDAQ…`, `IDDCS…`).
  const start = /(DL|ID)(?=[A-Z]{2}[A-Z0-9])(?![0-9]{8})/g;
  const designators = text.slice(header[0].length);
  let match: RegExpExecArray | null;
  let subfile: 'DL' | 'ID' | null = null;
  let body = '';
  while ((match = start.exec(designators))) {
    const rest = designators.slice(match.index + 2);
    if (/^D[A-Z]{2}/.test(rest)) {
      subfile = match[1] as 'DL' | 'ID';
      body = rest;
      break;
    }
  }
  if (!subfile) return null;
  const elements: Record<string, string> = {};
  const end = body.indexOf('\r');
  for (const line of (end >= 0 ? body.slice(0, end) : body).split(/\n/)) {
    const m = /^([A-Z]{3})(.*)$/.exec(line.trim());
    if (m && !(m[1]! in elements)) elements[m[1]!] = m[2]!;
  }
  return Object.keys(elements).length > 0 ? { subfile, elements } : null;
}

/** Canadian jurisdictions' IINs (AAMVA IIN list): 604xxx, 636012 Ontario, 636016 Newfoundland, 636017 NB … */
const CANADIAN_IINS = new Set(['636012', '636013', '636016', '636017', '636028', '636044', '636048']);

/** Parses AAMVA barcode text; null when it is not AAMVA DL/ID data. */
export function parseAamva(text: string): AamvaLicence | null {
  // eslint-disable-next-line no-control-regex -- the AAMVA compliance indicator is `@` LF RS CR
  const header = /^@\s*\n?\x1e?\r?\s*(?:ANSI |AAMVA)(\d{6})(\d{2})?/.exec(text);
  const parsed = subfileElements(text);
  if (!parsed) return null;
  const e = parsed.elements;
  const iin = header?.[1] ?? null;
  const country =
    clean(e.DCG)?.toUpperCase() ??
    (iin && (iin.startsWith('604') || CANADIAN_IINS.has(iin)) ? 'CAN' : iin ? 'USA' : null);
  let surname = clean(e.DCS) ?? clean(e.DAB);
  let first = clean(e.DAC) ?? clean(e.DCT?.split(/[,$]/)[0]);
  let middle = clean(e.DAD) ?? clean(e.DCT?.split(/[,$]/).slice(1).join(' '));
  if (!surname && e.DAA) {
    // Version 1: `LAST,FIRST,MIDDLE` (some issuers use `$` or spaces).
    const [last, firstName, ...rest] = e.DAA.split(/[,$]/);
    surname = clean(last);
    first = first ?? clean(firstName);
    middle = middle ?? clean(rest.join(' '));
  }
  const sexCode = clean(e.DBC)?.toUpperCase() ?? null;
  const sex =
    sexCode === '1' || sexCode === 'M'
      ? 'M'
      : sexCode === '2' || sexCode === 'F'
        ? 'F'
        : sexCode === '9' || sexCode === 'X'
          ? 'X'
          : null;
  const givenNames = [first, middle].filter(Boolean).join(' ') || null;
  return {
    iin,
    version: header?.[2] ? Number(header[2]) : null,
    subfile: parsed.subfile,
    surname: surname?.toUpperCase() ?? null,
    givenNames: givenNames?.toUpperCase() ?? null,
    dateOfBirth: parseAamvaDate(e.DBB, country),
    expirationDate: parseAamvaDate(e.DBA, country),
    issueDate: parseAamvaDate(e.DBD, country),
    documentNumber: clean(e.DAQ)?.toUpperCase() ?? null,
    region: clean(e.DAJ)?.toUpperCase() ?? null,
    country,
    sex,
    truncated: { surname: e.DDE === 'T', firstName: e.DDF === 'T', middleName: e.DDG === 'T' },
    elements: e,
  };
}
