/**
 * The PaddleOCR engine (src/analysis/ocr/paddle-engine.ts) on its own, with the real PP-OCRv4 models: the
 * whole pipeline (detection, then recognition of each box) and the recognition model alone on one line
 * (`recognizeLine`, what the MRZ reader's fallback uses on the located rows), on MRZ lines rendered in
 * the real OCR-B font.
 *
 * Run: `npx vitest run test/paddle-engine.test.ts` (≈ 5 s, model load included).
 */
import { afterAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { cleanMrzText, extractMrzLines, parseMrz } from '../src/analysis/mrz/mrz-parse.ts';
import { PaddleEngine } from '../src/analysis/ocr/paddle-engine.ts';
import { renderMrzStrip, SPECIMEN_TD3 } from './helpers/mrz-images.ts';

const engine = new PaddleEngine();

/** The MRZ lines in `texts`, parsed (a digit 0 in a letter field is repaired there, as the reader does). */
function parsed(texts: string[]): string[] | undefined {
  const extracted = extractMrzLines(texts);
  return extracted ? parseMrz(extracted.lines)?.lines : undefined;
}

/** One rendered line cut as the MRZ reader cuts a row: to its text, plus 15 % of its height. */
async function rowCrop(text: string): Promise<Buffer> {
  const trimmed = await sharp(await renderMrzStrip([text]))
    .trim()
    .toBuffer({ resolveWithObject: true });
  const margin = Math.round(trimmed.info.height * 0.15);
  return sharp(trimmed.data)
    .extend({ top: margin, bottom: margin, left: 2 * margin, right: 2 * margin, background: '#ffffff' })
    .png()
    .toBuffer();
}

afterAll(async () => {
  await engine.close();
});

describe('PaddleEngine', () => {
  it('reads a two-line strip as two rows, top to bottom, with boxes inside the image', async () => {
    const strip = await renderMrzStrip(SPECIMEN_TD3);
    const { width = 0, height = 0 } = await sharp(strip).metadata();
    const { lines } = await engine.recognize(strip);
    expect(lines).toHaveLength(2);
    expect(parsed(lines.map((l) => l.text))).toEqual(SPECIMEN_TD3);
    for (const line of lines) {
      expect(line.confidence).toBeGreaterThan(0.8);
      expect(line.box!.x).toBeGreaterThanOrEqual(0);
      expect(line.box!.y + line.box!.height).toBeLessThanOrEqual(height + 1);
      expect(line.box!.x + line.box!.width).toBeLessThanOrEqual(width + 1);
    }
    expect(lines[0]!.box!.y + lines[0]!.box!.height / 2).toBeLessThan(lines[1]!.box!.y);
  });

  it('reads one line at a time with the recognition model alone', async () => {
    const lines = [];
    for (const text of SPECIMEN_TD3) lines.push(await engine.recognizeLine(await rowCrop(text)));
    expect(lines.map((l) => cleanMrzText(l.text).length)).toEqual([44, 44]);
    expect(parsed(lines.map((l) => l.text))).toEqual(SPECIMEN_TD3);
    for (const line of lines) expect(line.confidence).toBeGreaterThan(0.8);
  });

  it('gives a low-confidence empty reading, not an error, for a blank line', async () => {
    const blank = await sharp({ create: { width: 600, height: 40, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    const line = await engine.recognizeLine(blank);
    expect(cleanMrzText(line.text).length).toBeLessThan(3);
    expect((await engine.recognize(blank)).lines).toEqual([]);
  });

  it('refuses work once closed, and closes twice without error', async () => {
    const closing = new PaddleEngine();
    await closing.recognizeLine(await rowCrop(SPECIMEN_TD3[0]!));
    expect(closing.isLoaded).toBe(true);
    await closing.close();
    await closing.close();
    await expect(closing.recognizeLine(await rowCrop(SPECIMEN_TD3[0]!))).rejects.toThrow(/closed/);
  });
});
