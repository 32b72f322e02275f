import { readFile } from 'node:fs/promises';

import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  compareFaces,
  createHumanFaceEngine,
  cropPortrait,
  HUMAN_FACE_MATCH_THRESHOLD,
  type DetectedFace,
} from '../src/analysis/face/index.ts';
import {
  documentCard,
  faceVariant,
  headCrop,
  SAMPLE_FACE_COUNTS,
  samplePhotoPaths,
  textSvg,
} from '../src/analysis/face/testing/synthetic-faces.ts';

const engine = createHumanFaceEngine();
const photos: Buffer[] = [];
/** Faces of each sample photo, left to right. */
const faces: DetectedFace[][] = [];

beforeAll(async () => {
  for (const file of samplePhotoPaths()) photos.push(await readFile(file));
}, 60_000);

afterAll(async () => {
  await engine.close();
});

describe('Human face engine', () => {
  it('loads once: concurrent callers share the same promise', async () => {
    const first = engine.load();
    expect(engine.load()).toBe(first);
    const [a, b] = await Promise.all([first, engine.load()]);
    expect(a).toBe(b);
    expect(engine.name).toBe('human');
    expect(engine.version).toMatch(/^3\.3\.\d+\+faceres$/);
  });

  it('leaves other fetches alone after installing the file:// shim', async () => {
    await engine.load();
    const res = await fetch('data:text/plain,still-works');
    expect(await res.text()).toBe('still-works');
    // file:// outside Human's models directory is not served from disk.
    await expect(fetch('file:///etc/hostname')).rejects.toThrow();
  });

  it('finds every face on each sample photo with plausible boxes', { timeout: 60_000 }, async () => {
    for (const [index, photo] of photos.entries()) {
      const found = (await engine.detect(photo)).sort((a, b) => a.box.x - b.box.x);
      faces.push(found);
      expect(found, `sample${index + 1}`).toHaveLength(SAMPLE_FACE_COUNTS[index]!);
      const meta = await sharp(photo).metadata();
      for (const face of found) {
        expect(face.score).toBeGreaterThan(0.5);
        expect(face.box.x).toBeGreaterThanOrEqual(0);
        expect(face.box.y).toBeGreaterThanOrEqual(0);
        expect(face.box.x + face.box.width).toBeLessThanOrEqual(meta.width + 1);
        expect(face.box.y + face.box.height).toBeLessThanOrEqual(meta.height + 1);
        // Faces in these 1920-px group photos are 250–420 px wide.
        expect(face.box.width).toBeGreaterThan(200);
        expect(face.box.width).toBeLessThan(500);
        expect(face.embedding).toHaveLength(1024);
        expect(Math.abs(face.pose.yaw)).toBeLessThan(60);
        expect(face.quality.relativeWidth).toBeCloseTo(face.box.width / meta.width, 5);
        expect(face.quality.sharpness).toBeGreaterThan(0);
        expect(face.real).toBeGreaterThanOrEqual(0);
        expect(face.live).toBeGreaterThanOrEqual(0);
        expect(face.gestures).toEqual(expect.arrayContaining([expect.stringMatching(/^facing-/)]));
      }
    }
  });

  it('different people stay below the threshold', () => {
    const [a, b, c] = faces[2]!;
    for (const [x, y] of [
      [a, b],
      [a, c],
      [b, c],
      [a, faces[0]![0]],
    ] as const) {
      const result = compareFaces(engine, x!, y!);
      expect(result.matched).toBe(false);
      expect(result.threshold).toBe(HUMAN_FACE_MATCH_THRESHOLD);
    }
  });

  it('finds the small portrait on a rotated document and matches it to the original', async () => {
    const original = faces[2]![0]!;
    const head = await headCrop(photos[2]!, original.box);
    const documentPhoto = await documentCard(head, { portraitShare: 0.12, rotateDeg: 8 });
    const found = await engine.detect(documentPhoto, { findSmallFaces: true });
    expect(found).toHaveLength(1);
    const [portrait] = found as [DetectedFace];
    const meta = await sharp(documentPhoto).metadata();
    // Left part of the card, a few percent of the photo's width, tilted like the card.
    expect(portrait.box.x + portrait.box.width).toBeLessThan(meta.width * 0.4);
    expect(portrait.quality.relativeWidth).toBeLessThan(0.1);
    expect(Math.abs(portrait.pose.roll)).toBeGreaterThan(3);
    expect(Math.abs(portrait.pose.roll)).toBeLessThan(14);

    expect(compareFaces(engine, original, portrait).matched).toBe(true);
    // The evidence crop is a JPEG that the engine finds the same face in.
    const crop = await cropPortrait(documentPhoto, portrait);
    expect((await sharp(crop).metadata()).format).toBe('jpeg');
    const [again] = await engine.detect(crop);
    expect(again).toBeDefined();
    const same = compareFaces(engine, original, again!);
    expect(same.matched, `similarity ${same.similarity}`).toBe(true);
    for (const other of [faces[2]![1]!, faces[2]![2]!, faces[3]![0]!, faces[5]![1]!]) {
      expect(compareFaces(engine, other, again!).matched).toBe(false);
    }
  });

  it('matches a greyscale low-quality "ID print" of the face', async () => {
    const original = faces[2]![0]!;
    const print = await faceVariant(photos[2]!, original.box, 'id-print');
    expect((await sharp(print).stats()).isOpaque).toBe(true);
    const [face] = await engine.detect(print);
    expect(face).toBeDefined();
    expect(compareFaces(engine, original, face!).matched).toBe(true);
  });

  it('finds no face on a text image or a blank card', async () => {
    const text = await sharp(
      textSvg(1200, 800, ['Invoice 2026-11', 'Total due: 120.00 EUR', 'Thank you for your order'], '#ffffff'),
    )
      .png()
      .toBuffer();
    expect(await engine.detect(text, { findSmallFaces: true })).toEqual([]);
    expect(await engine.detect(await documentCard(null), { findSmallFaces: true })).toEqual([]);
  });

  it('maps boxes back to the original size of a large photo', async () => {
    const original = faces[0]!;
    const large = await sharp(photos[0]).resize(3840).jpeg({ quality: 90 }).toBuffer();
    const found = (await engine.detect(large)).sort((a, b) => a.box.x - b.box.x);
    expect(found).toHaveLength(original.length);
    for (const [i, face] of found.entries()) {
      expect(face.box.x / 2).toBeCloseTo(original[i]!.box.x, -1.5);
      expect(face.box.width / 2).toBeCloseTo(original[i]!.box.width, -1.5);
    }
  });

  it('does not leak tensors across 20 calls', { timeout: 90_000 }, async () => {
    const selfie = await sharp(photos[2])
      .extract({ left: 300, top: 100, width: 800, height: 600 })
      .resize(640, 480)
      .jpeg()
      .toBuffer();
    await engine.detect(selfie);
    const before = await engine.tensorCount();
    const calls = Array.from({ length: 20 }, (_, i) => engine.detect(selfie, { maxFaces: (i % 3) + 1 }));
    const results = await Promise.all(calls);
    for (const found of results) expect(found.length).toBeGreaterThanOrEqual(1);
    expect(await engine.tensorCount()).toBe(before);
  });
});
