/**
 * Text normalisation and matching for postal addresses, built for what OCR returns: PaddleOCR drops most
 * spaces (`310SunsetBlvdAPT5`) and reads letters it has no glyph for as look-alikes (`Müller` → `Muiller`,
 * `ß` → `B`). So addresses are compared as **compact** strings — lower case, accents folded, everything but
 * letters and digits removed — with an approximate substring search in which letters may differ by a few
 * edits but digits (house and flat numbers, postcodes) must match exactly.
 *
 * The customer's spelling is expanded into the spellings a document may print: street types and their
 * abbreviations in English, French, German and Dutch (Street/St, Avenue/Ave/Av, Boulevard/Blvd/Bd,
 * -straße/-str., -straat/-str., rue/r., …), directions (North/N, Southwest/SW), Saint/St, and flat or unit
 * designators (Apartment/Apt/#/Unit/Suite/Flat), which may also stand on a line of their own.
 */

/** Lower case, accents removed (é → e, ü → u, ß → ss, æ → ae, ø → o, ł → l). */
export function fold(value: string): string {
  return value
    .replace(/ß/g, 'ss')
    .replace(/ẞ/g, 'SS')
    .replace(/[Ææ]/g, 'ae')
    .replace(/[Œœ]/g, 'oe')
    .replace(/[Øø]/g, 'o')
    .replace(/[Łł]/g, 'l')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/**
 * Letters and digits only, lower case, accents folded. Two digit runs that were separate stay separated by
 * `|` (so `62704-1234` does not read as one number and `Apt 5 12` not as `512`).
 */
export function compact(value: string): string {
  return fold(value)
    .replace(/(\d)[^a-z0-9]+(?=\d)/g, '$1|')
    .replace(/[^a-z0-9|]+/g, '');
}

/** Words of a text (for `wordCount`/`uniqueWords`): runs of letters or digits. */
export function words(value: string): string[] {
  return fold(value).match(/[a-z0-9]+/g) ?? [];
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

export interface ApproximateHit {
  /** Edits needed to turn the pattern into text[start, end). */
  distance: number;
  start: number;
  end: number;
}

/**
 * The best approximate occurrence of `pattern` in `text` (Sellers' algorithm): the fewest insertions,
 * deletions and substitutions over all substrings. An edit that involves a digit costs `digitCost` (by
 * default more than any allowance), so numbers must match exactly while letters may be misread.
 */
export function approximateFind(pattern: string, text: string, digitCost = 9): ApproximateHit | null {
  const m = pattern.length;
  const n = text.length;
  if (m === 0) return { distance: 0, start: 0, end: 0 };
  if (n === 0) return null;
  const cost = (c: string) => (isDigit(c) || c === '|' ? digitCost : 1);
  // prev[i]: distance of pattern[0..i) to a suffix of text[..j); start[i]: where that substring starts.
  let prev = new Array<number>(m + 1);
  let prevStart = new Array<number>(m + 1);
  prev[0] = 0;
  prevStart[0] = 0;
  for (let i = 1; i <= m; i++) {
    prev[i] = prev[i - 1]! + cost(pattern[i - 1]!);
    prevStart[i] = 0;
  }
  let best: ApproximateHit = { distance: prev[m]!, start: 0, end: 0 };
  for (let j = 1; j <= n; j++) {
    const t = text[j - 1]!;
    const cur = new Array<number>(m + 1);
    const curStart = new Array<number>(m + 1);
    cur[0] = 0;
    curStart[0] = j;
    for (let i = 1; i <= m; i++) {
      const p = pattern[i - 1]!;
      const sub = prev[i - 1]! + (p === t ? 0 : Math.max(cost(p), cost(t)));
      const del = prev[i]! + cost(t); // text char skipped
      const ins = cur[i - 1]! + cost(p); // pattern char missing
      if (sub <= del && sub <= ins) {
        cur[i] = sub;
        curStart[i] = prevStart[i - 1]!;
      } else if (del <= ins) {
        cur[i] = del;
        curStart[i] = prevStart[i]!;
      } else {
        cur[i] = ins;
        curStart[i] = curStart[i - 1]!;
      }
    }
    if (cur[m]! < best.distance) best = { distance: cur[m]!, start: curStart[m]!, end: j };
    prev = cur;
    prevStart = curStart;
  }
  return best;
}

/** Letters a reader may misread in a word of `letters` letters: one per six, none under five. */
export function letterAllowance(letters: number, matchLevel = 2): number {
  const per = matchLevel === 2 ? 6 : 5;
  return letters < 5 ? 0 : Math.max(1, Math.floor(letters / per));
}

const letterCount = (s: string) => s.replace(/[^a-z]/g, '').length;

/** Whether `pattern` (compact) occurs in `text` (compact) within the allowance; the hit or null. */
export function fuzzyContains(pattern: string, text: string, matchLevel = 2): ApproximateHit | null {
  if (!pattern) return null;
  const hit = approximateFind(pattern, text);
  if (!hit) return null;
  return hit.distance <= letterAllowance(letterCount(pattern), matchLevel) ? hit : null;
}

// ---------------------------------------------------------------------------------------------------
// Street spellings

/** Canonical word → every spelling a document may use (folded, without punctuation). */
const STREET_WORDS: string[][] = [
  ['street', 'st', 'str'],
  ['avenue', 'ave', 'av', 'avda'],
  ['road', 'rd'],
  ['boulevard', 'blvd', 'bd', 'boul', 'bvd'],
  ['drive', 'dr'],
  ['lane', 'ln'],
  ['court', 'ct'],
  ['place', 'pl'],
  ['square', 'sq'],
  ['terrace', 'ter', 'terr'],
  ['crescent', 'cres', 'cr'],
  ['highway', 'hwy'],
  ['parkway', 'pkwy'],
  ['circle', 'cir'],
  ['close', 'cl'],
  ['gardens', 'gdns'],
  ['mount', 'mt'],
  ['rue', 'r'],
  ['chemin', 'ch'],
  ['impasse', 'imp'],
  ['allee', 'all'],
  ['route', 'rte'],
  ['saint', 'st', 'ste'],
  ['sainte', 'ste', 'st'],
  ['north', 'n'],
  ['south', 's'],
  ['east', 'e'],
  ['west', 'w', 'o', 'ouest'],
  ['northeast', 'ne'],
  ['northwest', 'nw'],
  ['southeast', 'se'],
  ['southwest', 'sw'],
  ['est', 'e'],
  ['nord', 'n'],
  ['sud', 's'],
  ['ouest', 'o', 'w'],
];

/** Word endings written short in German and Dutch compounds (Hauptstraße → Hauptstr.). */
const SUFFIXES: [string, string[]][] = [
  ['strasse', ['str', 'strase', 'strabe']],
  ['straat', ['str']],
  ['platz', ['pl']],
  ['weg', ['wg']],
  ['plein', ['pln']],
];

/** Unit designators (their own words): a flat, apartment or suite number follows. */
export const UNIT_WORDS = [
  'apartment',
  'apt',
  'appartement',
  'appt',
  'app',
  'unit',
  'suite',
  'ste',
  'flat',
  'no',
  'nr',
  'wohnung',
  'whg',
  'room',
  'rm',
  'fl',
  'floor',
];

function alternativesOf(word: string): string[] {
  const out = new Set<string>([word]);
  for (const group of STREET_WORDS) if (group.includes(word)) for (const w of group) out.add(w);
  for (const [long, shorts] of SUFFIXES) {
    if (word.endsWith(long) && word.length > long.length) {
      const stem = word.slice(0, -long.length);
      for (const s of shorts) out.add(stem + s);
    }
  }
  return [...out];
}

export interface StreetPattern {
  /** Compact spellings of the street part (number and name), longest first. */
  spellings: string[];
  /** The flat/unit identifier (compact), or null. */
  unit: string | null;
  /** The digits of the street part, which must all appear. */
  numbers: string[];
}

/**
 * The customer's street line as patterns: the street part in every plausible spelling (at most 64), and
 * the unit apart (`310 Sunset Boulevard, Apartment 5` → `310sunsetblvd…` and unit `5`).
 */
export function streetPattern(line1: string): StreetPattern {
  const tokens = fold(line1)
    .replace(/#\s*/g, ' # ')
    .split(/[^a-z0-9#]+/)
    .filter(Boolean);
  let unit: string | null = null;
  const street: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if ((t === '#' || UNIT_WORDS.includes(t)) && i + 1 < tokens.length && /\d/.test(tokens[i + 1]!)) {
      unit = tokens[i + 1]!;
      i++;
      continue;
    }
    if (t === '#') continue;
    street.push(t);
  }
  let spellings = [''];
  for (const t of street) {
    const alts = alternativesOf(t);
    const next: string[] = [];
    for (const s of spellings) for (const a of alts) next.push(s + a);
    spellings = next.length > 64 ? next.slice(0, 64) : next;
  }
  spellings = [...new Set(spellings)].sort((a, b) => b.length - a.length);
  return { spellings, unit, numbers: street.filter((t) => /^\d/.test(t)) };
}

// ---------------------------------------------------------------------------------------------------
// Postcodes, towns and regions

/**
 * A postcode reduced for comparison: compact, upper case, with the letter/digit confusions of OCR folded
 * (O→0, I/L→1, S→5, B→8, Z→2) where the country's format mixes letters and digits; US ZIP+4 to the
 * five-digit ZIP; a `D-`/`F-`/`NL-` country prefix dropped.
 */
export function normalizePostcode(value: string | null | undefined, country: string | null): string {
  if (!value) return '';
  let v = fold(value)
    .replace(/^(d|f|nl|gb|uk|ca|us)\s*-\s*/, '')
    .replace(/[^a-z0-9]/g, '');
  if (country === 'US') v = v.slice(0, 5);
  if (country === 'CA' || country === 'GB' || country === 'NL') {
    v = v.replace(/o/g, '0').replace(/[il]/g, '1').replace(/s/g, '5').replace(/b/g, '8').replace(/z/g, '2');
  }
  return v;
}

/** Postcode shapes as printed (on folded text), per country. */
export const POSTCODE_PATTERNS: Record<string, RegExp> = {
  US: /\b\d{5}(?:-\d{4})?\b/g,
  CA: /\b[a-z]\d[a-z]\s?\d[a-z]\d\b/g,
  GB: /\b[a-z]{1,2}\d[a-z\d]?\s?\d[a-z]{2}\b/g,
  DE: /\b\d{5}\b/g,
  FR: /\b\d{5}\b/g,
  NL: /\b\d{4}\s?[a-z]{2}\b/g,
};

/** US states and Canadian provinces: code ↔ name. */
// prettier-ignore
export const REGIONS: Record<string, Record<string, string>> = {
  US: {
    AL: 'Alabama', AK: 'Alaska', AZ: 'Arizona', AR: 'Arkansas', CA: 'California', CO: 'Colorado',
    CT: 'Connecticut', DE: 'Delaware', DC: 'District of Columbia', FL: 'Florida', GA: 'Georgia', HI: 'Hawaii',
    ID: 'Idaho', IL: 'Illinois', IN: 'Indiana', IA: 'Iowa', KS: 'Kansas', KY: 'Kentucky', LA: 'Louisiana',
    ME: 'Maine', MD: 'Maryland', MA: 'Massachusetts', MI: 'Michigan', MN: 'Minnesota', MS: 'Mississippi',
    MO: 'Missouri', MT: 'Montana', NE: 'Nebraska', NV: 'Nevada', NH: 'New Hampshire', NJ: 'New Jersey',
    NM: 'New Mexico', NY: 'New York', NC: 'North Carolina', ND: 'North Dakota', OH: 'Ohio', OK: 'Oklahoma',
    OR: 'Oregon', PA: 'Pennsylvania', RI: 'Rhode Island', SC: 'South Carolina', SD: 'South Dakota',
    TN: 'Tennessee', TX: 'Texas', UT: 'Utah', VT: 'Vermont', VA: 'Virginia', WA: 'Washington',
    WV: 'West Virginia', WI: 'Wisconsin', WY: 'Wyoming', PR: 'Puerto Rico',
  },
  CA: {
    AB: 'Alberta', BC: 'British Columbia', MB: 'Manitoba', NB: 'New Brunswick', NL: 'Newfoundland and Labrador',
    NS: 'Nova Scotia', NT: 'Northwest Territories', NU: 'Nunavut', ON: 'Ontario', PE: 'Prince Edward Island',
    QC: 'Quebec', SK: 'Saskatchewan', YT: 'Yukon',
  },
};

/** The region's code and name spellings (compact), for a country with codes; else the value itself. */
export function regionSpellings(region: string, country: string | null): string[] {
  const table = country ? REGIONS[country] : undefined;
  const c = compact(region);
  if (!table) return [c];
  for (const [code, name] of Object.entries(table)) {
    if (c === code.toLowerCase() || c === compact(name)) return [code.toLowerCase(), compact(name)];
  }
  return [c];
}

/** Town spellings: Saint/St/Ste, and the folded name. */
export function citySpellings(city: string): string[] {
  const base = fold(city);
  const out = new Set<string>([compact(base)]);
  out.add(compact(base.replace(/\bsaint(e?)\b/g, 'st$1')));
  out.add(compact(base.replace(/\bst(e?)\b\.?/g, 'saint$1')));
  return [...out].filter(Boolean);
}
