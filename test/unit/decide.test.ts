/**
 * The decision engine: score from the failed checks' weights, the two thresholds, the analyzer's preferred
 * reason, and a retake (a capture too poor to judge) that rejects what the score would accept or send to
 * a person.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/analysis/analyzer.ts';
import { decide } from '../../src/analysis/decide.ts';
import { DEFAULT_KYC_SETTINGS } from '../../src/modules/kyc-settings/default-kyc-settings.ts';

const { weights, thresholds } = DEFAULT_KYC_SETTINGS.identityProof;
const passed = (name: Finding['name']): Finding => ({ name, failed: false, reason: null });
const failed = (name: Finding['name'], reason: string | null = null): Finding => ({
  name,
  failed: true,
  reason,
});

describe('decide', () => {
  it('accepts at or above acceptAbove, sends the band between to a person, rejects below rejectBelow', () => {
    expect(decide([passed('isIdentityDocument'), passed('lastName')], weights, thresholds)).toMatchObject({
      score: 100,
      status: 'accepted',
      rejectionReason: null,
    });
    expect(decide([failed('lastName', 'mismatch')], weights, thresholds)).toMatchObject({
      score: 75,
      status: 'pending',
    });
    // 50 is not below 50: still a person's call.
    expect(decide([failed('lastName'), failed('mrzChecksum')], weights, thresholds).status).toBe('pending');
    expect(decide([failed('expirationDate', 'expired')], weights, thresholds)).toMatchObject({
      score: 45,
      status: 'rejected',
      rejectionReason: { type: 'document-expired' },
    });
  });

  it('rejects with the analyzer’s preferred reason when the score rejects', () => {
    const d = decide([failed('isIdentityDocument', 'no-mrz')], weights, thresholds, 'document-unreadable');
    expect(d.rejectionReason?.type).toBe('document-unreadable');
  });

  it('rejects a capture to retake that the score would accept or send to review, keeping score and checks', () => {
    const clean = decide([passed('mrzChecksum')], weights, thresholds, undefined, 'document-not-open');
    expect(clean).toMatchObject({
      score: 100,
      status: 'rejected',
      rejectionReason: { type: 'document-not-open' },
      checkList: [{ name: 'mrzChecksum', failed: false, score: weights.mrzChecksum }],
    });
    expect(clean.rejectionReason!.message).toMatch(/not fully open or visible/);
    const doubtful = decide([failed('isPhotocopy')], weights, thresholds, undefined, 'document-unreadable');
    expect(doubtful).toMatchObject({ score: 75, status: 'rejected' });
    expect(doubtful.rejectionReason?.type).toBe('document-unreadable');
  });

  it('keeps the reason of a score that rejects on its own over the retake', () => {
    const d = decide(
      [failed('expirationDate', 'expired')],
      weights,
      thresholds,
      undefined,
      'document-unreadable',
    );
    expect(d.rejectionReason?.type).toBe('document-expired');
  });
});
