/**
 * The review console in a real browser (Debian Chromium via playwright-core) against a real kycgate on
 * loopback: a reviewer signs in, finds two documents the analysis was unsure about in the queue, opens one,
 * sees why (score, failed check, fields beside the customer record, crops), rejects it with a reason and a
 * message using the keyboard, then accepts the other (flagged as a possible duplicate) while a second
 * reviewer finds it taken; the webhooks receiver gets the decisions. Every screen is checked with axe-core. The analysis is a stand-in (test/helpers/reviewers.ts), not OCR.
 *
 * Screenshots go to dist/e2e-screenshots/; with KYCGATE_UPDATE_DOCS_SCREENSHOTS=1 also to docs/console/
 * (the images docs/console.md shows).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Analyzer } from '../../src/analysis/analyzer.ts';
import { bearer, createTestApp, secret, type TestApp } from '../helpers/app.ts';
import { createRequest, eventTypes, gathererToken } from '../helpers/kyc.ts';
import { createReviewer, REVIEWER_PASSWORD, reviewAnalyzer } from '../helpers/reviewers.ts';
import { caseTag } from '../helpers/test-analyzer.ts';
import { createWebhook, startReceiver, type Receiver } from '../helpers/webhooks.ts';
import {
  DESKTOP,
  SCREENSHOT_DIR,
  SKIP_BROWSER,
  axeViolations,
  launchBrowser,
  newPage,
  pageErrors,
} from './harness.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const DOCS_DIR = path.join(repo, 'docs', 'console');

let t: TestApp;
let base: string;
let browser: Browser;
let page: Page;
let reviewer: { id: string };
let portrait: Buffer;
let receiver: Receiver;

/** The webhook deliveries received so far: `[eventType, the document's status and reviewer]`. */
async function deliveries(): Promise<[string, string | undefined, string | undefined][]> {
  await t.drainJobs();
  return receiver.received.map((r) => {
    const body = JSON.parse(r.body) as {
      eventType: string;
      _embedded?: { kycDocument?: { status: string; reviewerName: string | null } };
    };
    const doc = body._embedded?.kycDocument;
    return [body.eventType, doc?.status, doc?.reviewerName ?? undefined];
  });
}

/** The stand-in analysis, plus what a real one keeps for reviewers: a portrait crop and a fingerprint. */
const analyzer: Analyzer = {
  documentType: 'identity-proof',
  async analyze(input) {
    const analysis = await reviewAnalyzer.analyze(input);
    return {
      ...analysis,
      data: { ...analysis.data, lastName: input.customer.lastName },
      artifacts: [{ name: 'portrait.jpg', mime: 'image/jpeg', bytes: portrait }],
      // Both customers' documents carry the same portrait: the second one is a possible duplicate.
      fingerprint: { documentNumber: null, issuingState: null, imageHash: 'c3a5f00f0ff0a5c3' },
    };
  },
};

