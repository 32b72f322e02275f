/** Factories for customers, login tokens and customer JWTs, through the public API (no shortcuts). */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { secret, type TestApp, type TestOrg } from './app.ts';

/** Creates a customer in `org` and returns its id. */
export async function createCustomer(t: TestApp, org: TestOrg, firstName = 'Ada'): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/customers',
    headers: secret(org),
    payload: {
      websiteId: org.websiteId,
      primaryAddress: { firstName, lastName: `Test-${randomBytes(3).toString('hex')}` },
    },
  });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}

/** A passwordless login token for the customer. */
export async function loginToken(
  t: TestApp,
  org: TestOrg,
  customerId: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/organizations/${org.id}/authentication-tokens`,
    headers: secret(org),
    payload: { mode: 'passwordless', customerId, ...extra },
  });
  expect(res.statusCode).toBe(201);
  return res.json().token as string;
}

/** Login then exchange: a customer JWT (the token) and its row id. */
export async function customerJwt(
  t: TestApp,
  org: TestOrg,
  customerId: string,
  exchange: Record<string, unknown> = {},
): Promise<{ token: string; id: string }> {
  const login = await loginToken(t, org, customerId);
  const res = await t.app.inject({
    method: 'POST',
    url: `/organizations/${org.id}/authentication-tokens/${login}/exchange`,
    headers: secret(org),
    payload: exchange,
  });
  expect(res.statusCode).toBe(201);
  return { token: res.json().token as string, id: res.json().id as string };
}
