/**
 * MRZ reader accuracy and latency on the synthetic fixtures (test/fixtures/identity), per capture
 * condition: valid TD3/TD1/TD2 documents whose MRZ is visible.
 *
 * Run: `npx tsx bench/mrz-accuracy.ts` (≈ 2–4 min on 2 cores the first time; generated images are cached
 * in the OS temp dir, so later runs only read).
 *
 * Environment:
 * - `BENCH_DOCS`: specs per condition (default 28 → ≈ 21 with a visible MRZ; TD1 fronts carry none);
 * - `BENCH_SEED`: spec seed (default 11, the seed of test/mrz-accuracy.test.ts; use another to check
 *   that a change generalises);
 * - `BENCH_CONDITIONS`: comma-separated (default `scan,photo,degraded`);
 * - `BENCH_FALLBACK=0`: no PaddleOCR fallback;
 * - `BENCH_DUMP=dir`: write each band crop (PNG) and a line per failure there;
 * - `BENCH_VERBOSE=1`: print every non-exact reading.
 *
 * One core: one Tesseract worker, PaddleOCR with one onnxruntime thread, `sharp.concurrency(1)`. Times
 * are `readMrz` wall-clock per document (locate + OCR + parse), after one warm-up read that loads both
 * engines. Figures printed per condition:
 * - lines exact: documents whose every MRZ line equals the printed one;
 * - fields exact: MRZ fields (parsed from the printed lines) equal to the reading's, over all fields;
 * - checks pass: readings with every check digit passing;
 * - wrong+valid: readings that are not exact but pass every check digit, and among them how many have a
 *   wrong check-digit-covered field (document number, dates, personal number) — the safety figure;
 * - fallback: documents where the PaddleOCR fallback ran.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { grayToPng } from '../src/analysis/mrz/locate-mrz.ts';
import { parseMrz, type MrzFields } from '../src/analysis/mrz/mrz-parse.ts';
import { readMrz } from '../src/analysis/mrz/read-mrz.ts';
import { createMrzEngines } from '../src/analysis/ocr/create-ocr-engine.ts';
import {
  generateDocument,
  sampleSpecs,
  type CaptureCondition,
  type DocumentSpec,
  type GeneratedDocument,
} from '../test/fixtures/identity/index.ts';

const DOCS = Number(process.env['BENCH_DOCS'] ?? 28);
const SEED = Number(process.env['BENCH_SEED'] ?? 11);
const CONDITIONS = (process.env['BENCH_CONDITIONS'] ?? 'scan,photo,degraded').split(
  ',',
) as CaptureCondition[];
const FALLBACK = process.env['BENCH_FALLBACK'] !== '0';
const DUMP = process.env['BENCH_DUMP'];
const VERBOSE = process.env['BENCH_VERBOSE'] === '1';
/** Fixed so the fixtures (and the century rule) do not change with the calendar. */
const REFERENCE_DATE = '2026-11-22';
const CACHE = path.join(tmpdir(), 'kycgate-mrz-bench');

sharp.concurrency(1);

async function cachedDocument(spec: DocumentSpec, seed: number): Promise<GeneratedDocument> {
  const key = createHash('sha256')
    .update(JSON.stringify(spec) + seed)
    .digest('hex')
    .slice(0, 24);
  const file = path.join(CACHE, `${key}.json`);
  try {
    const saved = JSON.parse(await readFile(file, 'utf8')) as Omit<GeneratedDocument, 'image'> & {
      image: string;
    };
    return { ...saved, image: Buffer.from(saved.image, 'base64') };
  } catch {
    const doc = await generateDocument(spec, seed);
    await mkdir(CACHE, { recursive: true });
    await writeFile(file, JSON.stringify({ ...doc, image: doc.image.toString('base64') }));
    return doc;
  }
}

const pct = (n: number, d: number): string => (d ? `${((100 * n) / d).toFixed(1)} %` : '—');
const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;

const FIELD_NAMES: (keyof MrzFields)[] = [
  'documentCode',
  'issuingState',
  'lastName',
  'firstName',
  'documentNumber',
  'nationality',
  'dateOfBirth',
  'sex',
  'expirationDate',
  'personalNumber',
  'optionalData',
];
const CHECKED_FIELDS: (keyof MrzFields)[] = [
  'documentNumber',
  'dateOfBirth',
  'expirationDate',
  'personalNumber',
  'optionalData',
];

const engines = createMrzEngines(
  { fast: 'tesseract', fallback: FALLBACK ? 'paddle' : null },
  { tesseractWorkers: 1, paddleThreads: 1 },
);

