/**
 * The visual inspection zone (VIZ) from OCR text segments: which printed value is the surname, the given
 * names, the dates, the document number and the sex — the way a reader does it, by the labels.
 *
 * 1. Each OCR segment is split at the labels it contains (`Surname`, `Given names`, `Date of birth`,
 *    `DOB`, `4b EXP`, `Passport No.` …; OCR often glues a label to its value, `SurnameBELANGER`, or two
 *    labels together, `3DOB 4bEXP`). What is left between labels are values, each with an estimated
 *    position (its share of the segment's box). Dates are cut out as values of their own, so
 *    `07/24/1984 08/10/2028` under `3DOB 4bEXP` gives one date per label.
 * 2. Each label takes the nearest value of the right kind to its right on the same row, or below it in
 *    the same column (labels sit above or before their values on every ICAO 9303 and AAMVA layout).
 * 3. What no label claimed: the AAMVA field numbers `1` and `2` (family name, given names) are often too
 *    small to be read, so when neither name label was found the first two name-like values from the top
 *    are taken, in that order (surname first, as ICAO 9303 and AAMVA print them); when the birth or expiry
 *    label was missed, the earliest date is the birth date and the latest the expiry date.
 *
 * Pure: no OCR, no image. Positions are in any pixel unit, as long as all segments share it.
 */
import { findPrintedDates, type DateOrder } from './printed-dates.ts';

export interface VizSegment {
  text: string;
  /** 0–1 */
  confidence: number;
  box: { x: number; y: number; width: number; height: number };
}

export type VizFieldName =
  'surname' | 'givenNames' | 'dateOfBirth' | 'expirationDate' | 'issueDate' | 'documentNumber' | 'sex';

export interface VizField {
  value: string;
  /** The OCR confidence of the segment the value came from. */
  confidence: number;
  /** `label`: claimed by its printed label; `position`: inferred from the layout (see step 3). */
  source: 'label' | 'position';
}

export type VizFields = Partial<Record<VizFieldName, VizField>>;

export interface VizParseResult {
  fields: VizFields;
  /** What the text says the document is, from its title (`DRIVER LICENSE`, `PASSPORT`, `IDENTITY CARD`). */
  documentKind: 'driver-license' | 'passport' | 'id-card' | null;
  /** The labels that were found, for evidence. */
  labels: string[];
}

export interface VizParseOptions {
  /** Order of all-numeric dates; default: `mdy` when the text says it is a US document, else `dmy`. */
  dateOrder?: DateOrder;
  now?: Date;
}

type LabelKind = VizFieldName | 'other';

/**
 * Labels, matched on the lower-cased text without spaces. `other` labels are recognised only so that
 * their words are not taken for values. Longer alternatives come first (the alternation is ordered).
 */
const LABELS: [LabelKind, RegExp][] = [
  ['givenNames', /given ?names?|forenames?|first ?names?|pr[eé]noms?|vornamen|nombres/],
  ['surname', /surnames?|family ?name|last ?name|nachname|apellidos|su(?:rn|rm|m|n)am?e?s?|surnarne/],
  ['dateOfBirth', /dateof ?b[il]rth|dateofb|birth ?date|(?<!\d)\d{1,2}d[o0]b/],
  ['expirationDate', /dateof ?exp[il]ry|dateofe[a-z]{2,6}|expiry|expires|valid ?until|\d[a-d]exp/],
  ['issueDate', /dateof ?[il]ssue|dateofi[a-z]{2,5}|issued|\d[a-d]iss/],
  [
    'documentNumber',
    /passport ?no\.?|passport ?number|document ?no\.?|document ?number|card ?no\.?|licen[cs]e ?no\.?|\d[a-d]dln/,
  ],
  ['sex', /gender|(?<!\d)\d{1,2}sex/],
  ['other', /nationality|place ?of ?birth|authority|personal ?no\.?|class|restr|signature|\d[a-d]end/],
];

/**
 * Short labels, matched as whole words of the segment (an AAMVA field number may lead: `15SEX`, `4bEXP`)
 * so that they are not found inside names (`ESSEX`, `WEISS`).
 */
