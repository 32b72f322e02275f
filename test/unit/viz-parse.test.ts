/**
 * The visual-zone parser, printed dates and the printed-vs-MRZ/barcode comparison: pure code, no OCR. The
 * segments below are the shapes PaddleOCR returned on the generated documents (labels glued to values,
 * two labels in one segment, AAMVA field numbers, OCR slips such as `Sumame` and `3D0B`).
 */
import { describe, expect, it } from 'vitest';
import { findPrintedDates, parsePrintedDate } from '../../src/analysis/viz/printed-dates.ts';
import { parseViz, type VizSegment } from '../../src/analysis/viz/parse-viz.ts';
import {
  anchoredPositionNames,
  namesDiffer,
  printedMismatch,
} from '../../src/analysis/viz/printed-identity.ts';
import type { VizReading } from '../../src/analysis/viz/read-viz.ts';
import type { Finding } from '../../src/analysis/analyzer.ts';
import { printedSpellingFindings } from '../../src/analysis/identity/identity-analyzer.ts';
import type { MrzReading } from '../../src/analysis/mrz/read-mrz.ts';

const NOW = new Date('2026-11-22T12:00:00Z');

/** Segments laid out in rows: `[text, x, row]`, each row 40 px high, characters 12 px wide. */
function rows(...items: [string, number, number, number?][]): VizSegment[] {
  return items.map(([text, x, row, confidence]) => ({
    text,
    confidence: confidence ?? 0.99,
    box: { x, y: row * 40, width: text.length * 12, height: 24 },
  }));
}

describe('printed dates', () => {
  it.each([
    ['18.07.1954', 'dmy', '1954-07-18'],
    ['05/07/1988', 'dmy', '1988-07-05'],
    ['07/24/1984', 'mdy', '1984-07-24'],
    ['07/24/1984', 'dmy', '1984-07-24'],
    ['18 JUL 1954', 'dmy', '1954-07-18'],
    ['08SEP1968', 'dmy', '1968-09-08'],
    ['13 MAY/MAI 27', 'dmy', '2027-05-13'],
    ['1O.O2.2O2O', 'dmy', '2020-02-10'],
    ['1954-07-18', 'mdy', '1954-07-18'],
  ] as const)('%s (%s) → %s', (text, order, iso) => {
    expect(parsePrintedDate(text, order, NOW)).toBe(iso);
  });

  it('refuses impossible dates and finds several in one line', () => {
    expect(parsePrintedDate('31.04.2020', 'dmy', NOW)).toBeNull();
    expect(parsePrintedDate('JUNE 2020', 'dmy', NOW)).toBeNull();
    expect(findPrintedDates('07/24/1984 08/10/2028', 'mdy', NOW).map((d) => d.iso)).toEqual([
      '1984-07-24',
      '2028-08-10',
    ]);
  });
});