interface Row {
  condition: string;
  docs: number;
  linesExact: number;
  fieldsExact: number;
  fieldsTotal: number;
  checksPass: number;
  wrongValid: number;
  wrongCheckedValid: number;
  fallback: number;
  notFound: number;
  p50: number;
  p95: number;
}

const rows: Row[] = [];
let warmedUp = false;
if (DUMP) await mkdir(DUMP, { recursive: true });

for (const condition of CONDITIONS) {
  const specs = sampleSpecs(DOCS, SEED, {
    conditions: [condition],
    cases: ['valid'],
    kinds: ['td3', 'td1', 'td2'],
    referenceDate: REFERENCE_DATE,
  });
  const row: Row = {
    condition,
    docs: 0,
    linesExact: 0,
    fieldsExact: 0,
    fieldsTotal: 0,
    checksPass: 0,
    wrongValid: 0,
    wrongCheckedValid: 0,
    fallback: 0,
    notFound: 0,
    p50: 0,
    p95: 0,
  };
  const times: number[] = [];
  for (let i = 0; i < specs.length; i++) {
    const doc = await cachedDocument(specs[i]!, SEED * 1000 + i);
    const truth = doc.truth.mrz;
    if (!truth?.visible) continue;
    const now = new Date(`${doc.truth.referenceDate}T00:00:00Z`);
    if (!warmedUp) {
      await readMrz(doc.image, engines, { now }); // loads Tesseract (and usually not Paddle)
      if (engines.fallback) await engines.fallback.recognize(await sharp(doc.image).png().toBuffer());
      warmedUp = true;
    }
    const r = await readMrz(doc.image, engines, { now });
    times.push(r.timings.totalMs);
    row.docs++;
    const expected = parseMrz(truth.lines, { now })!;
    const exact = JSON.stringify(r.lines) === JSON.stringify(truth.lines);
    if (exact) row.linesExact++;
    if (!r.found) row.notFound++;
    if (r.checksumValid) row.checksPass++;
    if (r.attempts.some((a) => a.engine === engines.fallback?.name)) row.fallback++;
    for (const f of FIELD_NAMES) {
      row.fieldsTotal++;
      if (r.fields && r.fields[f] === expected.fields[f]) row.fieldsExact++;
    }
    if (!exact && r.checksumValid) {
      row.wrongValid++;
      if (CHECKED_FIELDS.some((f) => r.fields?.[f] !== expected.fields[f])) row.wrongCheckedValid++;
    }
    if (!exact && (VERBOSE || DUMP)) {
      const msg =
        `${condition} #${i} ${doc.truth.id} ${r.format ?? '-'} valid=${r.checksumValid} engine=${r.engine} ` +
        `${r.timings.totalMs} ms\n  truth ${truth.lines.join(' / ')}\n  read  ${r.lines.join(' / ')}\n` +
        r.attempts
          .map((a) => `    ${a.engine} ${a.variant} ${a.orientation}: ${a.lines.join(' / ')}`)
          .join('\n');
      if (VERBOSE) console.log(msg);
      if (DUMP) await writeFile(path.join(DUMP, 'failures.txt'), msg + '\n', { flag: 'a' });
    }
    if (DUMP && r.band) {
      // Re-locate to dump the band as the reader saw it.
      const { locateMrz } = await import('../src/analysis/mrz/locate-mrz.ts');
      const located = await locateMrz(doc.image);
      if (located) {
        await writeFile(
          path.join(DUMP, `${condition}-${i}-${exact ? 'ok' : 'bad'}.png`),
          await grayToPng(located.band),
        );
      }
    }
  }
  times.sort((a, b) => a - b);
  row.p50 = quantile(times, 0.5);
  row.p95 = quantile(times, 0.95);
  rows.push(row);
}

console.log(
  `\nMRZ accuracy — seed ${SEED}, ${DOCS} specs per condition, valid TD3/TD1/TD2, reference date ${REFERENCE_DATE}, ` +
    `fallback ${FALLBACK ? 'on' : 'off'}, 1 Tesseract worker, 1 onnx thread, sharp.concurrency(1)\n`,
);
console.log(
  '| condition | docs | lines exact | fields exact | checks pass | wrong+valid (checked field wrong) | fallback | not found | p50 ms | p95 ms |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.condition} | ${r.docs} | ${r.linesExact}/${r.docs} (${pct(r.linesExact, r.docs)}) | ${pct(r.fieldsExact, r.fieldsTotal)} | ` +
      `${r.checksPass}/${r.docs} | ${r.wrongValid} (${r.wrongCheckedValid}) | ${r.fallback}/${r.docs} | ${r.notFound} | ${r.p50} | ${r.p95} |`,
  );
}

await engines.fast.close();
await engines.fallback?.close();
