/**
 * The gatherer's browser-test harness: Debian Chromium driven by playwright-core, a real kycgate on
 * loopback (createTestApp + listen) with a background job loop standing in for the worker, a fake camera
 * fed from a `.y4m` clip, axe-core, and screenshots at phone and desktop sizes.
 *
 * The camera clip is a file the test may rewrite between captures: Chromium opens it again each time the
 * page starts the camera, so a test can show a document first and a face afterwards.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { expect } from 'vitest';
import type { Analyzer } from '../../src/analysis/analyzer.ts';
import type { FaceEngine } from '../../src/analysis/face/face-engine.ts';
import { createTestApp, secret, type TestApp } from '../helpers/app.ts';
import { createRequest, gathererToken } from '../helpers/kyc.ts';

const require = createRequire(import.meta.url);
const repo = path.resolve(import.meta.dirname, '../..');

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? null;
/** Outside CI the browser tests skip when Chromium is absent; under CI=true they fail instead. */
export const SKIP_BROWSER = CHROMIUM === null && process.env.CI !== 'true';
export const SCREENSHOT_DIR = path.join(repo, 'dist', 'e2e-screenshots');

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 800 };

/** Builds the web apps (skips when up to date). */
export function buildWebApps(): void {
  execFileSync(process.execPath, [path.join(repo, 'scripts/build-web.mjs'), 'gatherer'], { stdio: 'pipe' });
}