const WORD_LABELS: [LabelKind, RegExp][] = [
  ['dateOfBirth', /^(?:\d{1,2}[a-d]?)?d[o0]b$/i],
  ['expirationDate', /^(?:\d{1,2}[a-d]?)?exp\.?$/i],
  ['issueDate', /^(?:\d{1,2}[a-d]?)?iss\.?$/i],
  ['documentNumber', /^(?:\d{1,2}[a-d]?)?dln$/i],
  ['sex', /^(?:\d{1,2}[a-d]?)?sex$/i],
  ['other', /^(?:\d{1,2}[a-d]?)?(?:end|hgt|eyes|wgt|type|code|class|restr)$/i],
];

/** Label spellings that are OCR slips, trusted only when the text has lower-case letters. */
const FUZZY: Partial<Record<LabelKind, RegExp>> = {
  surname: /^(?!surnames?$)su(?:rn|rm|m|n)am?e?s?$|^surnarne$/,
};

const TITLES: [VizParseResult['documentKind'], RegExp][] = [
  ['driver-license', /driver'?s? ?licen[cs]e|driving ?licen[cs]e|permis de conduire|f[uü]hrerschein/],
  ['passport', /passport|passeport|reisepass|pasaporte/],
  ['id-card', /identity ?card|id ?card|carte d'identit|personalausweis/],
];

/** OCR confidence a label needs to mark where the fields start (see `parseViz`, step 3). */
const MIN_ANCHOR_CONFIDENCE = 0.7;

interface Piece {
  kind: 'label' | 'value';
  label?: LabelKind;
  text: string;
  confidence: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Index of the segment it came from, and its order in it. */
  segment: number;
  order: number;
}

/** Squeezes a segment to lower case without spaces, keeping each kept character's original index. */
function squeeze(text: string): { squeezed: string; index: number[] } {
  let squeezed = '';
  const index: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (/\s/.test(text[i]!)) continue;
    squeezed += text[i]!.toLowerCase();
    index.push(i);
  }
  return { squeezed, index };
}

/** A segment's labels (by squeezed match) and the text between them. */
function splitSegment(segment: VizSegment, segmentIndex: number, order: DateOrder, now: Date): Piece[] {
  const { text, box, confidence } = segment;
  const { squeezed, index } = squeeze(text);
  const labels: { kind: LabelKind; start: number; end: number }[] = [];
  for (const [kind, pattern] of LABELS) {
    const global = new RegExp(pattern.source.replace(/ \?/g, ''), 'g');
    for (const m of squeezed.matchAll(global)) {
      const start = m.index;
      const end = start + m[0].length;
      if (labels.some((l) => start < l.end && end > l.start)) continue;
      // A misread label (`Sumam`) only in mixed case: values are printed in capitals, labels mostly not.
      const original = text.slice(index[start], index[end - 1]! + 1);
      if (FUZZY[kind]?.test(m[0]) && !/\p{Ll}/u.test(original)) continue;
      labels.push({ kind, start, end });
    }
  }
  for (const word of text.matchAll(/\S+/g)) {
    const kind = WORD_LABELS.find(([, pattern]) => pattern.test(word[0]))?.[0];
    if (!kind) continue;
    const start = index.indexOf(word.index);
    const end = index.indexOf(word.index + word[0].length - 1) + 1;
    if (start < 0 || labels.some((l) => start < l.end && end > l.start)) continue;
    labels.push({ kind, start, end });
  }
  labels.sort((a, b) => a.start - b.start);
  const charWidth = box.width / Math.max(1, text.length);
  const pieces: Piece[] = [];
  const at = (from: number, to: number) => ({
    x: box.x + from * charWidth,
    width: Math.max(charWidth, (to - from) * charWidth),
  });
  const pushValue = (from: number, to: number) => {
    const raw = text.slice(from, to);
    // Dates are values of their own; the text around them is split at them.
    let cursor = 0;
    const parts: [number, number][] = [];
    for (const date of findPrintedDates(raw, order, now)) {
      if (date.start > cursor) parts.push([cursor, date.start]);
      parts.push([date.start, date.end]);
      cursor = date.end;
    }
    if (cursor < raw.length) parts.push([cursor, raw.length]);
    for (const [a, b] of parts) {
      const value = raw.slice(a, b).trim();
      // AAMVA field numbers (`3`, `4b`) and stray punctuation are not values.
      if (!value || /^(\d{1,2}[a-d]?|[^\p{L}\p{N}]+)$/u.test(value)) continue;
      const offset = from + a + (raw.slice(a, b).length - raw.slice(a, b).trimStart().length);
      pieces.push({
        kind: 'value',
        text: value,
        confidence,
        ...at(offset, offset + value.length),
        y: box.y,
        height: box.height,
        segment: segmentIndex,
        order: pieces.length,
      });
    }
  };
  let cursor = 0;
  for (const label of labels) {
    const from = index[label.start]!;
    const to = index[label.end - 1]! + 1;
    if (from > cursor) pushValue(cursor, from);
    pieces.push({
      kind: 'label',
      label: label.kind,
      text: text.slice(from, to),
      confidence,
      ...at(from, to),
      y: box.y,
      height: box.height,
      segment: segmentIndex,
      order: pieces.length,
    });
    cursor = to;
  }
  if (cursor < text.length) pushValue(cursor, text.length);
  // A segment that is only `1` or `2`: the AAMVA field number of the family name / the given names.
  const bare = text.trim();
  if ((bare === '1' || bare === '2') && pieces.length === 0) {
    pieces.push({
      kind: 'label',
      label: bare === '1' ? 'surname' : 'givenNames',
      text: bare,
      confidence,
      x: box.x,
      y: box.y,
      width: box.width,
      height: box.height,
      segment: segmentIndex,
      order: 0,
    });
  }
  return pieces;
}

const NAME_STOP_WORDS = new Set([
  'USA',
  'NONE',
  'DRIVER',
  'LICENSE',
  'LICENCE',
  'PASSPORT',
  'IDENTITY',
  'CARD',
  'REPUBLIC',
  'KINGDOM',
  'STATE',
  'OF',
]);

/** Words of labels: a value holding one is a label OCR cut short (`GIVEN NAM`), not a name. */
const LABEL_WORDS = new Set([
  'GIVEN',
  'NAMES',
  'NAME',
  'SURNAME',
  'DATE',
  'BIRTH',
  'EXPIRY',
  'ISSUE',
  'SEX',
  'NATIONALITY',
  'PLACE',
  'AUTHORITY',
  'DLN',
  'DOB',
  'EXP',
]);

/** The value a piece holds for a field kind, normalised; null when it is not that kind of value. */
function valueFor(kind: VizFieldName, piece: Piece, order: DateOrder, now: Date): string | null {
  const text = piece.text.trim();
  switch (kind) {
    case 'surname':
    case 'givenNames': {
      // Letters (any script), spaces, hyphens and apostrophes; no digits, no MRZ fillers.
      const cleaned = text.replace(/[,.]+$/, '').trim();
      if (!/^[\p{L}][\p{L}\s'’-]*$/u.test(cleaned)) return null;
      if (cleaned.replace(/[^\p{L}]/gu, '').length < 2) return null;
      const words = cleaned.toUpperCase().split(/\s+/);
      if (words.every((w) => NAME_STOP_WORDS.has(w)) || words.some((w) => LABEL_WORDS.has(w))) return null;
      return cleaned.toUpperCase();
    }
    case 'dateOfBirth':
    case 'expirationDate':
    case 'issueDate': {
      const dates = findPrintedDates(text, order, now);
      // An all-numeric date with a two-digit year is most often a four-digit year cut by glare or the
      // crop (`12/06/19` of `12/06/1955`): documents print numeric dates with the full year.
      if (dates.length !== 1 || (dates[0]!.numeric && dates[0]!.yearDigits === 2)) return null;
      return dates[0]!.iso;
    }
    case 'documentNumber': {
      const token = text
        .toUpperCase()
        .split(/\s+/)
        .find((t) => /^[A-Z0-9-]{5,20}$/.test(t) && /\d/.test(t) && (t.match(/\d/g)?.length ?? 0) >= 3);
      return token ? token.replace(/-/g, '') : null;
    }
    case 'sex': {
      // Alone, bilingual (`F/F`), or a one-letter token before or after another field's value (`M NIMES`).
      const m = /^([MFX])(?:\s*\/\s*[MFXHW])?(?:\s+\S.*)?$/.exec(text) ?? /^.*\S\s+([MFX])$/.exec(text);
      return m ? m[1]! : null;
    }
  }
}

/** How far a value is from its label, in label heights; null when it is not where a value would be. */
function distance(label: Piece, value: Piece): number | null {
  const h = Math.max(4, label.height);
  const labelCy = label.y + label.height / 2;
  const valueCy = value.y + value.height / 2;
  // Same row, to the right (glued or separated by a gap).
  if (Math.abs(valueCy - labelCy) < 0.6 * h && value.x >= label.x + label.width - 0.5 * h) {
    const gap = value.x - (label.x + label.width);
    return gap < 8 * h ? 0.2 + gap / (4 * h) : null;
  }
  // Below, in the same column (left edges close; a value may start a little left under rotation).
  const dy = value.y - (label.y + label.height * 0.5);
  if (dy > 0 && dy < 3.2 * h) {
    const dx = Math.abs(value.x - label.x);
    if (dx > 2.5 * h) return null;
    return dy / h + dx / (1.5 * h);
  }
  return null;
}

/** Reads the VIZ fields from OCR segments (one image, any order). */
export function parseViz(segments: VizSegment[], options: VizParseOptions = {}): VizParseResult {
  const now = options.now ?? new Date();
  const allText = segments.map((s) => s.text).join(' ');
  const squeezedAll = allText.toLowerCase();
  const documentKind = TITLES.find(([, pattern]) => pattern.test(squeezedAll))?.[0] ?? null;
  // US documents print numeric dates month first: the country, the AAMVA `DLN` label, the US spelling.
  const isUs = /\busa\b|dln|driver'?s?\s?license/i.test(allText) && documentKind !== 'passport';
  const order: DateOrder = options.dateOrder ?? (isUs ? 'mdy' : 'dmy');

  // MRZ lines that fell into the crop are not visual-zone text.
  const usable = segments.filter((s) => !/<{2}|[A-Z0-9<]{25,}/.test(s.text.replace(/\s/g, '')));
  const pieces = usable.flatMap((s, i) => splitSegment(s, i, order, now));
  const labels = pieces.filter((p) => p.kind === 'label' && p.label !== 'other');
  const values = pieces.filter((p) => p.kind === 'value');

  const fields: VizFields = {};
  const used = new Set<Piece>();
  const claimed = new Set<Piece>();
  const pairs: { label: Piece; value: Piece; d: number; parsed: string }[] = [];
  for (const label of labels) {
    const kind = label.label as VizFieldName;
    for (const value of values) {
      const d = distance(label, value);
      if (d === null) continue;
      const parsed = valueFor(kind, value, order, now);
      if (parsed !== null) pairs.push({ label, value, d, parsed });
    }
  }
  pairs.sort((a, b) => a.d - b.d);
  for (const { label, value, parsed } of pairs) {
    const kind = label.label as VizFieldName;
    if (claimed.has(label) || used.has(value) || fields[kind]) continue;
    fields[kind] = { value: parsed, confidence: value.confidence, source: 'label' };
    claimed.add(label);
    used.add(value);
  }

  const readingOrder = (a: Piece, b: Piece) =>
    Math.abs(a.y - b.y) < 0.5 * Math.min(a.height, b.height) ? a.x - b.x : a.y - b.y;
  const free = values.filter((v) => !used.has(v)).sort(readingOrder);
  // Only below the first label: above it are the issuer's name and the document title. A lone field
  // number read with little confidence (`1` at 0.58 under the dates) is noise, not where the fields start.
  const anchors = labels.filter((l) => l.confidence >= MIN_ANCHOR_CONFIDENCE);
  const firstLabelY = anchors.length > 0 ? Math.min(...anchors.map((l) => l.y)) : -Infinity;
  const nameLike = free.filter((v) => v.y > firstLabelY && valueFor('surname', v, order, now) !== null);
  const take = (kind: 'surname' | 'givenNames', piece: Piece) => {
    fields[kind] = {
      value: valueFor(kind, piece, order, now)!,
      confidence: piece.confidence,
      source: 'position',
    };
    used.add(piece);
  };
  const sourceOf = (kind: 'surname' | 'givenNames') =>
    values.find((v) => used.has(v) && fields[kind] && valueFor(kind, v, order, now) === fields[kind].value);
  if (!fields.surname && !fields.givenNames) {
    const [surname, given] = nameLike;
    if (surname && given) {
      take('surname', surname);
      take('givenNames', given);
    }
  } else if (!fields.surname && fields.givenNames) {
    // The surname is the name printed just above the given names. When its own label was not read (glare,
    // a fold), it is above the first label found: then only a name right above the given names' label, in
    // its column, is taken (the issuer's name and the title sit higher up).
    const given = sourceOf('givenNames');
    const givenLabel = labels.find((l) => l.label === 'givenNames');
    const aboveLabel = (v: Piece): boolean =>
      givenLabel !== undefined &&
      v.y < givenLabel.y &&
      givenLabel.y - v.y < 2.5 * Math.max(4, givenLabel.height) &&
      Math.abs(v.x - givenLabel.x) < 2.5 * Math.max(4, givenLabel.height);
    const candidates = free.filter(
      (v) =>
        (v.y > firstLabelY || aboveLabel(v)) && !used.has(v) && valueFor('surname', v, order, now) !== null,
    );
    const above = given && candidates.filter((v) => v.y < given.y).pop();
    if (above && given.y - above.y < 4 * given.height) take('surname', above);
  } else if (fields.surname && !fields.givenNames) {
    const surname = sourceOf('surname');
    const below = surname && nameLike.find((v) => !used.has(v) && v.y > surname.y);
    if (below && below.y - surname.y < 4 * surname.height) take('givenNames', below);
  }
  if (!fields.dateOfBirth || !fields.expirationDate) {
    const dates = free
      .filter((v) => !used.has(v))
      .map((v) => ({ v, iso: valueFor('dateOfBirth', v, order, now) }))
      .filter((d): d is { v: Piece; iso: string } => d.iso !== null)
      .sort((a, b) => a.iso.localeCompare(b.iso));
    const known = [fields.dateOfBirth?.value, fields.expirationDate?.value, fields.issueDate?.value];
    const unknown = dates.filter((d) => !known.includes(d.iso));
    const labelled = known.filter((d): d is string => Boolean(d));
    // A birth date is the earliest date printed, and at least ten years back.
    const tenYearsAgo = `${now.getUTCFullYear() - 10}${now.toISOString().slice(4, 10)}`;
    const first = unknown[0];
    if (
      !fields.dateOfBirth &&
      first &&
      first.iso <= tenYearsAgo &&
      (unknown.length >= 2 || labelled.every((d) => first.iso < d))
    ) {
      unknown.shift();
      fields.dateOfBirth = { value: first.iso, confidence: first.v.confidence, source: 'position' };
    }
    // The expiry when an issue date is left too (the latest of two), or a lone future date (an issue date
    // is never in the future): a lone past date may be the issue date whose label was missed.
    const today = now.toISOString().slice(0, 10);
    const lone = unknown.length === 1 && (fields.issueDate || unknown[0]!.iso > today);
    if (!fields.expirationDate && (unknown.length >= 2 || lone)) {
      const last = unknown.pop()!;
      if (!fields.dateOfBirth || last.iso > fields.dateOfBirth.value) {
        fields.expirationDate = { value: last.iso, confidence: last.v.confidence, source: 'position' };
      }
    }
  }
  if (!fields.documentNumber && labels.length > 0) {
    // The number's label is small and often missed; the number itself is the first code-like token.
    const number = free.find((v) => !used.has(v) && valueFor('documentNumber', v, order, now) !== null);
    if (number) {
      fields.documentNumber = {
        value: valueFor('documentNumber', number, order, now)!,
        confidence: number.confidence,
        source: 'position',
      };
    }
  }
  return { fields, documentKind, labels: labels.map((l) => `${l.label}:${l.text}`) };
}
