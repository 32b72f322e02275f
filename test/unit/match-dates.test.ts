import { describe, expect, it } from 'vitest';
import {
  ageOn,
  dateIsInvalid,
  dateOfBirthFinding,
  dateProblems,
  expirationFinding,
  hasMinimalAge,
  issueDateFinding,
  minimalAgeFinding,
  minimumAgeFor,
  parseDate,
  resolveMrzDate,
  type MinimumAgeSettings,
} from '../../src/analysis/match/dates.ts';
import { normalizeRegion, toAlpha2 } from '../../src/analysis/match/countries.ts';
import { subtypeFinding, subtypeFromMrzDocumentCode } from '../../src/analysis/match/subtype.ts';

const at = (iso: string) => new Date(`${iso}T12:00:00Z`);

describe('parseDate', () => {
  it.each([
    ['1974-08-12', '1974-08-12'],
    ['1974-08-12T00:00:00Z', '1974-08-12'],
    ['1974-08-12T00:00:00.000Z', '1974-08-12'],
    ['1974-08-12T00:00:00+02:00', '1974-08-12'],
    ['1974-08-12T23:30:00-05:00', '1974-08-12'],
    ['1974-08-12 10:00', '1974-08-12'],
    ['  1974-08-12  ', '1974-08-12'],
    ['2024-02-29', '2024-02-29'],
    ['2000-02-29', '2000-02-29'],
    ['2023-02-29', null],
    ['1900-02-29', null],
    ['2023-04-31', null],
    ['2023-13-01', null],
    ['2023-00-10', null],
    ['12/08/1974', null],
    ['740812', null],
    ['1974-8-12', null],
    ['', null],
    [null, null],
    [undefined, null],
  ])('%s → %s', (input, expected) => {
    expect(parseDate(input)).toBe(expected);
  });

  it('reads a Date as its UTC calendar date', () => {
    expect(parseDate(new Date('1974-08-12T23:59:59Z'))).toBe('1974-08-12');
    expect(parseDate(new Date('invalid'))).toBe(null);
  });
});

describe('resolveMrzDate (YYMMDD century)', () => {
  const now = at('2026-03-15');
  it.each([
    ['740812', 'birth', '1974-08-12'],
    ['000101', 'birth', '2000-01-01'],
    ['260315', 'birth', '2026-03-15'],
    ['260316', 'birth', '1926-03-16'],
    ['991231', 'birth', '1999-12-31'],
    ['000229', 'birth', '2000-02-29'],
    ['120415', 'expiry', '2012-04-15'],
    ['310101', 'expiry', '2031-01-01'],
    ['750101', 'expiry', '2075-01-01'],
    ['770101', 'expiry', '1977-01-01'],
    ['991231', 'expiry', '1999-12-31'],
    ['200101', 'issue', '2020-01-01'],
    ['270101', 'issue', '1927-01-01'],
    ['740231', 'birth', null],
    ['741301', 'birth', null],
    ['<<<<<<', 'expiry', null],
    ['7408I2', 'birth', null],
    ['74081', 'birth', null],
  ] as const)('%s as %s → %s', (yymmdd, kind, expected) => {
    expect(resolveMrzDate(yymmdd, kind, now)).toBe(expected);
  });
});

describe('ageOn', () => {
  it.each([
    ['2000-06-15', '2018-06-14', 17],
    ['2000-06-15', '2018-06-15', 18],
    ['2000-06-15', '2018-06-16', 18],
    ['2000-12-31', '2001-01-01', 0],
    ['2000-01-01', '2000-01-01', 0],
    // Born on 29 February: a year older on 1 March in common years, on 29 February in leap years.
    ['2004-02-29', '2022-02-28', 17],
    ['2004-02-29', '2022-03-01', 18],
    ['2004-02-29', '2024-02-28', 19],
    ['2004-02-29', '2024-02-29', 20],
    ['1974-08-12T00:00:00Z', '2026-08-12T08:00:00Z', 52],
  ])('born %s, on %s → %i', (dob, on, age) => {
    expect(ageOn(dob, on)).toBe(age);
  });

  it('is null without a valid date of birth', () => {
    expect(ageOn(null, '2020-01-01')).toBe(null);
    expect(ageOn('2001-02-29', '2020-01-01')).toBe(null);
  });
});

