/**
 * Authentication and authorization: passwordless login and exchange, customer JWT attacks, ACLs,
 * credential kinds per route, API key lifecycle and IP allowlists.
 */
import { decodeJwt, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../src/lib/secrets.ts';
import { bearer, createTestApp, secret, type TestApp } from './helpers/app.ts';
import { expectProblem } from './helpers/problem.ts';
import { createCustomer, customerJwt, loginToken } from './helpers/tokens.ts';

let t: TestApp;
let customerId: string;
beforeAll(async () => {
  t = await createTestApp();
  customerId = await createCustomer(t, t.org);
});
afterAll(async () => t.close());

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const past = () => new Date(Date.now() - 60_000).toISOString();

function getAccount(headers: Record<string, string>) {
  return t.app.inject({ method: 'GET', url: '/storefront/account', headers });
}

function exchange(token: string, payload: Record<string, unknown> = {}, headers = secret(t.org)) {
  return t.app.inject({
    method: 'POST',
    url: `/organizations/${t.org.id}/authentication-tokens/${token}/exchange`,
    headers,
    payload,
  });
}

describe('passwordless login and exchange', () => {
  it('logs in, verifies and exchanges a token for a customer JWT that opens the storefront', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: `/organizations/${t.org.id}/authentication-tokens`,
      headers: secret(t.org),
      payload: { mode: 'passwordless', customerId },
    });
    expect(login.statusCode).toBe(201);
    const { token } = login.json();
    expect(token).toEqual(expect.any(String));
    expect(login.json()).toMatchObject({ customerId, otpRequired: false });
    expect(Date.parse(login.json().expiredTime)).toBeGreaterThan(Date.now());
    expect(login.headers.location).toBe(
      `http://kycgate.test/organizations/${t.org.id}/authentication-tokens/${token}`,
    );

    const verified = await t.app.inject({
      method: 'GET',
      url: `/authentication-tokens/${token}`,
      headers: secret(t.org),
    });
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toMatchObject({ customerId, token });

    const claims = { documents: ['identity-proof'], redirectUrl: 'https://shop.example/back' };
    const acl = [
      { scope: { organizationId: [t.org.id] }, permissions: ['StorefrontGetAccount', 'PostFile'] },
    ];
    const exchanged = await exchange(token, { acl, customClaims: claims });
    expect(exchanged.statusCode).toBe(201);
    const jwt = exchanged.json();
    expect(jwt).toMatchObject({ type: 'customer', customerId, acl, customClaims: claims });
    expect(jwt.id).toMatch(/^jwt_[0-9A-Z]{26}$/);
    const ttl = Date.parse(jwt.expiredTime) - Date.parse(jwt.createdTime);
    expect(ttl).toBe(3_600_000);
    const payload = decodeJwt(jwt.token);
    expect(payload).toMatchObject({ sub: customerId, org: t.org.id, jti: jwt.id });

    const account = await getAccount(bearer(jwt.token));
    expect(account.statusCode).toBe(200);
    expect(account.json().id).toBe(customerId);
  });

  it('uses up the login token: a second exchange is 401, verify is 404', async () => {
    const token = await loginToken(t, t.org, customerId);
    expect((await exchange(token)).statusCode).toBe(201);
    expectProblem(await exchange(token), 401);
    const verify = await t.app.inject({
      method: 'GET',
      url: `/authentication-tokens/${token}`,
      headers: secret(t.org),
    });
    expectProblem(verify, 404);
  });

  it('lets invalidate:false reuse the token until an exchange uses it up', async () => {
    const token = await loginToken(t, t.org, customerId);
    const first = await exchange(token, { invalidate: false });
    const second = await exchange(token, { invalidate: false });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json().id).not.toBe(first.json().id);
    expect((await exchange(token)).statusCode).toBe(201);
    expectProblem(await exchange(token), 401);
  });

  it('honours expiredTime on the exchange and refuses one in the past', async () => {
    const token = await loginToken(t, t.org, customerId);
    const wanted = new Date(Date.now() + 10 * 60_000);
    wanted.setMilliseconds(0);
    const res = await exchange(token, { expiredTime: wanted.toISOString(), invalidate: false });
    expect(res.statusCode).toBe(201);
    expect(Date.parse(res.json().expiredTime)).toBe(wanted.getTime());
    expect(decodeJwt(res.json().token).exp).toBe(wanted.getTime() / 1000);
    const late = expectProblem(await exchange(token, { expiredTime: past() }), 422);
    expect(late.invalidFields).toEqual([{ field: 'expiredTime', message: expect.any(String) }]);
  });

  it('refuses an expired login token on verify, exchange and logout', async () => {
    const soon = new Date(Date.now() + 120_000).toISOString();
    const token = await loginToken(t, t.org, customerId, { expiredTime: soon });
    const verifyUrl = `/authentication-tokens/${token}`;
    expect((await t.app.inject({ method: 'GET', url: verifyUrl, headers: secret(t.org) })).statusCode).toBe(
      200,
    );
    const updated = await t.deps.db.kysely
      .updateTable('authTokens')
      .set({ expiredTime: past() })
      .where('tokenHash', '=', hashSecret(token))
      .executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(1n);

    expectProblem(await t.app.inject({ method: 'GET', url: verifyUrl, headers: secret(t.org) }), 404);
    expectProblem(await exchange(token), 401);
    expectProblem(await t.app.inject({ method: 'DELETE', url: verifyUrl, headers: secret(t.org) }), 404);
  });

  it('logs a login token out: 204, then verify 404 and exchange 401', async () => {
    const token = await loginToken(t, t.org, customerId);
    const url = `/organizations/${t.org.id}/authentication-tokens/${token}`;
    const out = await t.app.inject({ method: 'DELETE', url, headers: secret(t.org) });
    expect(out.statusCode).toBe(204);
    expect(out.body).toBe('');
    expectProblem(await t.app.inject({ method: 'GET', url, headers: secret(t.org) }), 404);
    expectProblem(await exchange(token), 401);
  });

  it('refuses a login for a customer that does not exist, and password mode', async () => {
    const missing = await t.app.inject({
      method: 'POST',
      url: '/authentication-tokens',
      headers: secret(t.org),
      payload: { mode: 'passwordless', customerId: 'cus_nobody' },
    });
    expect(expectProblem(missing, 422).invalidFields).toEqual([
      { field: 'customerId', message: expect.any(String) },
    ]);
    const password = await t.app.inject({
      method: 'POST',
      url: '/authentication-tokens',
      headers: secret(t.org),
      payload: { mode: 'password', username: 'ada', password: 'x' },
    });
    expectProblem(password, 422);
  });

  it('lists live login tokens without revealing them', async () => {
    const token = await loginToken(t, t.org, customerId);
    const res = await t.app.inject({ method: 'GET', url: '/authentication-tokens', headers: secret(t.org) });
    expect(res.statusCode).toBe(200);
    expect(Number(res.headers['pagination-total'])).toBeGreaterThanOrEqual(1);
    expect(res.json().length).toBeGreaterThanOrEqual(1);
    expect(res.json().every((item: { token: unknown }) => item.token === null)).toBe(true);
    expect(res.body).not.toContain(token);
  });
});

