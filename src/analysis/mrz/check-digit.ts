/**
 * ICAO 9303 part 3 §4.9 check digits: each character gets a value (`0`–`9` → 0–9, `A`–`Z` → 10–35,
 * filler `<` → 0), the values are multiplied by the repeating weights 7, 3, 1, and the sum modulo 10 is
 * the check digit.
 *
 * Because 7, 3 and 1 are all coprime to 10, any single substitution that changes a character's value by
 * an amount not divisible by 10 changes the check digit. That includes every O↔0, I↔1, B↔8, S↔5, Z↔2,
 * G↔6, Q↔0 and D↔0 confusion (value differences 24, 17, 3, 23, 33, 10… — only G↔6 (16−6=10) slips
 * through, which is why a repair is accepted only when it is the unique minimal one; see `mrz-parse.ts`).
 */

const WEIGHTS = [7, 3, 1] as const;

/** The numeric value of one MRZ character, or `null` when it is not in the MRZ alphabet. */
export function mrzCharValue(ch: string): number | null {
  const code = ch.charCodeAt(0);
  if (ch === '<') return 0;
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 90) return code - 55;
  return null;
}

/** The check digit (0–9) of `text`, or `null` when `text` contains a character outside `[0-9A-Z<]`. */
export function computeCheckDigit(text: string): number | null {
  let sum = 0;
  for (let i = 0; i < text.length; i++) {
    const v = mrzCharValue(text[i]!);
    if (v === null) return null;
    sum += v * WEIGHTS[i % 3]!;
  }
  return sum % 10;
}

/**
 * Whether `checkChar` is the check digit of `text`. A filler `<` counts as 0 only when `fillerAllowed`
 * (ICAO allows `<` as the check digit of an optional-data field that is entirely filler).
 */
export function isCheckDigitValid(text: string, checkChar: string, fillerAllowed = false): boolean {
  const expected = computeCheckDigit(text);
  if (expected === null) return false;
  if (checkChar === '<') return fillerAllowed && expected === 0 && /^<*$/.test(text);
  return checkChar === String(expected);
}
