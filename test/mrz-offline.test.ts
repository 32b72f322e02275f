/**
 * Proof that the MRZ reader fetches nothing at run time: `readMrz` (tesseract.js legacy) and the
 * PaddleOCR engine run in a child process inside a network namespace with no interfaces
 * (`unshare -n`, or `unshare -rn` without root), from an empty cwd that must stay empty (tesseract.js's
 * default `cacheMethod: 'write'` would drop a 23 MB traineddata there). Skipped, with the reason
 * logged, only where unprivileged network namespaces are not permitted.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { offlineSandbox } from './helpers/offline.ts';
import { renderDocumentPage, SPECIMEN_TD3 } from './helpers/mrz-images.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { ns, work, cwd, cleanup } = offlineSandbox('mrz-offline');
afterAll(cleanup);

describe.skipIf(!ns)('MRZ reader offline', () => {
  it(
    'reads a document with the network cut off and writes nothing into the cwd',
    { timeout: 60_000 },
    async () => {
      const imagePath = path.join(work, 'page.png');
      writeFileSync(imagePath, await renderDocumentPage(SPECIMEN_TD3));
      const url = (p: string): string => pathToFileURL(path.join(root, p)).href;
      const script = `
      import { readFileSync } from 'node:fs';
      import { networkInterfaces } from 'node:os';
      const { readMrz } = await import(${JSON.stringify(url('src/analysis/mrz/read-mrz.ts'))});
      const { createOcrEngine } = await import(${JSON.stringify(url('src/analysis/ocr/create-ocr-engine.ts'))});
      const fast = createOcrEngine('tesseract');
      const paddle = createOcrEngine('paddle');
      const image = readFileSync(${JSON.stringify(imagePath)});
      const r = await readMrz(image, { fast, fallback: paddle }, { now: new Date('2026-11-21') });
      const p = await readMrz(image, { fast: paddle }, { now: new Date('2026-11-21') });
      await fast.close(); await paddle.close();
      console.log(JSON.stringify({ interfaces: Object.keys(networkInterfaces()), tesseract: { valid: r.checksumValid, lines: r.lines, engine: r.engine }, paddle: { valid: p.checksumValid, lines: p.lines, engine: p.engine } }));
    `;
      // A file, not `-e`: tesseract.js's worker threads inherit execArgv, and `--input-type` breaks them.
      const scriptPath = path.join(work, 'read.mjs');
      writeFileSync(scriptPath, script);
      const tsx = pathToFileURL(path.join(root, 'node_modules/tsx/dist/esm/index.mjs')).href;
      const res = spawnSync('unshare', [...ns!, process.execPath, '--import', tsx, scriptPath], {
        cwd,
        encoding: 'utf8',
        timeout: 55_000,
      });
      expect(res.status, res.stderr).toBe(0);
      const out = JSON.parse(res.stdout.trim().split('\n').pop()!);
      expect(out.interfaces.filter((i: string) => i !== 'lo')).toEqual([]);
      expect(out.tesseract).toEqual({ valid: true, lines: SPECIMEN_TD3, engine: 'tesseract-legacy' });
      expect(out.paddle).toEqual({ valid: true, lines: SPECIMEN_TD3, engine: 'paddle-ppocrv4' });
      expect(readdirSync(cwd)).toEqual([]);
    },
  );
});
