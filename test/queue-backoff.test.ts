import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_BACKOFF, JITTER_RATIO } from '../src/queue/backoff.ts';

describe('backoffDelayMs', () => {
  const options = { baseMs: 1_000, maxMs: 60_000 };

  it('doubles from baseMs per attempt until maxMs, without jitter', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => backoffDelayMs(attempt, options, () => 0));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
  });

  it('removes at most JITTER_RATIO of the delay, never adds to it', () => {
    expect(backoffDelayMs(3, options, () => 0.5)).toBe(4_000 * (1 - JITTER_RATIO * 0.5));
    // random() < 1, so the delay stays at or above (1 - JITTER_RATIO) × the capped delay (rounded).
    expect(backoffDelayMs(3, options, () => 0.999_999)).toBeGreaterThanOrEqual(4_000 * (1 - JITTER_RATIO));
    expect(backoffDelayMs(30, options, () => 0)).toBe(60_000);
  });

  it('strictly increases until the cap, whatever the jitter', () => {
    for (let attempt = 1; attempt < 6; attempt++) {
      const longestNow = backoffDelayMs(attempt, options, () => 0);
      const shortestNext = backoffDelayMs(attempt + 1, options, () => 0.999_999);
      expect(shortestNext).toBeGreaterThan(longestNow);
    }
  });

  it('does not overflow on huge attempt numbers', () => {
    expect(backoffDelayMs(5_000, options, () => 0)).toBe(60_000);
  });

  it('defaults: 2 s doubling, capped at an hour; nine retries span about 17 minutes', () => {
    expect(DEFAULT_BACKOFF).toEqual({ baseMs: 2_000, maxMs: 3_600_000 });
    const total = [1, 2, 3, 4, 5, 6, 7, 8, 9].reduce(
      (sum, a) => sum + backoffDelayMs(a, DEFAULT_BACKOFF, () => 0),
      0,
    );
    expect(total).toBe(1_022_000);
  });
});
