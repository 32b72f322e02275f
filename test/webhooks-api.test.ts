/**
 * `/webhooks`, `/service-credentials/webhook`, secret rotation, the SSRF guard (sandbox organizations
 * included) and the verify helper. The SDK's calls are in test/contract/webhooks-sdk.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, secret, type TestApp } from './helpers/app.ts';
import {
  createCredential,
  createWebhook,
  provideDocument,
  startReceiver,
  trackingLogs,
} from './helpers/webhooks.ts';
import { checkAddress, isMetadataHost } from '../src/modules/webhooks/address-guard.ts';
import { sendWebhook } from '../src/modules/webhooks/send-webhook.ts';
import { isSandboxOrganization } from '../src/modules/webhooks/webhooks.repo.ts';
import { ensureDefaultOrganization } from '../src/modules/organizations/ensure-default-organization.ts';
import { createOrganization } from '../src/modules/organizations/create-organization.ts';
import { signatureHeader, verifyWebhookSignature } from '../src/webhooks-verify.ts';

let t: TestApp;
let strict: TestApp;
beforeAll(async () => {
  t = await createTestApp({ WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'on' });
  strict = await createTestApp();
});
afterAll(async () => {
  await t.close();
  await strict.close();
});

/** A sandbox organization (as `npm start` creates): its webhooks may target private networks. */
async function sandboxOrg(app: TestApp) {
  const created = await createOrganization(app.deps.db, { name: 'Sandbox', isSandbox: true });
  return {
    id: created.organization.id,
    websiteId: created.websiteId,
    secretKey: created.secretKey,
    publishableKey: created.publishableKey,
  };
}