describe('minimumAgeFor', () => {
  const settings: MinimumAgeSettings = {
    defaultMinimumAge: 18,
    locationOverrides: [
      { country: 'US', minimumAge: 21 },
      { country: 'US', state: 'AL', minimumAge: 19 },
      { country: 'CA', state: 'Quebec', minimumAge: 18 },
      { country: 'CA', state: 'ON', minimumAge: 19 },
      { country: 'DE', state: null, minimumAge: 16 },
    ],
  };

  it.each([
    ['US', undefined, 21],
    ['USA', null, 21],
    ['us', 'NY', 21],
    ['US', 'AL', 19],
    ['US', 'al', 19],
    ['US', 'US-AL', 19],
    ['US', 'Alabama', 19],
    ['USA', 'Alabama', 19],
    ['CA', 'QC', 18],
    ['CA', 'Québec', 18],
    ['CA', 'Ontario', 19],
    ['CA', 'BC', 18],
    ['DE', 'BY', 16],
    ['D<<', null, 16],
    ['DEU', null, 16],
    ['GB', null, 18],
    ['GBR', null, 18],
    ['UTO', null, 18],
    [null, 'AL', 18],
    ['', null, 18],
  ])('%s / %s → %i', (country, state, expected) => {
    expect(minimumAgeFor(settings, country, state)).toBe(expected);
  });

  it('lets a state override win even when it is listed before the country rule', () => {
    const reversed: MinimumAgeSettings = {
      defaultMinimumAge: 18,
      locationOverrides: [
        { country: 'US', state: 'AL', minimumAge: 19 },
        { country: 'US', minimumAge: 21 },
      ],
    };
    expect(minimumAgeFor(reversed, 'US', 'AL')).toBe(19);
    expect(minimumAgeFor(reversed, 'US', 'TX')).toBe(21);
  });

  it('falls back to the default when a country has only state rules', () => {
    const onlyState = {
      defaultMinimumAge: 18,
      locationOverrides: [{ country: 'US', state: 'AL', minimumAge: 19 }],
    };
    expect(minimumAgeFor(onlyState, 'US', 'TX')).toBe(18);
    expect(minimumAgeFor(onlyState, 'US', null)).toBe(18);
  });
});

describe('hasMinimalAge on the birthday boundary', () => {
  const settings: MinimumAgeSettings = {
    defaultMinimumAge: 18,
    locationOverrides: [
      { country: 'US', minimumAge: 21 },
      { country: 'US', state: 'AL', minimumAge: 19 },
    ],
  };
  it.each([
    // US 21
    ['2005-03-15', 'US', null, '2026-03-14', false],
    ['2005-03-15', 'US', null, '2026-03-15', true],
    // US-AL 19
    ['2007-03-15', 'US', 'AL', '2026-03-14', false],
    ['2007-03-15', 'US', 'AL', '2026-03-15', true],
    ['2007-03-15', 'US', 'TX', '2026-03-15', false],
    // default 18
    ['2008-03-15', 'FR', null, '2026-03-14', false],
    ['2008-03-15', 'FRA', null, '2026-03-15', true],
    // 29 February: 18 on 1 March of a common year
    ['2008-02-29', 'FR', null, '2026-02-28', false],
    ['2008-02-29', 'FR', null, '2026-03-01', true],
    // 29 February with the US 21: 1 March of a common year, 29 February of a leap year
    ['2000-02-29', 'US', null, '2021-02-28', false],
    ['2000-02-29', 'US', null, '2021-03-01', true],
    ['2003-02-28', 'US', null, '2024-02-27', false],
    ['2003-02-28', 'US', null, '2024-02-28', true],
    ['1999-02-28', 'US', null, '2020-02-28', true],
    // an impossible date of birth is unknown, not underage
    ['2003-02-29', 'US', null, '2024-02-29', null],
  ])('born %s in %s/%s on %s → %s', (dob, country, state, on, expected) => {
    const minimum = minimumAgeFor(settings, country, state);
    expect(hasMinimalAge(dob, minimum, at(on))).toBe(expected);
  });

  it('makes a finding that fails only when the age is known and too low', () => {
    expect(minimalAgeFinding('2010-01-01', 18, at('2026-01-01'))).toEqual({
      name: 'hasMinimalAge',
      failed: true,
      reason: 'underage',
    });
    expect(minimalAgeFinding('2000-01-01', 18, at('2026-01-01'))).toEqual({
      name: 'hasMinimalAge',
      failed: false,
      reason: null,
    });
    expect(minimalAgeFinding(null, 18, at('2026-01-01'))).toEqual({
      name: 'hasMinimalAge',
      failed: false,
      reason: 'unknown',
    });
  });
});

