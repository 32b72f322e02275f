/**
 * Entry of the job loop: `kycgate worker` runs it alone; `kycgate serve` runs it in-process (embedded
 * mode, `WORKERS` > 0). Besides the jobs it is handed, each loop enqueues the expiry sweep every minute
 * (deduplicated by its job key, so N loops still make one sweep).
 */
import pino from 'pino';
import type { Config } from './config.ts';
import { activeAllocator } from './lib/allocator.ts';
import { enqueue, type QueueLog } from './queue/queue.ts';
import { startWorker, type Worker } from './queue/worker.ts';
import type { Deps } from './modules/deps.ts';
import { EXPIRY_SWEEP_JOB_KEY } from './modules/kyc-requests/sweep-expired-kyc-requests.ts';
import { closeDeps, createDeps } from './runtime.ts';

const SWEEP_INTERVAL_MS = 60_000;

export function startJobWorker(deps: Deps, log: QueueLog): Worker {
  const worker = startWorker({
    db: deps.db,
    jobs: Object.values(deps.jobs),
    concurrency: deps.config.workers,
    leaseMs: deps.config.workerLeaseMs,
    // Jobs enqueued by another process (a `kycgate serve` in front of a separate `kycgate worker`) are
    // found by polling: capped at 1 s rather than the queue's default 4 s. bench:webhooks measured the p95
    // from a KYC change to the webhook attempt at 3.9 s with the 4 s cap on an idle worker; an idle poll is
    // one indexed query.
    maxPollIntervalMs: 1_000,
    log,
  });
  const scheduleSweep = () => {
    enqueue(deps.db.kysely, deps.jobs.sweepExpiredKycRequests, {}, { jobKey: EXPIRY_SWEEP_JOB_KEY }).then(
      () => worker.notify(),
      (error: unknown) => log.warn({ err: error }, 'could not schedule the expiry sweep'),
    );
  };
  scheduleSweep();
  const timer = setInterval(scheduleSweep, SWEEP_INTERVAL_MS);
  timer.unref();
  deps.wakeWorker = () => worker.notify();
  return {
    workerId: worker.workerId,
    notify: () => worker.notify(),
    // Stops the loop only: the analyzers' engines may still serve HTTP requests of this process (a
    // liveness `finish`); the entry closes them with `closeDeps` once those have stopped too.
    stop: async () => {
      clearInterval(timer);
      await worker.stop();
    },
  };
}

/** `kycgate worker`: the loop alone, until SIGINT/SIGTERM. */
export async function runWorker(config: Config): Promise<void> {
  const log = pino({ level: config.logLevel, name: 'kycgate-worker' });
  const deps = await createDeps(config);
  const worker = startJobWorker(deps, log);
  log.info(
    { workerId: worker.workerId, concurrency: config.workers, allocator: activeAllocator() },
    'worker started',
  );
  const stop = (signal: string) => {
    log.info({ signal }, 'worker stopping');
    worker
      .stop()
      .then(() => closeDeps(deps))
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        log.error({ err: error }, 'worker stop failed');
        process.exit(1);
      });
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
