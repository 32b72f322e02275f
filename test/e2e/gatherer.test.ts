/**
 * The document gatherer in a real browser (Debian Chromium via playwright-core) against a real kycgate on
 * loopback. These tests use a stand-in analyzer (decided by the uploaded bytes) so they exercise the page
 * and the API, not the OCR; gatherer-analysis.test.ts runs the real pipeline.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import {
  BinaryBitmap,
  DecodeHintType,
  HybridBinarizer,
  QRCodeReader,
  RGBLuminanceSource,
} from '@zxing/library';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CorrectionCode } from '../../src/analysis/corrections.ts';
import {
  DESKTOP,
  PHONE,
  REDIRECT,
  SKIP_BROWSER,
  buildWebApps,
  checkStep,
  createVisit,
  finishAndGetInfo,
  launchBrowser,
  newPage,
  pageErrors,
  requestStatus,
  startServer,
  type Server,
} from './harness.ts';
import { markedAnalyzer, sha256 } from './scripted-analyzer.ts';

let server: Server;
let browser: Browser;
const marks = new Map<string, CorrectionCode>();
let good: Buffer;
let blurry: Buffer;

/** A plain document-like image (text lines on a card); its bytes decide the stand-in analysis. */
async function cardImage(label: string, blur = 0): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="800"><rect width="1200" height="800" fill="#e8eef5"/><rect x="60" y="60" width="1080" height="680" rx="30" fill="#fff" stroke="#345" stroke-width="6"/><text x="120" y="200" font-size="64" font-family="DejaVu Sans">${label}</text><text x="120" y="320" font-size="40" font-family="DejaVu Sans">P&lt;UTOERIKSSON&lt;&lt;ANNA&lt;MARIA</text></svg>`;
  const image = sharp(Buffer.from(svg));
  return (blur ? image.blur(blur) : image).png().toBuffer();
}

describe.skipIf(SKIP_BROWSER)('the gatherer page', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    buildWebApps();
    good = await cardImage('GOOD DOCUMENT');
    blurry = await cardImage('BLURRY DOCUMENT', 6);
    marks.set(sha256(blurry), 'photo-blurry');
    server = await startServer([
      markedAnalyzer('identity-proof', marks),
      markedAnalyzer('address-proof', marks),
    ]);
    browser = await launchBrowser(null);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function uploadFile(page: Page, bytes: Buffer, name = 'document.png') {
    await page.locator('input[type=file]').setInputFiles({ name, mimeType: 'image/png', buffer: bytes });
    await page.getByRole('heading', { name: 'Check your photo' }).waitFor();
    await page.getByRole('button', { name: 'Use this photo' }).click();
  }

  it('identity uploaded and accepted, address skipped → info=partial; no camera → upload with a message', async () => {
    const visit = await createVisit(server, [
      { type: 'identity-proof', subtypes: ['passport', 'id-card'] },
      { type: 'address-proof' },
    ]);
    const { context, page } = await newPage(browser, { camera: false });
    await page.goto(visit.url);
    await page.getByRole('heading', { name: /verify your identity/ }).waitFor();
    // The token left the address bar at once.
    expect(page.url()).not.toContain('token=');
    await checkStep(page, 'landing-phone');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('button', { name: 'Passport' }).waitFor();
    await checkStep(page, 'subtype-phone');
    await page.getByRole('button', { name: 'Passport' }).click();
    // No camera in this browser: the page says so and offers the upload.
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/camera/i);
    await checkStep(page, 'upload-phone');
    await uploadFile(page, good);
    await page.getByRole('heading', { name: 'Accepted', exact: true }).waitFor();
    await checkStep(page, 'accepted-phone');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Skip this step' }).click();
    await page.getByRole('heading', { name: 'Thank you' }).waitFor();
    expect(await page.locator('[data-step=address-proof]').getAttribute('data-state')).toBe('stSkipped');
    await checkStep(page, 'summary-phone');
    const info = await finishAndGetInfo(page, () => page.getByRole('button', { name: 'Finish' }).click());
    expect(info).toBe('partial');
    expect(await requestStatus(server, visit.requestId)).toBe('partial');
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });

  it('a blurry photo is rejected with the blur hint, then the retry is accepted → info=success', async () => {
    const visit = await createVisit(server, [{ type: 'identity-proof', subtypes: ['passport'] }]);
    const { context, page } = await newPage(browser, { camera: false });
    await page.goto(visit.url);
    await page.getByRole('button', { name: 'Start' }).click();
    await uploadFile(page, blurry);
    await page.getByRole('heading', { name: 'Not accepted' }).waitFor();
    expect(await page.locator('.hints li').first().getAttribute('data-code')).toBe('photo-blurry');
    expect(await page.locator('.hints li').first().textContent()).toMatch(/blurry/);
    expect(await page.locator('.attempts').textContent()).toBe('Attempts left: 2');
    await checkStep(page, 'rejected-phone');
    await page.getByRole('button', { name: 'Try again' }).click();
    await uploadFile(page, good);
    await page.getByRole('heading', { name: 'Accepted', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    const info = await finishAndGetInfo(page, () => page.getByRole('button', { name: 'Finish' }).click(), {
      returnNow: true,
    });
    expect(info).toBe('success');
    expect(await requestStatus(server, visit.requestId)).toBe('fulfilled');
    await context.close();
  });

  it('attempts used up → "no attempts left", the summary says not accepted → info=manual', async () => {
    const visit = await createVisit(server, [
      { type: 'identity-proof', subtypes: ['passport'], maxAttempts: 1 },
    ]);
    const { context, page } = await newPage(browser, { camera: false });
    await page.goto(visit.url);
    await page.getByRole('button', { name: 'Start' }).click();
    await uploadFile(page, blurry);
    await page.getByRole('heading', { name: 'Not accepted' }).waitFor();
    expect(await page.locator('.attempts').textContent()).toBe(
      'No attempts left. A person will look at your documents.',
    );
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Thank you' }).waitFor();
    expect(await page.locator('[data-step=identity-proof]').getAttribute('data-state')).toBe('stFailed');
    const info = await finishAndGetInfo(page, () => page.getByRole('button', { name: 'Finish' }).click(), {
      returnNow: true,
    });
    expect(info).toBe('manual');
    expect(await requestStatus(server, visit.requestId)).toBe('failed');
    await context.close();
  });

  it('the back link is on every step and returns with info=back', async () => {
    const visit = await createVisit(server, [{ type: 'identity-proof' }]);
    const { context, page } = await newPage(browser, { size: DESKTOP, camera: false });
    await page.goto(visit.url);
    const back = page.getByRole('link', { name: /^Back to/ });
    await back.waitFor();
    await checkStep(page, 'landing-desktop');
    await page.getByRole('button', { name: 'Start' }).click();
    await page
      .getByRole('heading', { name: 'Which document will you use?' })
      .or(page.getByText('Which document will you use?'))
      .first()
      .waitFor();
    const info = await finishAndGetInfo(page, () => back.click());
    expect(info).toBe('back');
    await context.close();
  });

  it('an expired token is detected on load → info=token_expired', async () => {
    const visit = await createVisit(server, [{ type: 'identity-proof' }]);
    const { t } = server;
    const row = await t.deps.db.kysely
      .selectFrom('kycRequests')
      .select(['gathererJwtId', 'customerId', 'organizationId'])
      .where('id', '=', visit.requestId)
      .executeTakeFirstOrThrow();
    const past = new Date(Date.now() - 60_000);
    const expired = await t.deps.jwt.sign(
      { organizationId: row.organizationId, customerId: row.customerId, jwtId: row.gathererJwtId! },
      past,
      { kycRequestId: visit.requestId, redirectUrl: REDIRECT },
      new Date(Date.now() - 3_600_000),
    );
    const { context, page } = await newPage(browser, { camera: false });
    const info = await finishAndGetInfo(page, async () => {
      await page.goto(`${server.base}/gatherer/?token=${encodeURIComponent(expired)}`);
      await page.getByRole('heading', { name: 'This link has expired' }).waitFor();
      await checkStep(page, 'expired-phone');
      await page.getByRole('link', { name: 'Return now' }).click();
    });
    expect(info).toBe('token_expired');
    await context.close();
  });

  it('a token revoked during the visit ends it at the next call → info=token_expired', async () => {
    const visit = await createVisit(server, [{ type: 'identity-proof', subtypes: ['passport'] }]);
    const { context, page } = await newPage(browser, { camera: false });
    await page.goto(visit.url);
    await page.getByRole('button', { name: 'Start' }).click();
    await page.locator('input[type=file]').waitFor({ state: 'attached' });
    await server.t.deps.db.kysely
      .updateTable('customerJwts')
      .set({ revokedTime: new Date().toISOString() })
      .where(
        'id',
        '=',
        (
          await server.t.deps.db.kysely
            .selectFrom('kycRequests')
            .select('gathererJwtId')
            .where('id', '=', visit.requestId)
            .executeTakeFirstOrThrow()
        ).gathererJwtId!,
      )
      .execute();
    server.t.deps.authenticator.forgetKeys();
    const info = await finishAndGetInfo(page, async () => {
      await uploadFile(page, good);
      await page.getByRole('heading', { name: 'This link has expired' }).waitFor();
      await page.getByRole('link', { name: 'Return now' }).click();
    });
    expect(info).toBe('token_expired');
    await context.close();
  });

  it('desktop → phone: a QR code and short link open the visit on the phone; the desktop follows and finishes', async () => {
    const visit = await createVisit(server, [{ type: 'identity-proof', subtypes: ['passport'] }]);
    const desktop = await newPage(browser, { size: DESKTOP, camera: false });
    await desktop.page.goto(visit.url);
    await desktop.page.getByRole('button', { name: 'Continue on your phone' }).click();
    const qr = desktop.page.getByRole('img', { name: 'QR code that opens this page on your phone' });
    await qr.waitFor();
    await checkStep(desktop.page, 'handoff-desktop');
    const link = (await desktop.page.locator('.link-box').textContent())!;
    expect(link).toMatch(new RegExp(`^${server.base}/g/[0-9A-Z]{26}[\\w-]{10}$`));
    // The QR code encodes exactly that link.
    const dataUrl = (await qr.getAttribute('src'))!;
    const gray = await sharp(Buffer.from(dataUrl.split(',')[1]!, 'base64'))
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const source = new RGBLuminanceSource(
      new Uint8ClampedArray(gray.data),
      gray.info.width,
      gray.info.height,
    );
    // A generated image, not a photo: read its modules as they are (ZXing's finder-pattern search fails on
    // about 1 in 300 such images at 4 px a module).
    const pure = new Map([[DecodeHintType.PURE_BARCODE, true]]);
    expect(new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)), pure).getText()).toBe(
      link,
    );

    // The phone opens the short link (no camera there either: upload).
    const phone = await newPage(browser, { camera: false });
    await phone.page.goto(link);
    expect(new URL(phone.page.url()).pathname).toBe('/gatherer/');
    await phone.page.getByRole('button', { name: 'Start' }).click();
    await uploadFile(phone.page, good);
    await phone.page.getByRole('heading', { name: 'Accepted', exact: true }).waitFor();
    await phone.page.getByRole('button', { name: 'Continue' }).click();
    await phone.page.getByRole('heading', { name: 'Thank you' }).waitFor();
    // The desktop notices by itself and shows the end.
    await desktop.page.getByRole('heading', { name: 'Thank you' }).waitFor({ timeout: 15_000 });
    const info = await finishAndGetInfo(
      desktop.page,
      () => desktop.page.getByRole('button', { name: 'Finish' }).click(),
      {
        returnNow: true,
      },
    );
    expect(info).toBe('success');
    await phone.context.close();
    await desktop.context.close();
  });

  it('resumes on reload: the token survives in the tab, the uploaded front side is kept', async () => {
    const visit = await createVisit(server, [{ type: 'identity-proof', subtypes: ['id-card', 'passport'] }]);
    const { context, page } = await newPage(browser, { camera: false });
    await page.goto(visit.url);
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('button', { name: 'ID card' }).click();
    await page.getByRole('heading', { name: 'ID card — Front side' }).waitFor();
    await uploadFile(page, good);
    await page.getByRole('heading', { name: 'ID card — Back side' }).waitFor();
    await page.reload();
    // The address bar has no token any more; the tab remembers it, and the visit continues at the back side.
    await page.getByRole('heading', { name: 'ID card — Back side' }).waitFor();
    expect(await page.getByRole('status').filter({ hasText: 'Welcome back' }).count()).toBe(1);
    await uploadFile(page, good);
    await page.getByRole('heading', { name: 'Accepted', exact: true }).waitFor();
    const documents = await server.t.deps.db.kysely
      .selectFrom('kycDocuments')
      .select(['fileIds', 'documentSubtype'])
      .where('requestId', '=', visit.requestId)
      .execute();
    expect(documents).toHaveLength(1);
    expect(documents[0]!.documentSubtype).toBe('id-card');
    expect(JSON.parse(documents[0]!.fileIds)).toHaveLength(2);
    await context.close();
  });

  it("embeds in an iframe on the organization's website only; the frame falls back to upload", async () => {
    // Two "sites" on loopback servers of their own (a page Chromium deems public may not frame a local
    // server): the organization's website, and one that is not.
    let body = '';
    const sites = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<HttpServer>((resolve) => {
            const site = createServer((_req, res) =>
              res.writeHead(200, { 'content-type': 'text/html' }).end(body),
            );
            site.listen(0, '127.0.0.1', () => resolve(site));
          }),
      ),
    );
    const [shop, other] = sites.map((site) => `http://127.0.0.1:${(site.address() as AddressInfo).port}`);
    try {
      await server.t.deps.db.kysely
        .updateTable('websites')
        .set({ url: `${shop}/checkout` })
        .where('id', '=', server.t.org.websiteId)
        .execute();
      const visit = await createVisit(server, [{ type: 'identity-proof', subtypes: ['passport'] }]);
      body = `<!doctype html><html lang="en"><title>Shop</title><iframe title="Identity verification" src="${visit.url}" allow="camera" width="360" height="700"></iframe></html>`;
      const { context, page } = await newPage(browser);
      await page.goto(`${shop}/checkout`);
      const frame = page.frameLocator('iframe');
      await frame.getByRole('button', { name: 'Start' }).click();
      // This browser has no camera at all: the frame says so and takes an upload.
      await frame.getByText("Your camera can't be used on this page").waitFor();
      await frame
        .locator('input[type=file]')
        .setInputFiles({ name: 'd.png', mimeType: 'image/png', buffer: good });
      await frame.getByRole('button', { name: 'Use this photo' }).click();
      await frame.getByRole('heading', { name: 'Accepted', exact: true }).waitFor();
      // Another site cannot frame it: the browser refuses to render the page (CSP frame-ancestors).
      const refused = page.waitForEvent('console', (m) => /frame-ancestors/.test(m.text()));
      await page.goto(`${other}/`);
      await refused;
      const framed = page.frames().find((f) => f !== page.mainFrame());
      expect(await framed!.locator('button').count()).toBe(0);
      await context.close();
    } finally {
      await Promise.all(sites.map((site) => new Promise((resolve) => site.close(resolve))));
    }
  });

  it('speaks Arabic right to left (?lang=ar) with no accessibility violations', async () => {
    const visit = await createVisit(server, [{ type: 'identity-proof', subtypes: ['passport', 'id-card'] }]);
    const { context, page } = await newPage(browser, { camera: false });
    await page.goto(`${visit.url}&lang=ar`);
    await page.locator('html[dir=rtl][lang=ar]').waitFor();
    await page.locator('h1').waitFor();
    expect(await page.locator('.page').getAttribute('dir')).toBe('rtl');
    const start = page.locator('button.primary');
    expect(await start.textContent()).toBe('ابدأ');
    await checkStep(page, 'landing-rtl-phone');
    await start.click();
    await page.locator('[data-subtype=id-card]').waitFor();
    expect(await page.locator('[data-subtype=id-card]').textContent()).toBe('بطاقة الهوية');
    await checkStep(page, 'subtype-rtl-phone');
    await context.close();
  });

  it('the language follows the browser when ?lang= is absent', async () => {
    const visit = await createVisit(server, [{ type: 'identity-proof' }]);
    const { context, page } = await newPage(browser, { camera: false, locale: 'de-DE' });
    await page.goto(visit.url);
    await page.locator('html[lang=de]').waitFor();
    expect(await page.locator('button.primary').textContent()).toBe('Starten');
    await context.close();
  });
});

void PHONE;