function card(name: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1250" height="880"><rect width="1250" height="880" fill="#dfe8f1"/><rect x="40" y="40" width="1170" height="800" rx="24" fill="#f8fafc" stroke="#345" stroke-width="5"/><rect x="90" y="160" width="300" height="380" fill="#b8c4d0"/><circle cx="240" cy="300" r="80" fill="#8a6f5a"/><text x="90" y="120" font-size="48" font-family="DejaVu Sans" fill="#123">PASSPORT · UTOPIA</text><text x="440" y="220" font-size="40" font-family="DejaVu Sans">Surname: ${name}</text><text x="440" y="290" font-size="40" font-family="DejaVu Sans">Given names: ADDA</text><text x="440" y="360" font-size="40" font-family="DejaVu Sans">Born: 10 DEC 1990</text><text x="90" y="700" font-size="42" font-family="DejaVu Sans Mono">P&lt;UTO${name}&lt;&lt;ADDA&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;</text><text x="90" y="770" font-size="42" font-family="DejaVu Sans Mono">L898902C36UTO9012102F3012311&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;04</text></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

/** A customer, a request for an identity proof, and a document the stand-in puts in the manual band. */
async function pendingDocument(lastName: string) {
  const customer = await t.app.inject({
    method: 'POST',
    url: '/customers',
    headers: secret(t.org),
    payload: {
      websiteId: t.org.websiteId,
      primaryAddress: { firstName: 'Ada', lastName, dob: '1990-12-10' },
    },
  });
  expect(customer.statusCode, customer.body).toBe(201);
  const customerId = customer.json().id as string;
  const request = await createRequest(t, t.org, { customerId, documents: [{ type: 'identity-proof' }] });
  const token = gathererToken(request);
  const file = await t.app.inject({
    method: 'POST',
    url: '/files',
    headers: bearer(token),
    payload: {
      file: (await card(lastName.toUpperCase())).toString('base64'),
      name: 'passport.jpg',
      tags: ['kyc', 'id-front', caseTag('doubtful')],
    },
  });
  expect(file.statusCode, file.body).toBe(201);
  const created = await t.app.inject({
    method: 'POST',
    url: '/storefront/kyc-documents',
    headers: bearer(token),
    payload: { documentType: 'identity-proof', fileIds: [file.json().id] },
  });
  expect(created.statusCode, created.body).toBe(201);
  return { customerId, requestId: request.id as string, documentId: created.json().id as string };
}

async function apiGet(url: string): Promise<any> {
  const res = await t.app.inject({ method: 'GET', url, headers: secret(t.org) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** axe finds nothing; then a screenshot, copied into docs/console/ when asked to. */
async function checkScreen(name: string): Promise<void> {
  expect(await axeViolations(page), name).toEqual([]);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (process.env.KYCGATE_UPDATE_DOCS_SCREENSHOTS === '1') {
    mkdirSync(DOCS_DIR, { recursive: true });
    copyFileSync(file, path.join(DOCS_DIR, `${name}.png`));
  }
}

describe.skipIf(SKIP_BROWSER)('the review console', () => {
  let first: Awaited<ReturnType<typeof pendingDocument>>;
  let second: Awaited<ReturnType<typeof pendingDocument>>;

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(repo, 'scripts/build-web.mjs'), 'console'], { stdio: 'pipe' });
    portrait = await sharp({ create: { width: 240, height: 300, channels: 3, background: '#8a6f5a' } })
      .jpeg()
      .toBuffer();
    t = await createTestApp({ WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'on' }, { analyzers: [analyzer] });
    base = await t.listen();
    receiver = await startReceiver();
    await createWebhook(t, t.org, {
      method: 'POST',
      url: receiver.url,
      eventsFilter: ['kyc-document-accepted', 'kyc-document-rejected', 'kyc-request-fulfilled'],
    });
    reviewer = await createReviewer(t, t.org, { email: 'grace@example.com', name: 'Grace Hopper' });
    await createReviewer(t, t.org, { email: 'alan@example.com', name: 'Alan Turing' });
    first = await pendingDocument('Lovelace');
    second = await pendingDocument('Byron');
    await t.drainJobs();
    browser = await launchBrowser(null);
    ({ page } = await newPage(browser, { size: DESKTOP, camera: false }));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await t?.close();
  });

  it('signs a reviewer in and shows the queue, oldest first, with who reviews what', async () => {
    const served = await page.request.get(`${base}/console/`);
    expect(served.status()).toBe(200);
    expect(served.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(served.headers()['content-security-policy']).toContain("script-src 'self';");
    expect(served.headers()['permissions-policy']).toContain('camera=()');
    await page.goto(`${base}/console/?organization=${t.org.id}`);
    await page.getByRole('heading', { name: 'kycgate review console' }).waitFor();
    expect(await page.getByLabel('Organization ID').inputValue()).toBe(t.org.id);
    await checkScreen('console-sign-in');

    await page.getByLabel('Email').fill('grace@example.com');
    await page.getByLabel('Password').fill('a wrong password!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('The email or the password is wrong.');

    await page.getByLabel('Password').fill(REVIEWER_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Review queue' }).waitFor();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toBe('2 documents awaiting review');
    const rows = page.locator('table.queue tbody tr');
    expect(await rows.count()).toBe(2);
    // Oldest first: Lovelace's document was submitted before Byron's.
    expect(await rows.nth(0).locator('td').nth(2).textContent()).toBe('Ada Lovelace');
    expect(await rows.nth(1).locator('td').nth(2).textContent()).toBe('Ada Byron');
    expect(await rows.nth(0).locator('td').nth(3).textContent()).toContain('75');
    expect(await rows.nth(0).locator('td').nth(4).textContent()).toBe('First name');
    expect(await rows.nth(0).locator('td').nth(5).textContent()).toBe('Nobody');
    await checkScreen('console-queue');

    // The filters go to the server: no address proof waits; back to all types, both are there again.
    await page.getByLabel('Type').selectOption('address-proof');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toBe('0 documents awaiting review');
    await page.getByLabel('Type').selectOption('');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toBe('2 documents awaiting review');
  });

  it('opens a document, shows why the analysis was unsure, and rejects it with a reason by keyboard', async () => {
    await page.locator('a.open').first().click();
    await page.getByRole('heading', { name: 'Identity document' }).waitFor();
    // Opening it claimed it for this reviewer.
    await expect
      .poll(async () => (await apiGet(`/kyc-documents/${first.documentId}`)).reviewerId)
      .toBe(reviewer.id);
    await expect.poll(() => page.getByTestId('document-status').textContent()).toBe('pending');
    expect(await page.getByTestId('score').textContent()).toContain('75 / 100 — in the manual-review band');
    const firstName = page.locator('table.fields tbody tr').first();
    expect(await firstName.locator('td').allTextContents()).toEqual(['Adda', 'Ada', 'no']);
    expect(await page.locator('table.checks tbody tr.failed th').allTextContents()).toEqual(['First name']);
    // No liveness session was run for this request (the analysis records it as not completed).
    expect(await page.getByTestId('liveness').textContent()).toBe('no');
    // The upload and the portrait crop are both shown (fetched with the session token).
    await expect.poll(() => page.locator('.thumbs img').count()).toBe(2);
    expect(await page.locator('.thumbs button').allTextContents()).toEqual(['Front', 'Crop: Portrait']);
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.keyboard.press('o');
    expect(await page.locator('.viewer [aria-live]').textContent()).toBe('125 %, 90°');
    await checkScreen('console-document');

    await page.keyboard.press('r');
    await expect
      .poll(() => page.evaluate<string | undefined>('document.activeElement?.id'))
      .toBe('reject-reason');
    await page.getByLabel('Reason').selectOption('name-mismatch');
    await page.getByLabel(/Message to the customer/).fill('The first name on the passport is not yours');
    await checkScreen('console-reject');
    await page.getByRole('button', { name: 'Confirm rejection' }).click();
    await expect.poll(() => page.getByTestId('document-status').textContent()).toBe('rejected');

    const rejected = await apiGet(`/kyc-documents/${first.documentId}`);
    expect(rejected).toMatchObject({
      status: 'rejected',
      reviewerId: reviewer.id,
      reviewerName: 'Grace Hopper',
      rejectionReason: { type: 'name-mismatch', message: 'The first name on the passport is not yours' },
    });
    expect((await apiGet(`/kyc-requests/${first.requestId}`)).status).toBe('attempted');
    expect(await eventTypes(t, t.org, first.documentId)).toContain('kyc-document-rejected');
    expect(await deliveries()).toEqual([['kyc-document-rejected', 'rejected', 'Grace Hopper']]);
    expect(await page.locator('.log li').last().textContent()).toContain(
      'Grace Hopper: Rejection Name mismatch: The first name on the passport is not yours',
    );
  });

  it('accepts the other document, flagged as a possible duplicate of the first', async () => {
    await page.keyboard.press('q');
    await page.getByRole('heading', { name: 'Review queue' }).waitFor();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toBe('1 document awaiting review');
    await page.locator('a.open').first().click();
    await page.getByRole('heading', { name: 'Possible duplicates' }).waitFor();
    await expect
      .poll(() => page.locator('section[aria-labelledby=dup-title] li a').first().textContent())
      .toBe(first.documentId);
    await expect.poll(() => page.getByTestId('document-status').textContent()).toBe('pending');
    await checkScreen('console-duplicate');

    // A second reviewer who opens it sees who has it, and cannot decide it.
    const other = await newPage(browser, { size: DESKTOP, camera: false });
    try {
      await other.page.goto(`${base}/console/?organization=${t.org.id}`);
      await other.page.getByLabel('Email').fill('alan@example.com');
      await other.page.getByLabel('Password').fill(REVIEWER_PASSWORD);
      await other.page.getByRole('button', { name: 'Sign in' }).click();
      await other.page.getByRole('heading', { name: 'Review queue' }).waitFor();
      await expect
        .poll(() => other.page.locator('table.queue tbody tr td').nth(5).textContent())
        .toBe('Grace Hopper');
      await other.page.locator('a.open').first().click();
      await other.page.getByText(/Grace Hopper has been reviewing this document since/).waitFor();
      expect(await other.page.getByRole('button', { name: 'Accept…' }).count()).toBe(0);
      expect(await axeViolations(other.page)).toEqual([]);
    } finally {
      await other.context.close();
    }
    expect((await apiGet(`/kyc-documents/${second.documentId}`)).reviewerId).toBe(reviewer.id);

    await page.keyboard.press('a');
    await expect
      .poll(() => page.evaluate<string | null | undefined>('document.activeElement?.textContent'))
      .toBe('Confirm acceptance');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('document-status').textContent()).toBe('accepted');

    const accepted = await apiGet(`/kyc-documents/${second.documentId}`);
    expect(accepted).toMatchObject({
      status: 'accepted',
      reviewerId: reviewer.id,
      reviewerName: 'Grace Hopper',
    });
    expect((await apiGet(`/kyc-requests/${second.requestId}`)).status).toBe('fulfilled');
    expect(await eventTypes(t, t.org, second.documentId)).toContain('kyc-document-accepted');
    expect((await deliveries()).slice(1)).toEqual([
      ['kyc-document-accepted', 'accepted', 'Grace Hopper'],
      ['kyc-request-fulfilled', undefined, undefined],
    ]);
  });

  it('shows the customer with their requests, documents and history', async () => {
    await page.getByRole('link', { name: 'Ada Byron' }).first().click();
    await page.getByRole('heading', { name: 'Ada Byron' }).waitFor();
    await expect
      .poll(() => page.locator('section[aria-labelledby=documents-title] tbody tr').count())
      .toBe(1);
    expect(await page.locator('section[aria-labelledby=documents-title] tbody td').nth(2).textContent()).toBe(
      'accepted',
    );
    expect(await page.locator('section[aria-labelledby=requests-title] tbody td').nth(1).textContent()).toBe(
      'Fulfilled',
    );
    expect(await page.locator('section[aria-labelledby=history-title] li').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('KYC document accepted')]),
    );
    await checkScreen('console-customer');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    expect(pageErrors(page)).toEqual([]);
  });
});
