/**
 * Contract: the official rebilly-js-sdk, unchanged, against a listening kycgate — `webhooks.*`,
 * `serviceCredentials.*` (webhook type), `previews.webhook` and the webhook `tracking` calls — with a real
 * receiver on loopback.
 */
import * as sdk from 'rebilly-js-sdk';
import type RebillyApiDefault from 'rebilly-js-sdk';
import { RebillyErrors } from 'rebilly-js-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { provideDocument, startReceiver, type Receiver } from '../helpers/webhooks.ts';

// The ESM build exports RebillyAPI by name (and as the default); the bundled types only declare the default.
const { RebillyAPI } = sdk as unknown as { RebillyAPI: typeof RebillyApiDefault };
type Fields = Record<string, unknown>;
const fields = (result: unknown) => (result as { fields: Fields }).fields;
const statusOf = (result: unknown) => (result as { response: { status: number } }).response.status;

let t: TestApp;
let base: string;
let receiver: Receiver;
beforeAll(async () => {
  t = await createTestApp({ WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'on' });
  base = await t.listen();
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await t.close();
});

describe('rebilly-js-sdk webhooks, service credentials, previews and tracking', () => {
  it('manages webhooks and credentials, previews, reads the tracking log and re-sends', async () => {
    const org = await t.createOrg();
    const api = RebillyAPI({
      apiKey: org.secretKey,
      organizationId: org.id,
      urls: { live: base, sandbox: base },
      sandbox: true,
      timeout: 6000,
    });

    const credential = await api.serviceCredentials.create({
      type: 'webhook',
      data: { host: '127.0.0.1', auth: { type: 'basic', username: 'sdk', password: 'pw' } },
    });
    expect(statusOf(credential)).toBe(201);
    const credentialId = fields(credential).id as string;
    expect(fields(await api.serviceCredentials.get({ type: 'webhook', id: credentialId }))).toMatchObject({
      host: '127.0.0.1',
      auth: { type: 'basic', username: 'sdk' },
    });
    const credentials = await api.serviceCredentials.getAll({ type: 'webhook' } as never);
    expect(credentials.items.map((item) => fields(item).id)).toEqual([credentialId]);
    const patched = await api.serviceCredentials.update({
      type: 'webhook',
      id: credentialId,
      data: { auth: { type: 'basic', username: 'sdk2', password: 'pw2' } },
    });
    expect(fields(patched).auth).toEqual({ type: 'basic', username: 'sdk2' });

    const created = await api.webhooks.create({
      data: {
        method: 'POST',
        url: receiver.url,
        credentialHash: credentialId,
        eventsFilter: ['kyc-document-created'],
        filter: 'kycDocument.documentType:identity-proof',
      },
    } as never);
    expect(statusOf(created)).toBe(201);
    const id = fields(created).id as string;
    expect(fields(created).signingSecret).toMatch(/^whsec_/);
    const all = await api.webhooks.getAll({ limit: 10, offset: 0 });
    expect(all.items.map((item) => fields(item).id)).toEqual([id]);
    expect(all.total).toBe(1);
    const one = await api.webhooks.get({ id });
    expect(fields(one)).toMatchObject({
      url: receiver.url,
      filter: 'kycDocument.documentType:identity-proof',
    });
    expect(fields(one).signingSecret).toBeUndefined();
    const updated = await api.webhooks.update({
      id,
      data: { method: 'PUT', url: receiver.url, credentialHash: credentialId, eventsFilter: [] },
    });
    expect(fields(updated)).toMatchObject({ method: 'PUT', filter: null, eventsFilter: [] });

    const invalid = await api.webhooks
      .create({ data: { method: 'POST', url: receiver.url, filter: 'nope:1' } } as never)
      .catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(RebillyErrors.RebillyValidationError);
    expect((invalid as { invalidFields: { field: string }[] }).invalidFields[0]!.field).toBe('filter');

    const before = receiver.received.length;
    const preview = await api.previews.webhook({
      data: { method: 'POST', url: `${receiver.url}/preview`, credentialHash: credentialId },
    });
    expect(statusOf(preview)).toBe(204);
    const [sample] = receiver.received.slice(before);
    expect(sample!.url).toBe('/hooks/preview');
    expect(sample!.headers.authorization).toBe(`Basic ${Buffer.from('sdk2:pw2').toString('base64')}`);
    expect(JSON.parse(sample!.body).eventType).toBe('kyc-document-created');

    await provideDocument(t, org);
    await t.drainJobs();
    const delivered = receiver.received.slice(before + 1);
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered.every((r) => r.method === 'PUT')).toBe(true);
    const logs = await api.tracking.getAllWebhookTrackingLogs({ limit: 100, filter: `webhookId:${id}` });
    expect(logs.items).toHaveLength(delivered.length);
    expect(logs.total).toBe(delivered.length);
    const logId = fields(logs.items[0]).id as string;
    const log = await api.tracking.getWebhookTrackingLog({ id: logId });
    expect(fields(log)).toMatchObject({ status: 200, deliveryStatus: 'delivered', webhookId: id });
    const resent = await api.tracking.resendWebhook({ id: logId });
    expect(statusOf(resent)).toBe(204);
    await t.drainJobs();
    const afterResend = await api.tracking.getAllWebhookTrackingLogs({ limit: 100 });
    expect(afterResend.items).toHaveLength(delivered.length + 1);
    expect(receiver.received.at(-1)!.headers['kycgate-event-id']).toBe(fields(log).eventId);

    const removed = await api.webhooks.delete({ id });
    expect(statusOf(removed)).toBe(204);
    expect((await api.webhooks.getAll({})).items).toHaveLength(0);
    const gone = await api.webhooks.get({ id }).catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(RebillyErrors.RebillyNotFoundError);
  });
});
