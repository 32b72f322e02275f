/**
 * Writes synthetic identity documents and their ground truth to a folder, for a person or
 * `kycgate analyze` to inspect.
 *
 *   npx tsx scripts/generate-fixtures.ts --out DIR [--count N] [--seed S]
 *     [--conditions scan,photo,…] [--kinds td3,td1,…] [--cases valid,expired,…] [--reference-date YYYY-MM-DD]
 *
 * Writes `DIR/<nnn>-<id>.<png|jpg>` and `DIR/truth.json` (an array of GroundTruth with a `file` field).
 * Document i is generated with seed `S * 1000 + i`, so one file can be regenerated alone.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  generateDocument,
  sampleSpecs,
  type CaptureCondition,
  type DocumentKind,
  type FixtureCase,
} from '../test/fixtures/identity/index.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    count: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    conditions: { type: 'string' },
    kinds: { type: 'string' },
    cases: { type: 'string' },
    'reference-date': { type: 'string' },
  },
});

if (!values.out) {
  console.error('usage: npx tsx scripts/generate-fixtures.ts --out DIR [--count N] [--seed S]');
  process.exit(2);
}
const count = Number(values.count);
const seed = Number(values.seed);
const list = <T extends string>(v: string | undefined): T[] | undefined =>
  v ? (v.split(',').map((s) => s.trim()) as T[]) : undefined;

const specs = sampleSpecs(count, seed, {
  conditions: list<CaptureCondition>(values.conditions),
  kinds: list<DocumentKind>(values.kinds),
  cases: list<FixtureCase>(values.cases),
  referenceDate: values['reference-date'],
});
await mkdir(values.out, { recursive: true });
const truths = [];
const started = performance.now();
for (const [i, spec] of specs.entries()) {
  const t0 = performance.now();
  const { image, mime, truth } = await generateDocument(spec, seed * 1000 + i);
  const file = `${String(i).padStart(3, '0')}-${truth.id}.${mime === 'image/png' ? 'png' : 'jpg'}`;
  await writeFile(path.join(values.out, file), image);
  truths.push({ file, ...truth });
  const ms = performance.now() - t0;
  console.log(`${file}  ${truth.image.width}×${truth.image.height}  ${truth.expected}  ${ms.toFixed(0)} ms`);
}
await writeFile(path.join(values.out, 'truth.json'), JSON.stringify(truths, null, 2) + '\n');
const total = performance.now() - started;
console.log(`${specs.length} documents in ${(total / 1000).toFixed(1)} s → ${values.out}`);
