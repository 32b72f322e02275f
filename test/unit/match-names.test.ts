import { describe, expect, it } from 'vitest';
import {
  damerauLevenshtein,
  isMrzNameTruncated,
  matchFullName,
  matchName,
  normalizeName,
  toMrzName,
  typoAllowance,
  type MatchNameOptions,
} from '../../src/analysis/match/names.ts';

const MODERATE = 1;
const STRICT = 2;
const BASIC = 3;

describe('normalizeName (ICAO 9303 primary transliteration)', () => {
  it.each([
    ['Müller', 'MUELLER'],
    ['Öztürk', 'OEZTUERK'],
    ['Jäger', 'JAEGER'],
    ['Øster', 'OESTER'],
    ['Ångström', 'AANGSTROEM'],
    ['Straße', 'STRASSE'],
    ['Æbelø', 'AEBELOE'],
    ['Þórsdóttir', 'THORSDOTTIR'],
    ['Guðrún', 'GUDRUN'],
    ['Đorđević', 'DORDEVIC'],
    ['Wałęsa', 'WALESA'],
    ['Núñez', 'NUNEZ'],
    ['François', 'FRANCOIS'],
    ['Čapek', 'CAPEK'],
    ["O'Brien", 'OBRIEN'],
    ['D’Angelo', 'DANGELO'],
    ['García-López', 'GARCIA LOPEZ'],
    ['  jean   luc ', 'JEAN LUC'],
    ['ERIKSSON<<ANNA<MARIA', 'ERIKSSON ANNA MARIA'],
    ['Иванов', 'IVANOV'],
    ['Щукин', 'SHCHUKIN'],
    ['Жуков', 'ZHUKOV'],
    ['Чайковский', 'CHAIKOVSKII'],
    ['Юлия', 'IULIIA'],
    ['Παπαδόπουλος', 'PAPADOPOULOS'],
    ['Θεοδωρίδης', 'THEODORIDIS'],
    ['Χρήστος', 'CHRISTOS'],
    ['Ψαρράς', 'PSARRAS'],
    ['', ''],
  ])('%s → %s', (input, expected) => {
    expect(normalizeName(input)).toBe(expected);
  });

  it('writes MRZ names with fillers between tokens', () => {
    expect(toMrzName("Jean-Luc O'Neill")).toBe('JEAN<LUC<ONEILL');
    expect(toMrzName('Anna María')).toBe('ANNA<MARIA');
  });
});

describe('damerauLevenshtein and the typo allowance', () => {
  it.each([
    ['', '', 0],
    ['ANNA', '', 4],
    ['ANNA', 'ANNA', 0],
    ['ANNA', 'ANNE', 1],
    ['ERIKSSON', 'ERIKSON', 1],
    ['ERIKSSON', 'ERIKSOSN', 1],
    ['MARTIN', 'MRATIN', 1],
    ['SMITH', 'SMYTHE', 2],
    ['KITTEN', 'SITTING', 3],
  ])('%s ↔ %s = %i', (a, b, d) => {
    expect(damerauLevenshtein(a, b)).toBe(d);
    expect(damerauLevenshtein(b, a)).toBe(d);
  });

  it.each([
    [1, 0],
    [3, 0],
    [4, 1],
    [8, 1],
    [11, 1],
    [12, 2],
    [19, 2],
    [20, 3],
  ])('%i letters tolerate %i edits', (letters, edits) => {
    expect(typoAllowance(letters)).toBe(edits);
  });
});

type Case = [
  doc: string | null,
  customer: string | null,
  level: number,
  expected: boolean,
  options?: MatchNameOptions,
];

