/**
 * The identity analyzer on generated documents with ground truth, with the real engines (Tesseract for
 * the MRZ, Human for faces), and end to end through the API: upload → document → analysis job → decision
 * with full documentMatches and reviewer evidence.
 *
 * The engines are the production configuration (Tesseract first, PaddleOCR when check digits fail).
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyzerInput } from '../src/analysis/analyzer.ts';
import { decide } from '../src/analysis/decide.ts';
import type { IdentityAnalyzer } from '../src/analysis/identity/identity-analyzer.ts';
import { DEFAULT_KYC_SETTINGS } from '../src/modules/kyc-settings/default-kyc-settings.ts';
import {
  generateDocument,
  sampleSpecs,
  type FixtureCase,
  type GroundTruth,
} from './fixtures/identity/index.ts';
import { portraitPng } from './fixtures/identity/portraits.ts';
import { bearer, createTestApp, secret, type TestApp } from './helpers/app.ts';
import { createRequest, gathererToken } from './helpers/kyc.ts';
import { testIdentityAnalyzer } from './helpers/identity-analyzer.ts';

const REFERENCE_DATE = '2026-11-22';
const settings = DEFAULT_KYC_SETTINGS.identityProof;
let analyzer: IdentityAnalyzer;

beforeAll(() => {
  analyzer = testIdentityAnalyzer({ fallback: 'paddle', referenceDate: REFERENCE_DATE });
});
afterAll(async () => analyzer.close());

function input(
  files: AnalyzerInput['files'],
  truth: GroundTruth,
  extra: Partial<AnalyzerInput> = {},
): AnalyzerInput {
  return {
    documentType: 'identity-proof',
    documentSubtype: null,
    matchLevel: 2,
    files,
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
    settings,
    requirements: { faceProofRequired: false, faceLivenessRequired: false },
    ...extra,
  };
}

async function analyseCase(fixtureCase: FixtureCase, seed = 5) {
  const [spec] = sampleSpecs(1, seed, {
    conditions: ['scan'],
    kinds: ['td3'],
    cases: [fixtureCase],
    referenceDate: REFERENCE_DATE,
  });
  const { image, mime, truth } = await generateDocument(spec!, seed);
  const analysis = await analyzer.analyze(
    input([{ id: 'front', mime, tags: ['kyc', 'id-front'], bytes: image }], truth),
  );
  const decision = decide(
    analysis.findings,
    settings.weights,
    settings.thresholds,
    analysis.rejectionReason,
    analysis.retakeReason,
  );
  return { analysis, decision, truth, spec: spec!, image, mime };
}

describe('identity analyzer on generated passports', () => {
  it('accepts a valid passport and fills every KycIdentityMatches field', async () => {
    const { analysis, decision, truth } = await analyseCase('valid');
    expect(decision.status).toBe('accepted');
    expect(decision.score).toBe(100);
    expect(analysis.data).toMatchObject({
      containsImage: true,
      isIdentityDocument: true,
      isPublishedOnline: false,
      documentNumber: truth.fields!.documentNumber,
      dateOfBirth: `${truth.fields!.dateOfBirth}T00:00:00Z`,
      expirationDate: `${truth.fields!.expirationDate}T00:00:00Z`,
      mrzChecksumValid: true,
      documentSubtype: 'passport',
      hasMinimalAge: true,
      isTampered: false,
    });
    for (const key of [
      'firstName',
      'lastName',
      'nationality',
      'issuanceCountry',
      'sex',
      'hasMatchingFaceProof',
      'isPhotocopy',
      'expiryDate',
      'issueDate',
      'hasCompletedFaceLiveness',
    ]) {
      expect(analysis.data, key).toHaveProperty(key);
    }
    expect((analysis.evidence.files as { mrz: { lines: string[] } }[])[0]!.mrz.lines).toEqual(
      truth.mrz!.lines,
    );
    expect(analysis.artifacts?.map((a) => a.name)).toEqual(['portrait.jpg']);
  });

  it.each([
    ['expired', 'rejected', 'document-expired'],
    ['underage', 'rejected', 'underage-person'],
    ['specimen', 'rejected', 'document-duplicate'],
    ['not-a-document', 'rejected', 'document-invalid'],
  ] as const)('decides a %s document: %s (%s), never accepted', async (fixtureCase, status, reason) => {
    const { decision, analysis } = await analyseCase(fixtureCase);
    expect(decision.status).toBe(status);
    expect(decision.rejectionReason?.type).toBe(reason);
    expect(analysis.corrections?.length).toBeGreaterThan(0);
  });

  it('sends a name mismatch to a person, naming the failed check', async () => {
    const { decision } = await analyseCase('name-mismatch');
    expect(decision.status).toBe('pending');
    expect(decision.checkList.filter((c) => c.failed).map((c) => c.name)).toEqual(['lastName']);
  });

  it('never accepts a wrong check digit silently', async () => {
    const { decision, analysis } = await analyseCase('bad-checksum');
    expect(analysis.data.mrzChecksumValid).toBe(false);
    expect(decision.checkList.find((c) => c.name === 'mrzChecksum')).toMatchObject({
      failed: true,
      score: settings.weights.mrzChecksum,
    });
    expect(decision.status).not.toBe('accepted');
  });

  it('tells the customer to retake a blurry photo', async () => {
    const [spec] = sampleSpecs(1, 9, {
      conditions: ['blurry'],
      kinds: ['td3'],
      cases: ['valid'],
      referenceDate: REFERENCE_DATE,
    });
    const { image, mime, truth } = await generateDocument(spec!, 9);
    const analysis = await analyzer.analyze(
      input([{ id: 'f', mime, tags: ['kyc', 'id-front'], bytes: image }], truth),
    );
    const decision = decide(
      analysis.findings,
      settings.weights,
      settings.thresholds,
      analysis.rejectionReason,
      analysis.retakeReason,
    );
    expect(decision.status).toBe('rejected');
    expect(decision.rejectionReason?.type).toBe('document-unreadable');
    expect(analysis.corrections?.map((c) => c.code)).toContain('photo-blurry');
  });

  // bench:analysis documents (seed 4): a TD3 passport 30 % out of the frame whose MRZ is cut (read, but
  // failing its check digits), and a sharp TD3 photo at 20 % exposure whose MRZ reads exactly.
  it.each([
    ['cut-off', 6, 1, 'document-not-open', 'document-cut-off'],
    ['dark', 4, 3, 'document-unreadable', 'photo-too-dark'],
  ] as const)(
    'asks for a retake of a %s capture of a valid passport, with the specific correction',
    { timeout: 60_000 },
    async (condition, index, i, reason, correction) => {
      const specSeed = 4000 + index;
      const spec = sampleSpecs(i + 1, specSeed, { conditions: [condition], referenceDate: REFERENCE_DATE })[
        i
      ]!;
      const { image, mime, truth } = await generateDocument(spec, specSeed * 1000 + i);
      expect(truth.kind).toBe('td3');
      const analysis = await analyzer.analyze(
        input([{ id: 'f', mime, tags: ['kyc', 'id-front'], bytes: image }], truth),
      );
      const decision = decide(
        analysis.findings,
        settings.weights,
        settings.thresholds,
        analysis.rejectionReason,
        analysis.retakeReason,
      );
      expect(analysis.retakeReason).toBe(reason);
      expect(decision.status).toBe('rejected');
      expect(decision.rejectionReason?.type).toBe(reason);
      const codes = analysis.corrections!.map((c) => c.code);
      expect(codes[0]).toBe(correction);
      // Only what the customer can fix: no blur on a sharp dark photo, no photocopy from its missing colour,
      // no name mismatch from a cut MRZ.
      for (const misleading of ['photo-blurry', 'photocopy', 'name-mismatch'])
        expect(codes).not.toContain(misleading);
    },
  );

  it('reads a truncated JPEG and an empty file as unreadable without throwing', async () => {
    const { image, truth } = await analyseCase('valid');
    const jpeg = await sharp(image).jpeg().toBuffer();
    for (const bytes of [jpeg.subarray(0, Math.floor(jpeg.length / 3)), Buffer.alloc(0)]) {
      const analysis = await analyzer.analyze(
        input([{ id: 'f', mime: 'image/jpeg', tags: ['kyc', 'id-front'], bytes }], truth),
      );
      expect(analysis.rejectionReason).toBe('document-unreadable');
      expect((analysis.evidence.files as { error: string }[])[0]!.error).toBe('unreadable');
    }
  });

  it('matches the selfie of the holder and refuses another person', async () => {
    const { spec, image, mime, truth } = await analyseCase('valid');
    const document = { id: 'front', mime, tags: ['kyc', 'id-front'], bytes: image };
    const selfieOf = async (portrait: number) =>
      sharp(await portraitPng(portrait))
        .resize({ width: 480 })
        .jpeg({ quality: 85 })
        .toBuffer();
    const same = await analyzer.analyze(
      input(
        [
          document,
          {
            id: 's',
            mime: 'image/jpeg',
            tags: ['kyc', 'face-proof'],
            bytes: await selfieOf(spec.holder.portrait),
          },
        ],
        truth,
      ),
    );
    expect(same.data.hasMatchingFaceProof).toBe(true);
    const other = await analyzer.analyze(
      input(
        [
          document,
          {
            id: 's',
            mime: 'image/jpeg',
            tags: ['kyc', 'face-proof'],
            bytes: await selfieOf(spec.holder.portrait + 7),
          },
        ],
        truth,
      ),
    );
    expect(other.data.hasMatchingFaceProof).toBe(false);
    expect(other.findings.find((f) => f.name === 'hasMatchingFaceProof')).toMatchObject({
      failed: true,
      reason: 'mismatch',
    });
  });
});

describe('identity analysis through the API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { analyzers: [analyzer] });
  });
  afterAll(async () => {
    // The analyzer is shared with the tests above and closed there.
    t.deps.analyzers = new Map();
    await t.close();
  });

  it('decides an uploaded passport automatically, with documentMatches and reviewer evidence', async () => {
    // The passport of the first test (seed 5); accuracy over many documents is the benchmark's job.
    const [spec] = sampleSpecs(1, 5, {
      conditions: ['scan'],
      kinds: ['td3'],
      cases: ['valid'],
      referenceDate: REFERENCE_DATE,
    });
    const { image, truth } = await generateDocument(spec!, 5);
    const created = await t.app.inject({
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
      customerId: created.json().id,
      documents: [{ type: 'identity-proof' }],
    });
    const token = gathererToken(request);
    const upload = await t.app.inject({
      method: 'POST',
      url: '/files',
      headers: bearer(token),
      payload: { file: image.toString('base64'), name: 'passport.png', tags: ['kyc', 'id-front'] },
    });
    expect(upload.statusCode).toBe(201);
    const document = await t.app.inject({
      method: 'POST',
      url: '/storefront/kyc-documents',
      headers: bearer(token),
      payload: { documentType: 'identity-proof', fileIds: [upload.json().id] },
    });
    expect(document.json().status).toBe('pending');
    expect((await t.drainJobs()).done).toBeGreaterThanOrEqual(1);

    const decided = await t.app.inject({
      method: 'GET',
      url: `/kyc-documents/${document.json().id}`,
      headers: secret(t.org),
    });
    expect(decided.json()).toMatchObject({
      status: 'accepted',
      documentMatches: { version: '2.0', score: 100 },
    });
    expect(decided.json().documentMatches.data.documentNumber).toBe(truth.fields!.documentNumber);
    expect(decided.json().processedTime).not.toBeNull();
    const requestNow = await t.app.inject({
      method: 'GET',
      url: `/kyc-requests/${request.id}`,
      headers: secret(t.org),
    });
    expect(requestNow.json().status).toBe('fulfilled');

    const evidence = await t.app.inject({
      method: 'GET',
      url: `/kyc-documents/${document.json().id}/evidence`,
      headers: secret(t.org),
    });
    expect(evidence.statusCode).toBe(200);
    expect(evidence.json().evidence.files[0].mrz.lines).toEqual(truth.mrz!.lines);
    const portrait = evidence.json().artifacts.find((a: { name: string }) => a.name === 'portrait.jpg');
    const bytes = await t.app.inject({
      method: 'GET',
      url: new URL(portrait.href).pathname,
      headers: secret(t.org),
    });
    expect(bytes.headers['content-type']).toBe('image/jpeg');
    expect(bytes.rawPayload.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    // The storefront never sees the evidence.
    const refused = await t.app.inject({
      method: 'GET',
      url: `/kyc-documents/${document.json().id}/evidence`,
      headers: bearer(token),
    });
    expect(refused.statusCode).toBe(403);
  });
});
