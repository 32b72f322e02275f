/**
 * The per-address sign-in throttle: one client that fails too often is refused for a while, whatever the
 * emails it tries (so it cannot sweep many accounts below each account's lockout). Its own file: the
 * throttle holds for 15 minutes per app, and every injected request comes from the same address.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_FAILURES_PER_ADDRESS } from '../src/modules/reviewers/sign-in-reviewer.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { expectProblem } from './helpers/problem.ts';
import { createReviewer, REVIEWER_PASSWORD } from './helpers/reviewers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await createReviewer(t, t.org, { email: 'grace@example.com', name: 'Grace Hopper' });
});
afterAll(async () => t.close());

const signIn = (email: string, password: string) =>
  t.app.inject({
    method: 'POST',
    url: '/reviewer-sessions',
    payload: { organizationId: t.org.id, email, password },
  });

it(`refuses an address after ${MAX_FAILURES_PER_ADDRESS} failures, even with a right password`, async () => {
  // Unknown emails, one attempt each: no account reaches its own lockout.
  for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) {
    expectProblem(await signIn(`nobody-${i}@example.com`, 'a wrong password'), 401);
  }
  const blocked = await signIn('grace@example.com', REVIEWER_PASSWORD);
  expectProblem(blocked, 429);
  expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  // The account itself is not locked: the refusal came before its password was checked.
  const row = await t.deps.db.kysely
    .selectFrom('reviewers')
    .select(['failedSignIns', 'lockedUntil'])
    .executeTakeFirstOrThrow();
  expect(row).toEqual({ failedSignIns: 0, lockedUntil: null });
});