describe('parseViz', () => {
  it('reads a passport page by its labels, with labels glued to values and OCR slips', () => {
    const result = parseViz(
      rows(
        ['PASSPORT', 400, 0],
        ['Type', 0, 1],
        ['Passport No.', 200, 1],
        ['P FRA CZ31SR912', 0, 2],
        ['Sumame', 0, 3],
        ['BELANGER', 0, 4],
        ['Given names', 0, 5],
        ['JEAN EDOUARD', 0, 6],
        ['Nationality Date of birth', 0, 7],
        ['FRA 18.07.1954', 0, 8],
        ['Sex Place of birth', 0, 9],
        ['M NIMES', 0, 10],
        ['Date of issue', 0, 11],
        ['18.02.2020', 0, 12],
        ['Dateof expiry', 0, 13],
        ['17.02.2030', 0, 14],
        ['P<FRABELANGER<<JEAN<EDOUARD<<<<<<<<<<<<<<<<<', 0, 16],
      ),
      { now: NOW },
    );
    const values = Object.fromEntries(Object.entries(result.fields).map(([k, f]) => [k, f.value]));
    expect(values).toEqual({
      surname: 'BELANGER',
      givenNames: 'JEAN EDOUARD',
      dateOfBirth: '1954-07-18',
      issueDate: '2020-02-18',
      expirationDate: '2030-02-17',
      documentNumber: 'CZ31SR912',
      sex: 'M',
    });
    expect(result.documentKind).toBe('passport');
    expect(result.fields.surname!.source).toBe('label');
  });

  it('reads an AAMVA licence: numbered labels, two labels per row, US month-first dates', () => {
    const result = parseViz(
      rows(
        ['DRIVER LICENSE', 300, 0],
        ['4dDLN 9CLASS', 0, 1],
        ['586578294 C', 0, 2],
        ['SMITH', 0, 3],
        ['CHLOE', 0, 4],
        ['335OAKAVE,BROOKLYN,NY 11201', 0, 5],
        ['3D0B 4bEXP', 0, 6],
        ['07/04/1984 08/10/2028', 0, 7],
        ['4aISS 15SEX', 0, 8],
        ['08/11/2023 F', 0, 9],
      ),
      { now: NOW },
    );
    const values = Object.fromEntries(Object.entries(result.fields).map(([k, f]) => [k, f.value]));
    expect(values).toEqual({
      documentNumber: '586578294',
      // The field numbers 1 and 2 were not read: the names are the first two name-like rows below the number.
      surname: 'SMITH',
      givenNames: 'CHLOE',
      dateOfBirth: '1984-07-04',
      expirationDate: '2028-08-10',
      issueDate: '2023-08-11',
      sex: 'F',
    });
    expect(result.fields.surname!.source).toBe('position');
    expect(result.documentKind).toBe('driver-license');
  });

  it('places unlabelled dates only where the order leaves no doubt', () => {
    // Birth and expiry labels hidden: the earliest date is the birth date, a lone future date the expiry.
    const twoDates = parseViz(
      rows(['Surname', 0, 0], ['DOE', 0, 1], ['12.03.1980', 0, 3], ['01.02.2031', 0, 5]),
      {
        now: NOW,
      },
    );
    expect(twoDates.fields.dateOfBirth?.value).toBe('1980-03-12');
    expect(twoDates.fields.expirationDate?.value).toBe('2031-02-01');
    // A lone past date left over may be an issue date whose label was missed: not taken for the expiry.
    const lonePast = parseViz(
      rows(
        ['Surname', 0, 0],
        ['DOE', 0, 1],
        ['Date of birth', 0, 2],
        ['12.03.1980', 0, 3],
        ['01.02.2021', 0, 5],
      ),
      { now: NOW },
    );
    expect(lonePast.fields.dateOfBirth?.value).toBe('1980-03-12');
    expect(lonePast.fields.expirationDate).toBeUndefined();
  });

  it('does not take a label cut short, an MRZ line or a title for a name', () => {
    const result = parseViz(
      rows(
        ['REPUBLIC OF TESTLAND', 0, 0],
        ['Surname', 0, 1],
        ['GIVEN NAM', 0, 2],
        ['ANNA<<MARIA<<<<<<', 0, 3],
      ),
      { now: NOW },
    );
    expect(result.fields.surname).toBeUndefined();
    expect(result.fields.givenNames).toBeUndefined();
  });

  it('does not take a numeric date whose year was cut to two digits', () => {
    const result = parseViz(
      rows(['3DOB', 0, 0], ['12/06/19', 0, 1], ['4aISS', 200, 0], ['11/27/2024', 200, 1]),
      {
        now: NOW,
      },
    );
    expect(result.fields.dateOfBirth).toBeUndefined();
    expect(result.fields.issueDate?.value).toBe('2024-11-27');
  });

  it('takes the name right above the given names as the surname when glare hid the surname label', () => {
    // The TD1 layout: the `Surname` label washed out, its value still readable above `Given names`.
    const result = parseViz(
      rows(['OKONKWO', 0, 1], ['Given names', 0, 2], ['LUKASZ', 0, 3], ['Date of birth', 0, 4]),
      { now: NOW },
    );
    expect(result.fields.surname).toEqual({ value: 'OKONKWO', confidence: 0.99, source: 'position' });
    expect(result.fields.givenNames?.source).toBe('label');
    // A title further up, or a name in another column, is not taken.
    const far = parseViz(
      rows(['TESTLAND', 0, 0], ['Given names', 0, 3], ['LUKASZ', 0, 4], ['OKONKWO', 300, 2]),
      { now: NOW },
    );
    expect(far.fields.surname).toBeUndefined();
  });

  it('keeps a capitalised name that merely looks like a misread label', () => {
    const result = parseViz(rows(['Surname', 0, 0], ['SUMAN', 0, 1], ['Given names', 0, 2], ['RAVI', 0, 3]), {
      now: NOW,
    });
    expect(result.fields.surname?.value).toBe('SUMAN');
    expect(result.fields.givenNames?.value).toBe('RAVI');
  });
});

