/**
 * Identity-document analysis benchmark (issue 4, "Benchmark"): the production analyzer on a fixed-seed set
 * of generated documents (test/fixtures/identity), per capture condition: field-level accuracy, the share
 * of documents decided correctly, p50/p95 latency on one worker, throughput with 1 and 2 workers, peak RSS.
 * Prints the tables and writes `docs/accuracy.md` and `docs/accuracy.svg`. Figures, no assertions.
 *
 * Run: `npm run bench:analysis` (default 20 documents per condition, ≈ 15 min on 2 cores), or e.g.
 * `npm run bench:analysis -- --count-per-condition 5 --conditions scan,photo --workers 1`.
 *
 * Options:
 * - `--count-per-condition N` (default 20): specs per capture condition;
 * - `--seed S` (default 4): spec seed; condition `c` (its index in CAPTURE_CONDITIONS) uses
 *   `sampleSpecs(N, S * 1000 + c)` and document `i` the image seed `(S * 1000 + c) * 1000 + i`, so a subset
 *   of conditions gets the same documents as the full run;
 * - `--conditions a,b` (default all nine);
 * - `--workers 1,2` (default `1,2`): worker counts to measure throughput with; the 1-worker run always
 *   happens (accuracy and latency come from it);
 * - `--out dir` (default `docs`): where accuracy.md and accuracy.svg go; `--out -` writes nothing;
 * - `--reference-date YYYY-MM-DD` (default 2026-11-22): "today" for expiry and age, fixed so the set and
 *   its decisions do not move with the calendar;
 * - `--pin on|off` (default on where `taskset` exists): pin worker k to CPU k (mod nproc);
 * - `--max-minutes M` (default 40): stop dispatching documents after M minutes and report what ran;
 * - `--allocator auto|system` (default auto): the workers' malloc — `auto` is what `kycgate worker` picks
 *   (jemalloc where it is installed, src/lib/allocator.ts), `system` keeps glibc's.
 *
 * Workers are separate processes (bench/lib/analysis-worker.ts), not analyzer instances in one process:
 * that is how kycgate scales (`kycgate worker` × M, DESIGN.md), the JavaScript stages (MRZ band locator,
 * Human's wasm backend) would otherwise share one event loop, and each worker's RSS can be read on its
 * own. Each worker builds the production engines, loads every model (one call per engine) and analyses one
 * unmeasured warm-up document before the clock starts; that time is reported apart. Latency is the
 * worker's own `analyze` + `decide` time; throughput is documents over the wall-clock of a condition's
 * batch as seen by the parent (IPC and file reads included). RSS: each worker samples
 * `process.memoryUsage().rss` every 100 ms; for N workers the peak of the sum of their latest samples.
 *
 * Generated documents are cached in the OS temp dir (keyed by spec, seed and the generator's source), so a
 * second run skips generation.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  CAPTURE_CONDITIONS,
  generateDocument,
  sampleSpecs,
  type CaptureCondition,
  type DocumentSpec,
  type GroundTruth,
} from '../test/fixtures/identity/index.ts';
import {
  CLEAN_CONDITIONS,
  evaluateGoals,
  FIELD_NAMES,
  LATENCY_GOAL_CONDITION,
  markdownTable,
  PHONE_PHOTO_CONDITIONS,
  pct,
  summarize,
  svgChart,
  tables,
  textTable,
  verdict,
  type BatchFigures,
  type DocRecord,
  type FieldName,
  type RunFigures,
  type Summary,
} from './lib/accuracy-report.ts';
import { activeAllocator, jemallocEnv } from '../src/lib/allocator.ts';
import { vizAccuracyTable } from './viz-accuracy.ts';
import type { AnalyzeRequest, FromWorker, ToWorker, WorkerResult } from './lib/analysis-worker.ts';
import { ADDRESS_SECTION_END, ADDRESS_SECTION_START, replaceAddressSection } from './address-accuracy.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const WORKER_FILE = path.join(HERE, 'lib', 'analysis-worker.ts');
const FIXTURE_DIR = path.join(ROOT, 'test', 'fixtures', 'identity');
const CACHE_DIR = path.join(os.tmpdir(), 'kycgate-analysis-bench');
/** A worker that has not answered one document in this time is stuck: the run stops. */
const DOCUMENT_TIMEOUT_MS = 120_000;
/** Loading the models (and one warm-up analysis) must end within this time. */
const READY_TIMEOUT_MS = 300_000;

// ---------------------------------------------------------------------------------------------------
// Options

/** A wrong option: say so and stop (exit code 2). */
function usage(message: string): never {
  console.error(`[bench:analysis] ${message} (see the options at the top of bench/analysis.ts)`);
  process.exit(2);
}

