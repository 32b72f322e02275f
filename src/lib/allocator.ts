/**
 * The memory allocator of the long-running processes (`serve`, `worker`, `analyze`).
 *
 * The analysis stages decode 12-MP photos in native libraries (libvips through sharp, onnxruntime, the
 * wasm engines' hosts): tens of megabytes allocated and freed per document, from several threads. glibc's
 * malloc keeps much of that memory for reuse (per-thread arenas, a heap that cannot shrink below its
 * highest live block), so a worker's RSS creeps up document after document. jemalloc returns freed pages
 * to the system and keeps fewer, smaller arenas: over the benchmark's 180 documents the worker's peak RSS
 * is lower by a quarter (docs/accuracy.md, "Memory").
 *
 * The allocator of a process cannot be changed once it runs, so the command starts itself again as a
 * child with jemalloc preloaded (`LD_PRELOAD`) when the library is installed (Debian: `libjemalloc2`, a
 * dependency of `redis-server`), and the parent only forwards signals and the exit code. Set
 * `KYCGATE_ALLOCATOR=system` to keep the system allocator.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ConfigError } from '../config.ts';

/** Where distributions install jemalloc's shared library. */
const JEMALLOC_PATHS = [
  '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2',
  '/usr/lib/aarch64-linux-gnu/libjemalloc.so.2',
  '/usr/lib64/libjemalloc.so.2',
  '/usr/lib/libjemalloc.so.2',
  '/usr/local/lib/libjemalloc.so.2',
];

/**
 * jemalloc's settings: freed pages are purged from a background thread ten seconds after their last use
 * (jemalloc's default delay, stated here), and muzzy pages at once. A shorter delay cost CPU for no RSS
 * gained once the OCR engine stopped building its inputs in JavaScript arrays: one second, measured
 * alternately on the benchmark's 20 photos, took 1.75–1.79 s of CPU per photo at p50 against 1.59–1.71 s,
 * at the same peak RSS (0.70–0.72 GB). Purging at once (`dirty_decay_ms:0`) kept RSS lowest but tripled the
 * CPU time per document: onnxruntime and libvips free and allocate the same large buffers many times per
 * document, and each reuse then faulted its pages in again (docs/accuracy.md, "Memory").
 */
export const JEMALLOC_CONF = 'background_thread:true,dirty_decay_ms:10000,muzzy_decay_ms:0';

/** Marks a process started by {@link relaunchWithAllocator}, so it does not start itself again. */
const MARKER = 'KYCGATE_ALLOCATOR_ACTIVE';

export function findJemalloc(exists: (path: string) => boolean = existsSync): string | null {
  return JEMALLOC_PATHS.find((p) => exists(p)) ?? null;
}

/**
 * The environment a child process needs to run on jemalloc, or null when it should not (not Linux,
 * `KYCGATE_ALLOCATOR=system`, the library is missing, or this process is that child already). Throws a
 * `ConfigError` for any other value of `KYCGATE_ALLOCATOR`.
 */
export function jemallocEnv(
  env: NodeJS.ProcessEnv = process.env,
  options: { platform?: NodeJS.Platform; exists?: (path: string) => boolean } = {},
): NodeJS.ProcessEnv | null {
  const setting = env.KYCGATE_ALLOCATOR ?? 'auto';
  if (setting !== 'auto' && setting !== 'system') {
    throw new ConfigError([`KYCGATE_ALLOCATOR must be auto or system (got "${setting}")`]);
  }
  if ((options.platform ?? process.platform) !== 'linux') return null;
  if (env[MARKER] || setting === 'system') return null;
  if (/libjemalloc/.test(env.LD_PRELOAD ?? '')) return null;
  const library = findJemalloc(options.exists);
  if (!library) return null;
  return {
    ...env,
    LD_PRELOAD: env.LD_PRELOAD ? `${library}:${env.LD_PRELOAD}` : library,
    MALLOC_CONF: env.MALLOC_CONF ?? JEMALLOC_CONF,
    [MARKER]: 'jemalloc',
  };
}

/** The allocator this process runs on: what the relaunch set, or `system`. */
export function activeAllocator(env: NodeJS.ProcessEnv = process.env): 'jemalloc' | 'system' {
  return env[MARKER] === 'jemalloc' || /libjemalloc/.test(env.LD_PRELOAD ?? '') ? 'jemalloc' : 'system';
}

/**
 * Runs this same command again on jemalloc and resolves with the child's exit code; resolves null at once
 * (nothing started) when {@link jemallocEnv} says not to. SIGINT, SIGTERM and SIGHUP are passed on.
 */
export function relaunchWithAllocator(): Promise<number> | null {
  const env = jemallocEnv();
  if (!env) return null;
  // The IPC channel lets the child notice when this process dies, even by SIGKILL (see `followSupervisor`).
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    env,
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => {
    const handler = forward(signal);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      for (const [s, handler] of handlers) process.off(s, handler);
      resolve(code ?? (signal ? 128 + (signalNumber(signal) ?? 1) : 1));
    });
    child.on('error', () => resolve(1));
  });
}

function signalNumber(signal: NodeJS.Signals): number | undefined {
  return ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Partial<Record<NodeJS.Signals, number>>)[
    signal
  ];
}

/**
 * In a process started by {@link relaunchWithAllocator}: when the parent goes away without passing a signal
 * on (killed with SIGKILL, crashed), stop gracefully with SIGTERM rather than run on unsupervised.
 */
export function followSupervisor(): void {
  if (!process.env[MARKER] || !process.send) return;
  process.channel?.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
