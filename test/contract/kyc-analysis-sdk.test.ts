/**
 * Contract: identity documents decided automatically, end to end — the official rebilly-js-sdk uploads
 * generated passports as the gatherer would, the real identity analyzer (Tesseract MRZ, Human faces) runs
 * in the job queue, and the merchant reads the decision and the full `documentMatches` (spec §5.5, §5.6).
 * Also the duplicate rule of src/modules/kyc-documents/document-duplicates.ts: another customer's passport
 * number is rejected as `document-duplicate`; the same customer's own retry is not a duplicate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDocument, sampleSpecs, type FixtureCase } from '../fixtures/identity/index.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { sdkClients, statusOf, type SdkClients } from '../helpers/sdk.ts';
import { testIdentityAnalyzer } from '../helpers/identity-analyzer.ts';

let t: TestApp;
let base: string;
beforeAll(async () => {
  const analyzer = testIdentityAnalyzer({ fallback: null });
  t = await createTestApp({}, { analyzers: [analyzer] });
  base = await t.listen();
  ({ merchant, gatherer, browser } = sdkClients(base, t.org, 10_000));
}, 60_000);
afterAll(async () => t.close());

let merchant: SdkClients['merchant'];
let gatherer: SdkClients['gatherer'];
let browser: SdkClients['browser'];
type Fields = Record<string, any>;

/** A generated passport (flat scan) of `fixtureCase`, and the customer record its holder should have. */
async function passport(fixtureCase: FixtureCase, seed: number) {
  const [spec] = sampleSpecs(1, seed, { conditions: ['scan'], kinds: ['td3'], cases: [fixtureCase] });
  return generateDocument(spec!, seed);
}

async function createCustomer(record: { firstName: string; lastName: string; dateOfBirth: string }) {
  const created = await merchant().customers.create({
    data: {
      websiteId: t.org.websiteId,
      primaryAddress: { firstName: record.firstName, lastName: record.lastName, dob: record.dateOfBirth },
    },
  });
  expect(statusOf(created)).toBe(201);
  return created.fields.id as string;
}

/** The merchant asks for an identity proof; the gatherer uploads `image` and submits it; the job runs. */
async function submitIdentity(customerId: string, image: Buffer, mime: string): Promise<Fields> {
  const created = await merchant().kycRequests.create({
    data: { customerId, documents: [{ type: 'identity-proof', maxAttempts: 3 }] },
  });
  expect(statusOf(created)).toBe(201);
  const link = (created.fields._links as { rel: string; href: string }[]).find((l) => l.rel === 'gatherer');
  const token = new URL(link!.href).searchParams.get('token')!;
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(image)], { type: mime }), 'passport');
  form.append('tags', 'kyc');
  form.append('tags', 'id-front');
  const file = await browser(token).files.upload({ fileObject: form });
  expect(statusOf(file)).toBe(201);
  const document = await gatherer(token).kycDocuments.create({
    data: { documentType: 'identity-proof', fileIds: [file.fields.id] },
  });
  expect(statusOf(document)).toBe(201);
  await t.drainJobs();
  const decided = await merchant().kycDocuments.get({ id: document.fields.id });
  return { ...(decided.fields as Fields), requestId: created.fields.id, token };
}

async function evidenceOf(documentId: string): Promise<Fields> {
  const res = await fetch(`${base}/kyc-documents/${documentId}/evidence`, {
    headers: { 'REB-APIKEY': t.org.secretKey },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Fields;
}

describe('identity documents decided automatically through the API', () => {
  let valid: Awaited<ReturnType<typeof passport>>;
  let holderId: string;
  let accepted: Fields;

  beforeAll(async () => {
    valid = await passport('valid', 31);
    holderId = await createCustomer(valid.truth.customer);
    accepted = await submitIdentity(holderId, valid.image, valid.mime);
  }, 60_000);

  it('accepts a valid passport with full documentMatches, and fulfils the request', async () => {
    const fields = valid.truth.fields!;
    expect(accepted.status).toBe('accepted');
    expect(accepted.rejectionReason ?? null).toBeNull();
    expect(accepted.documentMatches.score).toBe(100);
    expect(accepted.documentMatches.data).toMatchObject({
      isIdentityDocument: true,
      containsImage: true,
      documentNumber: fields.documentNumber,
      dateOfBirth: `${fields.dateOfBirth}T00:00:00Z`,
      expirationDate: `${fields.expirationDate}T00:00:00Z`,
      mrzChecksumValid: true,
      hasMinimalAge: true,
      isTampered: false,
      documentSubtype: 'passport',
    });
    const checks = accepted.documentMatches.checkList as { name: string; failed: boolean }[];
    expect(checks.filter((c) => c.failed)).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual(
      expect.arrayContaining(['firstName', 'lastName', 'dateOfBirth', 'expirationDate', 'isTampered']),
    );
    const request = await merchant().kycRequests.get({ id: accepted.requestId });
    expect(request.fields.status).toBe('fulfilled');
    // The customer sees the storefront shape of the same decision.
    const mine = await gatherer(accepted.token).kycDocuments.get({ id: accepted.id });
    expect(mine.fields).toMatchObject({ status: 'accepted', documentType: 'identity-proof' });
  }, 60_000);

  it('rejects an expired passport as document-expired', async () => {
    const expired = await passport('expired', 32);
    const customerId = await createCustomer(expired.truth.customer);
    const decided = await submitIdentity(customerId, expired.image, expired.mime);
    expect(decided.status).toBe('rejected');
    expect(decided.rejectionReason.type).toBe('document-expired');
    const failed = (decided.documentMatches.checkList as { name: string; failed: boolean }[])
      .filter((c) => c.failed)
      .map((c) => c.name);
    expect(failed).toContain('expirationDate');
    expect(new Date(decided.documentMatches.data.expirationDate).getTime()).toBeLessThan(Date.now());
  }, 60_000);

  it('rejects another customer presenting the same passport as document-duplicate', async () => {
    // Same name and birth date as the holder: only the duplicate rule can reject it.
    const impostorId = await createCustomer(valid.truth.customer);
    const decided = await submitIdentity(impostorId, valid.image, valid.mime);
    expect(decided.documentMatches.score).toBe(100);
    expect(decided.status).toBe('rejected');
    expect(decided.rejectionReason.type).toBe('document-duplicate');
    const evidence = await evidenceOf(decided.id);
    expect(evidence.evidence.duplicates).toMatchObject({
      reason: 'same-document-number',
      customerIds: [holderId],
      documentIds: [accepted.id],
    });
    // The customer is told what to do, not whose document it is.
    const mine = await gatherer(decided.token).kycDocuments.get({ id: decided.id });
    expect(JSON.stringify(mine.fields)).not.toContain(holderId);
  }, 60_000);

  it('does not count the same customer uploading their passport again as a duplicate', async () => {
    const again = await submitIdentity(holderId, valid.image, valid.mime);
    expect(again.status).toBe('accepted');
  }, 60_000);
});