describe('matchName', () => {
  const umlauts: Case[] = [
    ['MÜLLER', 'Mueller', STRICT, true],
    ['MÜLLER', 'Muller', STRICT, true],
    ['MÜLLER', 'Müller', STRICT, true],
    ['MUELLER', 'Müller', STRICT, true],
    ['MULLER', 'Müller', STRICT, true],
    ['MUELLER', 'Muller', STRICT, false],
    ['MUELLER', 'Muller', MODERATE, true],
    ['MUELLER', 'Muller', BASIC, true],
    ['MÜLLER', 'Mueller', MODERATE, true],
    ['MÜLLER', 'Muller', BASIC, true],
    ['MUXXLLER', 'Müller', STRICT, true],
    ['NUNXXEZ', 'Núñez', STRICT, true],
    ['NUNEZ', 'Núñez', STRICT, true],
    ['SCHROEDER', 'Schröder', STRICT, true],
    ['STRASSER', 'Straßer', STRICT, true],
    ['OESTERGAARD', 'Østergård', STRICT, true],
    ['OSTERGARD', 'Østergård', STRICT, true],
    ['ØSTER', 'Oster', STRICT, true],
    ['ØSTER', 'Oester', STRICT, true],
    ['THORSDOTTIR', 'Þórsdóttir', STRICT, true],
    ['WALESA', 'Wałęsa', STRICT, true],
  ];
  const punctuation: Case[] = [
    ['OBRIEN', "O'Brien", STRICT, true],
    ['O BRIEN', "O'Brien", STRICT, true],
    ["O'BRIEN", 'OBrien', STRICT, true],
    ['GARCIA<LOPEZ', 'García-López', STRICT, true],
    ['GARCIA LOPEZ', 'Garcia Lopez', STRICT, true],
    ['GARCIA LOPEZ', 'GarciaLopez', STRICT, true],
    ['GARCIA-LOPEZ', 'garcia  lopez', STRICT, true],
    ['ST<JOHN', 'St. John', STRICT, true],
    ['VAN DER BERG', 'van der Berg', STRICT, true],
    ['VAN DER BERG', 'Vanderberg', STRICT, true],
  ];
  const scripts: Case[] = [
    ['IVANOV', 'Иванов', STRICT, true],
    ['SHEVCHENKO', 'Шевченко', STRICT, true],
    ['HRYHORII', 'Григорій', STRICT, true],
    ['ZHUKOVA', 'Жукова', STRICT, true],
    ['PAPADOPOULOS', 'Παπαδόπουλος', STRICT, true],
    ['GEORGIOU', 'Γεωργίου', STRICT, true],
    ['IVANOV', 'Петров', BASIC, false],
  ];
  const givenNames: Case[] = [
    ['ANNA MARIA', 'Anna', STRICT, true, { part: 'given' }],
    ['ANNA MARIA', 'Anna Maria', STRICT, true, { part: 'given' }],
    ['ANNA MARIA', 'Anna-Maria', STRICT, true, { part: 'given' }],
    ['ANNA MARIA LOUISE', 'Anna Maria', STRICT, true, { part: 'given' }],
    ['ANNA MARIA', 'Maria', STRICT, false, { part: 'given' }],
    ['ANNA MARIA', 'Maria', MODERATE, true, { part: 'given' }],
    ['ANNA MARIA', 'Maria Anna', STRICT, false, { part: 'given' }],
    ['ANNA MARIA', 'Maria Anna', MODERATE, true, { part: 'given' }],
    ['ANNA', 'Anna Maria', STRICT, false, { part: 'given' }],
    ['ANNA', 'Anna Maria', MODERATE, true, { part: 'given' }],
    ['JOHN MICHAEL', 'J', MODERATE, false, { part: 'given' }],
    ['JOHN MICHAEL', 'J', BASIC, true, { part: 'given' }],
    ['JOHN MICHAEL', 'J. M.', BASIC, true, { part: 'given' }],
    ['J', 'John', BASIC, true, { part: 'given' }],
    ['JOHN MICHAEL', 'Peter', BASIC, false, { part: 'given' }],
    ['ANNA MARIA', 'Anna', STRICT, false, { part: 'surname' }],
  ];
  const surnames: Case[] = [
    ['GARCIA LOPEZ', 'Garcia', STRICT, false],
    ['GARCIA LOPEZ', 'Garcia', MODERATE, true],
    ['GARCIA LOPEZ', 'Lopez', MODERATE, true],
    ['SMITH', 'Smith-Jones', MODERATE, true],
    ['SMITH', 'Jones', BASIC, false],
  ];
  const typos: Case[] = [
    ['ERIKSSON', 'Erikson', STRICT, false],
    ['ERIKSSON', 'Erikson', MODERATE, true],
    ['ERIKSSON', 'Eriksosn', MODERATE, true],
    ['ERIKSSON', 'Erikzon', MODERATE, false],
    ['MARTINEZ', 'Martines', MODERATE, true],
    ['LI', 'LU', MODERATE, false],
    ['BOB', 'ROB', MODERATE, false],
    ['ANNA', 'ANNE', MODERATE, true],
    ['SCHWARZENEGGER', 'Schwarzeneger', MODERATE, true],
    ['SCHWARZENEGGER', 'Schwartzeneger', MODERATE, true],
    ['SCHWARZENEGGER', 'Shvartseneger', MODERATE, false],
    ['ANNA MARIA', 'Mraia', MODERATE, true, { part: 'given' }],
  ];
  const truncation: Case[] = [
    ['ANNA MARIA LOU', 'Anna Maria Louise', STRICT, true, { part: 'given', truncated: true }],
    ['ANNA MARIA LOU', 'Anna Maria Louise', STRICT, false, { part: 'given' }],
    ['ANNA MARIA LO', 'Anna Maria Luoise', STRICT, false, { part: 'given', truncated: true }],
    ['ANNA MARIA LO', 'Anna Maria Luoise', MODERATE, true, { part: 'given', truncated: true }],
    ['ANNA MARIA LOU', 'Anna', STRICT, true, { part: 'given', truncated: true }],
    ['ANNA MARIA LOU', 'Anna Maria Xavier', STRICT, false, { part: 'given', truncated: true }],
    ['WOLFESCHLEGELSTEINHAUSEN', 'Wolfeschlegelsteinhausenbergerdorff', STRICT, true, { truncated: true }],
  ];
  const missing: Case[] = [
    [null, 'Anna', STRICT, false],
    ['', 'Anna', BASIC, false],
    ['<<<', 'Anna', BASIC, false],
    ['ANNA', null, BASIC, false],
    ['ANNA', '  ', BASIC, false],
  ];

  describe.each([
    ['national characters', umlauts],
    ['punctuation and spacing', punctuation],
    ['Cyrillic and Greek', scripts],
    ['given names', givenNames],
    ['compound surnames', surnames],
    ['typos', typos],
    ['MRZ truncation', truncation],
    ['missing values', missing],
  ])('%s', (_title, cases) => {
    it.each(cases)('%s vs %s at level %i → %s', (doc, customer, level, expected, options) => {
      expect(matchName(doc, customer, level, options).matched).toBe(expected);
    });
  });

  it('reports how it matched', () => {
    expect(matchName('MÜLLER', 'Mueller', STRICT)).toEqual({ matched: true, score: 100, reason: null });
    expect(matchName('ERIKSSON', 'Erikson', MODERATE).reason).toBe('typo');
    expect(matchName('ANNA MARIA', 'Maria', MODERATE, { part: 'given' }).reason).toBe('subset');
    expect(matchName('ANNA MARIA', 'Anna', STRICT, { part: 'given' }).reason).toBe('leading-given-names');
    expect(matchName('JOHN', 'J', BASIC, { part: 'given' }).reason).toBe('initials');
    expect(matchName('ANNA MARI', 'Anna Maria', STRICT, { part: 'given', truncated: true }).reason).toBe(
      'truncated',
    );
    expect(matchName('ERIKSSON', 'Smith', STRICT)).toMatchObject({ matched: false, reason: 'mismatch' });
    expect(matchName(null, 'Smith', STRICT).reason).toBe('missing');
    expect(matchName('SMITH', null, STRICT).reason).toBe('no-customer-value');
  });

  it('scores relaxed matches below exact ones and mismatches below 100', () => {
    const exact = matchName('ERIKSSON', 'Eriksson', MODERATE).score;
    const typo = matchName('ERIKSSON', 'Erikson', MODERATE).score;
    const miss = matchName('ERIKSSON', 'Smith', MODERATE).score;
    expect(exact).toBe(100);
    expect(typo).toBeLessThan(exact);
    expect(typo).toBeGreaterThan(miss);
    expect(miss).toBeGreaterThanOrEqual(0);
  });

  it('takes the best of several readings of the document (printed and MRZ)', () => {
    expect(matchName(['MUELLER', 'MÜLLER'], 'Muller', STRICT).matched).toBe(true);
    expect(matchName([null, 'MUELLER'], 'Mueller', STRICT).matched).toBe(true);
    expect(matchName(['SMITH', 'JONES'], 'Brown', MODERATE).matched).toBe(false);
  });

  it('treats an unknown level as strict', () => {
    expect(matchName('ERIKSSON', 'Erikson', 0).matched).toBe(false);
    expect(matchName('ERIKSSON', 'Erikson', 7).matched).toBe(false);
    expect(matchName('ERIKSSON', 'eriksson', 0).matched).toBe(true);
  });
});

