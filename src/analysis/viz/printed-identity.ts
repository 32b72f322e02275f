/**
 * The identity a document states outside its MRZ — the printed visual zone (VIZ) and, on North American
 * licences, the AAMVA data of the PDF417 barcode — and whether the two agree with each other and with the
 * MRZ.
 *
 * Which source wins: the barcode when it was decoded (Reed–Solomon error correction: a decoded barcode is
 * exact), else the VIZ. The VIZ is read by OCR without check digits, so a VIZ value is used only when its
 * segment was read with confidence ≥ {@link MIN_VIZ_CONFIDENCE}.
 *
 * The tamper check compares only what both sides hold, and only differences OCR cannot explain: names that
 * are not the same name under ICAO transliteration and share less than
 * {@link NAME_DISSIMILARITY}'s complement of their letters (a slip or a misread letter stays below it; a
 * different surname does not), a name that is not merely cut short, dates that differ other than by
 * day/month order, document numbers that differ in two or more characters after folding the letter/digit
 * look-alikes (O/0, I/1, S/5, B/8, Z/2, G/6).
 */
import type { AamvaLicence } from '../barcode/aamva.ts';
import type { FraudSignal } from '../fraud/signal.ts';
import { damerauLevenshtein, matchName, toMrzName } from '../match/names.ts';
import type { DocumentSubtype } from '../vocabulary.ts';
import type { VizFieldName } from './parse-viz.ts';
import type { VizReading } from './read-viz.ts';

/** OCR confidence a VIZ value needs to be used for a decision. */
export const MIN_VIZ_CONFIDENCE = 0.85;
/**
 * OCR confidence a VIZ value needs to be held against the MRZ or the barcode: a glare-damaged `DESI` for
 * `DESHAWN` was read at 0.89; the fixtures' clean prints read at ≥ 0.97.
 */
export const MIN_TAMPER_CONFIDENCE = 0.95;
/** Share of differing letters (edit distance over the longer name) from which two names are different names. */
export const NAME_DISSIMILARITY = 0.4;

export interface PrintedIdentity {
  surname: string | null;
  givenNames: string | null;
  dateOfBirth: string | null;
  expirationDate: string | null;
  issueDate: string | null;
  documentNumber: string | null;
  sex: 'M' | 'F' | 'X' | null;
  /** ICAO/ISO alpha-3 issuing country when known (`USA` from a licence barcode). */
  issuingCountry: string | null;
  /** State or province of a licence. */
  region: string | null;
  subtype: DocumentSubtype | null;
  /** Where each value came from. */
  sources: Partial<Record<keyof PrintedIdentity, 'barcode' | 'viz'>>;
}

/**
 * The VIZ values that may be used (read with enough confidence). `forTamperCheck`: read with
 * {@link MIN_TAMPER_CONFIDENCE} and claimed by their label — except names on a licence (by its title, or
 * `licence` when the caller knows from the barcode), taken by position
 * (the AAMVA field numbers `1` and `2` are rarely readable, and the names' order there is fixed). A value
 * placed by position elsewhere may be a fragment of another field (`ITY` of a cut `Nationality`), or a date
 * whose label glare hid.
 */
export function confidentVizValues(
  viz: VizReading | null,
  options: { forTamperCheck?: boolean; licence?: boolean } = {},
): Partial<Record<VizFieldName, string>> {
  const out: Partial<Record<VizFieldName, string>> = {};
  const licence = options.licence || viz?.documentKind === 'driver-license';
  for (const [name, field] of Object.entries(viz?.fields ?? {})) {
    if (!field || field.confidence < MIN_VIZ_CONFIDENCE) continue;
    if (options.forTamperCheck) {
      const isName = name === 'surname' || name === 'givenNames';
      if (field.confidence < MIN_TAMPER_CONFIDENCE) continue;
      if (field.source !== 'label' && !(isName && licence)) continue;
    }
    out[name as VizFieldName] = field.value;
  }
  return out;
}

