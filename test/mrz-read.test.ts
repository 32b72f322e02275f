/**
 * The MRZ reader end to end with the real engines (tesseract.js legacy first, PaddleOCR as fallback) on
 * images rendered here in the real OCR-B font: a clean strip, a full data page, rotations of 5° and 12°,
 * a degraded capture (rotated 3°, blur σ1.1, noise, 900 px, JPEG q55), a page upside down, a TD1 card,
 * a 12-MP phone-style photo, and a tampered check digit. One engine pair per file, closed in afterAll.
 *
 * Run: `npx vitest run test/mrz-read.test.ts` (≈ 25–35 s on 2 cores, PaddleOCR load included).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMrz, type MrzReading } from '../src/analysis/mrz/read-mrz.ts';
import { createMrzEngines } from '../src/analysis/ocr/create-ocr-engine.ts';
import {
  capture,
  renderDocumentPage,
  renderMrzStrip,
  SPECIMEN_TD1,
  SPECIMEN_TD3,
} from './helpers/mrz-images.ts';

const engines = createMrzEngines({ fast: 'tesseract', fallback: 'paddle' }, { tesseractWorkers: 1 });
const NOW = new Date('2026-11-21T00:00:00Z');
let page: Buffer;

beforeAll(async () => {
  page = await renderDocumentPage(SPECIMEN_TD3);
});

afterAll(async () => {
  await engines.fast.close();
  await engines.fallback?.close();
});

function expectSpecimenTd3(r: MrzReading): void {
  expect(r.found).toBe(true);
  expect(r.format).toBe('TD3');
  expect(r.lines).toEqual(SPECIMEN_TD3);
  expect(r.checksumValid).toBe(true);
  expect(r.fields).toMatchObject({
    documentNumber: 'L898902C3',
    lastName: 'ERIKSSON',
    firstName: 'ANNA MARIA',
    dateOfBirth: '1974-08-12',
    expirationDate: '2012-04-15',
  });
}

describe('readMrz on rendered OCR-B images', () => {
  it('reads a clean MRZ strip on the fast path (one Tesseract call)', { timeout: 30_000 }, async () => {
    const r = await readMrz(await renderMrzStrip(SPECIMEN_TD3), engines, { now: NOW });
    expectSpecimenTd3(r);
    expect(r.engine).toBe('tesseract-legacy');
    expect(r.attempts).toHaveLength(1);
    expect(r.engineVersions['tesseract-legacy']).toMatch(/legacy/);
  });

  it('finds the MRZ at the bottom of a full data page', async () => {
    const r = await readMrz(page, engines, { now: NOW });
    expectSpecimenTd3(r);
    expect(Math.abs(r.band!.angleDeg)).toBeLessThan(0.5);
  });

  it.each([5, 12, -12])('deskews a page rotated %i°', async (deg) => {
    const r = await readMrz(await capture(page, { rotate: deg, jpegQuality: 85 }), engines, { now: NOW });
    expectSpecimenTd3(r);
    expect(r.band!.angleDeg).toBeCloseTo(deg, 0);
  });

  it('reads a blurred, noisy, downscaled JPEG (escalating only if check digits fail)', async () => {
    const img = await capture(page, {
      rotate: 3,
      blur: 1.1,
      noise: 10,
      width: 900,
      jpegQuality: 55,
      seed: 7,
    });
    const r = await readMrz(img, engines, { now: NOW });
    expectSpecimenTd3(r);
    // Every attempt is evidence; a fallback appears only after the fast engine failed.
    const firstFallback = r.attempts.findIndex((a) => a.engine === 'paddle-ppocrv4');
    if (firstFallback >= 0) {
      expect(r.attempts.slice(0, firstFallback).every((a) => !a.valid)).toBe(true);
      // The fallback reads the located rows one by one first; the whole band only when that failed.
      expect(r.attempts[firstFallback]!.variant).toBe('lines');
      const band = r.attempts.findIndex((a) => a.engine === 'paddle-ppocrv4' && a.variant === 'normalized');
      if (band >= 0) expect(r.attempts[firstFallback]!.valid).toBe(false);
    }
  });

  it('reads a page held upside down', async () => {
    const r = await readMrz(await capture(page, { rotate: 182, jpegQuality: 85 }), engines, { now: NOW });
    expectSpecimenTd3(r);
    expect(r.attempts.find((a) => a.valid)?.orientation).toBe(180);
  });

  it('reads the 3-line MRZ of a TD1 card back, rotated and noisy', async () => {
    const card = await renderDocumentPage(SPECIMEN_TD1);
    const r = await readMrz(
      await capture(card, { rotate: -8, blur: 0.8, noise: 6, jpegQuality: 70 }),
      engines,
      {
        now: NOW,
      },
    );
    expect(r.format).toBe('TD1');
    expect(r.lines).toEqual(SPECIMEN_TD1);
    expect(r.checksumValid).toBe(true);
    expect(r.fields?.documentNumber).toBe('D23145890');
  });

  it('reads a 12-MP phone-style photo and reports per-stage timings', { timeout: 40_000 }, async () => {
    const photo = await capture(page, {
      canvas: { width: 4000, height: 3000 },
      rotate: 7,
      noise: 6,
      jpegQuality: 85,
    });
    await readMrz(photo, engines, { now: NOW }); // warm (first decode, worker caches)
    const r = await readMrz(photo, engines, { now: NOW });
    expectSpecimenTd3(r);
    console.error(
      `[mrz] 12-MP photo: ${JSON.stringify(r.timings)}, rss ${Math.round(process.memoryUsage().rss / 1e6)} MB`,
    );
    expect(r.timings.totalMs).toBeLessThan(5000); // generous: a smoke bound, not the benchmark
  });

  it(
    'never accepts a wrong check digit: a tampered MRZ reads as checksumValid false',
    { timeout: 30_000 },
    async () => {
      const tampered = [SPECIMEN_TD3[0]!, SPECIMEN_TD3[1]!.replace('7408122', '7408123')];
      const r = await readMrz(await renderDocumentPage(tampered), engines, { now: NOW });
      expect(r.found).toBe(true);
      expect(r.checksumValid).toBe(false);
      expect(r.checks?.dateOfBirth).toBe(false);
      expect(r.fieldValidity?.dateOfBirth).toBe('failed');
      // It tried everything before giving up, including the fallback engine, and recorded it all.
      expect(r.attempts.some((a) => a.engine === 'paddle-ppocrv4')).toBe(true);
      expect(r.attempts.every((a) => !a.valid)).toBe(true);
    },
  );

  it('answers found: false for an image without an MRZ', async () => {
    const blank = await capture(await renderMrzStrip(['HELLO WORLD']), {});
    const r = await readMrz(blank, engines, { now: NOW });
    expect(r.found).toBe(false);
    expect(r.checksumValid).toBe(false);
  });
});
