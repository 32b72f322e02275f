/**
 * Name matching between a document (MRZ or printed zone) and the customer record, by Rebilly `matchLevel`
 * (spec §4.6: 1 moderate, 2 strict, 3 basic).
 *
 * Both sides are first reduced to ICAO 9303 MRZ letters (Part 3, §6 "Transliteration"): upper case A–Z,
 * national characters transliterated (Ü → UE or U, ß → SS, Ø → OE or O, Cyrillic and Greek by ICAO's
 * tables), other accents dropped, apostrophes dropped (`O'Brien` = `OBRIEN`, as the MRZ writes it), every
 * other non-letter (space, hyphen, `<`, full stop) a separator between name tokens. A character with two
 * ICAO spellings yields both, so `MÜLLER` matches `MUELLER` and `MULLER` at every level; an MRZ that has
 * already lost the umlaut (`MUELLER`) cannot be told from `MICHAEL`/`MICHAL`-style spellings, so `MUELLER`
 * against `Muller` is one edit: accepted from level 1 (moderate), not at level 2 (strict).
 *
 * The rules per level, each level adding to the one before:
 * - **2 strict** (also used for an unknown level): equal after normalisation, ignoring how the tokens are
 *   separated (`García-López` = `GARCIA<LOPEZ` = `Garcia Lopez`); a document name flagged as truncated
 *   (MRZ name field full) may be a prefix of the customer's name; for given names, the customer's tokens
 *   may be the leading given names in order (`Anna` or `Anna Maria` for `ANNA MARIA LOUISE`).
 * - **1 moderate**: plus typos, one Damerau–Levenshtein edit per eight letters (rounded: 0 edits up to 3
 *   letters, 1 for 4–11, 2 for 12–19 …), on the whole name or per token; plus token subsets in any order,
 *   in either direction (`Maria` for `ANNA MARIA`, `Garcia` for `GARCIA LOPEZ`, `John Michael` for `JOHN`).
 * - **3 basic**: plus initials for given names (`J` or `J. M.` for `JOHN MICHAEL`, `JOHN` for `J`), and in
 *   {@link matchFullName} a surname-only match (a given name that does not match passes when the surname
 *   does, reason `surname-only`).
 *
 * `score` (0–100) is the similarity of the best comparison tried, for reviewers; decisions use `matched`.
 */

export interface NameMatch {
  matched: boolean;
  /** 0–100: 100 equal, lower for each relaxation or edit; on a mismatch, how close the best try came. */
  score: number;
  /**
   * Null when equal after normalisation; otherwise the rule that matched (`truncated`, `leading-given-names`,
   * `typo`, `subset`, `initials`) or why it did not (`mismatch`, `missing` on the document,
   * `no-customer-value`).
   */
  reason: string | null;
}

export interface MatchNameOptions {
  /**
   * Which part of a name is compared: `given` enables the given-name rules (leading given names, initials);
   * `surname` (default) compares the whole value, with token subsets only from level 1.
   */
  part?: 'given' | 'surname';
  /** The document value may be cut short (an MRZ name field that is full, see {@link isMrzNameTruncated}). */
  truncated?: boolean;
}

export const MATCH_LEVEL = { moderate: 1, strict: 2, basic: 3 } as const;
type Level = 1 | 2 | 3;

/** ICAO 9303 Part 3 Table A: multinational Latin characters without a decomposition or with two spellings. */
const LATIN: Record<string, readonly string[]> = {
  Ä: ['AE', 'A'],
  Å: ['AA', 'A'],
  Æ: ['AE'],
  Ö: ['OE', 'O'],
  Ø: ['OE', 'O'],
  Œ: ['OE'],
  Ü: ['UE', 'U'],
  ẞ: ['SS'],
  Þ: ['TH'],
  Ð: ['D'],
  Đ: ['D'],
  Ł: ['L'],
  Ħ: ['H'],
  Ŧ: ['T'],
  Ŋ: ['N'],
  Ĳ: ['IJ'],
  Ñ: ['N'],
};

/**
 * Cyrillic by ICAO 9303 Part 3 Table B (Russian, Ukrainian, Belarusian, Serbian, Macedonian letters),
 * with the national spelling common on Ukrainian and older documents as a second variant (Г → H, И → Y,
 * Й → Y, Х → H, Ю → YU, Я → YA, Є → YE).
 */
