import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/analysis/analyzer.ts';
import {
  CORRECTION_CODES,
  CORRECTIONS,
  correctionCodeFor,
  correctionFor,
  type CorrectionCode,
} from '../../src/analysis/corrections.ts';
import { rejectionReasonFor } from '../../src/analysis/decide.ts';
import { CHECK_NAMES, REJECTION_REASONS, type CheckName } from '../../src/analysis/vocabulary.ts';

const failed = (name: CheckName, reason: string | null = null): Finding => ({ name, failed: true, reason });

describe('the correction catalogue', () => {
  it('has stable kebab-case codes', () => {
    for (const code of CORRECTION_CODES) expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect(CORRECTION_CODES).toEqual(
      expect.arrayContaining([
        'photo-too-small',
        'photo-blurry',
        'photo-glare',
        'document-cut-off',
        'photo-too-dark',
        'not-a-document',
        'mrz-unreadable',
        'face-missing',
        'document-expired',
        'underage',
        'name-mismatch',
        'dob-mismatch',
        'photocopy',
        'document-edited',
        'document-duplicate',
        'document-specimen',
        'wrong-document-type',
        'back-side-needed',
        'selfie-needed',
        'selfie-mismatch',
      ]),
    );
  });

  it.each(CORRECTION_CODES)('%s speaks plainly to the customer', (code) => {
    const { message } = CORRECTIONS[code];
    expect(message).toMatch(/^[A-Z]/);
    expect(message).toMatch(/[.!]$/);
    expect(message.length).toBeLessThanOrEqual(160);
    // No internal vocabulary: check names, reason codes, acronyms a customer would not know.
    expect(message).not.toMatch(/\b(MRZ|OCR|EXIF|finding|checksum|score|weight|dHash|pHash|KYC)\b/i);
    expect(message).not.toMatch(/[a-z][A-Z]/); // no camelCase identifiers
  });

  it.each(CORRECTION_CODES)('%s implies a Rebilly rejection reason or none', (code) => {
    const reason = CORRECTIONS[code].rejectionReason;
    if (reason !== null) expect(REJECTION_REASONS).toContain(reason);
  });

  it('keeps the retake hints free of a rejection reason', () => {
    const hints = CORRECTION_CODES.filter((c) => CORRECTIONS[c].rejectionReason === null);
    expect(hints.sort()).toEqual(
      [
        'back-side-needed',
        'selfie-needed',
        'selfie-retake',
        // The selfie gates and the liveness check: the customer tries again (src/analysis/face, liveness).
        'selfie-no-face',
        'selfie-several-faces',
        'selfie-eyes-closed',
        'selfie-face-too-small',
        'selfie-turned-away',
        'selfie-too-dark',
        'liveness-no-frames',
        'liveness-steps-not-followed',
        'liveness-face-changed',
        'liveness-spoof-suspected',
        'liveness-too-slow',
        'liveness-no-face',
        'liveness-several-faces',
      ].sort(),
    );
  });

  it('uses the blurry-photo message of the issue', () => {
    expect(CORRECTIONS['photo-blurry'].message).toBe(
      'The photo is blurry — hold the camera still and retake it in good light.',
    );
  });
});

