/**
 * One benchmark worker process for bench/analysis.ts: the production identity analyzer (the engines of
 * `defaultAnalyzers` in src/runtime.ts: Tesseract legacy for the MRZ, PaddleOCR when check digits fail,
 * Human for faces), loaded and warmed before the first measured document, then one document at a time on
 * request of the parent over the IPC channel.
 *
 * Not meant to be started by hand: the parent spawns it (pinned to one CPU with `taskset` when asked) and
 * talks to it with the messages below. It exits when told to, or when the parent goes away.
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { AnalyzerInput } from '../../src/analysis/analyzer.ts';
import { decide } from '../../src/analysis/decide.ts';
import { createHumanFaceEngine } from '../../src/analysis/face/human-engine.ts';
import { IdentityAnalyzer } from '../../src/analysis/identity/identity-analyzer.ts';
import { createMrzEngines } from '../../src/analysis/ocr/create-ocr-engine.ts';
import { loadConfig } from '../../src/config.ts';
import { DEFAULT_KYC_SETTINGS } from '../../src/modules/kyc-settings/default-kyc-settings.ts';
import { printedExtract, type PrintedExtract } from '../viz-accuracy.ts';

/** What the analyzer extracted, raw, for the parent to compare with the ground truth. */
export interface ExtractedFields {
  documentNumber: string | null;
  surname: string | null;
  givenNames: string | null;
  dateOfBirth: string | null;
  expirationDate: string | null;
  nationality: string | null;
  sex: string | null;
}

export interface WorkerResult {
  /** Wall-clock of `analyze` + `decide`, ms (the file is already in memory). */
  ms: number;
  /** CPU time of the whole process (all threads) during the document, ms. */
  cpuMs: number;
  status: 'accepted' | 'rejected' | 'pending';
  rejectionReason: string | null;
  score: number;
  fields: ExtractedFields;
  /** MRZ lines as read, or null when no MRZ was found. */
  mrzLines: string[] | null;
  /** The PaddleOCR fallback was called for this document. */
  fallbackRan: boolean;
  /** What was read outside the MRZ (printed zone, licence barcode), for bench/viz-accuracy.ts. */
  printed: PrintedExtract | null;
}

export interface AnalyzeRequest {
  type: 'analyze';
  index: number;
  file: string;
  mime: string;
  customer: { firstName: string; lastName: string; dateOfBirth: string };
}

export type ToWorker = AnalyzeRequest | { type: 'close' };

export type FromWorker =
  | {
      type: 'ready';
      /** Engines constructed and models loaded (Tesseract worker, PaddleOCR, Human), ms. */
      loadMs: number;
      /** One warm-up analysis of a document that is not measured, ms. */
      warmMs: number;
      rss: number;
    }
  | { type: 'rss'; rss: number }
  | { type: 'result'; index: number; result: WorkerResult; peakRss: number; hwm: number | null }
  | { type: 'failed'; index: number; message: string };

/** Interval of the RSS samples sent to the parent, ms. */
const RSS_SAMPLE_MS = 100;

function send(message: FromWorker): void {
  process.send?.(message);
}