const CYRILLIC: Record<string, readonly string[]> = {
  А: ['A'],
  Б: ['B'],
  В: ['V'],
  Г: ['G', 'H'],
  Ґ: ['G'],
  Д: ['D'],
  Ѓ: ['G'],
  Ђ: ['D'],
  Е: ['E'],
  Ё: ['E'],
  Є: ['IE', 'YE'],
  Ж: ['ZH'],
  З: ['Z'],
  Ѕ: ['DZ'],
  И: ['I', 'Y'],
  І: ['I'],
  Ї: ['I'],
  Й: ['I', 'Y'],
  Ј: ['J'],
  К: ['K'],
  Ќ: ['K'],
  Л: ['L'],
  Љ: ['LJ'],
  М: ['M'],
  Н: ['N'],
  Њ: ['NJ'],
  О: ['O'],
  П: ['P'],
  Р: ['R'],
  С: ['S'],
  Т: ['T'],
  Ћ: ['C'],
  У: ['U'],
  Ў: ['U'],
  Ф: ['F'],
  Х: ['KH', 'H'],
  Ц: ['TS'],
  Ч: ['CH'],
  Џ: ['DZ'],
  Ш: ['SH'],
  Щ: ['SHCH'],
  Ъ: ['IE'],
  Ы: ['Y'],
  Ь: [''],
  Э: ['E'],
  Ю: ['IU', 'YU'],
  Я: ['IA', 'YA'],
};

/**
 * Greek by ICAO 9303 Part 3 (ELOT 743); accents are dropped first, and the digraphs ΟΥ → OU, ΑΥ → AV or
 * AF, ΕΥ → EV or EF, ΓΓ → GG or NG are read before single letters (they arrive here as private-use
 * placeholders).
 */
const GREEK: Record<string, readonly string[]> = {
  '\uE000': ['OU'],
  '\uE001': ['AV', 'AF'],
  '\uE002': ['EV', 'EF'],
  '\uE003': ['GG', 'NG'],
  Α: ['A'],
  Β: ['V'],
  Γ: ['G'],
  Δ: ['D'],
  Ε: ['E'],
  Ζ: ['Z'],
  Η: ['I'],
  Θ: ['TH'],
  Ι: ['I'],
  Κ: ['K'],
  Λ: ['L'],
  Μ: ['M'],
  Ν: ['N'],
  Ξ: ['X'],
  Ο: ['O'],
  Π: ['P'],
  Ρ: ['R'],
  Σ: ['S'],
  Τ: ['T'],
  Υ: ['Y'],
  Φ: ['F'],
  Χ: ['CH'],
  Ψ: ['PS'],
  Ω: ['O'],
};

