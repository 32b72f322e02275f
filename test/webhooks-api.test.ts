/** `/webhooks`, `/service-credentials/webhook`, the SSRF guard, the verify helper and the SDK's calls. */
import RebillyAPI from 'rebilly-js-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, secret, type TestApp } from './helpers/app.ts';
import {
  createCredential,
  createWebhook,
  provideDocument,
  startReceiver,
  trackingLogs,
} from './helpers/webhooks.ts';
import { checkAddress } from '../src/modules/webhooks/address-guard.ts';
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

  it('refuses what it does not support, rather than ignoring it', async () => {
    const org = await t.createOrg();
    const post = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: secret(org), payload });
    const filter = await post('/webhooks', { method: 'POST', url: 'https://example.com', filter: 'a:b' });
    expect(filter.statusCode).toBe(422);
    const digest = await post('/service-credentials/webhook', {
      host: 'example.com',
      auth: { type: 'digest', username: 'u', password: 'p' },
    });
    expect(digest.statusCode).toBe(422);
    const ftp = await post('/webhooks', { method: 'POST', url: 'ftp://example.com/x' });
    expect(ftp.statusCode).toBe(422);
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

describe('SSRF guard', () => {
  it('classifies addresses', () => {
    for (const ip of ['169.254.169.254', '::ffff:169.254.169.254', 'fd00:ec2::254']) {
      expect(checkAddress(ip, true).allowed, ip).toBe(false);
    }
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
    expect((await post(t, relaxed, 'http://10.0.0.1/')).statusCode).toBe(201);
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
});

describe('rebilly-js-sdk', () => {
  it('webhooks.create/getAll/get/update/delete, serviceCredentials and tracking work against kycgate', async () => {
    const org = await t.createOrg();
    const base = await t.listen();
    const api = RebillyAPI({
      apiKey: org.secretKey,
      organizationId: org.id,
      urls: { live: base, sandbox: base },
      sandbox: true,
      timeout: 6000,
    });
    const receiver = await startReceiver();
    try {
      const credential = await api.serviceCredentials.create({
        type: 'webhook',
        data: { host: '127.0.0.1', auth: { type: 'basic', username: 'sdk', password: 'pw' } },
      });
      const credentialId = (credential.fields as { id: string }).id;
      const created = await api.webhooks.create({
        data: {
          method: 'POST',
          url: receiver.url,
          credentialHash: credentialId,
          eventsFilter: ['kyc-document-created'],
        },
      } as never);
      const id = (created.fields as { id: string }).id;
      const all = await api.webhooks.getAll({ limit: 10, offset: 0 });
      expect(all.items.map((item) => (item.fields as { id: string }).id)).toEqual([id]);
      const one = await api.webhooks.get({ id });
      expect((one.fields as { url: string }).url).toBe(receiver.url);
      const updated = await api.webhooks.update({
        id,
        data: { method: 'PUT', url: receiver.url, credentialHash: credentialId, eventsFilter: [] },
      });
      expect((updated.fields as { method: string }).method).toBe('PUT');

      await provideDocument(t, org);
      await t.drainJobs();
      expect(receiver.received.length).toBeGreaterThan(0);
      const logs = await api.tracking.getAllWebhookTrackingLogs({ limit: 100 });
      expect(logs.items.length).toBe(receiver.received.length);
      const logId = (logs.items[0]!.fields as { id: string }).id;
      const log = await api.tracking.getWebhookTrackingLog({ id: logId });
      expect((log.fields as { status: number }).status).toBe(200);
      await api.tracking.resendWebhook({ id: logId });
      await t.drainJobs();
      expect((await trackingLogs(t, org)).length).toBe(logs.items.length + 1);

      await api.webhooks.delete({ id });
      const after = await api.webhooks.getAll({});
      expect(after.items).toHaveLength(0);
    } finally {
      await receiver.close();
    }
  });
});
