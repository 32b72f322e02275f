/**
 * The gatherer with the real analysis pipeline (Tesseract MRZ, Human faces) and a fake camera: a passport
 * photographed through the page's camera step (auto-capture), then a selfie from the front camera, decided
 * by the real analyzer → request fulfilled, redirect with info=success. The camera clip is rewritten between
 * the two captures (Chromium reopens the file each time the page starts the camera).
 */
import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHumanFaceEngine, type HumanFaceEngine } from '../../src/analysis/face/human-engine.ts';
import type { LivenessStep } from '../../src/analysis/liveness/challenge.ts';
import {
  cameraFrame,
  posedHead,
  prepareLivenessFace,
  seededRandom,
  type LivenessPose,
} from '../../src/analysis/liveness/testing/liveness-frames.ts';
import { IdentityAnalyzer } from '../../src/analysis/identity/identity-analyzer.ts';
import { createMrzEngines } from '../../src/analysis/ocr/create-ocr-engine.ts';
import { generateDocument, sampleSpecs, type GroundTruth } from '../fixtures/identity/index.ts';
import { portraitPng } from '../fixtures/identity/portraits.ts';
import {
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
  tmpClip,
  writeY4m,
  type Server,
} from './harness.ts';

const REFERENCE_DATE = '2026-11-22';

