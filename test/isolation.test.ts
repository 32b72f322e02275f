/**
 * Organizations are walled off from each other: another organization's ids are unknown (404), its
 * prefix is forbidden (403), its rows never show in lists, and a client-chosen id names a separate
 * resource in each organization (composite keys). Customers are walled off from each other too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, secret, type TestApp, type TestOrg } from './helpers/app.ts';
import { expectProblem } from './helpers/problem.ts';
import { createCustomer, customerJwt, loginToken } from './helpers/tokens.ts';

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
const aIds = { customer: '', apiKey: '', token: '' };

beforeAll(async () => {
  t = await createTestApp();
  a = t.org;
  b = await t.createOrg('Organization B');
  aIds.customer = await createCustomer(t, a, 'Alice');
  const key = await t.app.inject({
    method: 'POST',
    url: '/api-keys',
    headers: secret(a),
    payload: { description: 'A key' },
  });
  expect(key.statusCode).toBe(201);
  aIds.apiKey = key.json().id;
  aIds.token = await loginToken(t, a, aIds.customer);
  await createCustomer(t, b, 'Bob');
});
afterAll(async () => t.close());

describe('organization isolation', () => {
  it('answers 404 to B for every id of A, on both core prefixes', async () => {
    const paths = [
      `customers/${aIds.customer}`,
      `api-keys/${aIds.apiKey}`,
      `authentication-tokens/${aIds.token}`,
      `websites/${a.websiteId}`,
    ];
    for (const path of paths) {
      for (const url of [`/${path}`, `/organizations/${b.id}/${path}`]) {
        expectProblem(await t.app.inject({ method: 'GET', url, headers: secret(b) }), 404);
      }
    }
    // The same paths do exist for A (so the 404s above are about the organization).
    for (const path of paths) {
      const res = await t.app.inject({ method: 'GET', url: `/${path}`, headers: secret(a) });
      expect(res.statusCode, path).toBe(200);
    }
  });

  it("does not let B delete, log out or exchange A's resources", async () => {
    expectProblem(
      await t.app.inject({ method: 'DELETE', url: `/api-keys/${aIds.apiKey}`, headers: secret(b) }),
      404,
    );
    expectProblem(
      await t.app.inject({
        method: 'DELETE',
        url: `/authentication-tokens/${aIds.token}`,
        headers: secret(b),
      }),
      404,
    );
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: `/authentication-tokens/${aIds.token}/exchange`,
        headers: secret(b),
        payload: {},
      }),
      401,
    );
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: `/authentication-tokens/${aIds.token}/exchange`,
        headers: { authorization: b.publishableKey },
        payload: {},
      }),
      401,
    );
    const login = await t.app.inject({
      method: 'POST',
      url: '/authentication-tokens',
      headers: secret(b),
      payload: { mode: 'passwordless', customerId: aIds.customer },
    });
    expectProblem(login, 422);
    // A's key and token still work for A.
    expect(
      (await t.app.inject({ method: 'GET', url: `/api-keys/${aIds.apiKey}`, headers: secret(a) })).statusCode,
    ).toBe(200);
    expect(
      (await t.app.inject({ method: 'GET', url: `/authentication-tokens/${aIds.token}`, headers: secret(a) }))
        .statusCode,
    ).toBe(200);
  });

  it("lets B PUT A's customer id: a new customer of B, A's untouched", async () => {
    const before = (
      await t.app.inject({ method: 'GET', url: `/customers/${aIds.customer}`, headers: secret(a) })
    ).json();
    const put = await t.app.inject({
      method: 'PUT',
      url: `/customers/${aIds.customer}`,
      headers: secret(b),
      payload: { primaryAddress: { firstName: 'Bobby', lastName: 'Tables' } },
    });
    expect(put.statusCode).toBe(201);
    expect(put.json()).toMatchObject({
      id: aIds.customer,
      organizationId: b.id,
      firstName: 'Bobby',
      revision: 1,
    });

    const after = await t.app.inject({
      method: 'GET',
      url: `/customers/${aIds.customer}`,
      headers: secret(a),
    });
    expect(after.json()).toEqual(before);
    const bs = await t.app.inject({ method: 'GET', url: `/customers/${aIds.customer}`, headers: secret(b) });
    expect(bs.json()).toMatchObject({ organizationId: b.id, firstName: 'Bobby' });

    // POST with the same id in a third organization is no conflict either.
    const c = await t.createOrg('Organization C');
    const post = await t.app.inject({
      method: 'POST',
      url: '/customers/',
      headers: secret(c),
      payload: { id: aIds.customer },
    });
    expect(post.statusCode).toBe(201);
  });

  it("lets B PUT A's API key id: a new key of B, A's key untouched and still working", async () => {
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api-keys/${aIds.apiKey}`,
      headers: secret(b),
      payload: { description: 'B key with the same id' },
    });
    expect(put.statusCode).toBe(201);
    const bKey = put.json().secretKey as string;
    const aKey = await t.app.inject({ method: 'GET', url: `/api-keys/${aIds.apiKey}`, headers: secret(a) });
    expect(aKey.json()).toMatchObject({ description: 'A key' });
    const asB = await t.app.inject({ method: 'GET', url: '/customers', headers: { 'reb-apikey': bKey } });
    expect(asB.json().every((c: { organizationId: string }) => c.organizationId === b.id)).toBe(true);
  });

  it("forbids B on A's prefix, for every kind of route", async () => {
    const urls = [
      `/organizations/${a.id}/customers`,
      `/organizations/${a.id}/customers/${aIds.customer}`,
      `/organizations/${a.id}/api-keys`,
      `/organizations/${a.id}/authentication-tokens/${aIds.token}`,
      `/organizations/${a.id}/websites/${a.websiteId}`,
      `/organizations/${a.id}/customers/does-not-exist`,
    ];
    for (const url of urls) {
      const res = await t.app.inject({ method: 'GET', url, headers: secret(b) });
      expect(expectProblem(res, 403).detail, url).toContain(a.id);
    }
    const put = await t.app.inject({
      method: 'PUT',
      url: `/organizations/${a.id}/customers/${aIds.customer}`,
      headers: secret(b),
      payload: { primaryAddress: { firstName: 'Evil' } },
    });
    expectProblem(put, 403);
    const login = await t.app.inject({
      method: 'POST',
      url: `/organizations/${a.id}/authentication-tokens`,
      headers: secret(b),
      payload: { mode: 'passwordless', customerId: aIds.customer },
    });
    expectProblem(login, 403);
    const alice = await t.app.inject({
      method: 'GET',
      url: `/customers/${aIds.customer}`,
      headers: secret(a),
    });
    expect(alice.json().firstName).toBe('Alice');
  });

  it("never lists A's rows to B", async () => {
    for (const url of [
      '/customers?limit=1000',
      '/api-keys?limit=1000',
      '/authentication-tokens?limit=1000',
    ]) {
      const res = await t.app.inject({ method: 'GET', url, headers: secret(b) });
      expect(res.statusCode, url).toBe(200);
      expect(res.json().length, url).toBe(Number(res.headers['pagination-total']));
      expect(res.body, url).not.toContain(a.id);
      expect(res.body, url).not.toContain('Alice');
      expect(res.body, url).not.toContain('A key');
    }
    const customers = await t.app.inject({ method: 'GET', url: '/customers', headers: secret(b) });
    expect(customers.json().every((c: { organizationId: string }) => c.organizationId === b.id)).toBe(true);
    const keys = await t.app.inject({ method: 'GET', url: '/api-keys', headers: secret(b) });
    expect(keys.json().map((k: { id: string }) => k.id)).not.toContain(
      (await t.app.inject({ method: 'GET', url: '/api-keys', headers: secret(a) }))
        .json()
        .find((k: { description: string }) => k.description === 'Default secret key').id,
    );
    const tokens = await t.app.inject({ method: 'GET', url: '/authentication-tokens', headers: secret(b) });
    expect(tokens.json().map((x: { customerId: string }) => x.customerId)).not.toContain(aIds.customer);
    // A sees its own.
    const aTokens = await t.app.inject({ method: 'GET', url: '/authentication-tokens', headers: secret(a) });
    expect(aTokens.json().map((x: { customerId: string }) => x.customerId)).toContain(aIds.customer);
    // Search and filters do not reach across either.
    const search = await t.app.inject({ method: 'GET', url: `/customers?q=Alice`, headers: secret(b) });
    expect(search.json()).toEqual([]);
    const filter = await t.app.inject({
      method: 'GET',
      url: `/customers?filter=id:${aIds.customer}`,
      headers: secret(b),
    });
    expect(filter.json().map((c: { organizationId: string }) => c.organizationId)).not.toContain(a.id);
  });
});

describe('customer isolation', () => {
  it('gives each customer JWT its own account only', async () => {
    const x = await createCustomer(t, a, 'Xena');
    const y = await createCustomer(t, a, 'Yusuf');
    const xJwt = await customerJwt(t, a, x);
    const yJwt = await customerJwt(t, a, y);
    const xAccount = await t.app.inject({
      method: 'GET',
      url: '/storefront/account',
      headers: bearer(xJwt.token),
    });
    const yAccount = await t.app.inject({
      method: 'GET',
      url: '/storefront/account',
      headers: bearer(yJwt.token),
    });
    expect(xAccount.json()).toMatchObject({ id: x, primaryAddress: { firstName: 'Xena' } });
    expect(yAccount.json()).toMatchObject({ id: y, primaryAddress: { firstName: 'Yusuf' } });

    // X's token cannot reach Y through the core API…
    expectProblem(
      await t.app.inject({ method: 'GET', url: `/customers/${y}`, headers: bearer(xJwt.token) }),
      403,
    );
    // …nor change anyone's account but its own.
    const patched = await t.app.inject({
      method: 'PATCH',
      url: '/storefront/account',
      headers: bearer(xJwt.token),
      payload: { primaryAddress: { firstName: 'Xena', lastName: 'Warrior' } },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().id).toBe(x);
    const yAgain = await t.app.inject({
      method: 'GET',
      url: '/storefront/account',
      headers: bearer(yJwt.token),
    });
    expect(yAgain.json()).toEqual(yAccount.json());
  });

  it("forbids A's customer JWT on B's storefront prefix, under both storefront forms", async () => {
    const jwt = await customerJwt(t, a, aIds.customer);
    for (const url of [
      `/storefront/organizations/${b.id}/account`,
      `/organizations/${b.id}/storefront/account`,
      `/storefront/organizations/${b.id}/websites/${b.websiteId}`,
    ]) {
      expectProblem(await t.app.inject({ method: 'GET', url, headers: bearer(jwt.token) }), 403);
    }
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: `/storefront/organizations/${b.id}/logout`,
        headers: bearer(jwt.token),
      }),
      403,
    );
    // B's website is unknown on A's own storefront.
    expectProblem(
      await t.app.inject({
        method: 'GET',
        url: `/storefront/websites/${b.websiteId}`,
        headers: bearer(jwt.token),
      }),
      404,
    );
    // And the token still works where it belongs.
    const own = await t.app.inject({
      method: 'GET',
      url: `/storefront/organizations/${a.id}/account`,
      headers: bearer(jwt.token),
    });
    expect(own.json().id).toBe(aIds.customer);
  });
});