describe('isMrzNameTruncated', () => {
  it('flags a TD3 name that fills the 39-character field', () => {
    // ERIKSSON<<ANNA<MARIA = 20 characters: fits.
    expect(isMrzNameTruncated('ERIKSSON', 'ANNA MARIA', 'TD3')).toBe(false);
    // 39 characters exactly: the field is full, so it may have been cut.
    const surname = 'WOLFESCHLEGELSTEINHAUSEN'; // 24
    const given = 'HUBERT BLAINE'; // 24 + 2 + 13 = 39
    expect(isMrzNameTruncated(surname, given, 'TD3')).toBe(true);
    expect(isMrzNameTruncated(surname, 'HUBERT BLAIN', 'TD3')).toBe(false);
  });

  it('uses the shorter fields of TD1 (30) and TD2 (31)', () => {
    const name = ['ERIKSSON', 'ANNA MARIA LOUISE'] as const; // 8 + 2 + 17 = 27
    expect(isMrzNameTruncated(...name, 'TD1')).toBe(false);
    expect(isMrzNameTruncated('ERIKSSON', 'ANNA MARIA LOUISE ABC', 'TD1')).toBe(true); // 31
    expect(isMrzNameTruncated('ERIKSSON', 'ANNA MARIA LOUISE ABC', 'TD2')).toBe(true); // 31
    expect(isMrzNameTruncated('ERIKSSON', 'ANNA MARIA LOUISE AB', 'TD2')).toBe(false); // 30
  });

  it('counts transliterated letters (Ü is two MRZ characters)', () => {
    expect(isMrzNameTruncated('MÜLLERSTRÖM', 'JÜRGEN', 'TD1')).toBe(false); // 13 + 2 + 7 = 22
    expect(isMrzNameTruncated('MÜLLERSTRÖMBERGSCHÜTZ', 'JÜRGEN', 'TD1')).toBe(true); // 24 + 2 + 7
  });
});