describe('customer JWT attacks', () => {
  let valid: { token: string; id: string };
  let payload: Record<string, unknown>;
  const jwtSecret = () => new TextEncoder().encode(t.config.jwtSecret);

  beforeAll(async () => {
    valid = await customerJwt(t, t.org, customerId);
    payload = decodeJwt(valid.token);
  });

  const resign = (claims: Record<string, unknown>, key: Uint8Array) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);

  it('accepts a token re-signed with the real secret (control for the cases below)', async () => {
    const token = await resign({ ...payload, exp: Math.floor(Date.now() / 1000) + 600 }, jwtSecret());
    expect((await getAccount(bearer(token))).statusCode).toBe(200);
  });

  it('refuses a JWT whose exp is in the past', async () => {
    const token = await resign({ ...payload, exp: Math.floor(Date.now() / 1000) - 60 }, jwtSecret());
    expectProblem(await getAccount(bearer(token)), 401);
  });

  it('refuses a JWT whose row has expired', async () => {
    const jwt = await customerJwt(t, t.org, customerId);
    expect((await getAccount(bearer(jwt.token))).statusCode).toBe(200);
    await t.deps.db.kysely
      .updateTable('customerJwts')
      .set({ expiredTime: past() })
      .where('id', '=', jwt.id)
      .execute();
    expectProblem(await getAccount(bearer(jwt.token)), 401);
  });

  it('refuses a JWT signed with another secret', async () => {
    const token = await resign(payload, new TextEncoder().encode('another-secret-another-secret-0123456789'));
    expectProblem(await getAccount(bearer(token)), 401);
  });

  it('refuses an alg:none token', async () => {
    for (const alg of ['none', 'None', 'NONE']) {
      const token = `${b64url({ alg, typ: 'JWT' })}.${b64url(payload)}.`;
      expectProblem(await getAccount(bearer(token)), 401);
    }
  });

  it('refuses a token whose payload was tampered with', async () => {
    const other = await createCustomer(t, t.org, 'Mallory');
    const [header, , signature] = valid.token.split('.');
    const token = `${header}.${b64url({ ...payload, sub: other })}.${signature}`;
    expectProblem(await getAccount(bearer(token)), 401);
  });

  it('refuses a token of the right signature but another audience', async () => {
    const token = await resign({ ...payload, aud: 'someone-else' }, jwtSecret());
    expectProblem(await getAccount(bearer(token)), 401);
  });

  it('refuses Bearer null, Bearer undefined, garbage and an empty Authorization', async () => {
    for (const authorization of ['Bearer null', 'Bearer undefined', 'Bearer abc.def.ghi', 'Bearer ', '']) {
      const res = await getAccount({ authorization });
      const body = expectProblem(res, 401);
      expect(body.detail, authorization).toEqual(expect.any(String));
    }
    expectProblem(await getAccount({}), 401);
  });

  it('refuses a token revoked by storefront POST /logout', async () => {
    const jwt = await customerJwt(t, t.org, customerId);
    const out = await t.app.inject({ method: 'POST', url: '/storefront/logout', headers: bearer(jwt.token) });
    expect(out.statusCode).toBe(204);
    expectProblem(await getAccount(bearer(jwt.token)), 401);
    expectProblem(
      await t.app.inject({ method: 'POST', url: '/storefront/logout', headers: bearer(jwt.token) }),
      401,
    );
    // Other tokens of the same customer live on.
    expect((await getAccount(bearer(valid.token))).statusCode).toBe(200);
  });
});

