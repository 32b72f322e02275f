/**
 * `npm run bench:webhooks` — the webhook goals of issue 7, on this machine, against a real receiver on
 * loopback and a real SQLite file:
 *
 * 1. Delay from a change to the first delivery attempt, at idle: one KYC document is created through the
 *    API (`POST /kyc-documents`, which writes the `kyc-document-created` event), then the bench waits for
 *    the receiver to get that event, then pauses 0.5–4.5 s (random) so that the worker is idle and its
 *    polling has backed off as it would in production. Measured with the in-process worker of
 *    `kycgate serve` (embedded mode), then with a separate `kycgate worker` process on the same file
 *    (scale mode: it finds jobs by polling). Goal: p95 ≤ 1 s at idle.
 * 2. Deliveries per second: `--events` documents are created with the worker stopped, then a worker with
 *    `--concurrency` slots is started and the bench times until the receiver has every delivery.
 *
 * Options: --changes N (default 20), --events N (default 300), --concurrency N (default 4).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createOrganization } from '../src/modules/organizations/create-organization.ts';
import { silentLog } from '../src/queue/queue.ts';
import { createDeps } from '../src/runtime.ts';
import { startJobWorker } from '../src/worker.ts';

const { values } = parseArgs({
  options: {
    changes: { type: 'string', default: '20' },
    events: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '4' },
  },
});
const CHANGES = Number(values.changes);
const EVENTS = Number(values.events);
const CONCURRENCY = Number(values.concurrency);

// The receiver: answers 200 at once and notes when each document's creation event arrived.
const arrivals = new Map<string, number>();
let waiting: { documentId: string; resolve: () => void } | undefined;
let total = 0;
let allIn: { count: number; resolve: () => void } | undefined;
const receiver = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const at = performance.now();
    res.writeHead(200).end('ok');
    const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { kycDocumentId?: string };
    total++;
    if (payload.kycDocumentId && !arrivals.has(payload.kycDocumentId))
      arrivals.set(payload.kycDocumentId, at);
    if (waiting && payload.kycDocumentId === waiting.documentId) waiting.resolve();
    if (allIn && total >= allIn.count) allIn.resolve();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks`;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kycgate-bench-webhooks-'));
const env = {
  DATA_DIR: dataDir,
  LOG_LEVEL: 'silent',
  RATE_LIMIT_MAX: '0',
  KYCGATE_ANALYSIS: 'off',
  KYCGATE_JWT_SECRET: randomBytes(32).toString('hex'),
  PUBLIC_URL: 'http://127.0.0.1',
  WORKERS: '1',
};
const config = loadConfig(env);
const deps = await createDeps(config);
const app = await buildApp(deps, { logger: false });
// A sandbox organization, as `npm start` creates: its webhooks may call the receiver on loopback.
const org = await createOrganization(deps.db, { name: 'bench', isSandbox: true });
const headers = { 'reb-apikey': org.secretKey };

async function call(method: 'POST' | 'GET', url: string, payload?: object): Promise<{ id: string }> {
  const res = await app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json<{ id: string }>();
}

await call('POST', '/webhooks', { method: 'POST', url: receiverUrl, eventsFilter: ['kyc-document-created'] });
const customer = await call('POST', '/customers', {
  primaryAddress: { firstName: 'Ada', lastName: 'Lovelace' },
});
const image = await sharp({ create: { width: 200, height: 120, channels: 3, background: '#88a' } })
  .png()
  .toBuffer();
const file = await call('POST', '/files', {
  file: image.toString('base64'),
  name: 'doc.png',
  tags: ['kyc', 'id-front'],
});

/** Creates a KYC document (the change); returns its id. */
async function change(): Promise<string> {
  const document = await call('POST', '/kyc-documents', {
    customerId: customer.id,
    documentType: 'identity-proof',
    fileIds: [file.id],
  });
  return document.id;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function measureDelays(label: string): Promise<void> {
  const delays: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    await sleep(500 + Math.random() * 4_000); // idle: the worker's polling backs off meanwhile
    const started = performance.now();
    const arrived = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no delivery within 30 s')), 30_000);
      waiting = {
        documentId: '',
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
    const documentId = await change();
    waiting!.documentId = documentId;
    if (arrivals.has(documentId)) waiting!.resolve();
    await arrived;
    delays.push(arrivals.get(documentId)! - started);
  }
  delays.sort((a, b) => a - b);
  const fmt = (ms: number) => `${Math.round(ms)} ms`;
  console.log(
    `${label.padEnd(44)} n=${CHANGES}  p50 ${fmt(quantile(delays, 0.5))}  p95 ${fmt(quantile(delays, 0.95))}  max ${fmt(delays.at(-1)!)}`,
  );
}

console.log(
  `kycgate bench:webhooks — ${os.cpus().length} cores, Node ${process.version}, SQLite in ${dataDir}`,
);
console.log(
  '\nchange (POST /kyc-documents) → first delivery attempt received, worker idle before each change:',
);

// 1a. Embedded: the worker runs in this process, woken by the enqueue.
let worker = startJobWorker(deps, silentLog);
await measureDelays('in-process worker (kycgate serve, embedded)');
await worker.stop();

// 1b. Scale mode: a separate `kycgate worker` process on the same database file, polling.
const child = spawn(process.execPath, ['bin/kycgate.js', 'worker'], {
  env: { ...process.env, ...env, LOG_LEVEL: 'info' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
// Ready when it logs that its loop started (tsx compiles the sources first: seconds on a busy machine).
await new Promise<void>((resolve, reject) => {
  let seen = '';
  child.stdout.on('data', (chunk: Buffer) => {
    seen += chunk.toString('utf8');
    if (seen.includes('"worker started"')) resolve();
  });
  child.once('exit', (code) => reject(new Error(`kycgate worker exited (${code})`)));
});
child.stdout.resume();
await measureDelays('separate kycgate worker process (polling)');
child.kill('SIGTERM');
await new Promise((resolve) => child.once('exit', resolve));

// 2. Throughput: a backlog of events, then a worker with CONCURRENCY slots.
const before = total;
for (let i = 0; i < EVENTS; i++) await change();
const dispatched = new Promise<void>((resolve) => {
  allIn = { count: before + EVENTS, resolve };
});
const started = performance.now();
worker = startJobWorker({ ...deps, config: { ...deps.config, workers: CONCURRENCY } }, silentLog);
await dispatched;
const seconds = (performance.now() - started) / 1000;
await worker.stop();
console.log(
  `\ndeliveries per second: ${EVENTS} events queued, worker concurrency ${CONCURRENCY}: ` +
    `${(EVENTS / seconds).toFixed(0)}/s (${seconds.toFixed(2)} s, dispatch + delivery + tracking)`,
);

await app.close();
await deps.db.close();
await new Promise<void>((resolve) => receiver.close(() => resolve()));
fs.rmSync(dataDir, { recursive: true, force: true });