const APOSTROPHES = /['’‘`´ʼʻ]/gu;
/** Spelling variants kept per token and per whole name; names with more ambiguous letters keep the first. */
const MAX_TOKEN_VARIANTS = 16;
const MAX_NAME_VARIANTS = 32;

/** One name token with its spellings; the first is the ICAO primary transliteration. */
type Token = readonly string[];

function letterVariants(char: string): readonly string[] {
  const direct = LATIN[char] ?? CYRILLIC[char] ?? GREEK[char];
  if (direct) return direct;
  const base = char.normalize('NFD').replace(/\p{M}/gu, '');
  const mapped = CYRILLIC[base] ?? GREEK[base];
  if (mapped) return mapped;
  return /^[A-Z]+$/.test(base) ? [base] : [];
}

function product(parts: readonly (readonly string[])[], cap: number): string[] {
  let out = [''];
  for (const options of parts) {
    const next: string[] = [];
    for (const prefix of out) {
      for (const option of options) {
        if (next.length < cap) next.push(prefix + option);
      }
    }
    out = next;
  }
  return [...new Set(out)];
}

/**
 * An MRZ marks some national letters with `XX` (ICAO: Ñ → N or NXX, Ü → UE or UXX); read those back.
 */
function expandMrzMarkers(token: string): string[] {
  if (!/[A-Z]XX/.test(token)) return [token];
  const parts = token.split(/([A-Z])XX/);
  const options: string[][] = parts.map((part, i) => {
    if (i % 2 === 0) return [part];
    return 'AOU'.includes(part) ? [`${part}E`, part] : [part];
  });
  return product(options, MAX_TOKEN_VARIANTS);
}

const GREEK_DIGRAPHS: [RegExp, string][] = [
  [/ΟΥ/g, '\uE000'],
  [/ΑΥ/g, '\uE001'],
  [/ΕΥ/g, '\uE002'],
  [/ΓΓ/g, '\uE003'],
];

/** Greek without accents and with its digraphs marked (other scripts are left as they are). */
function foldGreek(upper: string): string {
  if (!/[\u0370-\u03FF]/u.test(upper)) return upper;
  let folded = upper
    .normalize('NFD')
    .replace(/([\u0370-\u03FF])\p{M}+/gu, '$1')
    .normalize('NFC');
  for (const [pattern, placeholder] of GREEK_DIGRAPHS) folded = folded.replace(pattern, placeholder);
  return folded;
}

/** The name as ICAO tokens, each with its spellings (see the module comment). */
export function nameTokens(value: string | null | undefined): Token[] {
  if (!value) return [];
  const upper = foldGreek(value.normalize('NFC').replace(APOSTROPHES, '').toUpperCase());
  const tokens: Token[] = [];
  let current: (readonly string[])[] = [];
  const flush = () => {
    if (current.length === 0) return;
    const spellings = product(current, MAX_TOKEN_VARIANTS).flatMap(expandMrzMarkers).filter(Boolean);
    if (spellings.length > 0) tokens.push([...new Set(spellings)].slice(0, MAX_TOKEN_VARIANTS));
    current = [];
  };
  for (const char of upper) {
    const variants = letterVariants(char);
    if (variants.length === 0) flush();
    else current.push(variants);
  }
  flush();
  return tokens;
}

/**
 * The ICAO primary transliteration, tokens joined by single spaces (`Müller-Lüdenscheidt` →
 * `MUELLER LUEDENSCHEIDT`).
 */
export function normalizeName(value: string | null | undefined): string {
  return nameTokens(value)
    .map((t) => t[0])
    .join(' ');
}

/** The name as an MRZ writes it: ICAO primary transliteration with `<` between tokens. */
export function toMrzName(value: string | null | undefined): string {
  return normalizeName(value).replace(/ /g, '<');
}

/** Every spelling of the whole name with the tokens run together (separators do not matter). */
function joinedSpellings(tokens: Token[]): string[] {
  return product(tokens, MAX_NAME_VARIANTS);
}

/** MRZ name field lengths (ICAO 9303 Parts 4–7): TD3 and MRV-A 39, TD2 and MRV-B 31, TD1 30. */
export const MRZ_NAME_FIELD_LENGTH = { TD1: 30, TD2: 31, TD3: 39, MRVA: 39, MRVB: 31 } as const;
export type MrzFormat = keyof typeof MRZ_NAME_FIELD_LENGTH;

/**
 * Whether an MRZ name may have been cut short: `SURNAME<<GIVEN<NAMES` fills the whole field. ICAO marks
 * truncation only by a letter in the last position, so a name that fits exactly is also reported.
 */
export function isMrzNameTruncated(
  surname: string | null,
  givenNames: string | null,
  format: MrzFormat,
): boolean {
  const given = toMrzName(givenNames);
  const rendered = given ? `${toMrzName(surname)}<<${given}` : toMrzName(surname);
  return rendered.length >= MRZ_NAME_FIELD_LENGTH[format];
}

/**
 * Optimal string alignment distance (Damerau–Levenshtein where a transposed pair is not edited again):
 * insertions, deletions, substitutions and adjacent transpositions each cost 1.
 */
export function damerauLevenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  const width = b.length + 1;
  const d = new Array<number>((a.length + 1) * width).fill(0);
  for (let i = 0; i <= a.length; i++) d[i * width] = i;
  for (let j = 0; j <= b.length; j++) d[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (d[(i - 1) * width + j] as number) + 1,
        (d[i * width + j - 1] as number) + 1,
        (d[(i - 1) * width + j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (d[(i - 2) * width + j - 2] as number) + 1);
      }
      d[i * width + j] = best;
    }
  }
  return d[a.length * width + b.length] as number;
}

/** Edits tolerated from level 1: one per eight letters, rounded (0 to 3 letters, 1 for 4–11, 2 for 12–19). */
export function typoAllowance(letters: number): number {
  return Math.round(letters / 8);
}

