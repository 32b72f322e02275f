/**
 * The worker loop: claims due jobs and runs up to `concurrency` of them at once, in this process. Used by
 * `kycgate worker` and, in embedded mode, inside `kycgate serve`. Any number of loops, in any number of
 * processes, may share one table (see queue-dialects.ts for how a job is claimed once).
 *
 * Polling: after a poll that finds nothing the wait doubles, from `pollIntervalMs` up to
 * `maxPollIntervalMs`, so an idle worker costs a query every few seconds; it drops back to `pollIntervalMs`
 * as soon as work turns up. `notify()` wakes the loop at once, and so does every enqueue in this process
 * (`onJobEnqueued`, see queue.ts): a new document or webhook event does not wait for the next poll. A
 * wake-up that finds nothing (the enqueuing transaction had not committed yet) is followed by a few quick
 * looks (`SETTLE_DELAYS_MS`) before the normal polling resumes. Other processes' jobs are found by
 * polling (no LISTEN/NOTIFY yet).
 *
 * Stopping: `stop()` claims nothing more and waits for the jobs in flight to finish, for up to
 * `stopTimeoutMs`. Jobs still running then are abandoned: their handlers' signals abort, their leases stop
 * being renewed and nothing more is written for them, so each lease expires and another worker (or this
 * one after a restart) runs the job again. A job is never marked failed because its worker stopped.
 *
 * Failures never end the loop: a handler's error is recorded on its job (retry or park), and a database
 * error while claiming or recording is logged and retried after the longest poll interval.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Db } from '../db/database.ts';
import {
  createQueue,
  DEFAULT_LEASE_MS,
  onJobEnqueued,
  silentLog,
  type JobDefinition,
  type JobRow,
  type QueueLog,
} from './queue.ts';

/** After a wake-up that claimed nothing, look again after these waits (ms) before polling as usual. */
export const SETTLE_DELAYS_MS = [5, 20, 50, 100, 250] as const;

export interface WorkerOptions {
  db: Db;
  /** The jobs this worker runs; it claims no other names. */
  jobs: readonly JobDefinition[];
  /** Jobs run at once. Default 1. */
  concurrency?: number;
  /** Wait after an empty poll, in ms; doubled on each further empty poll. Default 1 000. */
  pollIntervalMs?: number;
  /** The longest wait between polls when idle, in ms. Default 4 × `pollIntervalMs`. */
  maxPollIntervalMs?: number;
  /**
   * Lease on a claimed job, in ms; renewed every third of it while the handler runs. A job whose worker
   * dies is retried after at most this long. Default 60 000: a crashed worker delays a document by a minute
   * at most, and an event loop blocked for up to 40 s (a heavy synchronous analysis step) keeps its lease.
   */
  leaseMs?: number;
  /** How long `stop()` waits for jobs in flight before abandoning them, in ms. Default 25 000. */
  stopTimeoutMs?: number;
  log?: QueueLog;
  /** Recorded in `locked_by`. Default host:pid:random. */
  workerId?: string;
  /** The clock, in ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

export interface Worker {
  readonly workerId: string;
  /** Polls now instead of at the next interval: call after committing an enqueue. */
  notify(): void;
  /** Stops claiming, lets jobs in flight finish (up to `stopTimeoutMs`), abandons the rest. Idempotent. */
  stop(): Promise<void>;
}

export function startWorker(options: WorkerOptions): Worker {
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const maxPollIntervalMs = Math.max(pollIntervalMs, options.maxPollIntervalMs ?? pollIntervalMs * 4);
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const stopTimeoutMs = options.stopTimeoutMs ?? 25_000;
  const log = options.log ?? silentLog;
  const workerId = (
    options.workerId ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
  ).slice(0, 200);
  const queue = createQueue(options.db, {
    jobs: options.jobs,
    log,
    ...(options.now ? { now: options.now } : {}),
  });
  const names = options.jobs.map((job) => job.name);

  interface InFlight {
    job: JobRow;
    controller: AbortController;
    settled: Promise<void>;
  }
  const inFlight = new Set<InFlight>();
  let stopping = false;
  let idleMs = pollIntervalMs;

  // One waiter at a time (the loop). A wake-up that arrives while the loop is busy is remembered, so a
  // notify() during a claim is not lost.
  let wake: (() => void) | undefined;
  let wokenEarly = false;
  const wakeUp = () => {
    if (wake) wake();
    else wokenEarly = true;
  };
  // Quick looks left after a wake-up, while a just-enqueued job may not be committed yet.
  let settleDelays: number[] = [];
  const nudge = () => {
    idleMs = pollIntervalMs;
    settleDelays = [...SETTLE_DELAYS_MS];
    wakeUp();
  };
  const pause = (ms: number | undefined) => {
    if (wokenEarly) {
      wokenEarly = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  };

  const start = (job: JobRow) => {
    const controller = new AbortController();
    const entry: InFlight = {
      job,
      controller,
      settled: queue
        .run(job, { leaseMs, signal: controller.signal })
        .then(
          () => undefined,
          // Recording the outcome failed (database down): the lease expires and the job runs again.
          (error: unknown) =>
            log.error(
              { workerId, jobId: job.id, jobName: job.name, errorName: nameOf(error) },
              'job outcome not recorded',
            ),
        )
        .finally(() => {
          inFlight.delete(entry);
          wakeUp();
        }),
    };
    inFlight.add(entry);
  };

  const loop = async () => {
    while (!stopping) {
      try {
        let claimed = false;
        let exhausted = false;
        while (!stopping && inFlight.size < concurrency) {
          const job = await queue.claim(workerId, names, leaseMs);
          if (!job) {
            exhausted = true;
            break;
          }
          claimed = true;
          // Claimed even if stop() came meanwhile: run it (stop waits for it) rather than strand it.
          start(job);
        }
        if (stopping) break;
        if (!exhausted) {
          await pause(undefined); // every slot busy: until one frees, a notify or stop
        } else {
          if (claimed) {
            idleMs = pollIntervalMs;
            settleDelays = [];
          }
          const settle = settleDelays.shift();
          if (settle !== undefined) {
            await pause(settle);
            continue;
          }
          const waitMs = idleMs;
          idleMs = Math.min(idleMs * 2, maxPollIntervalMs);
          await pause(waitMs);
        }
      } catch (error) {
        log.error({ workerId, errorName: nameOf(error) }, 'job claim failed');
        await pause(maxPollIntervalMs);
      }
    }
  };

  log.info({ workerId, concurrency, jobs: names }, 'worker started');
  const unsubscribe = onJobEnqueued(nudge);
  const looping = loop();
  let stopped: Promise<void> | undefined;

  return {
    workerId,
    notify: nudge,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        unsubscribe();
        wakeUp();
        await looping;
        const running = [...inFlight];
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
          Promise.all(running.map((entry) => entry.settled)).then(() => false),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(true), stopTimeoutMs);
          }),
        ]);
        clearTimeout(timer);
        if (timedOut) {
          for (const entry of inFlight) {
            entry.controller.abort(new Error('worker stopped'));
            log.warn({ workerId, jobId: entry.job.id, jobName: entry.job.name }, 'job abandoned on stop');
          }
        }
        log.info({ workerId }, 'worker stopped');
      })();
      return stopped;
    },
  };
}

function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
