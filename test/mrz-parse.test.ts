/**
 * Unit tests of the MRZ parser: ICAO 9303 check digits, TD1/TD2/TD3/MRV-A/MRV-B layouts on the ICAO
 * specimens (issuing state `UTO`, which is fictional: the parser must not require ISO 3166 codes),
 * confirmed repairs, refused repairs, and the century rule. The `mrz` package is the cross-check.
 */
import { parse as mrzParse } from 'mrz';
import { describe, expect, it } from 'vitest';
import { computeCheckDigit, isCheckDigitValid } from '../src/analysis/mrz/check-digit.ts';
import {
  cleanMrzText,
  extractMrzLines,
  fitLineLength,
  mrzDateToIso,
  parseMrz,
} from '../src/analysis/mrz/mrz-parse.ts';
import { expectedNameDoubts, repairStateCodes, voteMrz } from '../src/analysis/mrz/read-mrz.ts';

const NOW = { now: new Date('2026-11-21T00:00:00Z') };
const TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
const TD2 = ['I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'D231458907UTO7408122F1204159<<<<<<<6'];
const TD1 = [
  'I<UTOD231458907<<<<<<<<<<<<<<<',
  '7408122F1204159UTO<<<<<<<<<<<6',
  'ERIKSSON<<ANNA<MARIA<<<<<<<<<<',
];
const MRVA = ['V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L8988901C4XXX4009078F96121096ZE184226B<<<<<<'];
const MRVB = ['V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'L8988901C4XXX4009078F9612109<<<<<<<<'];

/** Replace the character at `index` of line `line`. */
function edit(lines: string[], line: number, index: number, ch: string): string[] {
  return lines.map((l, i) => (i === line ? l.slice(0, index) + ch + l.slice(index + 1) : l));
}

describe('ICAO 9303 check digits', () => {
  it('computes the ICAO worked examples', () => {
    expect(computeCheckDigit('L898902C3')).toBe(6);
    expect(computeCheckDigit('740812')).toBe(2);
    expect(computeCheckDigit('120415')).toBe(9);
    expect(computeCheckDigit('ZE184226B<<<<<')).toBe(1);
    expect(computeCheckDigit('L898902C3674081221204159ZE184226B<<<<<1')).toBe(0); // TD3 composite
    expect(computeCheckDigit('D23145890')).toBe(7);
    expect(computeCheckDigit('abc')).toBeNull();
  });

  it('accepts a filler check digit only for an all-filler field', () => {
    expect(isCheckDigitValid('<<<<<<<<<<<<<<', '<', true)).toBe(true);
    expect(isCheckDigitValid('<<<<<<<<<<<<<<', '0', true)).toBe(true);
    expect(isCheckDigitValid('<<<<<<<<<<<<<<', '<', false)).toBe(false);
    expect(isCheckDigitValid('ZE184226B<<<<<', '<', true)).toBe(false);
  });
});

describe('parseMrz', () => {
  it('parses the TD3 specimen with every check and agrees with the mrz package', () => {
    const r = parseMrz(TD3, NOW)!;
    expect(r.format).toBe('TD3');
    expect(r.fields).toEqual({
      documentCode: 'P',
      issuingState: 'UTO',
      lastName: 'ERIKSSON',
      firstName: 'ANNA MARIA',
      documentNumber: 'L898902C3',
      nationality: 'UTO',
      dateOfBirth: '1974-08-12',
      sex: 'female',
      expirationDate: '2012-04-15',
      personalNumber: 'ZE184226B',
      optionalData: null,
    });
    expect(r.checks).toEqual({
      documentNumber: true,
      dateOfBirth: true,
      expirationDate: true,
      personalNumber: true,
      composite: true,
    });
    expect(r.checksumValid).toBe(true);
    expect(r.fieldValidity.lastName).toBe('unverified');
    expect(r.fieldValidity.documentNumber).toBe('verified');
    expect(r.repairs).toEqual([]);
    const ref = mrzParse(TD3);
    expect(ref.fields.documentNumber).toBe(r.fields.documentNumber);
    expect(ref.fields.lastName).toBe(r.fields.lastName);
    expect(ref.fields.firstName).toBe(r.fields.firstName);
    // mrz also demands ISO state codes; apart from those, it agrees that every check passes.
    expect(ref.details.filter((d) => !d.valid).map((d) => d.field)).toEqual(['issuingState', 'nationality']);
  });

  it('parses TD2 and TD1 specimens', () => {
    const td2 = parseMrz(TD2, NOW)!;
    expect(td2.format).toBe('TD2');
    expect(td2.checksumValid).toBe(true);
    expect(td2.fields.documentNumber).toBe('D23145890');
    expect(td2.checks.composite).toBe(true);
    const td1 = parseMrz(TD1, NOW)!;
    expect(td1.format).toBe('TD1');
    expect(td1.checksumValid).toBe(true);
    expect(td1.fields).toMatchObject({
      documentCode: 'I',
      documentNumber: 'D23145890',
      dateOfBirth: '1974-08-12',
      expirationDate: '2012-04-15',
      lastName: 'ERIKSSON',
      firstName: 'ANNA MARIA',
      sex: 'female',
      nationality: 'UTO',
    });
    for (const lines of [TD2, TD1]) {
      const ref = mrzParse(lines);
      expect(ref.details.filter((d) => !d.valid).map((d) => d.field)).toEqual([
        'issuingState',
        'nationality',
      ]);
    }
  });

  it('parses visas (MRV-A, MRV-B), which have no composite check digit', () => {
    const a = parseMrz(MRVA, NOW)!;
    expect(a.format).toBe('MRVA');
    expect(a.checksumValid).toBe(true);
    expect(a.checks.composite).toBeUndefined();
    expect(a.fields).toMatchObject({
      documentNumber: 'L8988901C',
      nationality: 'XXX',
      dateOfBirth: '1940-09-07',
    });
    expect(a.fields.expirationDate).toBe('1996-12-10');
    const b = parseMrz(MRVB, NOW)!;
    expect(b.format).toBe('MRVB');
    expect(b.checksumValid).toBe(true);
  });

  it('reads a long TD1 document number that overflows into the optional data', () => {
    // ICAO 9303-5 §4.2.4 example: number D23145890734, check digit 9 after the overflow.
    const line1 = 'I<UTOD23145890<7349<<<<<<<<<<<';
    const line2base = '3407127M9507122UTO<<<<<<<<<<<';
    const composite = computeCheckDigit(
      line1.slice(5, 30) + line2base.slice(0, 7) + line2base.slice(8, 15) + line2base.slice(18, 29),
    );
    const r = parseMrz([line1, line2base + String(composite), 'STEVENSON<<PETER<JOHN<<<<<<<<<'], NOW)!;
    expect(r.fields.documentNumber).toBe('D23145890734');
    expect(r.checks.documentNumber).toBe(true);
    expect(r.checksumValid).toBe(true);
  });

  it('repairs a letter O among the document-number digits when the check digit confirms it', () => {
    const r = parseMrz(edit(TD3, 1, 5, 'O'), NOW)!;
    expect(r.fields.documentNumber).toBe('L898902C3');
    expect(r.checks.documentNumber).toBe(true);
    expect(r.checksumValid).toBe(true);
    expect(r.fieldValidity.documentNumber).toBe('repaired');
    expect(r.repairs).toEqual([
      { field: 'documentNumber', from: 'L8989O2C3', to: 'L898902C3', by: 'checkDigit' },
    ]);
  });

  it('repairs by character class: letters in dates and check digits, digits in names and state codes', () => {
    let lines = edit(TD3, 1, 17, 'I'); // birth date 740812 → 7408I2
    lines = edit(lines, 1, 43, 'O'); // composite check digit 0 → O
    lines = edit(lines, 0, 4, '0'); // issuing state UTO → UT0
    lines = edit(lines, 0, 6, '5'); // ERIKSSON → E5IKSSON
    const r = parseMrz(lines, NOW)!;
    expect(r.fields.dateOfBirth).toBe('1974-08-12');
    expect(r.checks.dateOfBirth).toBe(true);
    expect(r.checks.composite).toBe(true);
    expect(r.fields.issuingState).toBe('UTO'); // repaired by class; no check digit covers it
    expect(r.fieldValidity.issuingState).toBe('unverified');
    expect(r.fields.lastName).toBe('ESIKSSON'); // a class repair is not a correct name: VIZ cross-check
    expect(r.fieldValidity.lastName).toBe('unverified');
    expect(r.repairs.map((x) => x.by)).toEqual(['class', 'class', 'class', 'class']);
  });

  it('refuses a changed check digit: checksumValid false, the field reported as failed', () => {
    const r = parseMrz(edit(TD3, 1, 9, '7'), NOW)!; // document-number check digit 6 → 7
    expect(r.checksumValid).toBe(false);
    expect(r.checks.documentNumber).toBe(false);
    expect(r.checks.composite).toBe(false);
    expect(r.fieldValidity.documentNumber).toBe('failed');
    // A single swap (8→B) would satisfy the changed check digit; it is refused (8 sits between digits).
    expect(r.fields.documentNumber).toBe('L898902C3');
    expect(r.repairs).toEqual([]);

    const dob = parseMrz(edit(TD3, 1, 19, '3'), NOW)!;
    expect(dob.checksumValid).toBe(false);
    expect(dob.checks.dateOfBirth).toBe(false);
    expect(dob.fieldValidity.dateOfBirth).toBe('failed');

    const composite = parseMrz(edit(TD1, 1, 29, '7'), NOW)!;
    expect(composite.checksumValid).toBe(false);
    expect(composite.checks).toMatchObject({ documentNumber: true, composite: false });
  });

  it('refuses a changed digit that no ambiguous swap explains', () => {
    const r = parseMrz(edit(TD3, 1, 3, '7'), NOW)!; // L898902C3 → L897902C3
    expect(r.checks.documentNumber).toBe(false);
    expect(r.fields.documentNumber).toBe('L897902C3');
  });

  it('applies the century rule (birth never in the future, expiry up to +20 years)', () => {
    expect(mrzDateToIso('300101', 'birth', NOW.now)).toBe('1930-01-01');
    expect(mrzDateToIso('200101', 'birth', NOW.now)).toBe('2020-01-01');
    expect(mrzDateToIso('261122', 'birth', NOW.now)).toBe('1926-11-22');
    expect(mrzDateToIso('450101', 'expiry', NOW.now)).toBe('2045-01-01');
    expect(mrzDateToIso('470101', 'expiry', NOW.now)).toBe('1947-01-01');
    expect(mrzDateToIso('120230', 'expiry', NOW.now)).toBeNull();
  });
});

describe('OCR text normalisation', () => {
  it('maps filler look-alikes and strips spaces', () => {
    expect(cleanMrzText('p<uto ERIKSSON«ANNA‹MARIA')).toBe('P<UTOERIKSSON<ANNA<MARIA');
  });

  it('fixes line lengths only by obvious filler', () => {
    expect(fitLineLength(TD3[0]! + '<<', 44)).toBe(TD3[0]);
    expect(fitLineLength(TD3[0]!.slice(0, 41), 44)).toBe(TD3[0]);
    // One chevron lost inside the personal-number filler of line 2.
    expect(fitLineLength(TD3[1]!.replace('B<<<<<1', 'B<<<<1'), 44)).toBe(TD3[1]);
    expect(fitLineLength('L898902C36UTO7408122F1204159ZE1842', 44)).toHaveLength(34);
  });

  it('extracts the MRZ lines and detects the format out of noisy OCR output', () => {
    expect(
      extractMrzLines([
        'PASSPORT UTOPIA',
        'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<<<',
        ' L898902C36 UTO7408122F1204159ZE184226B«<<<10',
      ]),
    ).toEqual({ format: 'TD3', lines: TD3 });
    expect(extractMrzLines(TD1)).toEqual({ format: 'TD1', lines: TD1 });
    expect(extractMrzLines(MRVB)?.format).toBe('MRVB');
    expect(extractMrzLines(['hello world', 'nothing here'])).toBeNull();
  });
});

describe('voteMrz', () => {
  it('takes each checked field from a reading where its check digit passes', () => {
    const a = edit(TD3, 1, 15, '9'); // birth date wrong in reading a
    const b = edit(TD3, 1, 2, 'B'); // document number wrong in reading b
    const c = edit(edit(TD3, 1, 23, '3'), 0, 10, 'X'); // expiry wrong, a name letter wrong
    const voted = voteMrz(
      [a, b, c].map((lines) => ({ format: 'TD3' as const, lines })),
      NOW.now,
    )!;
    expect(voted.lines).toEqual(TD3);
    expect(voted.checksumValid).toBe(true);
  });
});

describe('repairStateCodes', () => {
  // A German TD1 card (nationality `D<<`) whose `D` was read as `O` by both engines (bench:analysis,
  // degraded capture): state codes carry no check digit, so only the list of codes can catch it.
  const GERMAN = [
    'IDD<<M1HFLRHHJ8<<<<<<<<<<<<<<<',
    '6209207F3206113D<<<<<<<<<<<<<0',
    'KRUEGER<<KAETHE<<<<<<<<<<<<<<<',
  ];

  it('takes the one known code a confusable letter away, and says so in the repairs', () => {
    const read = parseMrz(edit(GERMAN, 1, 15, 'O'), NOW)!;
    expect(read.fields.nationality).toBe('O');
    const repaired = repairStateCodes(read, NOW.now);
    expect(repaired.lines).toEqual(GERMAN);
    expect(repaired.fields.nationality).toBe('D');
    expect(repaired.checksumValid).toBe(true);
    expect(repaired.repairs).toContainEqual({ field: 'nationality', from: 'O<<', to: 'D<<', by: 'class' });
  });

  it('repairs a three-letter code (NLO → NLD)', () => {
    // `NLO`: `NLD` is the only known code one confusable letter away.
    const dutch = [
      'IDNLDR8V6D5N3U0<<<<<<<<<<<<<<<',
      '5612190F2509297NLD<<<<<<<<<<<2',
      'DE<VRIES<<ANNE<MARIE<<<<<<<<<<',
    ];
    const repaired = repairStateCodes(parseMrz(edit(dutch, 1, 17, 'O'), NOW)!, NOW.now);
    expect(repaired.fields.nationality).toBe('NLD');
  });

  it('leaves known codes, and unknown codes with no single known neighbour, as read', () => {
    const known = parseMrz(GERMAN, NOW)!;
    expect(repairStateCodes(known, NOW.now)).toBe(known);
    // `ZZZ`: no confusable letter leads to a code.
    const unknown = parseMrz(
      [GERMAN[0]!, GERMAN[1]!.slice(0, 15) + 'ZZZ' + GERMAN[1]!.slice(18), GERMAN[2]!],
      NOW,
    )!;
    expect(repairStateCodes(unknown, NOW.now).fields.nationality).toBe('ZZZ');
  });
});

describe('names that differ from the customer record only by a confusable letter', () => {
  const td1 = (name: string) => parseMrz([TD1[0]!, TD1[1]!, name.padEnd(30, '<')], NOW)!;

  it('marks the letters the fast engine confuses (W read as N, M as H) for a second look', () => {
    // KOWALCZYK read as KONALCZYK: position 2 of the TD1 name line.
    const doubts = expectedNameDoubts(td1('KONALCZYK<<LUKASZ'), {
      surname: 'KOWALCZYK',
      givenNames: 'LUKASZ',
    });
    expect([...doubts]).toEqual(['2:2']);
    const two = expectedNameDoubts(td1('HILLER<<HATTHEW'), { surname: 'MILLER', givenNames: 'MATTHEW' });
    expect([...two].sort()).toEqual(['2:0', '2:8']);
  });

  it('marks nothing when the names really differ', () => {
    const expected = { surname: 'KOWALCZYK', givenNames: 'LUKASZ' };
    // Another letter (not a known confusion), another length, or the same name: no doubt.
    expect(expectedNameDoubts(td1('KOPALCZYK<<LUKASZ'), expected).size).toBe(0);
    expect(expectedNameDoubts(td1('KOWALSKI<<LUKASZ'), expected).size).toBe(0);
    expect(expectedNameDoubts(td1('KOWALCZYK<<LUKASZ'), expected).size).toBe(0);
    // More confusable letters than a misread explains.
    expect(expectedNameDoubts(td1('NNNNN<<LUKASZ'), { surname: 'WWWWW', givenNames: 'LUKASZ' }).size).toBe(0);
  });
});
