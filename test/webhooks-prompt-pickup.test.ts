/**
 * Prompt pick-up: a worker of this process runs a job enqueued in this process without waiting for its
 * poll (here 10 minutes, so only the enqueue signal can explain a run), including a job enqueued inside a
 * transaction that commits later (the worker's quick re-looks, or SQLite's single connection, bridge the
 * gap). This is what keeps a webhook's first attempt within tens of ms of the change (bench:webhooks).
 */
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { defineJob, enqueue } from '../src/queue/queue.ts';
import { startWorker, type Worker } from '../src/queue/worker.ts';

let t: TestApp;
let worker: Worker;
const ran = new Map<string, () => void>();
const job = defineJob({
  name: 'test.prompt-pickup',
  payload: Type.Object({ tag: Type.String() }),
  handler: ({ tag }) => {
    ran.get(tag)?.();
    return Promise.resolve();
  },
});

/** Resolves when the job tagged `tag` runs; rejects after `ms`. */
function runOf(tag: string, ms = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${tag} did not run within ${ms} ms`)), ms);
    ran.set(tag, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

beforeAll(async () => {
  t = await createTestApp();
  worker = startWorker({ db: t.deps.db, jobs: [job], pollIntervalMs: 600_000 });
  // Let the first (empty) poll pass, so the worker is waiting on its 10-minute interval.
  await new Promise((resolve) => setTimeout(resolve, 50));
});
afterAll(async () => {
  await worker.stop();
  await t.close();
});

describe('prompt pick-up of jobs enqueued in this process', () => {
  it('runs a job enqueued outside a transaction at once', async () => {
    const done = runOf('plain');
    await enqueue(t.deps.db.kysely, job, { tag: 'plain' });
    await done;
  });

  it('runs a job whose enqueuing transaction commits a while after the enqueue', async () => {
    const done = runOf('late-commit');
    await t.deps.db.transaction(async (trx) => {
      await enqueue(trx, job, { tag: 'late-commit' });
      await new Promise((resolve) => setTimeout(resolve, 40)); // still uncommitted when the signal fires
    });
    await done;
    const row = await t.deps.db.kysely
      .selectFrom('jobs')
      .select(['status', 'attempts'])
      .where('name', '=', job.name)
      .where('payload', 'like', '%late-commit%')
      .executeTakeFirstOrThrow();
    expect(row.attempts).toBe(1);
  });
});