function minDistance(as: readonly string[], bs: readonly string[]): { distance: number; length: number } {
  let best = { distance: Infinity, length: 0 };
  for (const a of as) {
    for (const b of bs) {
      const distance = damerauLevenshtein(a, b);
      if (distance < best.distance) best = { distance, length: Math.max(a.length, b.length) };
    }
  }
  return best;
}

const similarity = ({ distance, length }: { distance: number; length: number }) =>
  length === 0 ? 0 : Math.max(0, Math.round(100 * (1 - distance / length)));

type TokenRule = 'exact' | 'typo' | 'initial';

/** The cost of pairing two tokens (0 equal, n edits, 0.5 an initial), or null when no rule pairs them. */
function tokenCost(a: Token, b: Token, rules: ReadonlySet<TokenRule>): number | null {
  if (a.some((x) => b.includes(x))) return 0;
  if (rules.has('typo')) {
    const best = minDistance(a, b);
    if (best.distance <= typoAllowance(best.length)) return best.distance;
  }
  if (rules.has('initial')) {
    const isInitialOf = (x: Token, y: Token) => x.some((s) => s.length === 1 && y.some((t) => t[0] === s));
    if (isInitialOf(a, b) || isInitialOf(b, a)) return 0.5;
  }
  return null;
}

/**
 * The cheapest assignment of every token of `small` to a distinct token of `large` (names have a handful
 * of tokens, so an exhaustive search is cheap). Null when some token has no partner.
 */
function assignTokens(small: Token[], large: Token[], rules: ReadonlySet<TokenRule>): number | null {
  const used = new Array<boolean>(large.length).fill(false);
  let best: number | null = null;
  const walk = (i: number, cost: number) => {
    if (best !== null && cost >= best) return;
    if (i === small.length) {
      best = cost;
      return;
    }
    for (let j = 0; j < large.length; j++) {
      if (used[j]) continue;
      const c = tokenCost(small[i] as Token, large[j] as Token, rules);
      if (c === null) continue;
      used[j] = true;
      walk(i + 1, cost + c);
      used[j] = false;
    }
  };
  walk(0, 0);
  return best;
}

function toLevel(matchLevel: number): Level {
  return matchLevel === 1 || matchLevel === 3 ? matchLevel : 2;
}

function compareTokens(doc: Token[], customer: Token[], level: Level, options: MatchNameOptions): NameMatch {
  const docJoined = joinedSpellings(doc);
  const customerJoined = joinedSpellings(customer);
  const fuzzy = level !== 2;
  if (docJoined.some((d) => customerJoined.includes(d))) return { matched: true, score: 100, reason: null };

  if (options.truncated) {
    if (docJoined.some((d) => customerJoined.some((c) => c.length > d.length && c.startsWith(d)))) {
      return { matched: true, score: 95, reason: 'truncated' };
    }
    if (fuzzy) {
      const docLength = Math.max(...docJoined.map((d) => d.length));
      const best = minDistance(
        docJoined,
        customerJoined.map((c) => c.slice(0, docLength)),
      );
      if (best.distance <= typoAllowance(best.length)) {
        return { matched: true, score: Math.min(90, similarity(best)), reason: 'truncated' };
      }
    }
  }

  if (options.part === 'given') {
    for (let k = 1; k < doc.length; k++) {
      const leading = joinedSpellings(doc.slice(0, k));
      if (leading.some((d) => customerJoined.includes(d))) {
        return { matched: true, score: 95, reason: 'leading-given-names' };
      }
    }
  }

  const whole = minDistance(docJoined, customerJoined);
  if (fuzzy) {
    if (whole.distance <= typoAllowance(whole.length)) {
      return { matched: true, score: similarity(whole), reason: 'typo' };
    }
    const [small, large] = customer.length <= doc.length ? [customer, doc] : [doc, customer];
    const subset = assignTokens(small, large, new Set<TokenRule>(['exact', 'typo']));
    if (subset !== null) return { matched: true, score: Math.max(50, 85 - 10 * subset), reason: 'subset' };
    if (level === 3 && options.part === 'given') {
      const initials = assignTokens(small, large, new Set<TokenRule>(['exact', 'typo', 'initial']));
      if (initials !== null) return { matched: true, score: 60, reason: 'initials' };
    }
  }
  return { matched: false, score: Math.min(similarity(whole), 99), reason: 'mismatch' };
}

