#!/usr/bin/env node
/**
 * Builds every web app (`web/<name>/vite.config.ts`) into `dist/web/<name>`, where src/http/web-app.ts
 * serves it. An app whose sources (its folder, plus web/shared if present) are older than its last build is
 * skipped; `--force` rebuilds all. Prints each app's JavaScript size, raw and gzipped, per entry chunk
 * (what loads before any lazy step) and in total.
 *
 *   node scripts/build-web.mjs [--force] [name…]
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const webDir = path.join(repo, 'web');
const outRoot = path.join(repo, 'dist', 'web');
const STAMP = '.build-stamp';

const args = process.argv.slice(2);
const force = args.includes('--force');
const only = args.filter((a) => !a.startsWith('--'));

async function newestMtime(dir) {
  let newest = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestMtime(full));
    else newest = Math.max(newest, (await stat(full)).mtimeMs);
  }
  return newest;
}

async function jsFiles(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await jsFiles(full)));
    else if (entry.name.endsWith('.js')) out.push(full);
  }
  return out;
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

async function report(name, outDir) {
  const html = await readFile(path.join(outDir, 'index.html'), 'utf8');
  const entryNames = new Set(
    [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="[^"]*\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]),
  );
  let entryRaw = 0;
  let entryGzip = 0;
  let allRaw = 0;
  let allGzip = 0;
  for (const file of await jsFiles(outDir)) {
    const body = await readFile(file);
    const gz = gzipSync(body, { level: 9 }).length;
    allRaw += body.length;
    allGzip += gz;
    if (entryNames.has(path.relative(outDir, file).split(path.sep).join('/'))) {
      entryRaw += body.length;
      entryGzip += gz;
    }
  }
  console.log(
    `web/${name}: initial JS ${kb(entryRaw)} (${kb(entryGzip)} gzip), all JS ${kb(allRaw)} (${kb(allGzip)} gzip)`,
  );
}

const names = (await readdir(webDir, { withFileTypes: true }).catch(() => []))
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .filter((name) => only.length === 0 || only.includes(name));

let vite;
for (const name of names) {
  const appDir = path.join(webDir, name);
  const configFile = path.join(appDir, 'vite.config.ts');
  if (!(await stat(configFile).catch(() => null))) continue;
  const outDir = path.join(outRoot, name);
  const sources = Math.max(await newestMtime(appDir), await newestMtime(path.join(webDir, 'shared')));
  const built = await stat(path.join(outDir, STAMP)).catch(() => null);
  if (!force && built && built.mtimeMs >= sources) {
    console.log(`web/${name}: up to date`);
    continue;
  }
  vite ??= await import('vite');
  const started = Date.now();
  await vite.build({
    configFile,
    root: appDir,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  await writeFile(path.join(outDir, STAMP), new Date().toISOString());
  console.log(`web/${name}: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await report(name, outDir);
}