describe('dateOfBirthFinding', () => {
  it.each([
    ['1974-08-12', '1974-08-12', false, null],
    ['1974-08-12', '1974-08-12T00:00:00Z', false, null],
    ['1974-08-12T00:00:00+02:00', '1974-08-12', false, null],
    ['1974-08-12', '1974-08-13', true, 'mismatch'],
    ['1974-08-12', '1974-12-08', true, 'mismatch'],
    ['1974-08-12', '1975-08-12', true, 'mismatch'],
    [null, '1974-08-12', true, 'missing'],
    ['1974-02-30', '1974-08-12', true, 'missing'],
    ['1974-08-12', null, true, 'no-customer-value'],
  ])('document %s vs customer %s → failed %s (%s)', (doc, customer, failed, reason) => {
    expect(dateOfBirthFinding(doc, customer)).toEqual({ name: 'dateOfBirth', failed, reason });
  });
});

describe('expirationFinding', () => {
  const now = at('2026-03-15');
  it.each([
    ['2030-01-01', false, null],
    ['2026-03-16', false, null],
    ['2026-03-15', false, null],
    ['2026-03-15T00:00:00Z', false, null],
    ['2026-03-14', true, 'expired'],
    ['2012-04-15', true, 'expired'],
    [null, true, 'missing'],
    ['', true, 'missing'],
    ['2026-02-30', true, 'missing'],
  ])('expiry %s → failed %s (%s)', (expiry, failed, reason) => {
    expect(expirationFinding(expiry, now)).toEqual({ name: 'expirationDate', failed, reason });
  });

  it('tells a document that expired after it was provided', () => {
    expect(expirationFinding('2026-03-01', now, at('2026-02-20')).reason).toBe('expired-after-upload');
    expect(expirationFinding('2026-03-01', now, at('2026-03-02')).reason).toBe('expired');
    expect(expirationFinding('2026-03-01', now, at('2026-03-01')).reason).toBe('expired-after-upload');
  });

  it('uses the UTC date of now', () => {
    expect(expirationFinding('2026-03-15', new Date('2026-03-15T23:59:59Z')).failed).toBe(false);
    expect(expirationFinding('2026-03-15', new Date('2026-03-16T00:00:00Z')).failed).toBe(true);
  });
});

describe('issueDateFinding', () => {
  const now = at('2026-03-15');
  it.each([
    ['2020-01-01', undefined, false, null],
    ['2026-03-15', undefined, false, null],
    ['2026-03-16', undefined, true, 'future'],
    [null, undefined, true, 'missing'],
    ['2020-02-30', undefined, true, 'missing'],
    [null, { required: false }, false, 'not-applicable'],
    [null, { required: true }, true, 'missing'],
  ])('issued %s (%o) → failed %s (%s)', (issue, options, failed, reason) => {
    expect(issueDateFinding(issue, now, options)).toEqual({ name: 'issueDate', failed, reason });
  });
});

