import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { afterAll, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const dir = mkdtempSync(path.join(tmpdir(), 'kycgate-face-offline-'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function unshareProblem(): string | null {
  try {
    execFileSync('unshare', ['-n', 'true'], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return `unshare -n is not permitted here (${(error as Error).message.split('\n')[0]})`;
  }
}

it('loads the models and detects and matches faces with no network at all', { timeout: 120_000 }, (ctx) => {
  const problem = unshareProblem();
  if (problem) {
    process.stderr.write(`skipping the offline face test: ${problem}\n`);
    ctx.skip(problem);
    return;
  }
  const face = (file: string) => pathToFileURL(path.join(root, 'src/analysis/face', file)).href;
  const script = path.join(dir, 'offline.mts');
  writeFileSync(
    script,
    `
import { readFile } from 'node:fs/promises';
import { compareFaces, createHumanFaceEngine } from ${JSON.stringify(face('index.ts'))};
import { faceVariant, samplePhotoPaths } from ${JSON.stringify(face('testing/synthetic-faces.ts'))};

let networkBlocked = false;
try { await fetch('https://registry.npmjs.org/', { signal: AbortSignal.timeout(5000) }); } catch { networkBlocked = true; }
const engine = createHumanFaceEngine();
const photo = await readFile(samplePhotoPaths()[2]);
const faces = (await engine.detect(photo)).sort((a, b) => a.box.x - b.box.x);
const [print] = await engine.detect(await faceVariant(photo, faces[0].box, 'id-print'));
const match = compareFaces(engine, faces[0], print);
await engine.close();
process.stdout.write(JSON.stringify({ networkBlocked, faces: faces.length, matched: match.matched }));
`,
  );
  const run = spawnSync('unshare', ['-n', process.execPath, '--import', 'tsx', script], {
    cwd: root,
    encoding: 'utf8',
    timeout: 110_000,
  });
  expect(run.status, run.stderr).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual({ networkBlocked: true, faces: 3, matched: true });
});