/** The kernel's peak RSS of this process (VmHWM), bytes; null off Linux. */
async function highWaterMark(): Promise<number | null> {
  try {
    const status = await readFile('/proc/self/status', 'utf8');
    const kb = /VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const arg = (name: string) => process.argv[process.argv.indexOf(name) + 1] ?? '';
  const referenceDate = arg('--reference-date');
  const config = loadConfig(process.env);
  const settings = DEFAULT_KYC_SETTINGS.identityProof;

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    const rss = process.memoryUsage().rss;
    peakRss = Math.max(peakRss, rss);
    send({ type: 'rss', rss });
  }, RSS_SAMPLE_MS);

  // The production configuration (src/runtime.ts `defaultAnalyzers`), with a fixed "today" so that expiry
  // and age decisions do not move with the calendar.
  const mrz = createMrzEngines({
    fast: 'tesseract',
    fallback: config.mrzFallback === 'paddle' ? 'paddle' : null,
  });
  const face = createHumanFaceEngine();
  const analyzer = new IdentityAnalyzer({
    mrz,
    face,
    maxPixels: config.maxImagePixels,
    now: () => new Date(`${referenceDate}T12:00:00Z`),
  });
  const analyzeOne = async (request: AnalyzeRequest): Promise<WorkerResult> => {
    const bytes = await readFile(request.file);
    const input: AnalyzerInput = {
      documentType: 'identity-proof',
      documentSubtype: null,
      matchLevel: 2,
      files: [{ id: `doc-${request.index}`, mime: request.mime, tags: ['kyc', 'id-front'], bytes }],
      customer: {
        ...request.customer,
        line1: null,
        city: null,
        region: null,
        postalCode: null,
        country: null,
      },
      settings,
      requirements: { faceProofRequired: false, faceLivenessRequired: false },
    };
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const analysis = await analyzer.analyze(input);
    const decision = decide(
      analysis.findings,
      settings.weights,
      settings.thresholds,
      analysis.rejectionReason,
      analysis.retakeReason,
    );
    const ms = performance.now() - t0;
    const used = process.cpuUsage(cpu);
    const data = analysis.data;
    const parsed = analysis.parsedData;
    const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
    const day = (value: unknown): string | null => text(value)?.slice(0, 10) ?? null;
    const files = (analysis.evidence['files'] ?? []) as {
      mrz: { attempts: { engine: string }[] } | null;
    }[];
    const mrzInfo = parsed['mrz'] as { lines: string[] } | null;
    return {
      ms,
      cpuMs: (used.user + used.system) / 1000,
      status: decision.status,
      rejectionReason: decision.rejectionReason?.type ?? null,
      score: decision.score,
      fields: {
        documentNumber: text(data['documentNumber']),
        surname: text(parsed['lastName']),
        givenNames: text(parsed['firstName']),
        dateOfBirth: day(data['dateOfBirth']),
        expirationDate: day(data['expirationDate']),
        nationality: text(data['nationality']),
        sex: text(data['sex']),
      },
      mrzLines: mrzInfo?.lines ?? null,
      fallbackRan: files.some((f) => f.mrz?.attempts.some((a) => a.engine !== mrz.fast.name) ?? false),
      printed: printedExtract(analysis.evidence),
    };
  };

  // Every engine loads its models on first use: call each once on the warm-up document (generated by the
  // parent, so that this process holds only what a production worker holds).
  const warm = JSON.parse(arg('--warm-up')) as Omit<AnalyzeRequest, 'type' | 'index'>;
  const warmImage = await readFile(warm.file);
  const band = await sharp(warmImage)
    .resize({ width: 800 })
    .jpeg()
    .toBuffer()
    .then(async (small) => {
      const { height = 0 } = await sharp(small).metadata();
      return sharp(small)
        .extract({ left: 0, top: Math.floor(height * 0.75), width: 800, height: Math.floor(height * 0.25) })
        .png()
        .toBuffer();
    });
  let started = performance.now();
  await Promise.all([
    mrz.fast.recognize(band),
    mrz.fallback?.recognize(band),
    face.detect(warmImage, { maxFaces: 1 }),
  ]);
  const loadMs = performance.now() - started;
  started = performance.now();
  await analyzeOne({ type: 'analyze', index: -1, ...warm });
  const warmMs = performance.now() - started;
  send({ type: 'ready', loadMs, warmMs, rss: process.memoryUsage().rss });

  // One document at a time: the parent sends the next one only after the answer.
  let queue = Promise.resolve();
  process.on('message', (message: ToWorker) => {
    if (message.type === 'close') {
      clearInterval(sampler);
      queue = queue.then(async () => {
        await analyzer.close();
        process.disconnect?.();
        process.exit(0);
      });
      return;
    }
    queue = queue.then(async () => {
      try {
        const result = await analyzeOne(message);
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        send({ type: 'result', index: message.index, result, peakRss, hwm: await highWaterMark() });
      } catch (error) {
        send({ type: 'failed', index: message.index, message: String((error as Error)?.stack ?? error) });
      }
    });
  });
  // The parent died or closed the channel: stop.
  process.on('disconnect', () => process.exit(0));
}

await main();
