/**
 * Retries with the clock controlled, never slept: a queue and webhook jobs on a clock the test moves, and
 * no jitter (random = 0), so each delay is exactly the backoff. Attempts are bounded at 400 ms here (10 s in
 * production) so that a receiver that never answers costs the test 400 ms of real time per attempt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, secret, type TestApp } from './helpers/app.ts';
import { createWebhook, provideDocument, startReceiver, trackingLogs } from './helpers/webhooks.ts';
import { createQueue, type Queue } from '../src/queue/queue.ts';
import { createWebhookJobs, DELIVER_WEBHOOK_JOB } from '../src/modules/webhooks/webhook-jobs.ts';

let t: TestApp;
let queue: Queue;
let clock = Date.now();
beforeAll(async () => {
  t = await createTestApp({ WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'on' });
  const jobs = { ...t.deps.jobs, ...createWebhookJobs(t.deps, { now: () => clock, timeoutMs: 400 }) };
  queue = createQueue(t.deps.db, { jobs: Object.values(jobs), now: () => clock, random: () => 0 });
});
afterAll(async () => t.close());

/** The pending delivery job of a webhook. */
async function pendingDelivery(webhookId: string) {
  return t.deps.db.kysely
    .selectFrom('jobs')
    .selectAll()
    .where('name', '=', DELIVER_WEBHOOK_JOB)
    .where('jobKey', 'like', `%:${webhookId}`)
    .where('status', '=', 'pending')
    .executeTakeFirst();
}

