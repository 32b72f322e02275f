/**
 * The job queue on a real database: SQLite by default, PostgreSQL under KYCGATE_TEST_DATABASE_URL. Time is
 * driven by a clock the tests move by hand; nothing sleeps.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import Type from 'typebox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db, type Executor } from '../src/db/database.ts';
import {
  createQueue,
  defineJob,
  enqueue,
  InvalidJobPayloadError,
  type JobDefinition,
  type QueueLog,
} from '../src/queue/queue.ts';
import { startWorker } from '../src/queue/worker.ts';
import { createTestApp, testDatabaseUrl, type TestApp } from './helpers/app.ts';

let t: TestApp;
let db: Db;
let clockMs: number;
const now = () => clockMs;

beforeAll(async () => {
  t = await createTestApp();
  db = t.deps.db;
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  clockMs = Date.parse('2030-01-01T00:00:00.000Z');
});

/** Job names unique per test: every test shares the file's table. */
const uniqueName = (label: string) => `test.${label}.${randomBytes(4).toString('hex')}`;

const Payload = Type.Object({ documentId: Type.String() }, { additionalProperties: false });

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A log that records entries, to check that no payload value reaches it. */
function recordingLog(entries: unknown[]): QueueLog {
  const push = (fields: object, message: string) => entries.push({ ...fields, message });
  return { debug: push, info: push, warn: push, error: push };
}

