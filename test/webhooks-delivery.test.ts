/**
 * Webhook deliveries to real receivers on 127.0.0.1: payloads, signature (and its rotation), Basic and
 * Digest auth, custom headers, eventsFilter and the filter condition, body templates, tracking, re-send and
 * the preview. Each test works in an organization of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, secret, type TestApp } from './helpers/app.ts';
import {
  createCredential,
  createWebhook,
  digestGuard,
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

  it('sends only the events whose fields pass the webhook filter condition', async () => {
    const org = await t.createOrg();
    await createWebhook(t, org, {
      method: 'POST',
      url: `${receiver.url}/identity`,
      filter: 'kycDocument.documentType:identity-proof;kycDocument.status:pending,in-progress',
    });
    await createWebhook(t, org, {
      method: 'POST',
      url: `${receiver.url}/address`,
      filter: 'kycDocument.documentType:address-proof',
    });
    const notCreated = await createWebhook(t, org, {
      method: 'POST',
      url: `${receiver.url}/not-created`,
      filter: 'eventType:!kyc-document-created',
    });
    const document = await provideDocument(t, org);
    await t.drainJobs();
    const identity = forHook('/hooks/identity').map((r) => JSON.parse(r.body));
    expect(identity.map((p) => p.eventType)).toEqual(['kyc-document-created']);
    expect(identity[0].kycDocumentId).toBe(document.id);
    expect(forHook('/hooks/address')).toHaveLength(0);
    const others = forHook('/hooks/not-created').map((r) => JSON.parse(r.body).eventType);
    expect(others).not.toContain('kyc-document-created');
    // Filtered out means no delivery at all: nothing logged for those events.
    const logs = await trackingLogs(t, org, `webhookId:${notCreated.id}`);
    expect(logs.map((l) => l.eventType).sort()).toEqual([...others].sort());
  });

  it('answers a Digest challenge (RFC 7616) with the credential; a wrong password stays unauthorized', async () => {
    const org = await t.createOrg();
    const guards: Record<string, ReturnType<typeof digestGuard>> = {
      '/hooks/digest-sha256': digestGuard({ username: 'merchant', password: 'right horse' }),
      '/hooks/digest-md5-int': digestGuard({
        username: 'merchant',
        password: 'right horse',
        algorithm: 'MD5',
        qop: 'auth-int',
      }),
      '/hooks/digest-wrong': digestGuard({ username: 'merchant', password: 'something else' }),
    };
    const previous = receiver.respond;
    receiver.respond = (request) => guards[request.url]?.(request) ?? previous(request);
    try {
      const credential = await createCredential(t, org, {
        host: '127.0.0.1',
        auth: { type: 'digest', username: 'merchant', password: 'right horse' },
      });
      const hooks: Record<string, string> = {};
      for (const path of Object.keys(guards)) {
        const hook = await createWebhook(t, org, {
          method: 'POST',
          url: `http://127.0.0.1:${receiver.port}${path}`,
          credentialHash: credential.id,
          eventsFilter: ['kyc-document-created'],
        });
        hooks[path] = hook.id;
      }
      await provideDocument(t, org);
      await t.drainJobs();
      for (const path of ['/hooks/digest-sha256', '/hooks/digest-md5-int']) {
        const got = forHook(path);
        // The challenge, then the answer.
        expect(got.map((r) => (r.headers.authorization ?? '').split(' ')[0])).toEqual(['', 'Digest']);
        expect(got[1]!.headers.authorization).not.toContain('right horse');
        const [log] = await trackingLogs(t, org, `webhookId:${hooks[path]}`);
        expect(log).toMatchObject({ status: 200, deliveryStatus: 'delivered', response: 'digest ok' });
        expect(log.requestHeaders.authorization).toBe('Digest [redacted]');
      }
      const [wrong] = await trackingLogs(t, org, `webhookId:${hooks['/hooks/digest-wrong']}`);
      expect(wrong).toMatchObject({ status: 401, deliveryStatus: 'retrying', error: 'HTTP 401' });
      expect(forHook('/hooks/digest-wrong')).toHaveLength(2);
    } finally {
      receiver.respond = previous;
    }
  });

  it('never sends a credential to another host, even after its host is changed', async () => {
    const org = await t.createOrg();
    const credential = await createCredential(t, org, {
      host: '127.0.0.1',
      auth: { type: 'basic', username: 'merchant', password: 'pw' },
    });
    await createWebhook(t, org, {
      method: 'POST',
      url: `${receiver.url}/moved`,
      credentialHash: credential.id,
      eventsFilter: ['kyc-document-created'],
    });
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/service-credentials/webhook/${credential.id}`,
      headers: secret(org),
      payload: { host: 'hooks.example.com' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      host: 'hooks.example.com',
      auth: { type: 'basic', username: 'merchant' },
    });
    await provideDocument(t, org);
    await t.drainJobs();
    const [got] = forHook('/hooks/moved');
    expect(got).toBeDefined();
    expect(got!.headers.authorization).toBeUndefined();
  });

  it('after a secret rotation signs with both secrets, so receivers with either verify', async () => {
    const org = await t.createOrg();
    const hook = await createWebhook(t, org, {
      method: 'POST',
      url: `${receiver.url}/rotated`,
      eventsFilter: ['kyc-document-created'],
    });
    const rotated = await t.app.inject({
      method: 'POST',
      url: `/webhooks/${hook.id}/signing-secret`,
      headers: secret(org),
    });
    const fresh = rotated.json().signingSecret as string;
    await provideDocument(t, org);
    await t.drainJobs();
    const [got] = forHook('/hooks/rotated');
    const header = got!.headers['kycgate-signature'] as string;
    expect(header.match(/v1=[0-9a-f]{64}/g)).toHaveLength(2);
    expect(verifyWebhookSignature(got!.body, header, hook.signingSecret)).toBe(true);
    expect(verifyWebhookSignature(got!.body, header, fresh)).toBe(true);
    expect(verifyWebhookSignature(got!.body, header, 'whsec_unrelated')).toBe(false);
  });

  it("previews a webhook: sends a sample event now, answers 204 with the receiver's status", async () => {
    const org = await t.createOrg();
    const preview = (payload: object) =>
      t.app.inject({ method: 'POST', url: '/previews/webhooks', headers: secret(org), payload });
    const res = await preview({
      method: 'POST',
      url: `${receiver.url}/preview`,
      eventsFilter: ['kyc-request-fulfilled'],
    });
    expect(res.statusCode, res.body).toBe(204);
    expect(res.headers['kycgate-preview-status']).toBe('200');
    const [got] = forHook('/hooks/preview');
    expect(JSON.parse(got!.body)).toMatchObject({
      eventType: 'kyc-request-fulfilled',
      kycRequestId: 'kyc_req_preview',
      _embedded: { kycRequest: { status: 'fulfilled' } },
    });
    expect(got!.headers['kycgate-event-id']).toMatch(/^evt_/);
    expect(got!.headers['kycgate-signature']).toBeUndefined();

    // A saved webhook's preview is signed with its secret and uses its template.
    const hook = await createWebhook(t, org, {
      method: 'PUT',
      url: `${receiver.url}/preview-saved`,
      body: '{"t":"{{eventType}}","s":"{{kycDocument.status}}"}',
    });
    const saved = await preview({ id: hook.id, method: 'PUT', url: hook.url, body: hook.body });
    expect(saved.statusCode).toBe(204);
    const [signed] = forHook('/hooks/preview-saved');
    expect(JSON.parse(signed!.body)).toEqual({ t: 'kyc-document-created', s: 'pending' });
    expect(
      verifyWebhookSignature(signed!.body, signed!.headers['kycgate-signature'], hook.signingSecret),
    ).toBe(true);
    // Nothing is stored or retried for a preview.
    expect(await trackingLogs(t, org)).toHaveLength(0);

    const previous = receiver.respond;
    receiver.respond = () => ({ status: 503, body: 'down' });
    try {
      const failing = await preview({ method: 'POST', url: `${receiver.url}/preview-down` });
      expect(failing.statusCode).toBe(204);
      expect(failing.headers['kycgate-preview-status']).toBe('503');
      expect(failing.headers['kycgate-preview-error']).toBe('HTTP 503');
    } finally {
      receiver.respond = previous;
    }
    const invalid = await preview({ method: 'POST', url: 'http://169.254.169.254/' });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json().invalidFields[0].field).toBe('url');
  });
});
