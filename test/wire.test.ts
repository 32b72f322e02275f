/**
 * Wire conventions the Rebilly SDKs and spec rely on: URL prefixes, trailing slashes, body-less form
 * POSTs, problem JSON for every failure, body limits, the OpenAPI document and the docs page, health
 * checks. Rate limits are in rate-limit.test.ts (an app of their own).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactUrl } from '../src/app.ts';
import { bearer, createTestApp, secret, type TestApp } from './helpers/app.ts';
import { expectProblem } from './helpers/problem.ts';
import { createCustomer, customerJwt, loginToken } from './helpers/tokens.ts';

let t: TestApp;
let customerId: string;
beforeAll(async () => {
  t = await createTestApp({ MAX_UPLOAD_BYTES: '1024' });
  customerId = await createCustomer(t, t.org);
});
afterAll(async () => t.close());

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('prefixes and slashes', () => {
  it('serves the core API under /organizations/{id} and bare', async () => {
    const bodies = [];
    for (const url of [`/organizations/${t.org.id}/customers/${customerId}`, `/customers/${customerId}`]) {
      const res = await t.app.inject({ method: 'GET', url, headers: secret(t.org) });
      expect(res.statusCode, url).toBe(200);
      bodies.push(res.json());
    }
    expect(bodies[1]).toEqual(bodies[0]);
  });

  it('serves the storefront under all three prefixes', async () => {
    const { token } = await customerJwt(t, t.org, customerId);
    const bodies = [];
    for (const url of [
      `/storefront/organizations/${t.org.id}/account`,
      `/organizations/${t.org.id}/storefront/account`,
      '/storefront/account',
    ]) {
      const res = await t.app.inject({ method: 'GET', url, headers: bearer(token) });
      expect(res.statusCode, url).toBe(200);
      bodies.push(res.json());
    }
    expect(bodies[0].id).toBe(customerId);
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
  });

  it('does not serve storefront routes on the core prefixes, nor core routes on the storefront ones', async () => {
    const { token } = await customerJwt(t, t.org, customerId);
    expectProblem(await t.app.inject({ method: 'GET', url: '/account', headers: bearer(token) }), 404);
    expectProblem(
      await t.app.inject({ method: 'GET', url: '/storefront/customers', headers: secret(t.org) }),
      404,
    );
  });

  it('accepts collection POSTs with a trailing slash', async () => {
    for (const url of ['/customers/', `/organizations/${t.org.id}/customers/`]) {
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers: secret(t.org),
        payload: { primaryAddress: { firstName: 'Slash' } },
      });
      expect(res.statusCode, url).toBe(201);
      expect(res.json().firstName).toBe('Slash');
    }
    const key = await t.app.inject({
      method: 'POST',
      url: `/organizations/${t.org.id}/api-keys/`,
      headers: secret(t.org),
      payload: { description: 'slash' },
    });
    expect(key.statusCode).toBe(201);
    const list = await t.app.inject({ method: 'GET', url: '/customers/?limit=1', headers: secret(t.org) });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toHaveLength(1);
  });
});

describe('body-less form POSTs', () => {
  it('accepts POST /storefront/logout with an empty form body', async () => {
    const { token } = await customerJwt(t, t.org, customerId);
    const res = await t.app.inject({
      method: 'POST',
      url: '/storefront/logout',
      headers: { ...bearer(token), ...FORM },
      payload: '',
    });
    expect(res.statusCode).toBe(204);
    expectProblem(
      await t.app.inject({ method: 'GET', url: '/storefront/account', headers: bearer(token) }),
      401,
    );
  });

  it('accepts an exchange with an empty form body, with the default of invalidate', async () => {
    const login = await loginToken(t, t.org, customerId);
    const url = `/organizations/${t.org.id}/authentication-tokens/${login}/exchange`;
    const res = await t.app.inject({
      method: 'POST',
      url,
      headers: { ...secret(t.org), ...FORM },
      payload: '',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ type: 'customer', customerId });
    const account = await t.app.inject({
      method: 'GET',
      url: '/storefront/account',
      headers: bearer(res.json().token),
    });
    expect(account.statusCode).toBe(200);
    // invalidate defaults to true: the login token is used up.
    expectProblem(
      await t.app.inject({ method: 'POST', url, headers: { ...secret(t.org), ...FORM }, payload: '' }),
      401,
    );
  });

  it('accepts a body-less POST with no content type at all', async () => {
    const login = await loginToken(t, t.org, customerId);
    const res = await t.app.inject({
      method: 'POST',
      url: `/authentication-tokens/${login}/exchange`,
      headers: secret(t.org),
    });
    expect(res.statusCode).toBe(201);
  });
});

describe('problem JSON', () => {
  it('answers malformed JSON with 400', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/customers',
      headers: { ...secret(t.org), 'content-type': 'application/json' },
      payload: '{"primaryAddress": {',
    });
    const body = expectProblem(res, 400);
    expect(body.title).toBe('Bad Request');
    expect(body.instance).toBe('/customers');
  });

  it('answers wrong types and missing fields with 422 and dot-notation invalidFields', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/organizations/${t.org.id}/customers`,
      headers: secret(t.org),
      payload: {
        primaryAddress: {
          firstName: 42,
          country: 'gb',
          emails: [{ value: 'ada@example.com' }],
          phoneNumbers: [{ label: 'home', value: 5 }],
        },
        customFields: 'nope',
      },
    });
    const body = expectProblem(res, 422);
    const fields = (body.invalidFields as { field: string; message: string }[]).map((f) => f.field).sort();
    expect(fields).toEqual([
      'customFields',
      'primaryAddress.country',
      'primaryAddress.emails.0.label',
      'primaryAddress.firstName',
      'primaryAddress.phoneNumbers.0.value',
    ]);
    for (const field of body.invalidFields as { message: string }[]) expect(field.message).not.toBe('');
    expect(body.detail).toContain('primaryAddress.firstName');
  });

  it('does not coerce body types', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/authentication-tokens',
      headers: secret(t.org),
      payload: { mode: 'passwordless', customerId, otpRequired: 'false' },
    });
    expect(expectProblem(res, 422).invalidFields).toEqual([
      { field: 'otpRequired', message: expect.any(String) },
    ]);
    const missing = await t.app.inject({
      method: 'POST',
      url: '/authentication-tokens',
      headers: secret(t.org),
      payload: { customerId },
    });
    expect(expectProblem(missing, 422).invalidFields).toEqual([{ field: 'mode', message: 'is required' }]);
  });

  it('answers a body over the limit with 413', async () => {
    expect(t.config.bodyLimitBytes).toBeLessThan(2 * 1024 * 1024);
    const big = JSON.stringify({
      primaryAddress: { firstName: 'Big' },
      customFields: { x: 'a'.repeat(2 * 1024 * 1024) },
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/customers',
      headers: { ...secret(t.org), 'content-type': 'application/json' },
      payload: big,
    });
    const body = expectProblem(res, 413);
    expect(body.detail).toMatch(/larger/);
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/no-such-thing?x=1', headers: secret(t.org) });
    const body = expectProblem(res, 404);
    expect(body).toMatchObject({ title: 'Not Found', instance: '/no-such-thing' });
    expectProblem(await t.app.inject({ method: 'GET', url: '/no-such-thing' }), 404);
    expectProblem(
      await t.app.inject({ method: 'PATCH', url: `/customers/${customerId}`, headers: secret(t.org) }),
      404,
    );
  });

  it('answers an unsupported content type with 415', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/customers',
      headers: { ...secret(t.org), 'content-type': 'application/xml' },
      payload: '<customer/>',
    });
    expectProblem(res, 415);
  });

  it('gives every problem type, title, status, detail and instance', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/organizations/${t.org.id}/customers/nope` });
    const body = expectProblem(res, 401);
    expect(body).toEqual({
      type: expect.stringMatching(/\S/),
      title: 'Unauthorized',
      status: 401,
      detail: expect.stringMatching(/\S/),
      instance: `/organizations/${t.org.id}/customers/nope`,
      error: body.detail,
    });
  });

  it('uses the request path without its query as the instance', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/customers/nope?expand=website',
      headers: secret(t.org),
    });
    expect(expectProblem(res, 404).instance).toBe('/customers/nope');
  });
});

describe('OpenAPI and docs', () => {
  interface OpenApi {
    openapi: string;
    info: { title: string; version: string };
    paths: Record<
      string,
      Record<
        string,
        {
          operationId?: string;
          security?: unknown[];
          parameters?: { in: string; name: string; required?: boolean }[];
        }
      >
    >;
    components: { securitySchemes: Record<string, { type: string }> };
  }

  it('publishes an OpenAPI 3.1 document without alias prefixes', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = res.json<OpenApi>();
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info).toMatchObject({ title: 'kycgate', version: expect.any(String) });
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
      'CustomerJWT',
      'PublishableApiKey',
      'ReviewerSession',
      'SecretApiKey',
    ]);

    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, ...op })),
    );
    const ids = operations.map((op) => op.operationId);
    for (const id of [
      'PostCustomer',
      'GetCustomerCollection',
      'PostAuthenticationTokenExchange',
      'StorefrontGetAccount',
    ]) {
      expect(
        ids.filter((x) => x === id),
        id,
      ).toHaveLength(1);
    }
    expect(new Set(ids).size).toBe(ids.length);

    const byId = (id: string) => operations.find((op) => op.operationId === id)!;
    expect(byId('PostCustomer')).toMatchObject({
      path: '/organizations/{organizationId}/customers',
      method: 'post',
      security: [{ SecretApiKey: [] }],
    });
    expect(byId('StorefrontGetAccount')).toMatchObject({
      path: '/storefront/organizations/{organizationId}/account',
      security: [{ CustomerJWT: [] }],
    });
    expect(byId('PostAuthenticationTokenExchange').security).toEqual([
      { SecretApiKey: [] },
      { PublishableApiKey: [] },
    ]);

    for (const path of Object.keys(doc.paths)) {
      expect(
        path.startsWith('/organizations/{organizationId}/') ||
          path.startsWith('/storefront/organizations/{organizationId}/'),
        path,
      ).toBe(true);
      expect(path, path).not.toMatch(/^\/organizations\/\{organizationId\}\/storefront\//);
    }
    // Every template variable of a path is declared as a path parameter, and nothing else is.
    for (const op of operations) {
      const inPath = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = (op.parameters ?? [])
        .filter((p) => p.in === 'path')
        .map((p) => {
          expect(p.required, `${op.path} ${p.name}`).toBe(true);
          return p.name;
        })
        .sort();
      expect(declared, `${op.method} ${op.path}`).toEqual(inPath);
    }
    expect(Object.keys(doc.paths)).not.toContain('/customers');
    expect(Object.keys(doc.paths)).not.toContain('/storefront/account');
    expect(Object.keys(doc.paths)).not.toContain('/openapi.json');
    expect(Object.keys(doc.paths)).not.toContain('/healthz');
  });

  it('serves the docs page with no external scripts or styles', async () => {
    let res = await t.app.inject({ method: 'GET', url: '/docs' });
    for (let hops = 0; res.statusCode >= 300 && res.statusCode < 400 && hops < 3; hops++) {
      const location = new URL(String(res.headers.location), 'http://kycgate.test/docs/');
      res = await t.app.inject({ method: 'GET', url: location.pathname });
    }
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const html = res.body;
    expect(html).toMatch(/<script/i);
    const urls = [...html.matchAll(/(?:src|href)\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url, url).not.toMatch(/^(https?:)?\/\//i);
    expect(html).not.toMatch(/@import\s+url\(\s*["']?https?:/i);
    // The scripts it names are served here.
    for (const url of urls.filter((u) => /\.(js|css)$/.test(u))) {
      const asset = await t.app.inject({
        method: 'GET',
        url: new URL(url, 'http://kycgate.test/docs/').pathname,
      });
      expect(asset.statusCode, url).toBe(200);
    }
  });
});

describe('health', () => {
  it('answers /healthz and /readyz without credentials', async () => {
    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
  });
});

describe('log redaction', () => {
  it('masks login tokens and JWTs in logged URLs', () => {
    expect(redactUrl('/organizations/org_1/authentication-tokens/s3cr3t/exchange?x=1')).toBe(
      '/organizations/org_1/authentication-tokens/[redacted]/exchange?x=1',
    );
    expect(redactUrl('/gatherer/?token=abc.def.ghi&lang=fr')).toBe('/gatherer/?token=[redacted]&lang=fr');
    expect(redactUrl('/customers?filter=id:cus_1')).toBe('/customers?filter=id:cus_1');
  });
});