/** The printed identity: barcode first, then the VIZ. */
export function printedIdentity(viz: VizReading | null, licence: AamvaLicence | null): PrintedIdentity {
  const v = confidentVizValues(viz);
  const sources: PrintedIdentity['sources'] = {};
  const pick = <K extends keyof PrintedIdentity>(
    key: K,
    fromBarcode: PrintedIdentity[K] | null | undefined,
    fromViz: PrintedIdentity[K] | null | undefined,
  ): PrintedIdentity[K] | null => {
    if (fromBarcode !== null && fromBarcode !== undefined) {
      sources[key] = 'barcode';
      return fromBarcode;
    }
    if (fromViz !== null && fromViz !== undefined) {
      sources[key] = 'viz';
      return fromViz;
    }
    return null;
  };
  const vizSubtype: DocumentSubtype | null = viz?.documentKind ?? null;
  const barcodeSubtype: DocumentSubtype | null = licence
    ? licence.subfile === 'DL'
      ? 'driver-license'
      : 'id-card'
    : null;
  return {
    surname: pick('surname', licence?.surname, v.surname),
    givenNames: pick('givenNames', licence?.givenNames, v.givenNames),
    dateOfBirth: pick('dateOfBirth', licence?.dateOfBirth, v.dateOfBirth),
    expirationDate: pick('expirationDate', licence?.expirationDate, v.expirationDate),
    issueDate: pick('issueDate', licence?.issueDate, v.issueDate),
    documentNumber: pick('documentNumber', licence?.documentNumber, v.documentNumber),
    sex: pick('sex', licence?.sex, (v.sex as 'M' | 'F' | 'X' | undefined) ?? null),
    issuingCountry: pick('issuingCountry', licence?.country, null),
    region: pick('region', licence?.region, null),
    subtype: pick('subtype', barcodeSubtype, vizSubtype),
    sources,
  };
}

/**
 * Whether the VIZ identifies a document on its own: a document title or two labels, and at least three of
 * surname, given names, date of birth, expiry date and number read with confidence.
 */
export function vizIdentifiesDocument(viz: VizReading | null): boolean {
  if (!viz) return false;
  const v = confidentVizValues(viz);
  const read = (['surname', 'givenNames', 'dateOfBirth', 'expirationDate', 'documentNumber'] as const).filter(
    (k) => v[k],
  ).length;
  if (read >= 3 && (viz.documentKind !== null || viz.labels.length >= 2)) return true;
  // Labels and title too small for the capture (a card far from the camera), yet beside the portrait a
  // name, given names, a birth date and a later expiry date, read with confidence: a document's layout.
  return (
    read >= 4 &&
    Boolean(v.surname && v.givenNames && v.dateOfBirth && v.expirationDate) &&
    v.dateOfBirth! < v.expirationDate!
  );
}

export interface ReferenceFields {
  surname?: string | null;
  givenNames?: string | null;
  dateOfBirth?: string | null;
  expirationDate?: string | null;
  documentNumber?: string | null;
}

export interface PrintedMismatch extends FraudSignal {
  /** The fields printed differently, e.g. `['surname']`. */
  fields: string[];
  /** The fields that could be compared at all. */
  compared: string[];
}

const letters = (name: string) => toMrzName(name).replace(/</g, '');

/** Two names that OCR slips and truncation cannot explain. */
export function namesDiffer(
  printed: string,
  reference: string,
  options: { truncated?: boolean } = {},
): boolean {
  if (matchName(reference, printed, 1, { part: 'surname', truncated: Boolean(options.truncated) }).matched)
    return false;
  const [a, b] = [letters(printed), letters(reference)];
  if (!a || !b) return false;
  // Cut short by the field width (printed or MRZ): one a prefix of the other.
  if (a.startsWith(b) || b.startsWith(a)) return false;
  return damerauLevenshtein(a, b) / Math.max(a.length, b.length) >= NAME_DISSIMILARITY;
}

