/**
 * Rebilly-style write rate limit (spec §3.4): per organization, writes only, X-RateLimit-* headers and a
 * Unix-timestamp X-RateLimit-Retry-After on 429. An app of its own, built with RATE_LIMIT_MAX=3.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, secret, type TestApp } from './helpers/app.ts';
import { expectProblem } from './helpers/problem.ts';

const WINDOW_MS = 86_400_000;
let limited: TestApp;
beforeAll(async () => {
  // A one-day window, so that the writes below do not straddle a window boundary.
  limited = await createTestApp({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: String(WINDOW_MS) });
});
afterAll(async () => limited.close());

describe('rate limit', () => {
  it('answers the 4th write of a window with 429 and X-RateLimit-Retry-After, and never limits GETs', async () => {
    const write = () =>
      limited.app.inject({
        method: 'POST',
        url: '/customers',
        headers: secret(limited.org),
        payload: { primaryAddress: { firstName: 'Rate' } },
      });
    const statuses = [];
    const remaining = [];
    for (let i = 0; i < 3; i++) {
      const res = await write();
      statuses.push(res.statusCode);
      remaining.push(res.headers['x-ratelimit-remaining']);
      expect(res.headers['x-ratelimit-limit']).toBe('3');
    }
    expect(statuses).toEqual([201, 201, 201]);
    expect(remaining).toEqual(['2', '1', '0']);

    const fourth = await write();
    const body = expectProblem(fourth, 429);
    expect(body.title).toBe('Too Many Requests');
    const retryAfter = Number(fourth.headers['x-ratelimit-retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(Date.now() / 1000);
    expect(retryAfter).toBeLessThanOrEqual(Date.now() / 1000 + WINDOW_MS / 1000 + 1);
    expect(retryAfter % (WINDOW_MS / 1000)).toBe(0);
    expect(fourth.headers['x-ratelimit-remaining']).toBe('0');

    for (let i = 0; i < 5; i++) {
      const res = await limited.app.inject({
        method: 'GET',
        url: '/customers',
        headers: secret(limited.org),
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toHaveLength(3);
    }
    // The limit is per organization.
    const other = await limited.createOrg('not limited');
    const res = await limited.app.inject({
      method: 'POST',
      url: '/customers',
      headers: secret(other),
      payload: {},
    });
    expect(res.statusCode).toBe(201);
  });
});