describe('printed zone against the MRZ or the barcode', () => {
  it('tells a different name from an OCR slip, a transliteration or a cut', () => {
    expect(namesDiffer('YILMAZ', 'MUELLER')).toBe(true);
    expect(namesDiffer('SMITH', 'DOGAN')).toBe(true);
    expect(namesDiffer('MÜLLER', 'MUELLER')).toBe(false);
    expect(namesDiffer('SÆTHER', 'SAETHER')).toBe(false);
    expect(namesDiffer('JON POR', 'JON THOR')).toBe(false);
    expect(namesDiffer('WOLFESCHLEGELSTEINHAU', 'WOLFESCHLEGELSTEINHAUSEN')).toBe(false);
  });

  it('lists the fields that differ and the fields compared', () => {
    const mrz = {
      surname: 'ERIKSSON',
      givenNames: 'ANNA MARIA',
      dateOfBirth: '1974-08-12',
      expirationDate: '2032-04-15',
      documentNumber: 'L898902C3',
    };
    const same = printedMismatch(
      {
        surname: 'ERIKSSON',
        givenNames: 'ANNA MARIA',
        dateOfBirth: '1974-12-08',
        documentNumber: 'L8989O2C3',
      },
      mrz,
      'viz-mrz-mismatch',
    );
    // Day and month swapped (a numeric date of unknown style) and O for 0 are reading slips, not tampering.
    expect(same).toEqual({
      detected: false,
      reason: null,
      fields: [],
      compared: ['surname', 'givenNames', 'dateOfBirth', 'documentNumber'],
    });
    const tampered = printedMismatch(
      { surname: 'ANDERSSON', expirationDate: '2034-04-15', documentNumber: 'L898911C3' },
      mrz,
      'viz-mrz-mismatch',
    );
    expect(tampered.detected).toBe(true);
    expect(tampered.reason).toBe('viz-mrz-mismatch');
    // ANDERSSON vs ERIKSSON: 4 edits over 9 letters → a different name.
    expect(tampered.fields).toEqual(['surname', 'expirationDate', 'documentNumber']);
  });

  it('holds names placed by position against the MRZ only when the other name confirms the layout', () => {
    const reading = (surname: string, givenNames: string) =>
      ({
        fields: {
          surname: { value: surname, confidence: 0.99, source: 'position' },
          givenNames: { value: givenNames, confidence: 0.99, source: 'position' },
        },
      }) as unknown as VizReading;
    const mrz = { surname: 'CELIK', givenNames: 'UGUR' };
    // The given names are the MRZ's: the first name-like value is the printed surname, and it differs.
    expect(anchoredPositionNames(reading('OBERG', 'UGUR'), mrz)).toEqual({ surname: 'OBERG' });
    // Fragments of other fields confirm nothing.
    expect(anchoredPositionNames(reading('ITY', 'SL'), mrz)).toEqual({});
    // Both agree: nothing to add.
    expect(anchoredPositionNames(reading('ÇELIK', 'UĞUR'), mrz)).toEqual({});
  });

  it('anchors a surname placed by position on given names read by their label', () => {
    const reading = (surname: number, given: number) =>
      ({
        fields: {
          surname: { value: 'OKONKWO', confidence: surname, source: 'position' },
          givenNames: { value: 'LUKASZ', confidence: given, source: 'label' },
        },
      }) as unknown as VizReading;
    const mrz = { surname: 'KOWALCZYK', givenNames: 'LUKASZ' };
    // The confirming name (Ł read as L at 0.93) only has to be usable; the surname is read with confidence.
    expect(anchoredPositionNames(reading(0.99, 0.93), mrz)).toEqual({ surname: 'OKONKWO' });
    // A surname read without enough confidence is not held against the MRZ.
    expect(anchoredPositionNames(reading(0.9, 0.99), mrz)).toEqual({});
    // Given names that are not usable confirm nothing.
    expect(anchoredPositionNames(reading(0.99, 0.6), mrz)).toEqual({});
  });
});

describe('the printed spelling of a name against the customer record', () => {
  const mrz = (surname: string, given: string) =>
    ({ found: true, fields: { lastName: surname, firstName: given } }) as unknown as MrzReading;
  const viz = (surname: string, given: string, confidence = 0.98) =>
    ({
      fields: {
        surname: { value: surname, confidence, source: 'label' },
        givenNames: { value: given, confidence, source: 'position' },
      },
    }) as unknown as VizReading;
  const failed: Finding[] = [
    { name: 'firstName', failed: true, reason: 'mismatch' },
    { name: 'lastName', failed: false, reason: null },
  ];
  const customer = { firstName: 'Soren Hakon', lastName: 'Haugen' };

  it('matches a record without national characters to the printed name (SØREN) the MRZ spells SOEREN', () => {
    const out = printedSpellingFindings(
      failed,
      mrz('HAUGEN', 'SOEREN HAAKON'),
      viz('HAUGEN', 'SOREN HAKON'),
      customer,
      2,
    );
    expect(out[0]).toEqual({ name: 'firstName', failed: false, reason: 'printed-name' });
    expect(out[1]).toBe(failed[1]);
  });

  it('keeps the mismatch when the printed name is another name, unsure, or disagrees with the MRZ', () => {
    // The printed name is the MRZ's, but not the customer's.
    const other = printedSpellingFindings(
      failed,
      mrz('HAUGEN', 'SOEREN HAAKON'),
      viz('HAUGEN', 'SOEREN HAAKON'),
      customer,
      2,
    );
    expect(other[0]!.failed).toBe(true);
    // Read without enough confidence.
    const unsure = printedSpellingFindings(
      failed,
      mrz('HAUGEN', 'SOEREN HAAKON'),
      viz('HAUGEN', 'SOREN HAKON', 0.9),
      customer,
      2,
    );
    expect(unsure[0]!.failed).toBe(true);
    // A printed name the MRZ contradicts is a tamper signal, never a match.
    const tampered = printedSpellingFindings(
      failed,
      mrz('HAUGEN', 'MAGNUS'),
      viz('HAUGEN', 'SOREN HAKON'),
      customer,
      2,
    );
    expect(tampered[0]!.failed).toBe(true);
  });
});