describe('enqueue', () => {
  it('enqueues in the caller transaction: a rollback leaves no job', async () => {
    const job = defineJob({ name: uniqueName('outbox'), payload: Payload, handler: async () => {} });
    const queue = createQueue(db, { jobs: [job], now });
    let rolledBackId: string | undefined;
    await expect(
      db.transaction(async (trx) => {
        rolledBackId = await queue.enqueue(trx, job, { documentId: 'doc_1' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(rolledBackId).toMatch(/^job_[0-9A-Z]{26}$/);
    expect(await queue.get(rolledBackId!)).toBeUndefined();

    const committedId = await db.transaction((trx) => queue.enqueue(trx, job, { documentId: 'doc_2' }));
    const row = await queue.get(committedId);
    expect(row).toMatchObject({
      name: job.name,
      status: 'pending',
      attempts: 0,
      maxAttempts: 10,
      runAt: new Date(clockMs).toISOString(),
      lockedBy: null,
      jobKey: null,
    });
    expect(JSON.parse(row!.payload)).toEqual({ documentId: 'doc_2' });
    expect(await queue.drain()).toMatchObject({ done: 1 });
  });

  it('rejects a payload that does not fit the schema, naming the field but not the value', async () => {
    const job = defineJob({ name: uniqueName('invalid'), payload: Payload, handler: async () => {} });
    const bad = { documentId: 12345 } as unknown as { documentId: string };
    const attempt = enqueue(db.kysely, job, bad);
    await expect(attempt).rejects.toBeInstanceOf(InvalidJobPayloadError);
    await expect(enqueue(db.kysely, job, bad)).rejects.toThrow(/documentId/);
    await expect(enqueue(db.kysely, job, bad)).rejects.not.toThrow(/12345/);
  });

  it('dedupes by jobKey while the job is live, and allows the key again once it is done', async () => {
    const runs: string[] = [];
    const job = defineJob({
      name: uniqueName('dedupe'),
      payload: Payload,
      handler: async ({ documentId }) => {
        runs.push(documentId);
      },
    });
    const queue = createQueue(db, { jobs: [job], now });
    const first = await queue.enqueue(db.kysely, job, { documentId: 'a' }, { jobKey: 'doc:a' });
    const again = await db.transaction((trx) =>
      queue.enqueue(trx, job, { documentId: 'a-again' }, { jobKey: 'doc:a' }),
    );
    expect(again).toBe(first);
    const other = await queue.enqueue(db.kysely, job, { documentId: 'b' }, { jobKey: 'doc:b' });
    expect(other).not.toBe(first);

    // Still deduped while running.
    const claimed = await queue.claim('w1', [job.name], 60_000);
    expect(claimed?.id).toBe(first);
    expect(await queue.enqueue(db.kysely, job, { documentId: 'a-3' }, { jobKey: 'doc:a' })).toBe(first);
    expect(await queue.complete(claimed!)).toBe(true);

    const afterDone = await queue.enqueue(db.kysely, job, { documentId: 'a-4' }, { jobKey: 'doc:a' });
    expect(afterDone).not.toBe(first);
    expect((await queue.get(first))?.status).toBe('done');
    await queue.drain();
    expect(runs.sort()).toEqual(['a-4', 'b']);
  });
});

describe('retries and parking', () => {
  it('retries a failing handler with capped exponential backoff, then parks it and calls onParked', async () => {
    const attempts: number[] = [];
    const parked: { payload: unknown; lastError: string; statusInTransaction: string | undefined }[] = [];
    const job = defineJob({
      name: uniqueName('failing'),
      payload: Payload,
      maxAttempts: 4,
      backoff: { baseMs: 1_000, maxMs: 3_000 },
      handler: async (_payload, ctx) => {
        attempts.push(ctx.attempt);
        throw new Error(`scanner unavailable (attempt ${ctx.attempt})`);
      },
      onParked: async (payload, lastError, executor: Executor) => {
        // Same transaction as the park: it already sees the job parked.
        const row = await executor
          .selectFrom('jobs')
          .select('status')
          .where('name', '=', job.name)
          .executeTakeFirst();
        parked.push({ payload, lastError, statusInTransaction: row?.status });
      },
    });
    // random() = 0.5 → each delay is 90 % of min(maxMs, baseMs × 2^(attempt − 1)).
    const queue = createQueue(db, { jobs: [job], now, random: () => 0.5 });
    const id = await queue.enqueue(db.kysely, job, { documentId: 'doc_9' });

    const expectedDelays = [900, 1_800, 2_700]; // 1 000, 2 000, 4 000 → capped 3 000; × 0.9
    for (const [index, delayMs] of expectedDelays.entries()) {
      expect(await queue.drain()).toEqual({ done: 0, retry: 1, parked: 0, lost: 0 });
      const row = await queue.get(id);
      expect(row).toMatchObject({
        status: 'pending',
        attempts: index + 1,
        runAt: new Date(clockMs + delayMs).toISOString(),
        lockedBy: null,
        lockedUntil: null,
      });
      expect(row?.lastError).toContain(`scanner unavailable (attempt ${index + 1})`);

      // Not due one millisecond early.
      clockMs += delayMs - 1;
      expect(await queue.drain()).toEqual({ done: 0, retry: 0, parked: 0, lost: 0 });
      clockMs += 1;
    }

    expect(await queue.drain()).toEqual({ done: 0, retry: 0, parked: 1, lost: 0 });
    expect(attempts).toEqual([1, 2, 3, 4]);
    const row = await queue.get(id);
    expect(row).toMatchObject({
      status: 'parked',
      attempts: 4,
      finishedTime: new Date(clockMs).toISOString(),
    });
    expect(row?.lastError).toContain('scanner unavailable (attempt 4)');
    expect(parked).toEqual([
      { payload: { documentId: 'doc_9' }, lastError: row!.lastError, statusInTransaction: 'parked' },
    ]);

    // Parked jobs stay put.
    clockMs += 24 * 3_600_000;
    expect(await queue.drain()).toEqual({ done: 0, retry: 0, parked: 0, lost: 0 });
  });

  it('rolls the park back when onParked throws, and parks again after the lease expires', async () => {
    let hookCalls = 0;
    const job = defineJob({
      name: uniqueName('hook-fails'),
      payload: Payload,
      maxAttempts: 1,
      handler: async () => {
        throw new Error('boom');
      },
      onParked: async () => {
        hookCalls++;
        if (hookCalls === 1) throw new Error('hook failed');
      },
    });
    const queue = createQueue(db, { jobs: [job], now });
    const id = await queue.enqueue(db.kysely, job, { documentId: 'doc_h' });
    await expect(queue.drain({ leaseMs: 1_000 })).rejects.toThrow('hook failed');
    expect((await queue.get(id))?.status).toBe('running');

    clockMs += 1_000;
    expect(await queue.drain()).toMatchObject({ parked: 1 });
    const row = await queue.get(id);
    expect(row?.status).toBe('parked');
    expect(row?.lastError).toContain('expired');
    expect(hookCalls).toBe(2);
  });

  it('parks at once a job whose payload fails validation when claimed', async () => {
    const name = uniqueName('schema-changed');
    const handled: unknown[] = [];
    let onParkedCalls = 0;
    const v1 = defineJob({ name, payload: Payload, handler: async () => {} });
    const v2 = defineJob({
      name,
      payload: Type.Object({ documentId: Type.String(), revision: Type.Integer() }),
      maxAttempts: 5,
      handler: async (payload) => {
        handled.push(payload);
      },
      onParked: async () => {
        onParkedCalls++;
      },
    });
    // Enqueued by an older release, claimed by a newer one whose schema changed.
    const id = await enqueue(db.kysely, v1, { documentId: 'doc_old' }, { now: clockMs });
    const queue = createQueue(db, { jobs: [v2], now });
    expect(await queue.drain()).toEqual({ done: 0, retry: 0, parked: 1, lost: 0 });
    const row = await queue.get(id);
    expect(row).toMatchObject({ status: 'parked', attempts: 1 });
    expect(row?.lastError).toMatch(/^invalid payload: .*revision/);
    expect(handled).toEqual([]);
    expect(onParkedCalls).toBe(0);
  });
});

describe('leases', () => {
  it('lets another worker take over a job whose worker died, and ignores the first worker afterwards', async () => {
    const job = defineJob({
      name: uniqueName('lease'),
      payload: Payload,
      maxAttempts: 3,
      handler: async () => {},
    });
    const queue = createQueue(db, { jobs: [job], now });
    const id = await queue.enqueue(db.kysely, job, { documentId: 'doc_l' });

    const first = await queue.claim('worker-a', [job.name], 10_000);
    expect(first).toMatchObject({
      id,
      status: 'running',
      attempts: 1,
      lockedBy: 'worker-a',
      lockedUntil: new Date(clockMs + 10_000).toISOString(),
    });
    // Held: nobody else gets it, before or at a renewal.
    expect(await queue.claim('worker-b', [job.name], 10_000)).toBeUndefined();
    clockMs += 9_999;
    expect(await queue.claim('worker-b', [job.name], 10_000)).toBeUndefined();

    // Worker A is "killed": it never renews. The lease expires and worker B takes the job over.
    clockMs += 1;
    const second = await queue.claim('worker-b', [job.name], 10_000);
    expect(second).toMatchObject({ id, attempts: 2, lockedBy: 'worker-b' });

    // Worker A wakes up late: none of its writes land.
    expect(await queue.renew(first!, 10_000)).toBe(false);
    expect(await queue.complete(first!)).toBe(false);
    expect(await queue.fail(first!, new Error('late'))).toBe('lost');
    expect(await queue.get(id)).toMatchObject({
      status: 'running',
      lockedBy: 'worker-b',
      attempts: 2,
      lastError: null,
    });

    // The same worker id re-claiming after its own lease expired is told apart by the attempt number.
    clockMs += 10_000;
    const third = await queue.claim('worker-b', [job.name], 10_000);
    expect(third).toMatchObject({ attempts: 3, lockedBy: 'worker-b' });
    expect(await queue.complete(second!)).toBe(false);
    expect(await queue.complete(third!)).toBe(true);
    expect(await queue.get(id)).toMatchObject({ status: 'done', lockedBy: null, lockedUntil: null });
  });

  it('renews the lease while the handler runs', async () => {
    const job = defineJob({ name: uniqueName('renew'), payload: Payload, handler: async () => {} });
    const queue = createQueue(db, { jobs: [job], now });
    await queue.enqueue(db.kysely, job, { documentId: 'doc_r' });
    const claimed = await queue.claim('worker-a', [job.name], 1_000);
    clockMs += 900;
    expect(await queue.renew(claimed!, 1_000)).toBe(true);
    clockMs += 900; // past the first lease, within the renewed one
    expect(await queue.claim('worker-b', [job.name], 1_000)).toBeUndefined();
    expect(await queue.complete(claimed!)).toBe(true);
  });

  it('parks a job whose worker died on its last attempt instead of running it again', async () => {
    let runs = 0;
    let parkedWith: string | undefined;
    const job = defineJob({
      name: uniqueName('poison'),
      payload: Payload,
      maxAttempts: 2,
      handler: async () => {
        runs++;
      },
      onParked: async (_payload, lastError) => {
        parkedWith = lastError;
      },
    });
    const queue = createQueue(db, { jobs: [job], now });
    const id = await queue.enqueue(db.kysely, job, { documentId: 'doc_p' });
    for (let attempt = 1; attempt <= 2; attempt++) {
      expect(await queue.claim('dies', [job.name], 1_000)).toMatchObject({ attempts: attempt });
      clockMs += 1_000;
    }
    expect(await queue.drain()).toMatchObject({ parked: 1 });
    expect(runs).toBe(0);
    expect((await queue.get(id))?.status).toBe('parked');
    expect(parkedWith).toMatch(/lease of attempt 2 of 2 expired/);
  });
});

describe('claiming', () => {
  it('claims the oldest due job first, only among the names given', async () => {
    const a = defineJob({ name: uniqueName('order-a'), payload: Payload, handler: async () => {} });
    const b = defineJob({ name: uniqueName('order-b'), payload: Payload, handler: async () => {} });
    const queue = createQueue(db, { jobs: [a, b], now });
    const later = await queue.enqueue(db.kysely, a, { documentId: '2' }, { runAt: new Date(clockMs + 5) });
    const sooner = await queue.enqueue(db.kysely, a, { documentId: '1' }, { runAt: new Date(clockMs - 5) });
    const future = await queue.enqueue(
      db.kysely,
      a,
      { documentId: '3' },
      { runAt: new Date(clockMs + 60_000) },
    );
    const otherName = await queue.enqueue(db.kysely, b, { documentId: 'b' });
    clockMs += 10;
    expect((await queue.claim('w', [a.name], 1_000))?.id).toBe(sooner);
    expect((await queue.claim('w', [a.name], 1_000))?.id).toBe(later);
    expect(await queue.claim('w', [a.name], 1_000)).toBeUndefined();
    expect(await queue.claim('w', [], 1_000)).toBeUndefined();
    expect((await queue.claim('w', [b.name], 1_000))?.id).toBe(otherName);
    expect((await queue.get(future))?.status).toBe('pending');
  });

  it('claims each of 200 jobs exactly once under concurrent claims', async () => {
    const job = defineJob({ name: uniqueName('concurrent'), payload: Payload, handler: async () => {} });
    const queue = createQueue(db, { jobs: [job], now });
    const ids = await db.transaction(async (trx) => {
      const out: string[] = [];
      for (let i = 0; i < 200; i++) out.push(await queue.enqueue(trx, job, { documentId: `doc_${i}` }));
      return out;
    });
    const invocations = await claimConcurrently([queue, queue], job.name, 8);
    expect([...invocations.keys()].sort()).toEqual([...ids].sort());
    expect([...invocations.values()].every((count) => count === 1)).toBe(true);
  });
});

/**
 * `loopsPerQueue` claim loops on each queue until nothing is due; counts how many times each job id was
 * handed out, completing each one.
 */
async function claimConcurrently(
  queues: ReturnType<typeof createQueue>[],
  name: string,
  loopsPerQueue: number,
): Promise<Map<string, number>> {
  const invocations = new Map<string, number>();
  const loop = async (queue: ReturnType<typeof createQueue>, workerId: string) => {
    for (;;) {
      const job = await queue.claim(workerId, [name], 60_000);
      if (!job) return;
      invocations.set(job.id, (invocations.get(job.id) ?? 0) + 1);
      expect(await queue.complete(job)).toBe(true);
    }
  };
  await Promise.all(
    queues.flatMap((queue, q) => Array.from({ length: loopsPerQueue }, (_, i) => loop(queue, `w${q}-${i}`))),
  );
  return invocations;
}

describe.runIf(Boolean(testDatabaseUrl))('PostgreSQL: several workers on one table', () => {
  let second: Db;

  beforeAll(async () => {
    expect(db.dialect).toBe('postgres');
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db.kysely);
    second = openDatabase({ kind: 'postgres', url: testDatabaseUrl! }, { schema: rows[0]!.schema });
  });
  afterAll(async () => {
    await second?.close();
  });

  it('two pools claiming 200 jobs claim each exactly once', async () => {
    const job = defineJob({ name: uniqueName('two-pools'), payload: Payload, handler: async () => {} });
    const one = createQueue(db, { jobs: [job], now });
    const two = createQueue(second, { jobs: [job], now });
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) ids.push(await one.enqueue(db.kysely, job, { documentId: `doc_${i}` }));
    // 8 loops per pool: up to 16 claims in flight, beyond each pool's 10 connections in total.
    const invocations = await claimConcurrently([one, two], job.name, 8);
    expect(invocations.size).toBe(200);
    expect([...invocations.keys()].sort()).toEqual(ids.sort());
    expect([...invocations.values()].every((count) => count === 1)).toBe(true);
  });

  it('two workers with real handlers run each of 200 jobs exactly once', async () => {
    const invocations = new Map<string, number>();
    const allDone = deferred();
    const name = uniqueName('two-workers');
    const job = defineJob({
      name,
      payload: Payload,
      handler: async (_payload, ctx) => {
        invocations.set(ctx.jobId, (invocations.get(ctx.jobId) ?? 0) + 1);
        if (invocations.size === 200) allDone.resolve();
      },
    });
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) ids.push(await enqueue(db.kysely, job, { documentId: `doc_${i}` }));
    const workers = [db, second].map((workerDb, i) =>
      startWorker({
        db: workerDb,
        jobs: [job],
        concurrency: 6,
        pollIntervalMs: 5,
        leaseMs: 60_000,
        workerId: `w${i}`,
      }),
    );
    await allDone.promise;
    await Promise.all(workers.map((worker) => worker.stop()));
    expect([...invocations.keys()].sort()).toEqual(ids.sort());
    expect([...invocations.values()].every((count) => count === 1)).toBe(true);
    const done = await db.kysely
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('name', '=', name)
      .where('status', '=', 'done')
      .executeTakeFirstOrThrow();
    expect(Number(done.n)).toBe(200);
  });
});

describe('startWorker', () => {
  it('runs enqueued jobs, keeps going after a handler throws, and stops cleanly', async () => {
    const handled = deferred<string>();
    const log: unknown[] = [];
    const failing = defineJob({
      name: uniqueName('worker-fails'),
      payload: Payload,
      maxAttempts: 1,
      handler: async () => {
        throw new Error('secret-value-in-error');
      },
    });
    const good = defineJob({
      name: uniqueName('worker-ok'),
      payload: Payload,
      handler: async ({ documentId }) => {
        handled.resolve(documentId);
      },
    });
    const queue = createQueue(db, { jobs: [failing, good] });
    // Due first, so that it has run before the good job resolves the test.
    const failedId = await queue.enqueue(
      db.kysely,
      failing,
      { documentId: 'pii-bad' },
      { runAt: new Date(Date.now() - 60_000) },
    );
    const goodId = await queue.enqueue(db.kysely, good, { documentId: 'pii-good' });

    const worker = startWorker({
      db,
      jobs: [failing, good],
      concurrency: 1,
      pollIntervalMs: 10,
      leaseMs: 30_000,
      log: recordingLog(log),
    });
    expect(await handled.promise).toBe('pii-good');
    await worker.stop();
    await worker.stop(); // idempotent

    expect((await queue.get(goodId))?.status).toBe('done');
    expect((await queue.get(failedId))?.status).toBe('parked');
    // Logs carry ids, names and outcomes; never payload values or error messages.
    const text = JSON.stringify(log);
    expect(text).toContain(goodId);
    expect(text).toContain('"outcome":"parked"');
    expect(text).not.toMatch(/pii-|secret-value/);
  });

  it('wakes at once on notify() instead of waiting for the next poll', async () => {
    const handled = deferred();
    const job = defineJob({
      name: uniqueName('notify'),
      payload: Payload,
      handler: async () => {
        handled.resolve();
      },
    });
    // Polls once at start, then not again for an hour: only notify() can make it run the job in time.
    const worker = startWorker({ db, jobs: [job], pollIntervalMs: 3_600_000, leaseMs: 30_000 });
    const id = await enqueue(db.kysely, job, { documentId: 'doc_n' });
    worker.notify();
    await handled.promise;
    await worker.stop();
    expect(await createQueue(db, { jobs: [job] }).get(id)).toMatchObject({ status: 'done' });
  });

  it('abandons a job still running after stopTimeoutMs, leaving its lease to expire', async () => {
    const started = deferred<AbortSignal>();
    const job = defineJob({
      name: uniqueName('stuck'),
      payload: Payload,
      handler: async (_payload, ctx) => {
        started.resolve(ctx.signal);
        // Never finishes by itself; ends when abandoned.
        await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
      },
    });
    const id = await enqueue(db.kysely, job, { documentId: 'doc_s' });
    const worker = startWorker({ db, jobs: [job], pollIntervalMs: 10, leaseMs: 30_000, stopTimeoutMs: 20 });
    const signal = await started.promise;
    await worker.stop();
    expect(signal.aborted).toBe(true);
    const row = await createQueue(db, { jobs: [job] }).get(id);
    expect(row).toMatchObject({ status: 'running', lockedBy: worker.workerId, attempts: 1 });

    // Another worker takes it over once the lease has expired.
    const queue = createQueue(db, { jobs: [job], now: () => Date.parse(row!.lockedUntil!) });
    expect((await queue.claim('next', [job.name], 1_000))?.id).toBe(id);
  });

  it('runs jobs concurrently up to `concurrency`', async () => {
    const gate = deferred();
    let running = 0;
    let peak = 0;
    const allStarted = deferred();
    const job = defineJob({
      name: uniqueName('parallel'),
      payload: Payload,
      handler: async () => {
        running++;
        peak = Math.max(peak, running);
        if (running === 3) allStarted.resolve();
        await gate.promise;
        running--;
      },
    });
    for (let i = 0; i < 5; i++) await enqueue(db.kysely, job, { documentId: `doc_${i}` });
    const worker = startWorker({ db, jobs: [job], concurrency: 3, pollIntervalMs: 10, leaseMs: 30_000 });
    await allStarted.promise;
    gate.resolve();
    await worker.stop();
    expect(peak).toBe(3);
  });
});

// Type-level: a list of differently typed definitions is one `JobDefinition[]`.
const _jobs: JobDefinition[] = [
  defineJob({ name: 'a', payload: Payload, handler: async (p) => void p.documentId }),
  defineJob({
    name: 'b',
    payload: Type.Object({ n: Type.Number() }),
    handler: async (p) => void p.n.toFixed(),
  }),
];