describe('correctionFor', () => {
  it.each<[Finding, CorrectionCode]>([
    [failed('containsImage'), 'face-missing'],
    [failed('isIdentityDocument'), 'not-a-document'],
    [failed('isIdentityDocument', 'blurry'), 'photo-blurry'],
    [failed('isIdentityDocument', 'too-small'), 'photo-too-small'],
    [failed('isIdentityDocument', 'glare'), 'photo-glare'],
    [failed('isIdentityDocument', 'too-dark'), 'photo-too-dark'],
    [failed('isIdentityDocument', 'cut-off'), 'document-cut-off'],
    [failed('isIdentityDocument', 'photo-blurry'), 'photo-blurry'],
    [failed('isPublishedOnline'), 'document-specimen'],
    [failed('isPublishedOnline', 'specimen'), 'document-specimen'],
    [failed('isPublishedOnline', 'duplicate'), 'document-duplicate'],
    [failed('isPublishedOnline', 'same-document-number'), 'document-duplicate'],
    [failed('isPublishedOnline', 'same-image'), 'document-duplicate'],
    [failed('firstName', 'mismatch'), 'name-mismatch'],
    [failed('lastName', 'missing'), 'name-mismatch'],
    [failed('dateOfBirth', 'mismatch'), 'dob-mismatch'],
    [failed('matchesDateOfBirth'), 'dob-mismatch'],
    [failed('expirationDate', 'expired'), 'document-expired'],
    [failed('expirationDate', 'missing'), 'expiry-date-missing'],
    [failed('expirationDate', 'expired-after-upload'), 'document-expired-since-upload'],
    [failed('issueDate', 'missing'), 'issue-date-missing'],
    [failed('issueDate', 'future'), 'document-tampered'],
    [failed('hasMinimalAge', 'underage'), 'underage'],
    [failed('hasMatchingFaceProof', 'missing'), 'selfie-needed'],
    [failed('hasMatchingFaceProof', 'mismatch'), 'selfie-mismatch'],
    [failed('hasMatchingFaceProof', 'closed_eyes'), 'selfie-retake'],
    [failed('documentSubtype', 'missing'), 'document-type-unknown'],
    [failed('documentSubtype', 'not-allowed'), 'wrong-document-type'],
    [failed('isTampered', 'editing-software'), 'document-edited'],
    [failed('isTampered', 'viz-mrz-mismatch'), 'document-tampered'],
    [failed('dateIsInvalid', 'issue-after-expiry'), 'document-tampered'],
    [failed('isPhotocopy', 'no-colour'), 'photocopy'],
    [failed('isPhotocopy', 'grayscale'), 'photocopy'],
    [failed('mrzChecksum'), 'mrz-unreadable'],
    [failed('date'), 'document-too-old'],
    [failed('line1'), 'address-mismatch'],
    [failed('postalCode'), 'address-mismatch'],
    [failed('city'), 'address-mismatch'],
    [failed('region'), 'address-mismatch'],
    [failed('phone'), 'document-rejected'],
    [failed('decision'), 'document-rejected'],
    [failed('nationality'), 'document-rejected'],
    [failed('containsImage', 'back-side-needed'), 'back-side-needed'],
  ])('%o → %s', (finding, code) => {
    expect(correctionCodeFor(finding)).toBe(code);
    expect(correctionFor(finding)).toEqual({ code, ...CORRECTIONS[code] });
  });

  it.each(CHECK_NAMES)('gives no correction for a passed %s check', (name) => {
    expect(correctionFor({ name, failed: false, reason: null })).toBe(null);
    expect(correctionFor({ name, failed: false, reason: 'swapped' })).toBe(null);
  });

  it.each(CHECK_NAMES)('gives a correction for every failed %s check', (name) => {
    expect(correctionFor(failed(name))?.message).toMatch(/\w{3}/);
  });
});

describe('agreement with the decision engine', () => {
  it.each(CHECK_NAMES)('implies the reason decide.ts picks when %s fails alone', (name) => {
    const finding = failed(name);
    const check = { name, failed: true, score: 10, reason: finding.reason ?? null };
    const implied = correctionFor(finding)?.rejectionReason;
    expect(implied).toBe(rejectionReasonFor([check]).type);
  });

  it.each([
    ['hasMatchingFaceProof', 'mismatch', 'third-party-or-mismatch'],
    ['dateIsInvalid', 'issue-after-expiry', 'tampered-document'],
    ['documentSubtype', 'not-allowed', 'document-invalid'],
    ['expirationDate', 'expired-after-upload', 'document-was-valid-but-expired'],
  ] as const)('agrees on %s (%s)', (name, reason, type) => {
    expect(correctionFor(failed(name, reason))?.rejectionReason).toBe(type);
    expect(rejectionReasonFor([{ name, failed: true, score: 10, reason }]).type).toBe(type);
  });

  it('agrees on the subtype when it is missing and on expiry reasons', () => {
    for (const [finding, type] of [
      [failed('documentSubtype', 'missing'), 'subtype-missing'],
      [failed('expirationDate', 'missing'), 'expiration-date-missing'],
      [failed('expirationDate', 'expired'), 'document-expired'],
    ] as const) {
      expect(correctionFor(finding)?.rejectionReason).toBe(type);
      expect(rejectionReasonFor([{ ...finding, score: 10, reason: finding.reason ?? null }]).type).toBe(type);
    }
  });
});
