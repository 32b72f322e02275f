/**
 * The capture quality gates (src/analysis/image/quality.ts): the document-edge check on synthetic frames,
 * and every gate on generated captures (test/fixtures/identity) of the conditions that must be retaken.
 *
 * Figures measured on the bench:analysis set (seed 4, 12 documents per condition, 108 images): cut-off
 * captures touch a frame edge over 0.37–0.76 of it, no other capture over 0.21 (a card corner 14 px
 * out of a 2400 px frame); contrast-normalised sharpness of the dark captures 1435–2918 (46–112 raw, so
 * half were called blurry before the normalisation), of the blurry ones 6–13.
 */
import { describe, expect, it } from 'vitest';
import { normalizeImage } from '../src/analysis/image/normalize.ts';
import { assessQuality, documentCutOff, otsuThreshold } from '../src/analysis/image/quality.ts';
import { generateDocument, sampleSpecs, type CaptureCondition } from './fixtures/identity/index.ts';

/** A `width × height` frame of `background` with a `value` rectangle. */
function frame(
  width: number,
  height: number,
  rect: { x: number; y: number; w: number; h: number },
  value = 230,
  background = 70,
) {
  const data = Buffer.alloc(width * height, background);
  for (let y = rect.y; y < Math.min(height, rect.y + rect.h); y++)
    data.fill(value, y * width + rect.x, y * width + Math.min(width, rect.x + rect.w));
  const histogram = new Array<number>(256).fill(0);
  for (const v of data) histogram[v]!++;
  return { data, histogram };
}

describe('documentCutOff', () => {
  it('splits a two-level histogram between its levels', () => {
    const { histogram } = frame(100, 100, { x: 10, y: 10, w: 50, h: 50 });
    const t = otsuThreshold(histogram);
    expect(t).toBeGreaterThanOrEqual(70);
    expect(t).toBeLessThan(230);
  });

  it('a document inside the frame is not cut off, and its box is found', () => {
    const { data, histogram } = frame(400, 300, { x: 80, y: 60, w: 240, h: 150 });
    const r = documentCutOff(data, 400, 300, histogram);
    expect(r.cutOff).toBe(false);
    expect(r.contact).toEqual([0, 0, 0, 0]);
    expect(r.area).toBeCloseTo((240 * 150) / (400 * 300), 5);
    expect(r.documentBox).toEqual({ left: 0.2, top: 0.2, width: 0.6, height: 0.5 });
  });

  it('a document running out of the right edge is cut off', () => {
    const { data, histogram } = frame(400, 300, { x: 200, y: 60, w: 300, h: 180 });
    const r = documentCutOff(data, 400, 300, histogram);
    expect(r.cutOff).toBe(true);
    expect(r.contact[1]).toBeCloseTo(180 / 300, 5);
  });

  it('a page filling the frame (a scan) is not cut off; a corner just touching the edge is not either', () => {
    const full = frame(400, 300, { x: 0, y: 0, w: 400, h: 300 }, 230, 230);
    expect(documentCutOff(full.data, 400, 300, full.histogram).cutOff).toBe(false);
    const touching = frame(400, 300, { x: 100, y: 100, w: 300, h: 60 });
    const r = documentCutOff(touching.data, 400, 300, touching.histogram);
    expect(r.contact[1]).toBeCloseTo(0.2, 5);
    expect(r.cutOff).toBe(false);
  });
});

describe('quality gates on generated captures', () => {
  // The bench:analysis documents (seed 4): condition index c, document i → spec seed 4000 + c, image seed
  // (4000 + c) × 1000 + i.
  async function capture(condition: CaptureCondition, index: number, i: number) {
    const specSeed = 4000 + index;
    const spec = sampleSpecs(i + 1, specSeed, { conditions: [condition], referenceDate: '2026-11-22' })[i]!;
    const { image, mime, truth } = await generateDocument(spec, specSeed * 1000 + i);
    return { quality: assessQuality(await normalizeImage(image, mime, { maxPixels: 50_000_000 })), truth };
  }

  it('cut-off: the document edge runs along the frame edge', { timeout: 60_000 }, async () => {
    for (const i of [0, 2]) {
      const { quality, truth } = await capture('cut-off', 6, i);
      expect(quality.issues, truth.id).toEqual(['cut-off']);
      expect(Math.max(...quality.cutOff.contact), truth.id).toBeGreaterThan(0.35);
    }
  });

  it('dark: too dark, but not called blurry; photo and scan: no issue', { timeout: 60_000 }, async () => {
    const dark = await capture('dark', 4, 2);
    expect(dark.quality.issues).toEqual(['too-dark']);
    expect(dark.quality.sharpness).toBeGreaterThan(300);
    const photo = await capture('photo', 1, 1);
    expect(photo.quality.issues).toEqual([]);
    expect(Math.max(...photo.quality.cutOff.contact)).toBe(0);
    const scan = await capture('scan', 0, 0);
    expect(scan.quality.issues).toEqual([]);
    expect(scan.quality.cutOff.contact).toEqual([1, 1, 1, 1]);
  });

  it('blurry and small are reported as such', { timeout: 60_000 }, async () => {
    expect((await capture('blurry', 8, 0)).quality.issues).toContain('blurry');
    expect((await capture('small', 5, 0)).quality.issues).toEqual(['too-small']);
  });
});
