/**
 * End to end through the API with the real engines (Tesseract for the MRZ, Human for faces): a KYC
 * request with `faceProofRequired` and `faceLivenessRequired` is completed the way the gatherer does it —
 * passport photo and selfie uploaded, identity document created and analysed, a liveness session started,
 * its frames sent and finished — and the request is fulfilled only once liveness has passed.
 */
import { readFile } from 'node:fs/promises';

import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createHumanFaceEngine } from '../src/analysis/face/human-engine.ts';
import type { LivenessStep } from '../src/analysis/liveness/challenge.ts';
import {
  livenessCapture,
  livenessScene,
  prepareLivenessFace,
} from '../src/analysis/liveness/testing/liveness-frames.ts';
import { generateDocument, sampleSpecs } from './fixtures/identity/index.ts';
import { PORTRAITS, portraitPng, samplePhotoPath } from './fixtures/identity/portraits.ts';
import { bearer, createTestApp, secret, type TestApp } from './helpers/app.ts';
import { createRequest, gathererToken } from './helpers/kyc.ts';
import { finishSession, sendFrames, startSession } from './helpers/liveness.ts';
import { testIdentityAnalyzer } from './helpers/identity-analyzer.ts';

const REFERENCE_DATE = '2026-11-22';
/** A frontal portrait whose synthetic moves register with the face engine (docs/face.md). */
const HOLDER_PORTRAIT = 5;

const engine = createHumanFaceEngine();
let t: TestApp;
beforeAll(async () => {
  const analyzer = testIdentityAnalyzer({ fallback: 'paddle', referenceDate: REFERENCE_DATE, face: engine });
  t = await createTestApp({}, { analyzers: [analyzer], faceEngine: engine });
});
afterAll(async () => {
  await t.close();
  for (const analyzer of t.deps.analyzers.values()) await analyzer.close?.();
});

async function upload(token: string, bytes: Buffer, name: string, tags: string[]): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/files',
    headers: bearer(token),
    payload: { file: bytes.toString('base64'), name, tags },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

describe('face proof and liveness, end to end', () => {
  it('fulfils a request asking for a selfie and liveness once both pass', async () => {
    const [spec] = sampleSpecs(1, 5, {
      conditions: ['scan'],
      kinds: ['td3'],
      cases: ['valid'],
      referenceDate: REFERENCE_DATE,
    });
    spec!.holder.portrait = HOLDER_PORTRAIT;
    const { image, truth } = await generateDocument(spec!, 5);
    const customer = await t.app.inject({
      method: 'POST',
      url: '/customers',
      headers: secret(t.org),
      payload: {
        primaryAddress: {
          firstName: truth.customer.firstName,
          lastName: truth.customer.lastName,
          dob: truth.customer.dateOfBirth,
        },
      },
    });
    const request = await createRequest(t, t.org, {
      customerId: customer.json().id,
      documents: [{ type: 'identity-proof', faceProofRequired: true, faceLivenessRequired: true }],
    });
    const token = gathererToken(request);

    // The gatherer: passport, selfie, the identity document.
    const selfie = await sharp(await portraitPng(HOLDER_PORTRAIT))
      .resize({ width: 480 })
      .jpeg({ quality: 88 })
      .toBuffer();
    const fileIds = [
      await upload(token, image, 'passport.png', ['kyc', 'id-front']),
      await upload(token, selfie, 'selfie.jpg', ['kyc', 'face-proof']),
    ];
    const created = await t.app.inject({
      method: 'POST',
      url: '/storefront/kyc-documents',
      headers: bearer(token),
      payload: { documentType: 'identity-proof', fileIds },
    });
    expect(created.statusCode, created.body).toBe(201);
    await t.drainJobs();
    const analysed = await t.app.inject({
      method: 'GET',
      url: `/kyc-documents/${created.json().id}`,
      headers: secret(t.org),
    });
    expect(analysed.json().documentMatches.checkList.filter((c: { failed: boolean }) => c.failed)).toEqual(
      [],
    );
    expect(analysed.json()).toMatchObject({
      status: 'accepted',
      documentMatches: { data: { hasMatchingFaceProof: true, hasCompletedFaceLiveness: false } },
    });
    const waiting = await t.app.inject({
      method: 'GET',
      url: `/kyc-requests/${request.id}`,
      headers: secret(t.org),
    });
    // Accepted, but liveness is still owed: not fulfilled yet.
    expect(waiting.json().status).toBe('attempted');

    // The liveness step.
    const session = await startSession(t, token, request.id);
    // The holder as the phone's camera sees her: the sample photo around the face the portrait was cut
    // from, made into liveness frames as the benchmark's bona-fide captures are (docs/face.md, Fixtures).
    const source = PORTRAITS[HOLDER_PORTRAIT]!;
    const photo = await readFile(samplePhotoPath(source.photo));
    const inPortrait = (await engine.detect(photo)).find((f) => {
      const cx = f.box.x + f.box.width / 2;
      const cy = f.box.y + f.box.height / 2;
      const height = (source.width * 45) / 35;
      return (
        cx > source.left && cx < source.left + source.width && cy > source.top && cy < source.top + height
      );
    });
    expect(inPortrait, 'the portrait’s face in its sample photo').toBeDefined();
    const face = await prepareLivenessFace(engine, await livenessScene(photo, inPortrait!.box));
    const frames = await livenessCapture(face, session.challenge.steps as LivenessStep[], { seed: 99 });
    expect((await sendFrames(t, token, session, frames)).statusCode).toBe(202);
    const finished = await finishSession(t, token, session.id);
    expect(finished.json()).toMatchObject({ status: 'succeeded', failureReason: null });
    expect(finished.json().referenceImage).toMatch(/\/files\/file_\w+\/download$/);

    const document = await t.app.inject({
      method: 'GET',
      url: `/storefront/kyc-documents/${created.json().id}`,
      headers: bearer(token),
    });
    expect(document.json().documentMatches.data).toMatchObject({
      hasMatchingFaceProof: true,
      hasCompletedFaceLiveness: true,
    });
    const fulfilled = await t.app.inject({
      method: 'GET',
      url: `/kyc-requests/${request.id}`,
      headers: secret(t.org),
    });
    expect(fulfilled.json().status).toBe('fulfilled');
    // The session's evidence recorded the comparisons with the selfie and the document portrait.
    const row = await t.deps.db.kysely
      .selectFrom('kycLivenessSessions')
      .select('evidence')
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    const references = (JSON.parse(row.evidence!) as { references: { label: string; similarity: number }[] })
      .references;
    expect(references.map((r) => r.label)).toEqual(['selfie', 'document-portrait']);
    for (const r of references) expect(r.similarity).toBeGreaterThanOrEqual(0.7);
  }, 180_000);
});
