/** src/http/web-app.ts: serving a built page (gatherer) — types, caching, CSP, framing, traversal, gzip. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_BUILD_DIR } from '../src/http/web-app.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { createRequest, gathererToken } from './helpers/kyc.ts';

let t: TestApp;
let asset: string;

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build-web.mjs', 'gatherer'], { stdio: 'pipe' });
  // The entry script the built index.html loads.
  const html = readFileSync(path.join(WEB_BUILD_DIR, 'gatherer', 'index.html'), 'utf8');
  asset = /src="\/gatherer\/assets\/([^"]+\.js)"/.exec(html)![1]!;
  t = await createTestApp();
});
afterAll(() => t.close());

const cspDirective = (csp: string, name: string) =>
  csp
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith(`${name} `));

describe('registerWebApp (the gatherer page)', () => {
  it('serves index.html uncached with a strict CSP, no referrer and camera for itself only', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/gatherer/?token=abc' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['permissions-policy']).toMatch(/^camera=\(self\), microphone=\(\)/);
    const csp = String(res.headers['content-security-policy']);
    expect(cspDirective(csp, 'script-src')).toBe("script-src 'self'");
    expect(cspDirective(csp, 'default-src')).toBe("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    // A token that does not verify: framing by kycgate itself only.
    expect(cspDirective(csp, 'frame-ancestors')).toBe("frame-ancestors 'self'");
    expect(res.body).toContain(`/gatherer/assets/${asset}`);
  });

  it("lets the organization's websites frame the page, and nobody else", async () => {
    await t.deps.db.kysely
      .updateTable('websites')
      .set({ url: 'https://shop.example.com/checkout' })
      .where('id', '=', t.org.websiteId)
      .execute();
    const customer = await t.app.inject({
      method: 'POST',
      url: '/customers',
      headers: { 'reb-apikey': t.org.secretKey },
      payload: { primaryAddress: { firstName: 'Ada', lastName: 'Lovelace' } },
    });
    expect(customer.statusCode, customer.body).toBe(201);
    const request = await createRequest(t, t.org, {
      customerId: customer.json().id,
      documents: [{ type: 'identity-proof' }],
    });
    const token = gathererToken(request);
    const res = await t.app.inject({ method: 'GET', url: `/gatherer/?token=${encodeURIComponent(token)}` });
    expect(cspDirective(String(res.headers['content-security-policy']), 'frame-ancestors')).toBe(
      "frame-ancestors 'self' https://shop.example.com",
    );
  });

  it('serves hashed assets immutable, with their type, gzipped when asked', async () => {
    const plain = await t.app.inject({ method: 'GET', url: `/gatherer/assets/${asset}` });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-encoding']).toBeUndefined();
    const zipped = await t.app.inject({
      method: 'GET',
      url: `/gatherer/assets/${asset}`,
      headers: { 'accept-encoding': 'gzip, br' },
    });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.rawPayload).toString()).toBe(plain.body);
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length);
  });

  it('answers client-side routes with the app, missing files with 404, and never leaves the build', async () => {
    const route = await t.app.inject({ method: 'GET', url: '/gatherer/step/2' });
    expect(route.statusCode).toBe(200);
    expect(route.headers['content-type']).toBe('text/html; charset=utf-8');
    const bare = await t.app.inject({ method: 'GET', url: '/gatherer?token=x' });
    expect(bare.statusCode).toBe(200);
    expect(bare.headers['content-type']).toBe('text/html; charset=utf-8');
    for (const url of [
      '/gatherer/assets/missing.js',
      '/gatherer/../package.json',
      '/gatherer/..%2f..%2fpackage.json',
      '/gatherer/%2e%2e/%2e%2e/src/config.ts',
      '/gatherer/assets/..%2f..%2f..%2fpackage.json',
    ]) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.body, url).not.toContain('"scripts"');
      expect(res.body, url).not.toContain('loadConfig');
      if (res.headers['content-type']?.toString().startsWith('application/problem+json'))
        expect(res.statusCode, url).toBe(404);
    }
  });

  it('short links /g/<code> redirect to the gatherer with the token; a forged code is a 404', async () => {
    const customer = await t.app.inject({
      method: 'POST',
      url: '/customers',
      headers: { 'reb-apikey': t.org.secretKey },
      payload: { primaryAddress: { firstName: 'Ada', lastName: 'Lovelace' } },
    });
    const request = await createRequest(t, t.org, {
      customerId: customer.json().id,
      documents: [{ type: 'identity-proof' }],
    });
    const token = gathererToken(request);
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string };
    const code = `${claims.jti.slice(4)}${token.split('.')[2]!.slice(0, 10)}`;
    const res = await t.app.inject({ method: 'GET', url: `/g/${code}` });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe(`/gatherer/?token=${encodeURIComponent(token)}`);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    const last = code.at(-1) === 'A' ? 'B' : 'A';
    for (const forged of [
      `${code.slice(0, -1)}${last}`,
      code.slice(0, 30),
      `${'0'.repeat(26)}${code.slice(26)}`,
    ]) {
      const miss = await t.app.inject({ method: 'GET', url: `/g/${forged}` });
      expect(miss.statusCode, forged).toBe(404);
      expect(miss.body).not.toContain('token');
    }
  });
});
