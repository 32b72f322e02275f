/**
 * Webhook deliveries to real receivers on 127.0.0.1: payloads, signature, Basic auth, custom headers,
 * eventsFilter, body templates, tracking and re-send. Each test works in an organization of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, secret, type TestApp } from './helpers/app.ts';
import {
  createCredential,
  createWebhook,
  provideDocument,
  startReceiver,
  trackingLogs,
  type Receiver,
} from './helpers/webhooks.ts';
import { verifyWebhookSignature } from '../src/webhooks-verify.ts';
import { USER_AGENT } from '../src/modules/webhooks/webhook-jobs.ts';

let t: TestApp;
let receiver: Receiver;
beforeAll(async () => {
  t = await createTestApp({ WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'on' });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await t.close();
});

const forHook = (path: string) => receiver.received.filter((r) => r.url === path);

describe('webhook delivery', () => {
  it('sends the Rebilly payload, signed, with Basic auth and custom headers', async () => {
    const org = await t.createOrg();
    const credential = await createCredential(t, org, {
      host: '127.0.0.1',
      auth: { type: 'basic', username: 'merchant', password: 's3cret:pass' },
    });
    const hook = await createWebhook(t, org, {
      method: 'POST',
      url: `${receiver.url}/signed`,
      credentialHash: credential.id,
      headers: [
        { name: 'X-Merchant', value: 'acme' },
        { name: 'X-Off', value: 'no', status: 'inactive' },
        { name: 'Kycgate-Event-Id', value: 'spoofed' },
      ],
    });
    expect(hook.signingSecret).toMatch(/^whsec_/);
    const document = await provideDocument(t, org);
    await t.drainJobs();

    const got = forHook('/hooks/signed');
    expect(got.length).toBeGreaterThanOrEqual(1);
    const created = got.find((r) => JSON.parse(r.body).eventType === 'kyc-document-created')!;
    expect(created).toBeDefined();
    expect(created.method).toBe('POST');
    // The receiver verifies what it got: the raw body against the signature, and the credential.
    expect(
      verifyWebhookSignature(created.body, created.headers['kycgate-signature'], hook.signingSecret),
    ).toBe(true);
    expect(
      verifyWebhookSignature(`${created.body} `, created.headers['kycgate-signature'], hook.signingSecret),
    ).toBe(false);
    expect(created.headers.authorization).toBe(
      `Basic ${Buffer.from('merchant:s3cret:pass').toString('base64')}`,
    );
    expect(created.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(created.headers['user-agent']).toBe(USER_AGENT);
    expect(USER_AGENT).toMatch(/^kycgate\/\d+\.\d+\.\d+/);
    expect(created.headers['x-merchant']).toBe('acme');
    expect(created.headers['x-off']).toBeUndefined();
    expect(created.headers['kycgate-event-id']).toMatch(/^evt_/);

    const payload = JSON.parse(created.body);
    expect(payload).toMatchObject({
      eventType: 'kyc-document-created',
      customerId: document.customerId,
      kycDocumentId: document.id,
      fileId: document.fileIds[0],
      _embedded: {
        customer: { id: document.customerId },
        kycDocument: { id: document.id, revision: expect.any(Number) },
      },
    });
    expect(payload._links.map((l: { rel: string }) => l.rel)).toEqual(['customer', 'file', 'kycDocument']);

    const logs = await trackingLogs(t, org, `webhookId:${hook.id}`);
    const log = logs.find((l) => l.eventId === created.headers['kycgate-event-id'])!;
    expect(log).toMatchObject({
      status: 200,
      deliveryStatus: 'delivered',
      attempt: 1,
      eventType: 'kyc-document-created',
      entityId: document.id,
      source: 'webhooks',
      method: 'POST',
      response: 'ok',
      error: null,
    });
    expect(log.request).toBe(created.body);
    expect(log.requestHeaders.authorization).toBe('Basic [redacted]');
    expect(log.responseHeaders['x-receiver']).toBe('test');
    expect(log.duration).toBeGreaterThanOrEqual(0);
    const one = await t.app.inject({
      method: 'GET',
      url: `/tracking/webhooks/${log.id}`,
      headers: secret(org),
    });
    expect(one.statusCode).toBe(200);
    expect(one.json().id).toBe(log.id);
  });

  it('sends only the events of eventsFilter; an empty filter takes every event', async () => {
    const org = await t.createOrg();
    await createWebhook(t, org, {
      method: 'POST',
      url: `${receiver.url}/only-fulfilled`,
      eventsFilter: ['kyc-request-fulfilled'],
    });
    await createWebhook(t, org, { method: 'POST', url: `${receiver.url}/all`, eventsFilter: [] });
    await createWebhook(t, org, { method: 'POST', url: `${receiver.url}/inactive`, status: 'inactive' });
    await provideDocument(t, org);
    await t.drainJobs();
    expect(forHook('/hooks/only-fulfilled')).toHaveLength(0);
    expect(forHook('/hooks/inactive')).toHaveLength(0);
    const all = forHook('/hooks/all').map((r) => JSON.parse(r.body).eventType);
    expect(all).toContain('kyc-document-created');
  });

  it('renders a body template with {{placeholders}}; unknown ones render empty', async () => {
    const org = await t.createOrg();
    await createWebhook(t, org, {
      method: 'PUT',
      url: `${receiver.url}/template`,
      eventsFilter: ['kyc-document-created'],
      body: '{"type":"{{eventType}}","doc":"{{kycDocumentId}}","status":"{{kycDocument.status}}","x":"{{nope.nothing}}"}',
    });
    const document = await provideDocument(t, org);
    await t.drainJobs();
    const [got] = forHook('/hooks/template');
    expect(got!.method).toBe('PUT');
    expect(JSON.parse(got!.body)).toEqual({
      type: 'kyc-document-created',
      doc: document.id,
      status: document.status,
      x: '',
    });
  });

  it('re-sends a logged delivery: 204, queued, delivered again with the same event id', async () => {
    const org = await t.createOrg();
    await createWebhook(t, org, {
      method: 'POST',
      url: `${receiver.url}/resend`,
      eventsFilter: ['kyc-document-created'],
    });
    await provideDocument(t, org);
    await t.drainJobs();
    expect(forHook('/hooks/resend')).toHaveLength(1);
    const [log] = await trackingLogs(t, org);
    const res = await t.app.inject({
      method: 'POST',
      url: `/tracking/webhooks/${log.id}/resend`,
      headers: { ...secret(org), 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
    expect(res.statusCode, res.body).toBe(204);
    await t.drainJobs();
    const got = forHook('/hooks/resend');
    expect(got).toHaveLength(2);
    expect(got[1]!.headers['kycgate-event-id']).toBe(got[0]!.headers['kycgate-event-id']);
    expect(await trackingLogs(t, org)).toHaveLength(2);

    const missing = await t.app.inject({
      method: 'POST',
      url: '/tracking/webhooks/hook_log_nope/resend',
      headers: secret(org),
    });
    expect(missing.statusCode).toBe(404);
    // Another organization's log is not found either.
    const other = await t.createOrg();
    const foreign = await t.app.inject({
      method: 'GET',
      url: `/tracking/webhooks/${log.id}`,
      headers: secret(other),
    });
    expect(foreign.statusCode).toBe(404);
  });

  it('makes no job for an organization without active webhooks', async () => {
    const org = await t.createOrg();
    await t.drainJobs();
    const before = await t.deps.db.kysely
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('name', '=', 'webhook.dispatch')
      .executeTakeFirstOrThrow();
    await provideDocument(t, org);
    const after = await t.deps.db.kysely
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('name', '=', 'webhook.dispatch')
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});