describe('ACLs and credential kinds', () => {
  it('denies what a customer ACL lacks and allows what it names', async () => {
    const websiteOnly = await customerJwt(t, t.org, customerId, {
      acl: [{ scope: { organizationId: [t.org.id] }, permissions: ['StorefrontGetWebsite'] }],
    });
    expectProblem(await getAccount(bearer(websiteOnly.token)), 403);
    const website = await t.app.inject({
      method: 'GET',
      url: `/storefront/websites/${t.org.websiteId}`,
      headers: bearer(websiteOnly.token),
    });
    expect(website.statusCode).toBe(200);
    expect(website.json().id).toBe(t.org.websiteId);

    const accountOnly = await customerJwt(t, t.org, customerId, {
      acl: [{ scope: { organizationId: [t.org.id] }, permissions: ['StorefrontGetAccount'] }],
    });
    expect((await getAccount(bearer(accountOnly.token))).statusCode).toBe(200);
    expectProblem(
      await t.app.inject({
        method: 'PATCH',
        url: '/storefront/account',
        headers: bearer(accountOnly.token),
        payload: { locale: 'fr' },
      }),
      403,
    );
  });

  it('denies a customer ACL whose scope names another organization', async () => {
    const other = await t.createOrg('acl scope org');
    const jwt = await customerJwt(t, t.org, customerId, {
      acl: [{ scope: { organizationId: [other.id] }, permissions: ['*'] }],
    });
    expectProblem(await getAccount(bearer(jwt.token)), 403);
  });

  it('denies a customer JWT on secret-only routes', async () => {
    const jwt = await customerJwt(t, t.org, customerId);
    for (const url of [
      '/customers',
      `/customers/${customerId}`,
      '/api-keys',
      `/websites/${t.org.websiteId}`,
    ]) {
      expectProblem(await t.app.inject({ method: 'GET', url, headers: bearer(jwt.token) }), 403);
    }
    const login = await t.app.inject({
      method: 'POST',
      url: '/authentication-tokens',
      headers: bearer(jwt.token),
      payload: { mode: 'passwordless', customerId },
    });
    expectProblem(login, 403);
  });

  it('denies a publishable key on secret-only routes and on passwordless login', async () => {
    const pk = { authorization: t.org.publishableKey };
    expectProblem(await t.app.inject({ method: 'GET', url: '/customers', headers: pk }), 403);
    expectProblem(await t.app.inject({ method: 'GET', url: '/api-keys', headers: pk }), 403);
    const login = await t.app.inject({
      method: 'POST',
      url: '/authentication-tokens',
      headers: pk,
      payload: { mode: 'passwordless', customerId },
    });
    expectProblem(login, 403);
    // …but it may verify and exchange a token (the browser-safe operations).
    const token = await loginToken(t, t.org, customerId);
    const verify = await t.app.inject({ method: 'GET', url: `/authentication-tokens/${token}`, headers: pk });
    expect(verify.statusCode).toBe(200);
    expect((await exchange(token, {}, pk)).statusCode).toBe(201);
  });

  it('does not take a publishable key as REB-APIKEY, nor a secret key as a raw Authorization', async () => {
    expectProblem(
      await t.app.inject({
        method: 'GET',
        url: '/customers',
        headers: { 'reb-apikey': t.org.publishableKey },
      }),
      401,
    );
    const raw = await t.app.inject({
      method: 'GET',
      url: `/authentication-tokens/anything`,
      headers: { authorization: t.org.secretKey },
    });
    expectProblem(raw, 401);
    expectProblem(
      await t.app.inject({ method: 'GET', url: '/customers', headers: { 'reb-apikey': 'sk_sandbox_wrong' } }),
      401,
    );
    // Lookups are cached by key: a key first seen in the wrong header still works in the right one.
    const fresh = await t.app.inject({
      method: 'POST',
      url: '/api-keys',
      headers: secret(t.org),
      payload: { description: 'first seen raw' },
    });
    const sk = fresh.json().secretKey as string;
    expectProblem(
      await t.app.inject({ method: 'GET', url: '/customers', headers: { authorization: sk } }),
      401,
    );
    expect(
      (await t.app.inject({ method: 'GET', url: '/customers', headers: { 'reb-apikey': sk } })).statusCode,
    ).toBe(200);
    expectProblem(
      await t.app.inject({ method: 'GET', url: '/customers', headers: { authorization: sk } }),
      401,
    );
  });

  it('denies a secret key what its own ACL lacks', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api-keys',
      headers: secret(t.org),
      payload: {
        description: 'read-only customers',
        acl: [
          { scope: { organizationId: [t.org.id] }, permissions: ['GetCustomerCollection', 'GetCustomer'] },
        ],
      },
    });
    expect(created.statusCode).toBe(201);
    const key = { 'reb-apikey': created.json().secretKey as string };
    expect((await t.app.inject({ method: 'GET', url: '/customers', headers: key })).statusCode).toBe(200);
    expect(
      (await t.app.inject({ method: 'GET', url: `/customers/${customerId}`, headers: key })).statusCode,
    ).toBe(200);
    const post = await t.app.inject({
      method: 'POST',
      url: '/customers',
      headers: key,
      payload: { primaryAddress: { firstName: 'No' } },
    });
    expect(expectProblem(post, 403).detail).toContain('PostCustomer');
    expectProblem(await t.app.inject({ method: 'GET', url: '/api-keys', headers: key }), 403);
  });
});