const LOOK_ALIKE: Record<string, string> = {
  O: '0',
  Q: '0',
  D: '0',
  I: '1',
  L: '1',
  S: '5',
  B: '8',
  Z: '2',
  G: '6',
};
const foldNumber = (n: string) =>
  n
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .replace(/[OQDILSBZG]/g, (c) => LOOK_ALIKE[c]!);

function numbersDiffer(printed: string, reference: string): boolean {
  const [a, b] = [foldNumber(printed), foldNumber(reference)];
  if (!a || !b || a.length !== b.length) return false;
  let differences = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differences++;
  return differences >= 2;
}

function datesDiffer(printed: string, reference: string): boolean {
  if (printed === reference) return false;
  // The same date with day and month read in the other order (a numeric date of unknown style).
  const swapped = `${printed.slice(0, 4)}-${printed.slice(8, 10)}-${printed.slice(5, 7)}`;
  return swapped !== reference;
}

/**
 * Printed values against the reference (the MRZ, or a licence's barcode). `reason` names the pair, e.g.
 * `viz-mrz-mismatch` or `viz-barcode-mismatch`.
 */
export function printedMismatch(
  printed: Partial<Record<VizFieldName, string>>,
  reference: ReferenceFields,
  reason: string,
  options: { referenceTruncated?: boolean } = {},
): PrintedMismatch {
  const fields: string[] = [];
  const compared: string[] = [];
  const both = (key: keyof ReferenceFields) => {
    const p = printed[key];
    const r = reference[key];
    if (!p || !r) return null;
    compared.push(key);
    return [p, r] as const;
  };
  const surname = both('surname');
  if (surname && namesDiffer(surname[0], surname[1])) fields.push('surname');
  const given = both('givenNames');
  if (given && namesDiffer(given[0], given[1], { truncated: options.referenceTruncated ?? false }))
    fields.push('givenNames');
  for (const key of ['dateOfBirth', 'expirationDate'] as const) {
    const pair = both(key);
    if (pair && datesDiffer(pair[0], pair[1])) fields.push(key);
  }
  const number = both('documentNumber');
  if (number && numbersDiffer(number[0], number[1])) fields.push('documentNumber');
  return fields.length > 0
    ? { detected: true, reason, fields, compared }
    : { detected: false, reason: null, fields, compared };
}

/**
 * Names the VIZ parser placed by position (no label read) that may still be held against the MRZ: only
 * when the other name (placed by position or by its label) confirms the layout — the value under the
 * given-names label, or the second name-like value, is the MRZ's given names, so the name above it is the
 * printed surname (and the other way round). Fragments of other fields (`ITY`, `SL`) confirm
 * nothing and are not compared.
 */
export function anchoredPositionNames(
  viz: VizReading | null,
  mrz: { surname: string; givenNames: string },
): Partial<Record<'surname' | 'givenNames', string>> {
  const s = viz?.fields.surname;
  const g = viz?.fields.givenNames;
  if (!s || !g || (s.source !== 'position' && g.source !== 'position')) return {};
  // The confirming name only has to be read well enough to be used; the one held against the MRZ needs
  // the tamper-check confidence.
  const usable = (f: { confidence: number }, held: boolean): boolean =>
    f.confidence >= (held ? MIN_TAMPER_CONFIDENCE : MIN_VIZ_CONFIDENCE);
  const givenConfirms =
    usable(g, false) && !namesDiffer(g.value, mrz.givenNames) && letters(g.value).length >= 3;
  const surnameConfirms =
    usable(s, false) && !namesDiffer(s.value, mrz.surname) && letters(s.value).length >= 3;
  if (givenConfirms && !surnameConfirms && s.source === 'position' && usable(s, true)) {
    return { surname: s.value };
  }
  if (surnameConfirms && !givenConfirms && g.source === 'position' && usable(g, true)) {
    return { givenNames: g.value };
  }
  return {};
}
