/**
 * Proof that the visual-zone reader and the PDF417 decoder fetch nothing at run time: `readPrintedData`
 * (PaddleOCR on the VIZ crop, @zxing/library on the licence back) runs in a child process inside a
 * network namespace with no interfaces (`unshare -n`, or `unshare -rn` without root), from an empty cwd
 * that must stay empty. Skipped, with the reason logged, only where network namespaces are not permitted.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { offlineSandbox } from './helpers/offline.ts';
import { generateDocument, sampleSpecs } from './fixtures/identity/index.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { ns, work, cwd, cleanup } = offlineSandbox('viz-offline');
afterAll(cleanup);

describe.skipIf(!ns)('printed zone and barcode offline', () => {
  it('reads a licence front and back with the network cut off', { timeout: 90_000 }, async () => {
    const [spec] = sampleSpecs(1, 212, {
      kinds: ['driver-license'],
      conditions: ['scan'],
      cases: ['valid'],
      referenceDate: '2026-11-22',
    });
    const { image, truth } = await generateDocument({ ...spec!, sides: 'both' }, 212);
    const imagePath = path.join(work, 'licence.png');
    writeFileSync(imagePath, image);
    // The face inside the printed portrait of a flat scan (what the face engine finds; Human is proven
    // offline by face-offline.test.ts).
    const p = truth.portraitBox!;
    const face = {
      x: p.x + 0.1 * p.width,
      y: p.y + 0.1 * p.height,
      width: 0.8 * p.width,
      height: 0.8 * p.width,
    };
    const url = (file: string): string => pathToFileURL(path.join(root, file)).href;
    const script = `
      import { readFileSync } from 'node:fs';
      import { networkInterfaces } from 'node:os';
      const { readPrintedData } = await import(${JSON.stringify(url('src/analysis/viz/read-printed-data.ts'))});
      const { normalizeImage } = await import(${JSON.stringify(url('src/analysis/image/normalize.ts'))});
      const { createOcrEngine } = await import(${JSON.stringify(url('src/analysis/ocr/create-ocr-engine.ts'))});
      const engine = createOcrEngine('paddle');
      const image = await normalizeImage(readFileSync(${JSON.stringify(imagePath)}), 'image/png', { maxPixels: 50e6 });
      const scale = image.width / image.sourceWidth;
      const f = ${JSON.stringify(face)};
      const printed = await readPrintedData({
        sides: [{ fileId: 'front', image, hasMrz: false }],
        portrait: { fileId: 'front', face: { x: f.x * scale, y: f.y * scale, width: f.width * scale, height: f.height * scale } },
        engine, mrz: null, maxPixels: 50e6, now: new Date('2026-11-22T12:00:00Z'),
      });
      await engine.close();
      console.log(JSON.stringify({
        interfaces: Object.keys(networkInterfaces()),
        barcode: printed.barcode?.licence?.elements ?? null,
        vizSurname: printed.viz?.fields.surname?.value ?? null,
        identity: printed.identity,
        mismatch: printed.mismatch.detected,
      }));
    `;
    const scriptPath = path.join(work, 'read.mjs');
    writeFileSync(scriptPath, script);
    const tsx = pathToFileURL(path.join(root, 'node_modules/tsx/dist/esm/index.mjs')).href;
    const res = spawnSync('unshare', [...ns!, process.execPath, '--import', tsx, scriptPath], {
      cwd,
      encoding: 'utf8',
      timeout: 85_000,
    });
    expect(res.status, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout.trim().split('\n').pop()!);
    expect(out.interfaces.filter((i: string) => i !== 'lo')).toEqual([]);
    expect(out.barcode).toEqual(truth.barcode!.elements);
    expect(out.vizSurname).toBe(truth.viz!['surname']);
    expect(out.identity).toMatchObject({
      surname: truth.barcode!.elements['DCS'],
      dateOfBirth: truth.fields!.dateOfBirth,
      expirationDate: truth.fields!.expirationDate,
      documentNumber: truth.fields!.documentNumber,
      subtype: 'driver-license',
    });
    expect(out.mismatch).toBe(false);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