describe.skipIf(SKIP_BROWSER)('the gatherer with the real analysis', () => {
  let analyzer: IdentityAnalyzer;
  let faces: HumanFaceEngine;
  /**
   * Both tests are the same person with the same passport: a second customer showing it would rightly be
   * rejected as a duplicate document.
   */
  let customerId: string | undefined;
  let heads: Map<LivenessPose, Buffer>;
  let server: Server;
  let browser: Browser;
  let passport: Buffer;
  let truth: GroundTruth;
  let selfie: Buffer;
  const clip = tmpClip('analysis');

  beforeAll(async () => {
    buildWebApps();
    faces = createHumanFaceEngine();
    analyzer = new IdentityAnalyzer({
      mrz: createMrzEngines({ fast: 'tesseract', fallback: 'paddle' }),
      face: faces,
      maxPixels: 50_000_000,
      now: () => new Date(`${REFERENCE_DATE}T12:00:00Z`),
    });
    const [spec] = sampleSpecs(1, 5, {
      conditions: ['scan'],
      kinds: ['td3'],
      cases: ['valid'],
      referenceDate: REFERENCE_DATE,
    });
    // Portrait 16 faces the camera (yaw ≈ −1°, roll ≈ −7° measured with Human): the liveness baseline
    // needs a frontal rest pose to measure the turns from.
    spec!.holder.portrait = 16;
    const generated = await generateDocument(spec!, 5);
    passport = generated.image;
    truth = generated.truth;
    // The selfie: the holder's own face (the portrait printed on the passport), large, on a plain wall.
    const face = await sharp(await portraitPng(spec!.holder.portrait))
      .resize(520, 669)
      .toBuffer();
    selfie = await sharp({
      create: { width: 1280, height: 960, channels: 3, background: { r: 205, g: 200, b: 190 } },
    })
      .composite([{ input: face, left: 380, top: 145 }])
      .png()
      .toBuffer();
    // As a phone camera sees it: the page inside the guide frame on a desk, with margins all round, and
    // exposed so that paper white is not sensor white (a scanner's pure white reads as glare).
    const page = await sharp(passport).resize({ width: 1040 }).linear(0.88, 0).png().toBuffer();
    const pageHeight = (await sharp(page).metadata()).height;
    const desk = sharp({
      create: { width: 1280, height: 960, channels: 3, background: { r: 92, g: 74, b: 60 } },
    });
    const frame = await desk
      .composite([{ input: page, left: 120, top: Math.round((960 - pageHeight) / 2) }])
      .png()
      .toBuffer();
    await writeY4m(clip, [frame]);
    // The liveness capture: the same face, posed (src/analysis/liveness/testing: measured image edits).
    const livenessFace = await prepareLivenessFace(faces, await portraitPng(spec!.holder.portrait));
    heads = new Map();
    for (const pose of ['neutral', 'turn-left', 'turn-right', 'blink', 'open-mouth'] as const)
      heads.set(pose, await posedHead(livenessFace, pose));
    server = await startServer([analyzer], { faceEngine: faces });
    browser = await launchBrowser(clip);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await analyzer?.close();
    await faces?.close?.();
    rmSync(clip, { force: true });
  });

  it('a passport by camera and a selfie → accepted by the analysis, request fulfilled, info=success', async () => {
    const visit = await createVisit(
      server,
      [{ type: 'identity-proof', subtypes: ['passport'], faceProofRequired: true }],
      {
        firstName: truth.customer.firstName,
        lastName: truth.customer.lastName,
        dob: truth.customer.dateOfBirth,
      },
      {},
      customerId,
    );
    customerId = visit.customerId;
    const { context, page } = await newPage(browser);
    await page.goto(visit.url);
    await page.getByRole('heading', { name: /verify your identity/ }).waitFor();
    // Biometric consent is required before the selfie.
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByText('Tick the box to continue.').waitFor();
    await page.getByLabel(/my face is compared/).check();
    await page.getByRole('button', { name: 'Start' }).click();
    // The rear camera shows the passport: the live check passes and the page takes the photo by itself.
    await page.locator('video').waitFor();
    await page.getByRole('heading', { name: 'Check your photo' }).waitFor({ timeout: 15_000 });
    await checkStep(page, 'preview-phone');
    // The next camera start (the selfie) shows a face.
    await writeY4m(clip, [selfie]);
    await page.getByRole('button', { name: 'Use this photo' }).click();
    await page.getByRole('heading', { name: 'Take a selfie' }).waitFor();
    await page.locator('.viewfinder.selfie video').waitFor();
    await checkStep(page, 'selfie-phone');
    await page.getByRole('heading', { name: 'Check your photo' }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Use this photo' }).click();
    await page.getByRole('heading', { name: 'Accepted', exact: true }).waitFor({ timeout: 90_000 });
    await checkStep(page, 'accepted-analysis-phone');
    const info = await finishAndGetInfo(
      page,
      async () => {
        await page.getByRole('button', { name: 'Continue' }).click();
        await page.getByRole('button', { name: 'Finish' }).click();
      },
      { returnNow: true },
    );
    expect(info).toBe('success');
    expect(await requestStatus(server, visit.requestId)).toBe('fulfilled');
    // The files came from the camera, tagged as the gatherer must tag them.
    const files = await server.t.deps.db.kysely
      .selectFrom('files')
      .select(['tags', 'sourceType', 'mime'])
      .where('customerId', '=', visit.customerId)
      .orderBy('createdTime')
      .execute();
    expect(files.map((f) => [JSON.parse(f.tags), f.sourceType, f.mime])).toEqual([
      [['kyc', 'id-front'], 'camera', 'image/jpeg'],
      [['kyc', 'face-proof'], 'camera', 'image/jpeg'],
    ]);
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  }, 120_000);
  /**
   * The clip the camera shows during the challenge, timed like the page: 0.8 s facing the camera, then per
   * step (stepMs each) a short reaction, the move held, and back at rest; then at rest.
   */
  async function livenessClip(steps: LivenessStep[], stepMs: number): Promise<void> {
    const fps = 10;
    const poses: LivenessPose[] = Array<LivenessPose>(8).fill('neutral');
    for (const step of steps) {
      const perStep = Math.round((stepMs / 1000) * fps);
      const held = step === 'blink' ? 3 : 6;
      for (let i = 0; i < perStep; i++) poses.push(i >= 3 && i < 3 + held ? step : 'neutral');
    }
    poses.push(...Array<LivenessPose>(30).fill('neutral'));
    const random = seededRandom(11);
    const frames: Buffer[] = [];
    for (const pose of poses) frames.push(await cameraFrame(heads.get(pose)!, random));
    await writeY4m(clip, frames, { width: 640, height: 480, fps, repeat: 1 });
  }

  it('a passport and a selfie uploaded, then the liveness challenge by camera → hasCompletedFaceLiveness, info=success', async () => {
    const visit = await createVisit(
      server,
      [
        {
          type: 'identity-proof',
          subtypes: ['passport'],
          faceProofRequired: true,
          faceLivenessRequired: true,
        },
      ],
      {
        firstName: truth.customer.firstName,
        lastName: truth.customer.lastName,
        dob: truth.customer.dateOfBirth,
      },
      {},
      customerId,
    );
    customerId = visit.customerId;
    const { context, page } = await newPage(browser);
    await page.goto(visit.url);
    await page.getByLabel(/my face is compared/).check();
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('button', { name: 'Upload a file instead' }).click();
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: 'passport.png', mimeType: 'image/png', buffer: passport });
    await page.getByRole('button', { name: 'Use this photo' }).click();
    await page.getByRole('heading', { name: 'Take a selfie' }).waitFor();
    await page.getByRole('button', { name: 'Upload a file instead' }).click();
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: 'selfie.png', mimeType: 'image/png', buffer: selfie });
    await page.getByRole('button', { name: 'Use this photo' }).click();
    // The liveness step comes before the identity proof is sent: when the session's challenge arrives, the camera clip is made to follow it.
    await page.route('**/storefront/kyc-liveness-sessions', async (route) => {
      const response = await route.fetch();
      const session = await response.json();
      if (session.challenge) await livenessClip(session.challenge.steps, session.challenge.stepMs);
      else console.error('liveness session', response.status(), JSON.stringify(session));
      await route.fulfill({ response, json: session });
    });
    await page.getByRole('button', { name: 'Start the check' }).click();
    await page.locator('.challenge[data-step]').waitFor();
    await checkStep(page, 'liveness-phone');
    await page
      .getByText('Liveness check passed')
      .or(page.getByText('Liveness check failed'))
      .waitFor({ timeout: 90_000 });
    const hint = await page
      .locator('.hints li')
      .getAttribute('data-code', { timeout: 500 })
      .catch(() => null);
    expect(hint, 'liveness failure code').toBeNull();
    await page.getByRole('button', { name: 'Continue' }).click();
    // The identity proof is sent now, its analysis knowing the liveness result.
    await page.locator('.result h2').waitFor({ timeout: 150_000 });
    const decided = await server.t.deps.db.kysely
      .selectFrom('kycDocuments')
      .select(['status', 'rejectionReason', 'documentMatches'])
      .where('requestId', '=', visit.requestId)
      .executeTakeFirstOrThrow();
    expect(await page.locator('.result h2').textContent(), JSON.stringify(decided)).toBe('Accepted');
    const info = await finishAndGetInfo(
      page,
      async () => {
        await page.getByRole('button', { name: 'Continue' }).click();
        await page.getByRole('button', { name: 'Finish' }).click();
      },
      { returnNow: true },
    );
    expect(info).toBe('success');
    const res = await server.t.app.inject({
      method: 'GET',
      url: `/kyc-requests/${visit.requestId}?expand=documents`,
      headers: { 'reb-apikey': server.t.org.secretKey },
    });
    expect(res.json().status).toBe('fulfilled');
    expect(res.json()._embedded.documents[0].documentMatches.data.hasCompletedFaceLiveness).toBe(true);
    await context.close();
  }, 300_000);
});