describe('matchFullName', () => {
  const doc = { surname: 'ERIKSSON', givenNames: 'ANNA MARIA' };

  it.each([
    [{ firstName: 'Anna', lastName: 'Eriksson' }, STRICT, [false, false]],
    [{ firstName: 'Anna Maria', lastName: 'Eriksson' }, STRICT, [false, false]],
    [{ firstName: 'Maria', lastName: 'Eriksson' }, STRICT, [true, false]],
    [{ firstName: 'Maria', lastName: 'Eriksson' }, MODERATE, [false, false]],
    [{ firstName: 'Anna', lastName: 'Erikson' }, STRICT, [false, true]],
    [{ firstName: 'Anna', lastName: 'Erikson' }, MODERATE, [false, false]],
    [{ firstName: 'A', lastName: 'Eriksson' }, BASIC, [false, false]],
    [{ firstName: 'A', lastName: 'Eriksson' }, MODERATE, [true, false]],
    [{ firstName: 'Peter', lastName: 'Eriksson' }, BASIC, [false, false]],
    [{ firstName: 'Peter', lastName: 'Eriksson' }, MODERATE, [true, false]],
    [{ firstName: 'Peter', lastName: 'Smith' }, BASIC, [true, true]],
    [{ firstName: null, lastName: 'Eriksson' }, BASIC, [true, false]],
  ])('%o at level %i → failed [first, last] %o', (customer, level, [first, last]) => {
    const { findings } = matchFullName(doc, customer, level);
    expect(findings.map((f) => f.name)).toEqual(['firstName', 'lastName']);
    expect(findings.map((f) => f.failed)).toEqual([first, last]);
  });

  it('accepts swapped first and last names at levels 1 and 3, not at level 2', () => {
    const customer = { firstName: 'Eriksson', lastName: 'Anna' };
    for (const level of [MODERATE, BASIC]) {
      const result = matchFullName(doc, customer, level);
      expect(result.swapped).toBe(true);
      expect(result.findings).toEqual([
        { name: 'firstName', failed: false, reason: 'swapped' },
        { name: 'lastName', failed: false, reason: 'swapped' },
      ]);
    }
    const strict = matchFullName(doc, customer, STRICT);
    expect(strict.swapped).toBe(false);
    expect(strict.findings.every((f) => f.failed)).toBe(true);
  });

  it('passes a non-matching given name on a matching surname at level 3 only', () => {
    const customer = { firstName: 'Peter', lastName: 'Eriksson' };
    expect(matchFullName(doc, customer, BASIC).findings[0]).toEqual({
      name: 'firstName',
      failed: false,
      reason: 'surname-only',
    });
    expect(matchFullName(doc, customer, MODERATE).findings[0]).toMatchObject({
      failed: true,
      reason: 'mismatch',
    });
  });

  it('matches a truncated MRZ name against the full name', () => {
    const mrz = { surname: 'WOLFESCHLEGELSTEINHAUSEN', givenNames: 'HUBERT BLAINE', truncated: true };
    const customer = { firstName: 'Hubert Blaine Charles', lastName: 'Wolfeschlegelsteinhausen' };
    expect(matchFullName(mrz, customer, STRICT).findings.map((f) => f.failed)).toEqual([false, false]);
    expect(matchFullName({ ...mrz, truncated: false }, customer, STRICT).findings[0].failed).toBe(true);
  });

  it('matches the umlaut and hyphenated cases end to end', () => {
    const mrz = { surname: 'GARCIA LOPEZ', givenNames: 'JOSE' };
    expect(
      matchFullName(mrz, { firstName: 'José', lastName: 'García-López' }, STRICT).findings.some(
        (f) => f.failed,
      ),
    ).toBe(false);
    const german = { surname: 'MUELLER', givenNames: 'JUERGEN' };
    expect(
      matchFullName(german, { firstName: 'Jürgen', lastName: 'Müller' }, STRICT).findings.some(
        (f) => f.failed,
      ),
    ).toBe(false);
  });

  it('fails both when the document has no name', () => {
    const { findings } = matchFullName(
      { surname: null, givenNames: null },
      { firstName: 'A', lastName: 'B' },
      BASIC,
    );
    expect(findings).toEqual([
      { name: 'firstName', failed: true, reason: 'missing' },
      { name: 'lastName', failed: true, reason: 'missing' },
    ]);
  });
});