describe('dateIsInvalid', () => {
  const now = at('2026-03-15');
  it.each([
    [{ dateOfBirth: '1974-08-12', issueDate: '2020-04-15', expirationDate: '2030-04-14' }, []],
    [{ dateOfBirth: '1974-08-12' }, []],
    [{}, []],
    [{ dateOfBirth: null, issueDate: '', expirationDate: undefined }, []],
    [{ issueDate: '2020-04-15', expirationDate: '2020-04-15' }, ['issue-after-expiry']],
    [{ issueDate: '2021-04-15', expirationDate: '2020-04-15' }, ['issue-after-expiry']],
    [{ dateOfBirth: '2021-01-01', issueDate: '2020-04-15' }, ['birth-after-issue']],
    [{ dateOfBirth: '2027-01-01' }, ['birth-in-future']],
    [{ dateOfBirth: '1890-01-01' }, ['birth-too-old']],
    [{ issueDate: '2027-01-01', expirationDate: '2037-01-01' }, ['issue-in-future']],
    [{ dateOfBirth: '1974-02-30' }, ['impossible-date']],
    [{ expirationDate: '2030-13-01', issueDate: '2020-00-01' }, ['impossible-date']],
    [
      { dateOfBirth: '2027-01-01', issueDate: '2026-01-01', expirationDate: '2025-01-01' },
      ['birth-in-future', 'issue-after-expiry', 'birth-after-issue'],
    ],
  ])('%o → %o', (dates, problems) => {
    expect(dateProblems(dates, now)).toEqual(problems);
    expect(dateIsInvalid(dates, now)).toEqual({
      name: 'dateIsInvalid',
      failed: problems.length > 0,
      reason: problems[0] ?? null,
    });
  });
});

describe('countries', () => {
  it.each([
    ['US', 'US'],
    ['us', 'US'],
    ['USA', 'US'],
    ['DEU', 'DE'],
    ['D', 'DE'],
    ['D<<', 'DE'],
    ['GBR', 'GB'],
    ['GBN', 'GB'],
    ['RKS', 'XK'],
    ['NLD', 'NL'],
    ['UTO', null],
    ['XXA', null],
    ['ZZ', null],
    [null, null],
  ])('%s → %s', (code, alpha2) => {
    expect(toAlpha2(code)).toBe(alpha2);
  });

  it.each([
    ['US', 'Alabama', 'AL'],
    ['US', 'us-al', 'AL'],
    ['US', ' new  york ', 'NY'],
    ['CA', 'Québec', 'QC'],
    ['AU', 'New South Wales', 'NSW'],
    ['DE', 'Bayern', 'BAYERN'],
    ['US', null, null],
  ])('%s region %s → %s', (country, region, expected) => {
    expect(normalizeRegion(country, region)).toBe(expected);
  });
});

describe('document subtype', () => {
  it.each([
    ['passport', null, false, null],
    ['passport', [], false, null],
    ['passport', ['passport', 'id-card'], false, null],
    ['driver-license', ['passport', 'id-card'], true, 'not-allowed'],
    [null, ['passport'], true, 'missing'],
    [null, null, true, 'missing'],
  ] as const)('%s among %o → failed %s (%s)', (subtype, allowed, failed, reason) => {
    expect(subtypeFinding(subtype, allowed)).toEqual({ name: 'documentSubtype', failed, reason });
  });

  it.each([
    ['P<', 'passport'],
    ['PD', 'passport'],
    ['I<', 'id-card'],
    ['ID', 'id-card'],
    ['AC', 'id-card'],
    ['C', 'id-card'],
    ['D1', 'driver-license'],
    ['V<', 'other'],
    ['X', null],
    [null, null],
  ])('MRZ document code %s → %s', (code, subtype) => {
    expect(subtypeFromMrzDocumentCode(code)).toBe(subtype);
  });
});
