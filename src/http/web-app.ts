/**
 * Serves a built single-page web app (a Vite build in `dist/web/<name>`, see scripts/build-web.mjs) under a
 * path prefix, e.g. the gatherer at `/gatherer/` and the review console at `/console/`.
 *
 * - The build is read into memory on the first request (a few hundred KB) and served from a map keyed by
 *   the file's path, so a request can never name a file outside the build: `..`, encoded slashes and
 *   absolute paths simply miss the map. Text assets are gzipped once and sent compressed when accepted.
 * - `index.html` (also the answer for any extension-less path under the prefix, for client-side routes) is
 *   `no-cache`; Vite's hashed files under `assets/` are `immutable` for a year; other files an hour.
 * - Every answer carries a strict Content-Security-Policy (no inline script or style, no third-party
 *   origin), `Referrer-Policy: no-referrer` (a token in the URL never leaks as a Referer),
 *   `X-Content-Type-Options: nosniff`, a Permissions-Policy and `frame-ancestors` from the
 *   `frameAncestors` option: by default `'none'` (the page cannot be framed); the gatherer passes the
 *   origins its organization allows.
 * - Without a build (`npm run build:web` not run) the prefix answers 503 problem JSON saying so.
 *
 * Vite must be configured with `base` equal to the prefix, so asset URLs are absolute.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

/** Where `scripts/build-web.mjs` writes the builds: `<repo>/dist/web/<name>`. */
export const WEB_BUILD_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web');

export interface WebAppOptions {
  /** The app's folder name under `web/` and `dist/web/` (e.g. `gatherer`). */
  name: string;
  /** URL prefix with leading and trailing slash (e.g. `/gatherer/`); must equal Vite's `base`. */
  prefix: string;
  /** The build folder; default `dist/web/<name>` in the repository. */
  root?: string;
  /**
   * Origins allowed to frame the page (CSP `frame-ancestors`), computed per request, e.g. from the token in
   * the query string. Return `[]` for `'none'`. Each entry must be an origin (`https://shop.example`) or
   * `'self'`; anything else is dropped. Default: `'none'`.
   */
  frameAncestors?: (request: FastifyRequest) => Promise<string[]> | string[];
  /** Extra CSP `connect-src` sources besides `'self'` (default none). */
  connectSrc?: string[];
  /** Permissions-Policy header (default: camera for this origin only, no microphone or geolocation). */
  permissionsPolicy?: string;
}

interface Asset {
  body: Buffer;
  gzip: Buffer | null;
  type: string;
  cacheControl: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};
const COMPRESSIBLE = new Set([
  '.html',
  '.js',
  '.mjs',
  '.css',
  '.json',
  '.webmanifest',
  '.svg',
  '.txt',
  '.map',
]);
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Smallest file worth compressing, in bytes. */
const GZIP_MIN_BYTES = 512;

async function listFiles(dir: string, base = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, base), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const relative = base ? `${base}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(dir, relative)));
    else if (entry.isFile()) files.push(relative);
  }
  return files;
}

async function loadBuild(root: string): Promise<Map<string, Asset> | null> {
  const index = await stat(path.join(root, 'index.html')).catch(() => null);
  if (!index?.isFile()) return null;
  const assets = new Map<string, Asset>();
  for (const file of await listFiles(root)) {
    const ext = path.extname(file).toLowerCase();
    const body = await readFile(path.join(root, file));
    assets.set(file, {
      body,
      gzip: COMPRESSIBLE.has(ext) && body.length >= GZIP_MIN_BYTES ? gzipSync(body, { level: 9 }) : null,
      type: TYPES[ext] ?? 'application/octet-stream',
      cacheControl:
        file === 'index.html' || ext === '.html'
          ? 'no-cache'
          : file.startsWith('assets/')
            ? IMMUTABLE
            : 'public, max-age=3600',
    });
  }
  return assets;
}

const ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i;

/** Keeps only well-formed origins and `'self'`; a source list must never carry `;` or spaces. */
export function sanitizeFrameAncestors(sources: string[]): string {
  const kept = [...new Set(sources.filter((s) => s === "'self'" || ORIGIN.test(s)))];
  return kept.length ? kept.join(' ') : "'none'";
}

/** The origin of a URL (`https://shop.example/path` → `https://shop.example`), or null. */
export function originOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

export function contentSecurityPolicy(frameAncestors: string, connectSrc: string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    `connect-src ${["'self'", ...connectSrc].join(' ')}`,
    "font-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

export function registerWebApp(app: FastifyInstance, options: WebAppOptions): void {
  const { name, prefix } = options;
  if (!/^\/[\w-]+\/$/.test(prefix)) throw new Error(`registerWebApp: bad prefix "${prefix}"`);
  const root = options.root ?? path.join(WEB_BUILD_DIR, name);
  const permissionsPolicy =
    options.permissionsPolicy ?? 'camera=(self), microphone=(), geolocation=(), payment=(), usb=()';
  let build: Promise<Map<string, Asset> | null> | null = null;

  const assets = async (): Promise<Map<string, Asset> | null> => {
    build ??= loadBuild(root);
    const loaded = await build;
    if (!loaded) build = null; // not built yet: look again next time
    return loaded;
  };

  const serve = async (request: FastifyRequest, reply: FastifyReply, file: string) => {
    const files = await assets();
    if (!files) {
      throw new AppError('unavailable', `The ${name} page is not built; run "npm run build:web"`);
    }
    let asset = files.get(file);
    // Client-side routes (no extension) get the app; a missing file with an extension is a plain 404.
    if (!asset && path.extname(file) === '') asset = files.get('index.html');
    if (!asset) throw new AppError('not-found', 'File not found');
    const ancestors = options.frameAncestors ? await options.frameAncestors(request) : [];
    void reply
      .header('content-type', asset.type)
      .header('cache-control', asset.cacheControl)
      .header(
        'content-security-policy',
        contentSecurityPolicy(sanitizeFrameAncestors(ancestors), options.connectSrc),
      )
      .header('referrer-policy', 'no-referrer')
      .header('x-content-type-options', 'nosniff')
      .header('permissions-policy', permissionsPolicy)
      .header('cross-origin-resource-policy', 'same-origin')
      .header('vary', 'accept-encoding');
    const acceptsGzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    if (asset.gzip && acceptsGzip) {
      return reply.header('content-encoding', 'gzip').send(asset.gzip);
    }
    return reply.send(asset.body);
  };

  const bare = prefix.slice(0, -1);
  app.get(bare, { schema: { hide: true } }, (request, reply) => serve(request, reply, 'index.html'));
  app.get(`${prefix}*`, { schema: { hide: true } }, (request, reply) => {
    const wildcard = (request.params as { '*'?: string })['*'] ?? '';
    return serve(request, reply, wildcard === '' ? 'index.html' : wildcard);
  });
}