const argv = process.argv.slice(2).filter((a) => a !== '--');
let parsed: ReturnType<typeof parseOptions>;
function parseOptions() {
  return parseArgs({
    args: argv,
    options: {
      'count-per-condition': { type: 'string', default: '20' },
      seed: { type: 'string', default: '4' },
      conditions: { type: 'string', default: CAPTURE_CONDITIONS.join(',') },
      workers: { type: 'string', default: '1,2' },
      out: { type: 'string', default: 'docs' },
      'reference-date': { type: 'string', default: '2026-11-22' },
      pin: { type: 'string' },
      'max-minutes': { type: 'string', default: '40' },
      allocator: { type: 'string', default: 'auto' },
    },
    strict: true,
  });
}
try {
  parsed = parseOptions();
} catch (error) {
  usage((error as Error).message);
}
const opts = parsed.values;

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) usage(`--${name} must be a positive integer (got "${value}")`);
  return n;
}

const COUNT = positiveInt('count-per-condition', opts['count-per-condition']);
const SEED = Number(opts.seed);
if (!Number.isInteger(SEED) || SEED < 0) usage('--seed must be a non-negative integer');
const CONDITIONS = opts.conditions.split(',').map((c) => c.trim()) as CaptureCondition[];
for (const c of CONDITIONS) {
  if (!CAPTURE_CONDITIONS.includes(c)) {
    usage(`unknown condition "${c}"; known: ${CAPTURE_CONDITIONS.join(', ')}`);
  }
}
const WORKER_COUNTS = [
  ...new Set([1, ...opts.workers.split(',').map((w) => positiveInt('workers', w.trim()))]),
].sort((a, b) => a - b);
const OUT_DIR = opts.out === '-' ? null : path.resolve(opts.out);
const REFERENCE_DATE = opts['reference-date'];
if (!/^\d{4}-\d{2}-\d{2}$/.test(REFERENCE_DATE)) usage('--reference-date must be YYYY-MM-DD');
const MAX_MS = Number(opts['max-minutes']) * 60_000;
if (!(MAX_MS > 0)) usage('--max-minutes must be a positive number');

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const PIN = opts.pin === undefined ? hasTaskset() : opts.pin === 'on';
if (!['auto', 'system'].includes(opts.allocator)) usage('--allocator must be auto or system');
// The workers run on the allocator `kycgate worker` would pick (src/lib/allocator.ts), unless told not to.
const WORKER_ENV = (opts.allocator === 'auto' ? jemallocEnv() : null) ?? {
  ...process.env,
  KYCGATE_ALLOCATOR: 'system',
};
const ALLOCATOR = activeAllocator(WORKER_ENV);

const log = (message: string) => process.stderr.write(`[bench:analysis] ${message}\n`);

// ---------------------------------------------------------------------------------------------------
// Machine and repository facts

function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

function machineFacts() {
  const mrzChanges = run('git', ['status', '--short', 'src/analysis/mrz']);
  return {
    nproc: run('nproc', []),
    cpu: os.cpus()[0]?.model ?? '?',
    memoryGb: (os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    date: new Date().toISOString(),
    loadAverage: os.loadavg().map((l) => l.toFixed(2)),
    commit: run('git', ['log', '-1', '--oneline']),
    mrzChanges: mrzChanges === '?' ? '?' : mrzChanges,
  };
}

// ---------------------------------------------------------------------------------------------------
// Documents

interface BenchDocument {
  index: number;
  condition: CaptureCondition;
  truth: GroundTruth;
  file: string;
  mime: string;
}

async function generatorHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const name of (await readdir(FIXTURE_DIR)).filter((n) => n.endsWith('.ts')).sort()) {
    hash.update(name).update(await readFile(path.join(FIXTURE_DIR, name)));
  }
  return hash.digest('hex');
}

/** The generated document from the cache, or generated now and cached. */
async function cachedDocument(
  generator: string,
  spec: DocumentSpec,
  seed: number,
): Promise<{ file: string; truth: GroundTruth; mime: string; cached: boolean }> {
  const key = createHash('sha256')
    .update(`${generator}\n${JSON.stringify(spec)}\n${seed}`)
    .digest('hex')
    .slice(0, 32);
  const file = path.join(CACHE_DIR, `${key}.img`);
  const truthFile = path.join(CACHE_DIR, `${key}.json`);
  try {
    const saved = JSON.parse(await readFile(truthFile, 'utf8')) as { truth: GroundTruth; mime: string };
    if ((await stat(file)).size === 0) throw new Error('empty image');
    return { file, ...saved, cached: true };
  } catch {
    const generated = await generateDocument(spec, seed);
    await writeFile(file, generated.image);
    await writeFile(truthFile, JSON.stringify({ truth: generated.truth, mime: generated.mime }));
    return { file, truth: generated.truth, mime: generated.mime, cached: false };
  }
}

