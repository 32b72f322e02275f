/**
 * A `kycgate worker` process killed (SIGKILL) while a receiver holds its delivery: the attempt was never
 * recorded, so after the lease expires another `kycgate worker` process runs it again, and the receiver
 * gets the event a second time with the same `Kycgate-Event-Id`. Real processes on one SQLite file, a real
 * receiver on loopback; the lease is 2 s (`WORKER_LEASE_SECONDS`) so the takeover costs seconds, not a
 * minute. The processes share the SQLite file, or, under `npm run test:pg`, this file's PostgreSQL schema.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testDatabaseUrl, type TestApp } from './helpers/app.ts';
import {
  createWebhook,
  provideDocument,
  startReceiver,
  trackingLogs,
  type Receiver,
} from './helpers/webhooks.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kycgate-kill-'));
const env: Record<string, string> = {
  DATA_DIR: dir,
  KYCGATE_JWT_SECRET: randomBytes(32).toString('hex'),
  KYCGATE_ANALYSIS: 'off',
  WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'on',
  WORKER_LEASE_SECONDS: '2',
  LOG_LEVEL: 'silent',
  // SQLite: a file the processes share. PostgreSQL (npm run test:pg): the server, set to this file's schema.
  ...(testDatabaseUrl ? {} : { DATABASE_URL: `sqlite:${path.join(dir, 'kycgate.sqlite')}` }),
};

let t: TestApp;
let receiver: Receiver;
const children: ChildProcess[] = [];

beforeAll(async () => {
  t = await createTestApp(env);
  if (testDatabaseUrl) {
    const url = new URL(testDatabaseUrl);
    url.searchParams.set('options', `-c search_path=${t.schema!}`);
    env.DATABASE_URL = url.toString();
  }
  receiver = await startReceiver();
});
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await receiver.close();
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function startWorkerProcess(): ChildProcess {
  // The system allocator: on jemalloc the command would run as a child of this process (src/lib/allocator.ts),
  // and the test must SIGKILL the very process that holds the lease.
  const child = spawn(process.execPath, ['bin/kycgate.js', 'worker'], {
    env: { ...process.env, ...env, PUBLIC_URL: 'http://kycgate.test', KYCGATE_ALLOCATOR: 'system' },
    stdio: 'ignore',
  });
  children.push(child);
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<NodeJS.Signals | number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode ?? child.exitCode);
    else child.once('exit', (code, signal) => resolve(signal ?? code));
  });

describe('a worker killed mid-delivery', () => {
  it('is taken over by another worker process, which delivers the same event again', async () => {
    const org = await t.createOrg();
    const hook = await createWebhook(t, org, {
      method: 'POST',
      url: receiver.url,
      eventsFilter: ['kyc-document-created'],
    });
    let calls = 0;
    receiver.respond = () => (++calls === 1 ? 'hold' : { status: 200, body: 'ok' });
    const arrivals = receiver.next(30_000);
    await provideDocument(t, org);

    const first = startWorkerProcess();
    const held = await arrivals;
    // The delivery is in flight in the first process: its job is running under that worker's lease.
    const running = await t.deps.db.kysely
      .selectFrom('jobs')
      .selectAll()
      .where('name', '=', 'webhook.deliver')
      .where('jobKey', 'like', `%:${hook.id}`)
      .executeTakeFirstOrThrow();
    expect(running.status).toBe('running');
    expect(running.lockedBy).toContain(`:${first.pid}:`);
    // The second process starts while the first still holds the lease (its start-up overlaps the lease).
    const again = receiver.next(30_000);
    const second = startWorkerProcess();
    first.kill('SIGKILL');
    expect(await exited(first)).toBe('SIGKILL');
    expect(await trackingLogs(t, org)).toHaveLength(0); // the attempt died before it was recorded

    const redelivered = await again;
    expect(redelivered.headers['kycgate-event-id']).toBe(held.headers['kycgate-event-id']);
    expect(redelivered.body).toBe(held.body);

    second.kill('SIGTERM');
    expect(await exited(second)).toBe(0);
    const logs = await trackingLogs(t, org);
    expect(logs.map((l) => [l.attempt, l.status, l.deliveryStatus])).toEqual([[2, 200, 'delivered']]);
    expect(logs[0].eventId).toBe(held.headers['kycgate-event-id']);
    const job = await t.deps.db.kysely
      .selectFrom('jobs')
      .select(['status', 'attempts'])
      .where('id', '=', running.id)
      .executeTakeFirstOrThrow();
    expect(job).toEqual({ status: 'done', attempts: 2 });
  }, 60_000);
});
