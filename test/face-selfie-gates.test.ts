/**
 * The selfie quality gates (src/analysis/face/selfie-quality.ts) on real detections: each bad selfie of
 * issue 5 gets its own correction code, never a match; and the identity analyzer reports the gate and the
 * per-`matchLevel` threshold it used.
 */
import { readFile } from 'node:fs/promises';

import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { correctionCodeFor } from '../src/analysis/corrections.ts';
import { createHumanFaceEngine, HUMAN_FACE_MATCH_THRESHOLDS } from '../src/analysis/face/index.ts';
import { selfieIssue } from '../src/analysis/face/selfie-quality.ts';
import { samplePhotoPaths, textSvg } from '../src/analysis/face/testing/synthetic-faces.ts';
import { IdentityAnalyzer } from '../src/analysis/identity/identity-analyzer.ts';
import {
  livenessHead,
  posedHead,
  prepareLivenessFace,
} from '../src/analysis/liveness/testing/liveness-frames.ts';
import { createMrzEngines } from '../src/analysis/ocr/create-ocr-engine.ts';
import { DEFAULT_KYC_SETTINGS } from '../src/modules/kyc-settings/default-kyc-settings.ts';
import { generateDocument, sampleSpecs } from './fixtures/identity/index.ts';
import { portraitPng } from './fixtures/identity/portraits.ts';

const engine = createHumanFaceEngine();
let photos: Buffer[];
/** A frontal head (sample 5, leftmost face) on a 640×480 grey background: the good selfie. */
let head: Buffer;
const onCanvas = async (image: Buffer, width = 640, height = 480, headHeight = 360) => {
  const scaled = await sharp(image).resize({ height: headHeight }).toBuffer();
  const meta = await sharp(scaled).metadata();
  return sharp({ create: { width, height, channels: 3, background: '#8a8f86' } })
    .composite([
      {
        input: scaled,
        left: Math.round((width - meta.width) / 2),
        top: Math.round((height - meta.height) / 2),
      },
    ])
    .jpeg({ quality: 88 })
    .toBuffer();
};

beforeAll(async () => {
  photos = await Promise.all(samplePhotoPaths().map((p) => readFile(p)));
  const faces = (await engine.detect(photos[4]!)).sort((a, b) => a.box.x - b.box.x);
  head = await livenessHead(photos[4]!, faces[0]!.box);
}, 60_000);
afterAll(async () => engine.close());

const issueOf = async (image: Buffer) => selfieIssue(await engine.detect(image, { maxFaces: 2 }));

describe('selfie quality gates', () => {
  it('passes a frontal selfie, in a 640×480 frame and in a 50-megapixel photo', async () => {
    expect(await issueOf(await onCanvas(head))).toBeNull();
    const huge = await onCanvas(head, 8160, 6120, 4200);
    expect((await sharp(huge).metadata()).width * 6120).toBeGreaterThan(49_000_000);
    expect(await issueOf(huge)).toBeNull();
  }, 60_000);

  it('names what is wrong: no face, a black frame, two faces, too small, too dark, turned away, eyes closed', async () => {
    const text = await sharp(textSvg(640, 480, ['NO FACE HERE', 'just a page of text'], '#ffffff'))
      .jpeg()
      .toBuffer();
    const black = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#000' } })
      .jpeg()
      .toBuffer();
    const small = await onCanvas(head, 1600, 1200, 280);
    const dark = await sharp(await onCanvas(head))
      .linear(0.18, 0)
      .jpeg()
      .toBuffer();
    // Sample 2's first face is turned ≈ 38° away from the camera.
    const profileFaces = (await engine.detect(photos[1]!)).sort((a, b) => a.box.x - b.box.x);
    const profile = await onCanvas(await livenessHead(photos[1]!, profileFaces[0]!.box));
    const closed = await onCanvas(await posedHead(await prepareLivenessFace(engine, head), 'blink'));
    const closedFaces = await engine.detect(closed, { maxFaces: 2 });
    expect(closedFaces[0]?.eyesOpen, 'eyes measured').toBeDefined();
    expect({
      text: await issueOf(text),
      black: await issueOf(black),
      group: await issueOf(photos[2]!),
      small: await issueOf(small),
      dark: await issueOf(dark),
      profile: await issueOf(profile),
      closed: await issueOf(closed),
    }).toEqual({
      text: 'selfie-no-face',
      black: 'selfie-no-face',
      group: 'selfie-several-faces',
      small: 'selfie-face-too-small',
      dark: 'selfie-too-dark',
      profile: 'selfie-turned-away',
      closed: 'selfie-eyes-closed',
    });
    // Each is a correction the gatherer can show.
    expect(
      correctionCodeFor({ name: 'hasMatchingFaceProof', failed: true, reason: 'selfie-eyes-closed' }),
    ).toBe('selfie-eyes-closed');
  }, 60_000);
});

describe('the identity analyzer with the gates', () => {
  let analyzer: IdentityAnalyzer;
  beforeAll(() => {
    analyzer = new IdentityAnalyzer({
      mrz: createMrzEngines({ fast: 'tesseract', fallback: null }),
      face: engine,
      maxPixels: 60_000_000,
      now: () => new Date('2026-11-22T12:00:00Z'),
    });
  });
  afterAll(async () => analyzer.close());

  it('refuses a selfie with two people with its own correction, and keeps the level threshold', async () => {
    const [spec] = sampleSpecs(1, 5, {
      conditions: ['scan'],
      kinds: ['td3'],
      cases: ['valid'],
      referenceDate: '2026-11-22',
    });
    const { image, mime, truth } = await generateDocument(spec!, 5);
    const run = async (selfie: Buffer, matchLevel: number) =>
      analyzer.analyze({
        documentType: 'identity-proof',
        documentSubtype: null,
        matchLevel,
        files: [
          { id: 'front', mime, tags: ['kyc', 'id-front'], bytes: image },
          { id: 'selfie', mime: 'image/jpeg', tags: ['kyc', 'face-proof'], bytes: selfie },
        ],
        customer: {
          firstName: truth.customer.firstName,
          lastName: truth.customer.lastName,
          dateOfBirth: truth.customer.dateOfBirth,
          line1: null,
          city: null,
          region: null,
          postalCode: null,
          country: null,
        },
        settings: DEFAULT_KYC_SETTINGS.identityProof,
        requirements: { faceProofRequired: true, faceLivenessRequired: false },
      });
    const holder = await sharp(await portraitPng(spec!.holder.portrait))
      .resize({ width: 480 })
      .jpeg()
      .toBuffer();
    const pair = await sharp({ create: { width: 1000, height: 640, channels: 3, background: '#8a8f86' } })
      .composite([
        { input: holder, left: 0, top: 0 },
        { input: await sharp(holder).flop().toBuffer(), left: 500, top: 0 },
      ])
      .jpeg()
      .toBuffer();
    const two = await run(pair, 2);
    expect(two.findings.find((f) => f.name === 'hasMatchingFaceProof')).toEqual({
      name: 'hasMatchingFaceProof',
      failed: true,
      reason: 'selfie-several-faces',
    });
    expect(two.corrections?.map((c) => c.code)).toContain('selfie-several-faces');
    const basic = await run(holder, 3);
    expect(basic.data.hasMatchingFaceProof).toBe(true);
    expect(basic.evidence.selfie).toMatchObject({
      threshold: HUMAN_FACE_MATCH_THRESHOLDS[3],
      matched: true,
      issue: null,
    });
  }, 120_000);
});