describe('webhook retries', () => {
  it('retries after 500s with growing delays, then delivers', async () => {
    const receiver = await startReceiver();
    try {
      let calls = 0;
      receiver.respond = () => (++calls <= 3 ? { status: 500, body: 'boom' } : { status: 204 });
      const org = await t.createOrg();
      const hook = await createWebhook(t, org, {
        method: 'POST',
        url: receiver.url,
        eventsFilter: ['kyc-document-created'],
      });
      await provideDocument(t, org);
      clock = Date.now() + 1_000; // past the jobs' real-time runAt
      const delays: number[] = [];
      await queue.drain();
      for (let round = 0; round < 3; round++) {
        const job = await pendingDelivery(hook.id);
        expect(job, `round ${round}`).toBeDefined();
        const wait = Date.parse(job!.runAt) - clock;
        delays.push(wait);
        clock += wait - 1;
        await queue.drain(); // not due yet
        expect(receiver.received).toHaveLength(round + 1);
        clock += 1;
        await queue.drain();
      }
      expect(delays).toEqual([10_000, 20_000, 40_000]);
      expect(receiver.received).toHaveLength(4);
      const ids = new Set(receiver.received.map((r) => r.headers['kycgate-event-id']));
      expect(ids.size).toBe(1);
      const logs = await trackingLogs(t, org);
      expect(logs.map((l) => [l.attempt, l.status, l.deliveryStatus])).toEqual([
        [1, 500, 'retrying'],
        [2, 500, 'retrying'],
        [3, 500, 'retrying'],
        [4, 204, 'delivered'],
      ]);
      expect(logs[0].response).toBe('boom');
      expect(logs[0].error).toBe('HTTP 500');
      expect(await pendingDelivery(hook.id)).toBeUndefined();
    } finally {
      await receiver.close();
    }
  });

  it('keeps retrying while the receiver is down, and delivers once it is up', async () => {
    const probe = await startReceiver();
    const port = probe.port;
    await probe.close(); // nothing listens on `port` now
    const org = await t.createOrg();
    const hook = await createWebhook(t, org, {
      method: 'POST',
      url: `http://127.0.0.1:${port}/down`,
      eventsFilter: ['kyc-document-created'],
    });
    await provideDocument(t, org);
    clock = Date.now() + 1_000;
    await queue.drain();
    for (let round = 0; round < 2; round++) {
      const job = await pendingDelivery(hook.id);
      clock = Date.parse(job!.runAt);
      await queue.drain();
    }
    let logs = await trackingLogs(t, org);
    expect(logs).toHaveLength(3);
    for (const log of logs) {
      expect(log).toMatchObject({ status: null, deliveryStatus: 'retrying', sentTime: expect.any(String) });
      expect(log.error).toMatch(/ECONNREFUSED/);
    }
    const receiver = await startReceiver(port);
    try {
      clock = Date.parse((await pendingDelivery(hook.id))!.runAt);
      await queue.drain();
      expect(receiver.received).toHaveLength(1);
      logs = await trackingLogs(t, org);
      expect(logs.at(-1)).toMatchObject({ attempt: 4, status: 200, deliveryStatus: 'delivered' });
    } finally {
      await receiver.close();
    }
  });

  it('gives up after the retry horizon (72 h by default): the last attempt is logged failed', async () => {
    const receiver = await startReceiver();
    try {
      receiver.respond = () => ({ status: 503 });
      const org = await t.createOrg();
      const hook = await createWebhook(t, org, {
        method: 'POST',
        url: receiver.url,
        eventsFilter: ['kyc-document-created'],
      });
      await provideDocument(t, org);
      clock = Date.now() + 1_000; // past the jobs' real-time runAt
      await queue.drain();
      const job = await pendingDelivery(hook.id);
      expect(job).toBeDefined();
      clock += 72 * 3_600_000;
      await queue.drain();
      const logs = await trackingLogs(t, org);
      expect(logs.map((l) => l.deliveryStatus)).toEqual(['retrying', 'failed']);
      expect(await pendingDelivery(hook.id)).toBeUndefined();
      const finished = await queue.get(job!.id);
      expect(finished!.status).toBe('done');
    } finally {
      await receiver.close();
    }
  });

  it('retries timeouts (no answer within the bound) with growing delays, then delivers', async () => {
    const receiver = await startReceiver();
    try {
      let calls = 0;
      receiver.respond = () => (++calls <= 2 ? 'hold' : { status: 200 });
      const org = await t.createOrg();
      const hook = await createWebhook(t, org, {
        method: 'POST',
        url: receiver.url,
        eventsFilter: ['kyc-document-created'],
      });
      await provideDocument(t, org);
      clock = Date.now() + 1_000;
      await queue.drain();
      const delays: number[] = [];
      for (let round = 0; round < 2; round++) {
        const job = await pendingDelivery(hook.id);
        delays.push(Date.parse(job!.runAt) - clock);
        clock = Date.parse(job!.runAt);
        await queue.drain();
      }
      expect(delays).toEqual([10_000, 20_000]);
      const logs = await trackingLogs(t, org);
      expect(logs.map((l) => [l.attempt, l.status, l.deliveryStatus])).toEqual([
        [1, null, 'retrying'],
        [2, null, 'retrying'],
        [3, 200, 'delivered'],
      ]);
      expect(logs[0].error).toBe('no complete response within 400 ms');
      expect(logs[0].sentTime).toEqual(expect.any(String));
      expect(logs[0].duration).toBeGreaterThanOrEqual(390);
      const ids = new Set(receiver.received.map((r) => r.headers['kycgate-event-id']));
      expect(receiver.received).toHaveLength(3);
      expect(ids.size).toBe(1);
    } finally {
      await receiver.close();
    }
  });

  it('deactivates a webhook whose deliveries fail for 5 days, with a webhook-deactivated event', async () => {
    const receiver = await startReceiver();
    try {
      receiver.respond = () => ({ status: 500 });
      const org = await t.createOrg();
      const hook = await createWebhook(t, org, {
        method: 'POST',
        url: receiver.url,
        eventsFilter: ['kyc-document-created'],
      });
      const get = async () =>
        (await t.app.inject({ method: 'GET', url: `/webhooks/${hook.id}`, headers: secret(org) })).json();
      await provideDocument(t, org);
      clock = Date.now() + 1_000;
      const start = clock;
      await queue.drain();
      expect((await get()).failingSince).toBe(new Date(start).toISOString());
      clock = start + 72 * 3_600_000; // the first event's retry horizon: given up, webhook still on
      await queue.drain();
      expect((await get()).status).toBe('active');

      clock = start + 5 * 86_400_000 - 1;
      await provideDocument(t, org);
      await queue.drain();
      expect((await get()).status).toBe('active'); // one ms short of 5 days

      const second = await pendingDelivery(hook.id);
      clock = Math.max(Date.parse(second!.runAt), start + 5 * 86_400_000);
      await queue.drain();
      const off = await get();
      expect(off).toMatchObject({ status: 'inactive', deactivatedTime: new Date(clock).toISOString() });
      const logs = await trackingLogs(t, org);
      expect(logs.at(-1)).toMatchObject({ deliveryStatus: 'failed', error: 'HTTP 500; webhook deactivated' });
      expect(await pendingDelivery(hook.id)).toBeUndefined();

      const events = await t.app.inject({
        method: 'GET',
        url: '/events?filter=eventType:webhook-deactivated',
        headers: secret(org),
      });
      expect(events.statusCode, events.body).toBe(200);
      expect(events.json()).toHaveLength(1);
      expect(events.json()[0]).toMatchObject({
        eventType: 'webhook-deactivated',
        resourceType: 'webhook',
        resourceId: hook.id,
        customerId: null,
        resource: {
          id: hook.id,
          status: 'inactive',
          failingSince: new Date(start).toISOString(),
          lastError: 'HTTP 500',
        },
      });
      expect(JSON.stringify(events.json())).not.toContain(hook.signingSecret);

      // Nothing more is sent; switching it back on clears the streak.
      const sent = receiver.received.length;
      await provideDocument(t, org);
      await queue.drain();
      expect(receiver.received).toHaveLength(sent);
      const on = await t.app.inject({
        method: 'PUT',
        url: `/webhooks/${hook.id}`,
        headers: secret(org),
        payload: {
          method: 'POST',
          url: receiver.url,
          eventsFilter: ['kyc-document-created'],
          status: 'active',
        },
      });
      expect(on.json()).toMatchObject({ status: 'active', failingSince: null, deactivatedTime: null });
    } finally {
      await receiver.close();
    }
  });
});
