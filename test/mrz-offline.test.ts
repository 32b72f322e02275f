/**
 * Proof that the MRZ reader fetches nothing at run time: `readMrz` (tesseract.js legacy) and the
 * PaddleOCR engine run in a child process inside a network namespace with no interfaces
 * (`unshare -n`, or `unshare -rn` without root), from an empty cwd that must stay empty (tesseract.js's
 * default `cacheMethod: 'write'` would drop a 23 MB traineddata there). Skipped, with the reason
 * logged, only where unprivileged network namespaces are not permitted.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { renderDocumentPage, SPECIMEN_TD3 } from './helpers/mrz-images.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function unshareArgs(): string[] | null {
  for (const args of [['-n'], ['-rn']]) {
    try {
      execFileSync('unshare', [...args, 'true'], { stdio: 'ignore' });
      return args;
    } catch {
      // try the next form
    }
  }
  return null;
}

const ns = unshareArgs();
if (!ns) console.error('[mrz-offline] skipped: `unshare -n` / `unshare -rn` is not permitted here');
const work = mkdtempSync(path.join(tmpdir(), 'kycgate-mrz-offline-'));
const cwd = mkdtempSync(path.join(tmpdir(), 'kycgate-mrz-cwd-'));

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(cwd, { recursive: true, force: true });
});

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