describe('API keys', () => {
  it('shows a key once, lets it work, and stops it when deleted', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api-keys/',
      headers: secret(t.org),
      payload: { description: 'backend', type: 'secret' },
    });
    expect(created.statusCode).toBe(201);
    const key = created.json();
    expect(key.secretKey).toMatch(/^sk_/);
    expect(key.id).toMatch(/^api_key_/);
    expect(created.headers.location).toBe(`http://kycgate.test/organizations/${t.org.id}/api-keys/${key.id}`);
    expect(key.secretKey.startsWith(key.apiUser)).toBe(true);
    expect(key.apiUser.length).toBeLessThan(key.secretKey.length);

    const got = await t.app.inject({ method: 'GET', url: `/api-keys/${key.id}`, headers: secret(t.org) });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({ id: key.id, description: 'backend', secretKey: null });
    const list = await t.app.inject({ method: 'GET', url: '/api-keys', headers: secret(t.org) });
    expect(list.statusCode).toBe(200);
    expect(list.json().map((k: { id: string }) => k.id)).toContain(key.id);
    expect(list.body).not.toContain(key.secretKey);
    const stored = await t.deps.db.kysely
      .selectFrom('apiKeys')
      .selectAll()
      .where('id', '=', key.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(key.secretKey);

    const headers = { 'reb-apikey': key.secretKey as string };
    expect((await t.app.inject({ method: 'GET', url: '/customers', headers })).statusCode).toBe(200);
    expectProblem(
      await t.app.inject({ method: 'DELETE', url: `/api-keys/${key.id}`, headers }),
      409, // a key cannot delete itself
    );
    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api-keys/${key.id}`,
      headers: secret(t.org),
    });
    expect(deleted.statusCode).toBe(204);
    expectProblem(await t.app.inject({ method: 'GET', url: '/customers', headers }), 401);
    expectProblem(
      await t.app.inject({ method: 'GET', url: `/api-keys/${key.id}`, headers: secret(t.org) }),
      404,
    );
    expectProblem(
      await t.app.inject({ method: 'DELETE', url: `/api-keys/${key.id}`, headers: secret(t.org) }),
      404,
    );
  });

  it('applies a PUT at once, although lookups are cached', async () => {
    const created = await t.app.inject({
      method: 'PUT',
      url: '/api-keys/my-key-1',
      headers: secret(t.org),
      payload: { description: 'first' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ id: 'my-key-1', type: 'secret', secretKey: expect.any(String) });
    const headers = { 'reb-apikey': created.json().secretKey as string };
    expect((await t.app.inject({ method: 'GET', url: '/customers', headers })).statusCode).toBe(200);

    const updated = await t.app.inject({
      method: 'PUT',
      url: '/api-keys/my-key-1',
      headers: secret(t.org),
      payload: { description: 'narrowed', acl: [{ scope: {}, permissions: ['GetApiKeyCollection'] }] },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ description: 'narrowed', secretKey: null });
    expectProblem(await t.app.inject({ method: 'GET', url: '/customers', headers }), 403);
    expect((await t.app.inject({ method: 'GET', url: '/api-keys', headers })).statusCode).toBe(200);

    const retype = await t.app.inject({
      method: 'PUT',
      url: '/api-keys/my-key-1',
      headers: secret(t.org),
      payload: { description: 'x', type: 'publishable' },
    });
    expect(expectProblem(retype, 422).invalidFields).toEqual([
      { field: 'type', message: expect.any(String) },
    ]);
  });

  it('creates a publishable key that works as a raw Authorization header', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api-keys',
      headers: secret(t.org),
      payload: { description: 'browser', type: 'publishable' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().secretKey).toMatch(/^pk_/);
    const token = await loginToken(t, t.org, customerId);
    const verify = await t.app.inject({
      method: 'GET',
      url: `/authentication-tokens/${token}`,
      headers: { authorization: created.json().secretKey as string },
    });
    expect(verify.statusCode).toBe(200);
  });

  it('refuses a key from an IP outside its allowedIps', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api-keys',
      headers: secret(t.org),
      payload: { description: 'office only', allowedIps: ['10.0.0.0/8'] },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().allowedIps).toEqual(['10.0.0.0/8']);
    const headers = { 'reb-apikey': created.json().secretKey as string };
    const from = (remoteAddress: string) =>
      t.app.inject({ method: 'GET', url: '/customers', headers, remoteAddress });
    expectProblem(await from('127.0.0.1'), 401);
    expectProblem(await from('11.0.0.1'), 401);
    expect((await from('10.20.30.40')).statusCode).toBe(200);
    expect((await from('::ffff:10.1.1.1')).statusCode).toBe(200);
    // A cached lookup does not let the refused address through either.
    expectProblem(await from('127.0.0.1'), 401);
  });

  it('validates the key body', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api-keys',
      headers: secret(t.org),
      payload: { description: '', type: 'root', allowedIps: ['not-an-ip'] },
    });
    const body = expectProblem(res, 422);
    const fields = (body.invalidFields as { field: string }[]).map((f) => f.field).sort();
    expect(fields).toEqual(['allowedIps.0', 'description', 'type']);
  });
});