/** Writes a YUV4MPEG2 (4:2:0) clip of the given images, each shown for `repeat` frames at `fps`. */
export async function writeY4m(
  file: string,
  images: Buffer[],
  options: { width?: number; height?: number; fps?: number; repeat?: number } = {},
): Promise<void> {
  const width = options.width ?? 1280;
  const height = options.height ?? 960;
  const fps = options.fps ?? 10;
  const repeat = options.repeat ?? 3;
  const chunks: Buffer[] = [Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`)];
  for (const image of images) {
    const rgb = await sharp(image)
      .resize(width, height, { fit: 'contain', background: { r: 40, g: 40, b: 40 } })
      .removeAlpha()
      .raw()
      .toBuffer();
    const y = Buffer.alloc(width * height);
    const u = Buffer.alloc((width / 2) * (height / 2));
    const v = Buffer.alloc((width / 2) * (height / 2));
    for (let row = 0; row < height; row++) {
      for (let col = 0; col < width; col++) {
        const i = (row * width + col) * 3;
        const r = rgb[i]!;
        const g = rgb[i + 1]!;
        const b = rgb[i + 2]!;
        y[row * width + col] = Math.min(255, Math.max(0, Math.round(0.299 * r + 0.587 * g + 0.114 * b)));
        if (row % 2 === 0 && col % 2 === 0) {
          const j = (row / 2) * (width / 2) + col / 2;
          u[j] = Math.min(255, Math.max(0, Math.round(128 - 0.168736 * r - 0.331264 * g + 0.5 * b)));
          v[j] = Math.min(255, Math.max(0, Math.round(128 + 0.5 * r - 0.418688 * g - 0.081312 * b)));
        }
      }
    }
    const frame = Buffer.concat([Buffer.from('FRAME\n'), y, u, v]);
    for (let k = 0; k < repeat; k++) chunks.push(frame);
  }
  writeFileSync(file, Buffer.concat(chunks));
}

export async function launchBrowser(clip: string | null): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM!,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...(clip
        ? [
            '--use-fake-ui-for-media-stream',
            '--use-fake-device-for-media-stream',
            `--use-file-for-fake-video-capture=${clip}`,
          ]
        : []),
    ],
  });
}

export async function newPage(
  browser: Browser,
  options: {
    size?: { width: number; height: number };
    camera?: boolean;
    locale?: string;
    mobile?: boolean;
  } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const size = options.size ?? PHONE;
  const context = await browser.newContext({
    viewport: size,
    permissions: options.camera === false ? [] : ['camera'],
    locale: options.locale ?? 'en-US',
    hasTouch: options.mobile ?? size.width < 600,
    isMobile: options.mobile ?? size.width < 600,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text()))
      errors.push(message.text());
  });
  (page as Page & { errors: string[] }).errors = errors;
  return { context, page };
}

export function pageErrors(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? [];
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page; returns the violations, summarized. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol, so the page's CSP (no inline scripts) does not block it.
  await page.evaluate(`${AXE_SOURCE};0`);
  const results = await page.evaluate(async () => {
    const scope = globalThis as unknown as {
      axe: { run(ctx: unknown, opts: unknown): Promise<any> };
      document: unknown;
    };
    const run = await scope.axe.run(scope.document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return (run.violations as { id: string; nodes: { target: string[] }[] }[]).map(
      (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  });
  return results;
}

/** Asserts axe finds nothing, and writes a screenshot `<name>.png`. */
export async function checkStep(page: Page, name: string): Promise<void> {
  expect(await axeViolations(page), name).toEqual([]);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

export interface Server {
  t: TestApp;
  base: string;
  close(): Promise<void>;
}

/** kycgate on loopback with a job loop (the in-process worker's part), optionally with real analyzers. */
export async function startServer(
  analyzers?: Analyzer[],
  options: { faceEngine?: FaceEngine } = {},
): Promise<Server> {
  const t = await createTestApp({}, { ...(analyzers ? { analyzers } : {}), ...options });
  const base = await t.listen();
  let running = true;
  const loop = (async () => {
    while (running) {
      await t.drainJobs();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    t,
    base,
    async close() {
      running = false;
      await loop;
      await t.close();
    },
  };
}

export interface Visit {
  requestId: string;
  customerId: string;
  token: string;
  url: string;
}

export const REDIRECT = 'https://shop.example/kyc-done?order=42';

export async function createVisit(
  server: Server,
  documents: Record<string, unknown>[],
  customer: { firstName: string; lastName: string; dob?: string } = {
    firstName: 'Ada',
    lastName: 'Lovelace',
  },
  extra: Record<string, unknown> = {},
  /** An existing customer (a second request of the same person); default: a new customer. */
  existingCustomerId?: string,
): Promise<Visit> {
  const { t } = server;
  let customerId = existingCustomerId;
  if (!customerId) {
    const created = await t.app.inject({
      method: 'POST',
      url: '/customers',
      headers: secret(t.org),
      payload: { websiteId: t.org.websiteId, primaryAddress: customer },
    });
    expect(created.statusCode, created.body).toBe(201);
    customerId = created.json().id as string;
  }
  const request = await createRequest(t, t.org, {
    customerId,
    documents,
    redirectUrl: REDIRECT,
    ...extra,
  });
  const token = gathererToken(request);
  return {
    requestId: request.id,
    customerId,
    token,
    url: `${server.base}/gatherer/?token=${encodeURIComponent(token)}`,
  };
}

export async function requestStatus(server: Server, id: string): Promise<string> {
  const res = await server.t.app.inject({
    method: 'GET',
    url: `/kyc-requests/${id}`,
    headers: secret(server.t.org),
  });
  return res.json().status as string;
}

/** Waits for the redirect to `redirectUrl` and returns its `info` (the shop is not served: the navigation is caught). */
export async function finishAndGetInfo(
  page: Page,
  click: () => Promise<void>,
  options: { returnNow?: boolean } = {},
): Promise<string> {
  const navigation = page.waitForRequest((req) => req.url().startsWith('https://shop.example/'), {
    timeout: 20_000,
  });
  // A failing click must not leave this promise to reject unobserved (an unhandled rejection).
  navigation.catch(() => undefined);
  await page.route('https://shop.example/**', (route) => route.fulfill({ status: 200, body: 'shop' }));
  await click();
  if (options.returnNow) await page.getByRole('link', { name: 'Return now' }).click();
  const request = await navigation;
  const url = new URL(request.url());
  expect(url.searchParams.get('order')).toBe('42');
  return url.searchParams.get('info') ?? '';
}

export const tmpClip = (name: string) => path.join(os.tmpdir(), `kycgate-e2e-${process.pid}-${name}.y4m`);
