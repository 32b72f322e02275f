/**
 * Measures the Human face engine on the face-api sample photos and prints the figures behind
 * HUMAN_FACE_MATCH_THRESHOLD, then per-call timings and RSS:
 *
 *   npx tsx src/analysis/face/calibrate.ts
 *
 * Impostor pairs: every pair of the 22 faces across the six photos, plus every synthetic variant of a face
 * against the 21 other originals. Genuine pairs: each face's original detection against its variants.
 * `npm run bench:face` (bench/face.ts) adds the ID-vs-selfie set, the rates per `matchLevel` and liveness.
 */
import { readFile } from 'node:fs/promises';

import sharp from 'sharp';

import { compareFaces } from './compare-faces.ts';
import type { DetectedFace, FaceBox } from './face-engine.ts';
import { createHumanFaceEngine } from './human-engine.ts';
import { documentCard, faceVariant, samplePhotoPaths, type FaceVariant } from './testing/synthetic-faces.ts';

const VARIANTS: FaceVariant[] = ['crop', 'half-scale', 'id-print', 'mirror', 'rotated-12', 'document'];

function print(line = ''): void {
  process.stdout.write(line + '\n');
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))]!;
}

function summary(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const f = (v: number) => v.toFixed(3);
  return `n=${s.length} min ${f(s[0] ?? NaN)} p1 ${f(quantile(s, 0.01))} median ${f(quantile(s, 0.5))} p99 ${f(quantile(s, 0.99))} max ${f(s.at(-1) ?? NaN)}`;
}

function centreDistance(a: FaceBox, b: FaceBox): number {
  return Math.hypot(a.x + a.width / 2 - (b.x + b.width / 2), a.y + a.height / 2 - (b.y + b.height / 2));
}

async function timed<T>(task: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await task();
  return [value, performance.now() - start];
}

const engine = createHumanFaceEngine();
const [, loadMs] = await timed(() => engine.load());

const originals: { photo: Buffer; face: DetectedFace; label: string }[] = [];
for (const [index, file] of samplePhotoPaths().entries()) {
  const photo = await readFile(file);
  const faces = (await engine.detect(photo)).sort((a, b) => a.box.x - b.box.x);
  faces.forEach((face, n) => originals.push({ photo, face, label: `s${index + 1}f${n + 1}` }));
}
print(`faces found: ${originals.length}`);

const impostor: number[] = [];
for (let i = 0; i < originals.length; i++) {
  for (let j = i + 1; j < originals.length; j++) {
    impostor.push(compareFaces(engine, originals[i]!.face, originals[j]!.face).similarity);
  }
}
print(`different people, originals: ${summary(impostor)}`);

const genuine = new Map<FaceVariant, number[]>();
const impostorVariants: number[] = [];
const missed: string[] = [];
for (const [index, { photo, face, label }] of originals.entries()) {
  for (const variant of VARIANTS) {
    const image = await faceVariant(photo, face.box, variant);
    const found = await engine.detect(image, { findSmallFaces: variant === 'document' });
    let match: DetectedFace | undefined = found[0];
    if (variant === 'half-scale') {
      const half = {
        x: face.box.x / 2,
        y: face.box.y / 2,
        width: face.box.width / 2,
        height: face.box.height / 2,
      };
      match = found.sort((a, b) => centreDistance(a.box, half) - centreDistance(b.box, half))[0];
    }
    if (!match) {
      missed.push(`${label}/${variant}`);
      continue;
    }
    const list = genuine.get(variant) ?? [];
    list.push(compareFaces(engine, face, match).similarity);
    genuine.set(variant, list);
    for (const [other, { face: otherFace }] of originals.entries()) {
      if (other !== index) impostorVariants.push(compareFaces(engine, otherFace, match).similarity);
    }
  }
}
const allGenuine: number[] = [];
for (const variant of VARIANTS) {
  const values = genuine.get(variant) ?? [];
  allGenuine.push(...values);
  print(`same face, ${variant.padEnd(10)}: ${summary(values)}`);
}
print(`different people, variant vs other originals: ${summary(impostorVariants)}`);
print(`not detected: ${missed.length === 0 ? 'none' : missed.join(', ')}`);

const allImpostor = [...impostor, ...impostorVariants];
print(
  'threshold  false-match (of ' + allImpostor.length + ')  false-non-match (of ' + allGenuine.length + ')',
);
for (let t = 0.55; t <= 0.851; t += 0.05) {
  const fm = allImpostor.filter((s) => s >= t).length;
  const fnm = allGenuine.filter((s) => s < t).length + missed.length;
  print(
    `${t.toFixed(2)}       ${fm} (${((100 * fm) / allImpostor.length).toFixed(2)} %)          ${fnm} (${((100 * fnm) / (allGenuine.length + missed.length)).toFixed(1)} %)`,
  );
}

// Timings: best and median of 5 warm calls each.
const source = originals[6]!;
const selfie = await sharp(source.photo)
  .extract({ left: 300, top: 100, width: 800, height: 600 })
  .resize(640, 480)
  .jpeg()
  .toBuffer();
const twelveMp = await sharp(source.photo)
  .resize(4000, 3000, { fit: 'fill' })
  .jpeg({ quality: 90 })
  .toBuffer();
const documentPhoto = await faceVariant(source.photo, source.face.box, 'document');
const blankCard = await documentCard(null);
print(`model load: ${loadMs.toFixed(0)} ms`);
for (const [name, image, findSmallFaces] of [
  ['selfie 640x480', selfie, false],
  ['12-MP photo (3 faces)', twelveMp, false],
  ['document 2109x1606, small portrait', documentPhoto, true],
  ['blank card, small-face search', blankCard, true],
] as const) {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) times.push((await timed(() => engine.detect(image, { findSmallFaces })))[1]);
  times.sort((a, b) => a - b);
  print(`${name}: best ${times[0]!.toFixed(0)} ms, median ${times[2]!.toFixed(0)} ms`);
}
print(`RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, tensors ${await engine.tensorCount()}`);
await engine.close();