async function prepareDocuments(): Promise<{
  docs: BenchDocument[];
  warmUp: BenchDocument;
  generatedMs: number;
  cached: number;
}> {
  await mkdir(CACHE_DIR, { recursive: true });
  const generator = await generatorHash();
  const started = performance.now();
  const docs: BenchDocument[] = [];
  let cached = 0;
  for (const condition of CONDITIONS) {
    const specSeed = SEED * 1000 + CAPTURE_CONDITIONS.indexOf(condition);
    const specs = sampleSpecs(COUNT, specSeed, { conditions: [condition], referenceDate: REFERENCE_DATE });
    for (const [i, spec] of specs.entries()) {
      const doc = await cachedDocument(generator, spec, specSeed * 1000 + i);
      if (doc.cached) cached++;
      docs.push({ index: docs.length, condition, truth: doc.truth, file: doc.file, mime: doc.mime });
      if (docs.length % 20 === 0) log(`documents ready: ${docs.length}/${CONDITIONS.length * COUNT}`);
    }
  }
  // Not measured: loads the models and warms every code path once before the clock starts.
  const [warmSpec] = sampleSpecs(1, 424_242, {
    conditions: ['photo'],
    kinds: ['td3'],
    cases: ['valid'],
    referenceDate: REFERENCE_DATE,
  });
  const warm = await cachedDocument(generator, warmSpec!, 424_242);
  const warmUp = {
    index: -1,
    condition: 'photo' as const,
    truth: warm.truth,
    file: warm.file,
    mime: warm.mime,
  };
  return { docs, warmUp, generatedMs: performance.now() - started, cached };
}

// ---------------------------------------------------------------------------------------------------
// Workers

type Outcome = { result: WorkerResult } | { error: string };

class Worker {
  readonly child: ChildProcess;
  /** Latest sampled RSS, bytes. */
  rss = 0;
  hwm: number | null = null;
  dead = false;
  readonly ready: Promise<{ loadMs: number; warmMs: number; rss: number }>;
  #pending: { index: number; resolve: (o: Outcome) => void; timer: NodeJS.Timeout } | null = null;
  #onRss: (() => void) | null = null;

  constructor(
    readonly cpu: number | null,
    warmUp: BenchDocument,
  ) {
    const warm = { file: warmUp.file, mime: warmUp.mime, customer: warmUp.truth.customer };
    const args = [
      ...process.execArgv,
      WORKER_FILE,
      '--reference-date',
      REFERENCE_DATE,
      '--warm-up',
      JSON.stringify(warm),
    ];
    const [command, commandArgs] =
      cpu === null ? [process.execPath, args] : ['taskset', ['-c', String(cpu), process.execPath, ...args]];
    this.child = spawn(command, commandArgs, {
      cwd: ROOT,
      env: WORKER_ENV,
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    // Engines may print to stdout; keep the benchmark's stdout for the tables.
    this.child.stdout?.pipe(process.stderr);
    let readyTimer: NodeJS.Timeout | undefined;
    this.ready = new Promise((resolve, reject) => {
      readyTimer = setTimeout(() => reject(new Error('worker not ready in time')), READY_TIMEOUT_MS);
      this.child.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          clearTimeout(readyTimer);
          this.rss = message.rss;
          resolve({ loadMs: message.loadMs, warmMs: message.warmMs, rss: message.rss });
        } else if (message.type === 'rss') {
          this.rss = message.rss;
          this.#onRss?.();
        } else if (this.#pending && message.index === this.#pending.index) {
          const pending = this.#pending;
          this.#pending = null;
          clearTimeout(pending.timer);
          if (message.type === 'result') {
            this.hwm = message.hwm;
            pending.resolve({ result: message.result });
          } else {
            pending.resolve({ error: message.message.split('\n')[0] ?? 'failed' });
          }
        }
      });
      this.child.on('exit', (code, signal) => {
        clearTimeout(readyTimer);
        this.dead = true;
        reject(new Error(`worker exited (${signal ?? code}) before it was ready`));
        if (this.#pending) {
          clearTimeout(this.#pending.timer);
          this.#pending.resolve({ error: `worker exited (${signal ?? code})` });
          this.#pending = null;
        }
      });
    });
    // Rejections of `ready` after the fact (a late exit) are reported through `dead`.
    this.ready.catch(() => {});
  }

  set onRss(listener: (() => void) | null) {
    this.#onRss = listener;
  }