describe('webhooks API', () => {
  it('creates, reads, replaces (upsert 200/201), lists and deletes webhooks', async () => {
    const org = await t.createOrg();
    const hook = await createWebhook(t, org, { method: 'POST', url: 'https://example.com/hooks' });
    expect(hook).toMatchObject({
      eventsFilter: [],
      status: 'active',
      headers: [],
      credentialHash: null,
      body: null,
    });
    const got = await t.app.inject({ method: 'GET', url: `/webhooks/${hook.id}`, headers: secret(org) });
    expect(got.statusCode).toBe(200);
    expect(got.json().signingSecret).toBeUndefined();
    const put = await t.app.inject({
      method: 'PUT',
      url: `/webhooks/${hook.id}`,
      headers: secret(org),
      payload: { method: 'PATCH', url: 'https://example.com/v2', eventsFilter: ['kyc-request-fulfilled'] },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ method: 'PATCH', eventsFilter: ['kyc-request-fulfilled'] });
    expect(put.json().signingSecret).toBeUndefined();
    const created = await t.app.inject({
      method: 'PUT',
      url: '/webhooks/hook_mine',
      headers: secret(org),
      payload: { method: 'POST', url: 'https://example.com/mine' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().signingSecret).toMatch(/^whsec_/);
    const list = await t.app.inject({
      method: 'GET',
      url: '/webhooks?filter=status:active',
      headers: secret(org),
    });
    expect(list.json()).toHaveLength(2);
    expect(list.headers['pagination-total']).toBe('2');
    const del = await t.app.inject({ method: 'DELETE', url: `/webhooks/${hook.id}`, headers: secret(org) });
    expect(del.statusCode).toBe(204);
    const again = await t.app.inject({ method: 'DELETE', url: `/webhooks/${hook.id}`, headers: secret(org) });
    expect(again.statusCode).toBe(404);
    const other = await t.createOrg();
    const foreign = await t.app.inject({ method: 'GET', url: '/webhooks/hook_mine', headers: secret(other) });
    expect(foreign.statusCode).toBe(404);
  });

  it('allows at most 25 active webhooks per organization', async () => {
    const org = await t.createOrg();
    for (let i = 0; i < 25; i++)
      await createWebhook(t, org, { method: 'POST', url: `https://example.com/${i}` });
    const res = await t.app.inject({
      method: 'POST',
      url: '/webhooks',
      headers: secret(org),
      payload: { method: 'POST', url: 'https://example.com/26' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().invalidFields[0].field).toBe('status');
    await createWebhook(t, org, { method: 'POST', url: 'https://example.com/off', status: 'inactive' });
  });

  it('validates filter conditions and credentials: 422 naming the field, nothing stored', async () => {
    const org = await t.createOrg();
    const post = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: secret(org), payload });
    for (const [filter, message] of [
      ['nope:x', /cannot filter by "nope"/],
      ['kycDocument.status:approved', /takes one of/],
      ['kycDocument.revision:abc', /takes integers/],
      ['eventType', /field:value/],
    ] as const) {
      const res = await post('/webhooks', { method: 'POST', url: 'https://example.com/f', filter });
      expect(res.statusCode, filter).toBe(422);
      expect(res.json().invalidFields[0]).toMatchObject({
        field: 'filter',
        message: expect.stringMatching(message),
      });
    }
    const list = await t.app.inject({ method: 'GET', url: '/webhooks', headers: secret(org) });
    expect(list.json()).toHaveLength(0);
    const stored = await createWebhook(t, org, {
      method: 'POST',
      url: 'https://example.com/f',
      filter: 'eventType:kyc-document-accepted,kyc-document-rejected;kycDocument.documentType:identity-proof',
    });
    expect(stored.filter).toBe(
      'eventType:kyc-document-accepted,kyc-document-rejected;kycDocument.documentType:identity-proof',
    );
    const digest = await post('/service-credentials/webhook', {
      host: 'example.com',
      auth: { type: 'digest', username: 'u', password: 'p' },
    });
    expect(digest.statusCode).toBe(201);
    expect(digest.json().auth).toEqual({ type: 'digest', username: 'u' });
    const noUser = await post('/service-credentials/webhook', {
      host: 'example.com',
      auth: { type: 'digest', password: 'p' },
    });
    expect(noUser.statusCode).toBe(422);
    expect(noUser.json().invalidFields[0].field).toBe('auth.username');
    const ftp = await post('/webhooks', { method: 'POST', url: 'ftp://example.com/x' });
    expect(ftp.statusCode).toBe(422);
  });

  it('rotates the signing secret: the new one is shown once, the old one keeps signing for 24 h', async () => {
    const org = await t.createOrg();
    const hook = await createWebhook(t, org, { method: 'POST', url: 'https://example.com/rotate' });
    const before = Date.now();
    const res = await t.app.inject({
      method: 'POST',
      url: `/webhooks/${hook.id}/signing-secret`,
      headers: secret(org),
    });
    expect(res.statusCode, res.body).toBe(200);
    const rotated = res.json();
    expect(rotated.signingSecret).toMatch(/^whsec_/);
    expect(rotated.signingSecret).not.toBe(hook.signingSecret);
    const expires = Date.parse(rotated.previousSecretExpiresTime);
    expect(expires - before).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(24 * 3_600_000);
    const got = await t.app.inject({ method: 'GET', url: `/webhooks/${hook.id}`, headers: secret(org) });
    expect(got.json().signingSecret).toBeUndefined();
    expect(got.json().previousSecretExpiresTime).toBe(rotated.previousSecretExpiresTime);
    const other = await t.createOrg();
    const foreign = await t.app.inject({
      method: 'POST',
      url: `/webhooks/${hook.id}/signing-secret`,
      headers: secret(other),
    });
    expect(foreign.statusCode).toBe(404);
  });

  it('stores webhook credentials without ever returning the password, and binds them to their host', async () => {
    const org = await t.createOrg();
    const credential = await createCredential(t, org, {
      host: 'hooks.example.com',
      auth: { type: 'basic', username: 'user', password: 'hunter2' },
    });
    expect(credential).toMatchObject({
      type: 'webhook',
      status: 'active',
      host: 'hooks.example.com',
      hash: credential.id,
    });
    expect(credential.id).toMatch(/^crd_/);
    expect(JSON.stringify(credential)).not.toContain('hunter2');
    const one = await t.app.inject({
      method: 'GET',
      url: `/service-credentials/webhook/${credential.id}`,
      headers: secret(org),
    });
    expect(one.json().auth).toEqual({ type: 'basic', username: 'user' });
    const list = await t.app.inject({
      method: 'GET',
      url: '/service-credentials/webhook',
      headers: secret(org),
    });
    expect(list.json()).toHaveLength(1);
    expect(list.body).not.toContain('hunter2');
    const elsewhere = await t.app.inject({
      method: 'POST',
      url: '/webhooks',
      headers: secret(org),
      payload: { method: 'POST', url: 'https://evil.example.net/', credentialHash: credential.id },
    });
    expect(elsewhere.statusCode).toBe(422);
    await createWebhook(t, org, {
      method: 'POST',
      url: 'https://hooks.example.com/x',
      credentialHash: credential.id,
    });
  });
});

describe('OpenAPI', () => {
  it('documents the webhook operations and the kycgate extensions of GlobalWebhook', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const prefix = '/organizations/{organizationId}';
    expect(doc.paths[`${prefix}/previews/webhooks`].post).toMatchObject({
      operationId: 'PostPreviewWebhook',
      responses: { '204': expect.any(Object), '422': expect.any(Object) },
    });
    expect(doc.paths[`${prefix}/webhooks/{id}/signing-secret`].post.operationId).toBe(
      'PostWebhookSigningSecret',
    );
    expect(doc.paths[`${prefix}/service-credentials/{type}/{id}`].patch.operationId).toBe(
      'PatchServiceCredential',
    );
    const webhook =
      doc.paths[`${prefix}/webhooks/{id}`].get.responses['200'].content['application/json'].schema;
    const properties = Object.keys(webhook.properties ?? {});
    for (const name of [
      'filter',
      'failingSince',
      'deactivatedTime',
      'previousSecretExpiresTime',
      'signingSecret',
    ]) {
      expect(properties, name).toContain(name);
    }
  });
});

describe('SSRF guard', () => {
  it('classifies addresses', () => {
    for (const ip of [
      '169.254.169.254',
      '::ffff:169.254.169.254',
      'fd00:ec2::254',
      'fd20:ce::254',
      '168.63.129.16',
    ]) {
      expect(checkAddress(ip, true).allowed, ip).toBe(false);
    }
    expect(isMetadataHost('metadata.google.internal')).toBe(true);
    expect(isMetadataHost('Metadata.Google.Internal.')).toBe(true);
    expect(isMetadataHost('metadata.example.com')).toBe(false);
    for (const ip of [
      '10.0.0.1',
      '127.0.0.1',
      '192.168.1.1',
      '172.16.0.1',
      '169.254.1.1',
      '::1',
      'fe80::1',
      'fc00::1',
      '::ffff:a00:1',
      '0.0.0.0',
    ]) {
      expect(checkAddress(ip, false).allowed, ip).toBe(false);
      expect(checkAddress(ip, true).allowed, ip).toBe(true);
    }
    expect(checkAddress('93.184.216.34', false).allowed).toBe(true);
    expect(checkAddress('2606:2800:220:1::1', false).allowed).toBe(true);
  });

  it('refuses metadata always and private literals unless allowed, at creation', async () => {
    const org = await strict.createOrg();
    const post = (app: TestApp, o: typeof org, url: string) =>
      app.app.inject({
        method: 'POST',
        url: '/webhooks',
        headers: secret(o),
        payload: { method: 'POST', url },
      });
    for (const url of [
      'http://169.254.169.254/latest/meta-data',
      'http://10.0.0.1/',
      'http://[::ffff:10.0.0.1]/',
      'http://127.0.0.1:9/',
    ]) {
      const res = await post(strict, org, url);
      expect(res.statusCode, url).toBe(422);
    }
    const relaxed = await t.createOrg();
    expect((await post(t, relaxed, 'http://169.254.169.254/')).statusCode).toBe(422);
    expect((await post(t, relaxed, 'http://metadata.google.internal/computeMetadata/v1/')).statusCode).toBe(
      422,
    );
    expect((await post(t, relaxed, 'http://10.0.0.1/')).statusCode).toBe(201);
    // A sandbox organization on the strict server: private literals allowed, metadata still refused.
    const sandbox = await sandboxOrg(strict);
    expect((await post(strict, sandbox, 'http://10.0.0.1/')).statusCode).toBe(201);
    expect((await post(strict, sandbox, 'http://127.0.0.1:9/')).statusCode).toBe(201);
    for (const url of [
      'http://169.254.169.254/',
      'http://[fd00:ec2::254]/',
      'http://metadata.google.internal/',
    ]) {
      const res = await post(strict, sandbox, url);
      expect(res.statusCode, url).toBe(422);
      expect(res.json().invalidFields[0].message).toMatch(/metadata/);
    }
  });

  it('makes the default organization of `npm start` a sandbox one, and others not', async () => {
    const config = { ...strict.config, seedOrganizationId: 'org_default_sandbox' };
    const created = await ensureDefaultOrganization(strict.deps.db, config);
    expect(created.organizationId).toBe('org_default_sandbox');
    expect(await isSandboxOrganization(strict.deps.db.kysely, 'org_default_sandbox')).toBe(true);
    expect(await isSandboxOrganization(strict.deps.db.kysely, strict.org.id)).toBe(false);
  });

  it('refuses a DNS name that resolves to a private or metadata address, before connecting', async () => {
    const answers: Record<string, { address: string; family: number }[]> = {
      'hooks.merchant.test': [{ address: '10.0.0.1', family: 4 }],
      // One bad address among good ones refuses the host: the connection could land on it.
      'mixed.merchant.test': [
        { address: '93.184.216.34', family: 4 },
        { address: '192.168.1.20', family: 4 },
      ],
      'rebind.merchant.test': [{ address: '169.254.169.254', family: 4 }],
    };
    const resolve = (host: string) => Promise.resolve(answers[host] ?? []);
    const send = (url: string, allowPrivateNetworks: boolean) =>
      sendWebhook({ method: 'POST', url, headers: {}, body: '{}', allowPrivateNetworks, resolve });
    const privateName = await send('http://hooks.merchant.test/x', false);
    expect(privateName).toMatchObject({ status: null, sent: false });
    expect(privateName.error).toBe(
      'refused: hooks.merchant.test resolves to 10.0.0.1 is a loopback, private or link-local address',
    );
    expect((await send('http://mixed.merchant.test/x', false)).error).toMatch(/192\.168\.1\.20/);
    // Allowed private networks (or a sandbox organization) never open the metadata service.
    const metadata = await send('http://rebind.merchant.test/latest/meta-data', true);
    expect(metadata).toMatchObject({ sent: false });
    expect(metadata.error).toMatch(/169\.254\.169\.254 is a cloud metadata address/);
    expect((await send('http://metadata.google.internal/', true)).error).toMatch(/metadata service/);
  });

  it('refuses at delivery a name that resolves to a private address, and sends nothing', async () => {
    const receiver = await startReceiver();
    try {
      const org = await strict.createOrg();
      await createWebhook(strict, org, {
        method: 'POST',
        url: `http://localhost:${receiver.port}/x`,
        eventsFilter: ['kyc-document-created'],
      });
      await provideDocument(strict, org);
      await strict.drainJobs();
      expect(receiver.received).toHaveLength(0);
      const [log] = await trackingLogs(strict, org);
      expect(log).toMatchObject({ status: null, deliveryStatus: 'retrying', sentTime: null });
      expect(log.error).toMatch(/refused: localhost resolves to .*loopback/);

      // The same webhook from a sandbox organization is delivered.
      const sandbox = await sandboxOrg(strict);
      await createWebhook(strict, sandbox, {
        method: 'POST',
        url: `http://localhost:${receiver.port}/sandbox`,
        eventsFilter: ['kyc-document-created'],
      });
      await provideDocument(strict, sandbox);
      await strict.drainJobs();
      expect(receiver.received.map((r) => r.url)).toEqual(['/sandbox']);
      const [delivered] = await trackingLogs(strict, sandbox);
      expect(delivered).toMatchObject({ status: 200, deliveryStatus: 'delivered' });
    } finally {
      await receiver.close();
    }
  });
});

describe('verifyWebhookSignature', () => {
  const secretKey = 'whsec_test';
  const body = '{"eventType":"kyc-document-created"}';
  const now = 1_800_000_000_000;
  const t0 = now / 1000;
  it('accepts a fresh signature, one of several v1 values, and refuses tampering and stale ones', () => {
    const header = signatureHeader(secretKey, t0, body);
    expect(verifyWebhookSignature(body, header, secretKey, { now })).toBe(true);
    expect(verifyWebhookSignature(Buffer.from(body), header, secretKey, { now })).toBe(true);
    expect(verifyWebhookSignature(body, `${header},v1=${'0'.repeat(64)}`, secretKey, { now })).toBe(true);
    expect(verifyWebhookSignature(`${body} `, header, secretKey, { now })).toBe(false);
    expect(verifyWebhookSignature(body, header, 'whsec_other', { now })).toBe(false);
    expect(verifyWebhookSignature(body, header, secretKey, { now: now + 301_000 })).toBe(false);
    expect(verifyWebhookSignature(body, undefined, secretKey, { now })).toBe(false);
    expect(verifyWebhookSignature(body, 't=abc,v1=zz', secretKey, { now })).toBe(false);
  });

  it('during a rotation, a header with two v1 values verifies with either secret, or with both given', () => {
    const fresh = signatureHeader('whsec_new', t0, body);
    const old = signatureHeader('whsec_old', t0, body);
    const header = `${fresh},${old.slice(old.indexOf('v1='))}`;
    expect(header.match(/v1=/g)).toHaveLength(2);
    expect(verifyWebhookSignature(body, header, 'whsec_new', { now })).toBe(true);
    expect(verifyWebhookSignature(body, header, 'whsec_old', { now })).toBe(true);
    expect(verifyWebhookSignature(body, fresh, ['whsec_old', 'whsec_new'], { now })).toBe(true);
    expect(verifyWebhookSignature(body, header, ['whsec_x', 'whsec_y'], { now })).toBe(false);
    expect(verifyWebhookSignature(body, header, [], { now })).toBe(false);
  });
});