/**
 * Whether a name on the document matches the customer's, under the rules of `matchLevel` (see the module
 * comment). `documentValue` may list several readings of the same field (the printed name and the MRZ
 * name); the best one counts.
 */
export function matchName(
  documentValue: string | null | undefined | readonly (string | null | undefined)[],
  customerValue: string | null | undefined,
  matchLevel: number,
  options: MatchNameOptions = {},
): NameMatch {
  const level = toLevel(matchLevel);
  const customer = nameTokens(customerValue);
  const readings = (Array.isArray(documentValue) ? documentValue : [documentValue])
    .map((v: string | null | undefined) => nameTokens(v))
    .filter((t) => t.length > 0);
  if (readings.length === 0) return { matched: false, score: 0, reason: 'missing' };
  if (customer.length === 0) return { matched: false, score: 0, reason: 'no-customer-value' };
  let best: NameMatch | null = null;
  for (const doc of readings) {
    const result = compareTokens(doc, customer, level, options);
    if (
      !best ||
      Number(result.matched) > Number(best.matched) ||
      (result.matched === best.matched && result.score > best.score)
    ) {
      best = result;
    }
  }
  return best as NameMatch;
}

export interface DocumentName {
  surname: string | null;
  givenNames: string | null;
  /** The MRZ name field is full, so the end of the name may be cut off ({@link isMrzNameTruncated}). */
  truncated?: boolean;
}

export interface CustomerName {
  firstName: string | null;
  lastName: string | null;
}

export interface FullNameMatch {
  firstName: NameMatch;
  lastName: NameMatch;
  /** The customer entered the given names as the last name and the surname as the first name. */
  swapped: boolean;
  /** `firstName` and `lastName` findings; reasons as in {@link NameMatch}, plus `swapped`, `surname-only`. */
  findings: [
    { name: 'firstName'; failed: boolean; reason: string | null },
    { name: 'lastName'; failed: boolean; reason: string | null },
  ];
}

/**
 * Matches the document's surname and given names against the customer's last and first name.
 *
 * Swapped names (first name entered as the surname and the reverse: a frequent form-filling mistake,
 * especially with family-name-first cultures) are accepted at levels 1 and 3 with reason `swapped` on both
 * findings; at level 2 (strict, for credit) both fail, which costs both name weights and sends the document
 * to a person rather than accepting it.
 *
 * Truncation: when the document name is flagged truncated, the given names may be cut short; the surname
 * only when there are no given names left (ICAO truncates the given names first).
 *
 * At level 3 a given name that does not match passes with reason `surname-only` when the surname matches.
 */
export function matchFullName(doc: DocumentName, customer: CustomerName, matchLevel: number): FullNameMatch {
  const level = toLevel(matchLevel);
  const givenTruncated = Boolean(doc.truncated);
  const surnameTruncated = Boolean(doc.truncated) && nameTokens(doc.givenNames).length === 0;
  let firstName = matchName(doc.givenNames, customer.firstName, level, {
    part: 'given',
    truncated: givenTruncated,
  });
  let lastName = matchName(doc.surname, customer.lastName, level, {
    part: 'surname',
    truncated: surnameTruncated,
  });
  let swapped = false;

  if (!(firstName.matched && lastName.matched) && level !== 2) {
    const swappedFirst = matchName(doc.givenNames, customer.lastName, level, {
      part: 'given',
      truncated: givenTruncated,
    });
    const swappedLast = matchName(doc.surname, customer.firstName, level, {
      part: 'surname',
      truncated: surnameTruncated,
    });
    if (swappedFirst.matched && swappedLast.matched) {
      firstName = { ...swappedFirst, reason: 'swapped' };
      lastName = { ...swappedLast, reason: 'swapped' };
      swapped = true;
    }
  }

  if (level === 3 && lastName.matched && !firstName.matched && firstName.reason !== 'no-customer-value') {
    firstName = { matched: true, score: Math.min(firstName.score, 50), reason: 'surname-only' };
  }

  return {
    firstName,
    lastName,
    swapped,
    findings: [
      { name: 'firstName', failed: !firstName.matched, reason: firstName.reason },
      { name: 'lastName', failed: !lastName.matched, reason: lastName.reason },
    ],
  };
}