  analyze(doc: BenchDocument): Promise<Outcome> {
    if (this.dead) return Promise.resolve({ error: 'worker is gone' });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending = null;
        this.kill();
        resolve({ error: `timeout after ${DOCUMENT_TIMEOUT_MS / 1000} s` });
      }, DOCUMENT_TIMEOUT_MS);
      this.#pending = { index: doc.index, resolve, timer };
      const request: AnalyzeRequest = {
        type: 'analyze',
        index: doc.index,
        file: doc.file,
        mime: doc.mime,
        customer: doc.truth.customer,
      };
      this.child.send(request satisfies ToWorker);
    });
  }

  kill(): void {
    if (!this.dead && this.child.pid) process.kill(this.child.pid, 'SIGKILL');
    this.dead = true;
  }

  async close(): Promise<void> {
    if (this.dead) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'close' } satisfies ToWorker);
    const timer = setTimeout(() => this.kill(), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

/** One run with `count` workers over every condition, a batch per condition. */
async function runWorkers(
  count: number,
  docs: BenchDocument[],
  warmUp: BenchDocument,
  deadline: number,
  outcomes: Map<number, Outcome> | null,
): Promise<RunFigures> {
  const nproc = os.availableParallelism();
  const workers = Array.from({ length: count }, (_, k) => new Worker(PIN ? k % nproc : null, warmUp));
  const figures: RunFigures = { workers: count, ready: [], batches: new Map(), hwm: [], stopped: null };
  try {
    figures.ready = await Promise.all(workers.map((w) => w.ready));
    log(
      `${count} worker(s) ready: models loaded in ${figures.ready.map((r) => Math.round(r.loadMs)).join(', ')} ms`,
    );
    for (const condition of CONDITIONS) {
      const batch = docs.filter((d) => d.condition === condition);
      let next = 0;
      let done = 0;
      const sumRss = () => workers.reduce((s, w) => s + (w.dead ? 0 : w.rss), 0);
      let peakRssSum = sumRss();
      for (const w of workers) w.onRss = () => (peakRssSum = Math.max(peakRssSum, sumRss()));
      const started = performance.now();
      await Promise.all(
        workers.map(async (w) => {
          while (next < batch.length && !figures.stopped) {
            if (Date.now() > deadline) {
              figures.stopped = `time limit (--max-minutes ${opts['max-minutes']}) reached`;
              break;
            }
            const doc = batch[next++]!;
            const outcome = await w.analyze(doc);
            if ('error' in outcome && w.dead)
              figures.stopped = `worker stopped: ${outcome.error} (${doc.truth.id})`;
            else done++;
            outcomes?.set(doc.index, outcome);
          }
        }),
      );
      const wallMs = performance.now() - started;
      for (const w of workers) w.onRss = null;
      const batchFigures: BatchFigures = { docs: done, wallMs, peakRssSum: Math.max(peakRssSum, sumRss()) };
      if (done > 0) figures.batches.set(condition, batchFigures);
      log(
        `${count} worker(s), ${condition}: ${done} docs in ${(wallMs / 1000).toFixed(1)} s ` +
          `(${(done / (wallMs / 1000)).toFixed(2)} docs/s)`,
      );
      if (figures.stopped) break;
    }
  } catch (error) {
    figures.stopped = (error as Error).message;
  } finally {
    figures.hwm = workers.map((w) => w.hwm);
    await Promise.all(workers.map((w) => w.close()));
  }
  return figures;
}

// ---------------------------------------------------------------------------------------------------
// Scoring against the ground truth

function recordOf(doc: BenchDocument, outcome: Outcome): DocRecord {
  const truth = doc.truth;
  const negative = truth.case !== 'valid';
  const mrzVisible = Boolean(truth.mrz?.visible && truth.fields);
  if ('error' in outcome) {
    return {
      id: truth.id,
      condition: doc.condition,
      case: truth.case,
      expected: truth.expected,
      got: null,
      correct: false,
      negative,
      mrzVisible,
      fields: mrzVisible
        ? (Object.fromEntries(FIELD_NAMES.map((f) => [f, false])) as Record<FieldName, boolean>)
        : null,
      linesExact: mrzVisible ? false : null,
      ms: null,
      cpuMs: null,
      fallbackRan: false,
      error: outcome.error,
    };
  }
  const r = outcome.result;
  const got =
    r.status === 'accepted' ? 'accept' : r.status === 'pending' ? 'review' : (r.rejectionReason ?? 'other');
  let fields: Record<FieldName, boolean> | null = null;
  if (mrzVisible) {
    const t = truth.fields!;
    // Names as the MRZ holds them (transliterated, `<` as spaces, truncated where the field is full): the
    // most any MRZ reader can return; the printed `García-López` is not in the MRZ.
    const expected: Record<FieldName, string> = {
      documentNumber: t.documentNumber,
      surname: truth.mrz!.surname,
      givenNames: truth.mrz!.givenNames,
      dateOfBirth: t.dateOfBirth,
      expirationDate: t.expirationDate,
      nationality: t.nationality,
      sex: t.sex,
    };
    fields = Object.fromEntries(FIELD_NAMES.map((f) => [f, r.fields[f] === expected[f]])) as Record<
      FieldName,
      boolean
    >;
  }
  return {
    id: truth.id,
    condition: doc.condition,
    case: truth.case,
    expected: truth.expected,
    got,
    correct: got === truth.expected,
    negative,
    mrzVisible,
    fields,
    linesExact: mrzVisible ? JSON.stringify(r.mrzLines) === JSON.stringify(truth.mrz!.lines) : null,
    ms: r.ms,
    cpuMs: r.cpuMs,
    fallbackRan: r.fallbackRan,
    error: null,
  };
}

// ---------------------------------------------------------------------------------------------------
// Report

function caseTable(records: DocRecord[]): { header: string[]; rows: string[][] } {
  const cases = [...new Set(records.map((r) => r.case))];
  const rows = cases.map((c) => {
    const of = records.filter((r) => r.case === c);
    const wrong = new Map<string, number>();
    for (const r of of.filter((x) => !x.correct)) {
      const key = `${r.expected} → ${r.got ?? 'error'}`;
      wrong.set(key, (wrong.get(key) ?? 0) + 1);
    }
    return [
      c,
      String(of.length),
      `${pct(of.filter((r) => r.correct).length, of.length)} (${of.filter((r) => r.correct).length})`,
      String(of.filter((r) => r.got === 'accept').length),
      [...wrong]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${n}× ${k}`)
        .join('; ') || '—',
    ];
  });
  return { header: ['case', 'docs', 'decided ok', 'accepted', 'wrong decisions (expected → got)'], rows };
}

function commandLine(): string {
  return `npm run bench:analysis${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
}

async function formatMarkdown(file: string, text: string): Promise<string> {
  // Written so that `prettier --check` passes on the committed report.
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...config, filepath: file });
}

const loadSamples: number[] = [];
function loadSummary(): string {
  if (loadSamples.length === 0) return '—';
  const mean = loadSamples.reduce((a, b) => a + b, 0) / loadSamples.length;
  return `min ${Math.min(...loadSamples).toFixed(2)}, mean ${mean.toFixed(2)}, max ${Math.max(...loadSamples).toFixed(2)}`;
}

async function main(): Promise<void> {
  loadSamples.push(os.loadavg()[0]!);
  const loadSampler = setInterval(() => loadSamples.push(os.loadavg()[0]!), 10_000);
  loadSampler.unref();
  const startedAt = Date.now();
  const deadline = startedAt + MAX_MS;
  const before = machineFacts();
  log(
    `${CONDITIONS.length} conditions × ${COUNT} documents, seed ${SEED}, workers ${WORKER_COUNTS.join(',')}, ` +
      `pinned ${PIN ? 'yes' : 'no'}; load average ${before.loadAverage.join(' ')}`,
  );
  const { docs, warmUp, generatedMs, cached } = await prepareDocuments();
  log(`${docs.length} documents ready in ${(generatedMs / 1000).toFixed(1)} s (${cached} from the cache)`);

  const outcomes = new Map<number, Outcome>();
  const runs: RunFigures[] = [];
  for (const count of WORKER_COUNTS) {
    const figures = await runWorkers(count, docs, warmUp, deadline, count === 1 ? outcomes : null);
    runs.push(figures);
    if (figures.stopped) log(`${count} worker(s): stopped early: ${figures.stopped}`);
  }
  clearInterval(loadSampler);
  const after = machineFacts();
  const totalMs = Date.now() - startedAt;

  const records = docs.flatMap((d) => {
    const outcome = outcomes.get(d.index);
    return outcome ? [recordOf(d, outcome)] : [];
  });
  const summaries: Summary[] = CONDITIONS.map((c) =>
    summarize(
      c,
      records.filter((r) => r.condition === c),
      runs,
      [c],
    ),
  );
  const overall = summarize('all', records, runs, CONDITIONS);
  const byCondition = new Map(summaries.map((s) => [s.condition, s]));
  const goals = evaluateGoals(records, byCondition, runs);
  const { accuracy, speed } = tables([...summaries, overall], WORKER_COUNTS);
  const cases = caseTable(records);
  const printed = vizAccuracyTable(
    docs.flatMap((d) => {
      const o = outcomes.get(d.index);
      return o && 'result' in o
        ? [{ truth: d.truth, condition: d.condition, printed: o.result.printed }]
        : [];
    }),
  );

  const load = runs.flatMap((r) => r.ready.map((x) => ({ workers: r.workers, ...x })));
  const lines = [
    `Identity analysis benchmark — ${records.length} documents, seed ${SEED}, reference date ${REFERENCE_DATE}`,
    `${before.commit}${before.mrzChanges && before.mrzChanges !== '?' ? ' (uncommitted MRZ changes present)' : ''}`,
    '',
    'Accuracy (fields: exact against the truth, over documents whose MRZ is in the image; decisions: all documents)',
    textTable(accuracy),
    '',
    `Speed and memory (latency: 1 worker${PIN ? ' pinned to one core' : ''}; throughput: documents per second of wall-clock)`,
    textTable(speed),
    '',
    'Decisions per case',
    textTable(cases),
    '',
    'Printed zone and licence barcode',
    textTable(printed),
    '',
    `Model load per worker: ${load.map((l) => `${Math.round(l.loadMs)} ms + warm-up ${Math.round(l.warmMs)} ms (RSS ${Math.round(l.rss / 1e6)} MB)`).join('; ')}`,
    '',
    'Goals',
    ...goals.map(
      (g) => `  ${verdict(g.met).padEnd(12)} ${g.goal}: ${g.measured}${g.note ? ` — ${g.note}` : ''}`,
    ),
    ...runs.filter((r) => r.stopped).map((r) => `NOTE: ${r.workers}-worker run stopped early: ${r.stopped}`),
    '',
    `Total ${(totalMs / 60_000).toFixed(1)} min; load average ${before.loadAverage.join(' ')} → ${after.loadAverage.join(' ')}; 1-min load during the run: ${loadSummary()}`,
  ];
  console.log(lines.join('\n'));

  if (!OUT_DIR) return;
  await mkdir(OUT_DIR, { recursive: true });
  const misdecided = records.filter((r) => !r.correct);
  const markdown = `# Identity-document analysis: accuracy, latency, throughput

Latest output of \`bench/analysis.ts\` (issue 4, "Benchmark"). Regenerate with the command below; the figures
change with the analyzer, so keep this file in step with the code it measured.

\`\`\`sh
${commandLine()}
\`\`\`

![Accuracy and latency per capture condition](accuracy.svg)

## Run

- **date**: ${before.date}
- **code**: \`${before.commit}\`${before.mrzChanges ? ' — **uncommitted MRZ changes present**: the MRZ reader (src/analysis/mrz) was being changed while this ran, so its figures may already be out of date' : ''}
- **machine**: \`nproc\` = ${before.nproc}, ${before.cpu}, ${before.memoryGb} GiB RAM, Node ${before.node}
- **load average** (1, 5, 15 min): ${before.loadAverage.join(', ')} at the start, ${after.loadAverage.join(', ')} at the end; 1-min load sampled every 10 s during the run: ${loadSummary()}. Other work was running on the machine: wall-clock figures (latency, throughput) are inflated when the load exceeds the core count; the CPU-time columns are not
- **documents**: ${records.length} analysed, ${COUNT} per condition × ${CONDITIONS.length} conditions, spec seed ${SEED}, reference date ${REFERENCE_DATE}; generated in ${(generatedMs / 1000).toFixed(0)} s (${cached} from the cache)
- **analyzer**: the production configuration of \`defaultAnalyzers\` (src/runtime.ts): Tesseract legacy for the MRZ band, PaddleOCR when check digits fail, Human for faces; default KYC settings (weights, thresholds 50/80, minimum age 18, 21 in the US); \`matchLevel\` 2; one file tagged \`id-front\` per document, no selfie
- **workers**: separate processes${PIN ? ', worker k pinned to CPU k with `taskset`' : ' (not pinned)'}; models loaded and one warm-up document analysed before the clock starts; memory allocator of the workers: ${ALLOCATOR === 'jemalloc' ? `jemalloc (\`LD_PRELOAD\`, \`MALLOC_CONF=${WORKER_ENV.MALLOC_CONF ?? ''}\`), as \`kycgate worker\` starts where the library is installed` : `glibc malloc, \`MALLOC_ARENA_MAX\` ${process.env.MALLOC_ARENA_MAX ? `= ${process.env.MALLOC_ARENA_MAX}` : 'unset'}`} (see "Memory")
- **model load** (not in the figures): ${load.map((l) => `${l.workers}-worker run: ${Math.round(l.loadMs)} ms, then warm-up ${Math.round(l.warmMs)} ms, ${Math.round(l.rss / 1e6)} MB RSS when ready`).join('; ')}
- **total time**: ${(totalMs / 60_000).toFixed(1)} min
${runs
  .filter((r) => r.stopped)
  .map((r) => `- **stopped early**: ${r.workers}-worker run: ${r.stopped}`)
  .join('\n')}

## Goals (issue 4)

| goal | measured | |
|---|---|---|
${goals.map((g) => `| ${g.goal} | ${g.measured}${g.note ? ` — ${g.note}` : ''} | ${verdict(g.met)} |`).join('\n')}

## Accuracy per capture condition

Field columns: the share of documents whose MRZ is in the image (\`MRZ docs\`) where the analyzer's value
equals the truth exactly — document number, surname and given names (in MRZ form: transliterated, as the
MRZ holds them), date of birth, expiry date, nationality, sex. \`all 7\`: all seven exact; \`MRZ lines\`:
every MRZ line read exactly as printed (every MRZ field, check digits included). Driver licences, non-documents
and the MRZ-less side of ID cards have no MRZ in the image and are not counted there (their printed zone and
barcode count through the decisions). \`decided ok\`: the decision (accept, review, or the rejection reason) equals the
ground truth's \`expected\` outcome; \`neg ok\`/\`neg accepted\`: negative cases (every case but \`valid\`)
decided correctly, and accepted (the goal is none). Blurry, dark, small and cut-off captures are all valid
documents that must be rejected as unreadable / not open.

${markdownTable(accuracy)}

### Printed zone and licence barcode

What the analyzer read outside the MRZ. \`VIZ docs\`: documents whose printed zone and portrait are in the
image; \`surname\`, \`given\`: the printed names read exactly (as MRZ letters), over those documents;
\`birth\`, \`expiry\`: the printed dates, over the VIZ documents without an MRZ in the image (with an MRZ
only the names are read there); \`barcode\`: PDF417 symbols in the image decoded exactly; \`identified\`:
documents without a visible MRZ that the barcode or the printed zone identified; \`tamper found\`:
\`viz-mrz-mismatch\` cases whose printed zone was found to disagree; \`false tamper\`: other documents
with a disagreement (the goal is none). Code: bench/viz-accuracy.ts.

${markdownTable(printed)}

## Speed and memory

\`p50\`/\`p95\`: wall-clock of \`analyze\` + \`decide\` per document on one worker${PIN ? ' pinned to one core' : ''},
models loaded. \`CPU p50\`/\`CPU p95\`: CPU time of the worker process (all threads) per document, which other
load on the machine does not inflate. \`fallback\`: documents where PaddleOCR ran. \`docs/s Nw\`: documents per second of wall-clock with N worker processes. \`peak RSS Nw\`:
the peak of the summed sampled RSS of the N workers during that condition.

${markdownTable(speed)}

## Decisions per case

${markdownTable(cases)}
${
  misdecided.length
    ? `
<details><summary>Every wrong decision (${misdecided.length})</summary>

| document | expected | got |
|---|---|---|
${misdecided.map((r) => `| ${r.id} | ${r.expected} | ${r.got ?? `error: ${r.error}`} |`).join('\n')}

</details>
`
    : ''
}
## Memory

What a worker holds, measured one step at a time in one process (models loaded, then 40 generated documents
of every condition analysed in turn; \`process.memoryUsage()\` and the kernel's VmHWM; 2026-11-22, machine
loaded by other work, which does not change memory):

| step | RSS MB |
| --- | ---: |
| Node + kycgate modules | 105 |
| + Tesseract legacy worker (wasm, eng traineddata) | 256 |
| + PaddleOCR PP-OCRv4 sessions (onnxruntime-node) | 464 |
| + Human (wasm backend, face models) | 559 |
| peak over 40 documents, before (sharp cache on, onnxruntime arena and memory pattern on) | 1475 |
| peak, onnxruntime arena and memory pattern off (src/analysis/ocr/paddle-engine.ts) | 1339 |
| peak, also sharp's cache off and one libvips thread (\`limitImageMemory\`, src/analysis/image/normalize.ts) | 1187 |
| peak, also \`MALLOC_ARENA_MAX=2\` in the worker's environment | 984 |
| peak, also \`MALLOC_MMAP_THRESHOLD_=131072\` (RSS stays at 0.6–0.7 GB, but 2–3× the CPU per photo: not used) | 827 |

The growth after loading was not a leak of tensors (Human's \`tf.memory().numTensors\` stays at 593) but
memory kept for reuse: onnxruntime's arena sized by the largest band, libvips' operation cache, glibc's
per-thread malloc arenas (libvips, onnxruntime and libuv threads each get one and return little to the
system), and glibc's dynamic mmap threshold (once a large decoded image is freed, glibc raises the threshold
and serves the next ones from a heap that cannot shrink). The first two are fixed in code. A fixed
\`MALLOC_MMAP_THRESHOLD_\` keeps RSS flat but maps and zeroes every large buffer afresh: the same six 12-MP
photos took 1.2–5.0 s instead of 1.0–3.3 s, so it is not used.

The allocator is the remedy for the rest. glibc over longer runs (the same probe, one process, documents of
every condition in turn; kernel VmHWM): with \`MALLOC_ARENA_MAX=2\` 996 MB after 80 documents and 1130 MB
over this benchmark's 180. jemalloc returns freed pages to the system and keeps a few small arenas:

| allocator, after 80 documents | VmHWM MB | RSS between documents MB |
| --- | ---: | ---: |
| glibc, \`MALLOC_ARENA_MAX=2\` | 996 | 860–920 |
| jemalloc, default settings (freed pages kept 10 s) | 904 | 660–770 |
| jemalloc, \`dirty_decay_ms:0,muzzy_decay_ms:0\` (freed pages returned at once: 3× the CPU per photo, not used) | 821 | 620–710 |

kycgate sets \`background_thread:true,dirty_decay_ms:10000,muzzy_decay_ms:0\`: freed pages go back ten
seconds after their last use, from a background thread, while the buffers a document frees and allocates
again are reused. A one-second delay (used before) bought nothing once the OCR engine stopped building its
inputs in JavaScript arrays (next section) and cost CPU: alternately on the 20 photos, 1.75–1.79 s at p50
against 1.59–1.71 s with ten seconds, peak RSS 0.70–0.72 GB both. glibc (\`--allocator system\`) was a little
cheaper again (1.55–1.58 s) but its RSS reached 1.09–1.10 GB on the same 20 photos. So \`kycgate serve\`,
\`worker\` and \`analyze\` start themselves again with jemalloc preloaded where the library is installed
(src/lib/allocator.ts; Debian's \`libjemalloc2\`), and this benchmark's workers do the same unless
\`--allocator system\`. The run above states which allocator the workers had.

## Speed: where the time goes

Measured on 2026-11-22 with \`node --cpu-prof\` and per-thread CPU time (\`/proc/self/task\`) over the 20
photos. CPU time on this 2-vCPU machine varied by ±10–20 % between identical runs, so changes were kept on
alternating runs or on the work they remove, not on one benchmark figure.

- **PaddleOCR's glue.** \`@gutenye/ocr-node\` built each input tensor through JavaScript arrays
  (\`push\`, then a spread of three planes) and decoded each output with a copy per time step: about a
  quarter of the engine's CPU, and much of the JavaScript heap. src/analysis/ocr/paddle-engine.ts now runs
  the same pipeline on typed arrays: identical text and boxes on 23 of 23 test inputs, −18 % CPU.
- **The MRZ fallback reads rows, not the band.** The locator knows the band's rows; the recognition model
  alone reads each (0.28 against 0.52 s of CPU per band), and the detector runs only when that reading
  fails its check digits or comes out at the wrong length (a dropped letter in a name is otherwise padded
  unnoticed). Alone on the benchmark's bands (parsed and repaired, against the truth): rows 46 of 54, whole
  band 43 of 54; but on blurred bands the whole band read better (11 against 8 of 14), hence the order.
- **The document portrait** is detected without the iris, anti-spoof and liveness models, and without the
  embedding unless a selfie is analysed with it (a liveness session compares with the stored portrait
  crop): face stage 0.38 → 0.21 s.
- **Tried, not kept:** one decode in normalisation (the working JPEG and the grayscale copy from the same
  raw pixels: 191 against 164 ms, as the grayscale copy from the JPEG gets the decoder's shrink-on-load); a 2000-px working image (JPEG shrink-on-load; the working image is 2600 px) cut
  the CPU per photo by a fifth to a quarter, but the MRZ of 2 of the 10 glare photos then read wrong (one
  check digit passed by chance over a misread S); sampling the band from the upload instead gave the time
  back. An uncompressed working image (TIFF) decoded faster but moved the printed-zone readings
  (test/viz-read.test.ts lost a tampered surname).
- **Left:** garbage collection (≈ 0.1 s per photo: V8 collects when the external memory of decoded
  images grows, several times per document) and Human's wasm backend (≈ 0.15 s).

## Method

- Documents: \`sampleSpecs\` and \`generateDocument\` of test/fixtures/identity (synthetic TD3 passports, TD1 and TD2
  ID cards, US driver licences and non-documents; half valid, half spread over the negative cases; negative cases
  only in readable conditions). Conditions: ${CONDITIONS.join(', ')}.
- MRZ goal sets: clean = ${CLEAN_CONDITIONS.join(', ')}; degraded phone photos = ${PHONE_PHOTO_CONDITIONS.join(', ')}.
  Latency goal: \`${LATENCY_GOAL_CONDITION}\` (the 12-MP JPEG).
- Workers are processes, as \`kycgate worker\` is deployed; in one process the JavaScript stages of two analyzers
  would share one event loop. Each worker samples \`process.memoryUsage().rss\` every 100 ms and the kernel's
  peak (VmHWM) is read after each document.
- This is a benchmark, not a test: nothing is asserted, and the run stops after \`--max-minutes\`.
`;
  const mdFile = path.join(OUT_DIR, 'accuracy.md');
  // The proof-of-address section is written by `npm run bench:address`; keep it.
  const previous = await readFile(mdFile, 'utf8').catch(() => '');
  const addressSection = previous.slice(
    previous.indexOf(ADDRESS_SECTION_START),
    previous.indexOf(ADDRESS_SECTION_END) + ADDRESS_SECTION_END.length,
  );
  const withAddress = previous.includes(ADDRESS_SECTION_START)
    ? replaceAddressSection(markdown, addressSection)
    : markdown;
  await writeFile(mdFile, await formatMarkdown(mdFile, withAddress));
  await writeFile(
    path.join(OUT_DIR, 'accuracy.svg'),
    svgChart(
      summaries,
      `kycgate identity analysis — ${records.length} generated documents, ${before.date.slice(0, 10)}`,
    ),
  );
  log(`wrote ${path.relative(process.cwd(), mdFile)} and accuracy.svg`);
}

main().catch((error: unknown) => {
  console.error(`[bench:analysis] ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
