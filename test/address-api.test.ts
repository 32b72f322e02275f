/**
 * Proofs of address, funds and purchase through the API, with the real analyzers: a customer's bill
 * uploaded through the gatherer's endpoints is decided automatically with full documentMatches; a bank
 * statement as proof of funds waits for a person unless the organization turns automatic decisions on; the
 * new settings (`maxDocumentAgeDays`, `fundsProof`, `purchaseProof`) are validated with problem JSON.
 *
 * The documents are text PDFs (read from the text layer, no OCR model is loaded).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressAnalyzer } from '../src/analysis/address/address-analyzer.ts';
import { FundsAnalyzer } from '../src/analysis/funds/funds-analyzer.ts';
import { createOcrEngine } from '../src/analysis/ocr/create-ocr-engine.ts';
import { PurchaseAnalyzer } from '../src/analysis/purchase/purchase-analyzer.ts';
import { DEFAULT_KYC_SETTINGS } from '../src/modules/kyc-settings/default-kyc-settings.ts';
import { generateAddressDocument, sampleAddressSpecs, type AddressSpec } from './fixtures/address/index.ts';
import { bearer, createTestApp, secret, type TestApp, type TestOrg } from './helpers/app.ts';
import { createRequest, gathererToken } from './helpers/kyc.ts';
import { expectProblem } from './helpers/problem.ts';

let t: TestApp;
beforeAll(async () => {
  const text = { ocr: createOcrEngine('paddle'), maxPixels: 50_000_000 };
  // The fixtures are dated against 2026-11-22; the analyzers' clock is real, so the test pins the date via
  // a maximum age wide enough for any run date (checked separately in address-analyzer.test.ts).
  t = await createTestApp(
    {},
    { analyzers: [new AddressAnalyzer(text), new FundsAnalyzer(text), new PurchaseAnalyzer(text)] },
  );
});
afterAll(async () => t.close());

const putSettings = (payload: Record<string, unknown>, org: TestOrg = t.org) =>
  t.app.inject({ method: 'PUT', url: '/kyc-settings', headers: secret(org), payload });

/** A customer from a fixture's record, a request for `type`, the PDF uploaded and submitted; the document. */
async function submit(
  org: TestOrg,
  spec: AddressSpec,
  type: string,
): Promise<{ id: string; requestId: string }> {
  const doc = await generateAddressDocument(spec);
  const c = spec.customer;
  const customer = await t.app.inject({
    method: 'POST',
    url: '/customers',
    headers: secret(org),
    payload: {
      primaryAddress: {
        firstName: c.firstName,
        lastName: c.lastName,
        address: c.line1,
        city: c.city,
        region: c.region,
        postalCode: c.postalCode,
        country: c.country,
      },
    },
  });
  expect(customer.statusCode, customer.body).toBe(201);
  const request = await createRequest(t, org, { customerId: customer.json().id, documents: [{ type }] });
  const token = gathererToken(request);
  const upload = await t.app.inject({
    method: 'POST',
    url: '/files',
    headers: bearer(token),
    payload: { file: doc.bytes.toString('base64'), name: 'statement.pdf', tags: ['kyc'] },
  });
  expect(upload.statusCode, upload.body).toBe(201);
  const created = await t.app.inject({
    method: 'POST',
    url: '/storefront/kyc-documents',
    headers: bearer(token),
    payload: { documentType: type, fileIds: [upload.json().id] },
  });
  expect(created.statusCode, created.body).toBe(201);
  return { id: created.json().id, requestId: request.id };
}

const getDocument = async (org: TestOrg, id: string) =>
  (await t.app.inject({ method: 'GET', url: `/kyc-documents/${id}`, headers: secret(org) })).json();

/** A wide maximum age, so that fixtures dated against 2026-11-22 stay recent on any run date. */
async function wideAge(org: TestOrg): Promise<void> {
  const res = await putSettings({ addressProof: { maxDocumentAgeDays: 3650 } }, org);
  expect(res.statusCode, res.body).toBe(200);
}

describe('proof of address through the API', () => {
  it('decides an uploaded utility bill automatically, with full documentMatches', async () => {
    const org = await t.createOrg('Bills');
    await wideAge(org);
    const spec = sampleAddressSpecs(60, 21, { formats: ['text-pdf'], cases: ['valid'] }).find(
      (s) => s.layout === 'utility' && s.country === 'US',
    )!;
    expect(spec).toBeDefined();
    const { id, requestId } = await submit(org, spec, 'address-proof');
    expect((await t.drainJobs()).done).toBeGreaterThanOrEqual(1);

    const document = await getDocument(org, id);
    expect(document).toMatchObject({ status: 'accepted', rejectionReason: null });
    expect(document.documentMatches.score).toBe(100);
    expect(document.documentMatches.checkList.map((c: { name: string }) => c.name)).toEqual([
      'firstName',
      'lastName',
      'line1',
      'city',
      'region',
      'postalCode',
      'date',
      'phone',
      'documentSubtype',
      'isTampered',
    ]);
    expect(document.documentMatches.checkList.filter((c: { failed: boolean }) => c.failed)).toEqual([]);
    const data = document.documentMatches.data;
    expect(data).toMatchObject({
      date: `${spec.printed.date}T00:00:00Z`,
      phone: spec.printed.phone,
      documentSubtype: 'utility-bill',
      isTampered: false,
      region: spec.printed.region,
    });
    expect(String(data.lastName).toLowerCase()).toBe(spec.printed.lastName.toLowerCase());
    expect(String(data.line1).toLowerCase()).toContain(spec.printed.line1.toLowerCase());
    expect(data.postalCode).toContain(spec.printed.postalCode);
    expect(data.wordCount).toBeGreaterThan(50);
    expect(data.uniqueWords).toBeLessThanOrEqual(data.wordCount);
    expect(document.settings.maxDocumentAgeDays).toBe(3650);

    const request = await t.app.inject({
      method: 'GET',
      url: `/kyc-requests/${requestId}`,
      headers: secret(org),
    });
    expect(request.json().status).toBe('fulfilled');
  });

  it('rejects a bill in someone else’s name with name-mismatch and says what to do', async () => {
    const org = await t.createOrg('Other name');
    await wideAge(org);
    const [spec] = sampleAddressSpecs(1, 22, { formats: ['text-pdf'], cases: ['wrong-name'] });
    const { id } = await submit(org, spec!, 'address-proof');
    await t.drainJobs();
    const document = await getDocument(org, id);
    expect(document.status).toBe('rejected');
    expect(document.rejectionReason.type).toBe('name-mismatch');
    expect(document.documentMatches.data).toMatchObject({ firstName: null, lastName: null });
  });
});

describe('proofs of funds and purchase through the API', () => {
  it('fills FundsMatches and leaves the document to a person by default', async () => {
    const org = await t.createOrg('Funds');
    const spec = sampleAddressSpecs(40, 23, { formats: ['text-pdf'], cases: ['valid'] }).find(
      (s) => s.layout === 'bank',
    )!;
    const { id } = await submit(org, spec, 'funds-proof');
    await t.drainJobs();
    const document = await getDocument(org, id);
    expect(document.status).toBe('pending');
    expect(document.documentMatches.score).toBe(100);
    expect(document.documentMatches.data).toMatchObject({ documentSubtype: 'bank-statement' });
    expect(String(document.documentMatches.data.firstName).toLowerCase()).toBe(
      spec.printed.firstName.toLowerCase(),
    );
    expect(document.settings.automaticDecision).toBe(false);
  });

  it('decides a card statement as proof of purchase when the organization turns automatic decisions on', async () => {
    const org = await t.createOrg('Purchases');
    const put = await putSettings({ purchaseProof: { automaticDecision: true } }, org);
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().purchaseProof.automaticDecision).toBe(true);
    expect(put.json().fundsProof.automaticDecision).toBe(false);
    const spec = sampleAddressSpecs(40, 24, { formats: ['text-pdf'], cases: ['valid'] }).find(
      (s) => s.layout === 'card',
    )!;
    const { id } = await submit(org, spec, 'purchase-proof');
    await t.drainJobs();
    const document = await getDocument(org, id);
    expect(document.status).toBe('accepted');
    expect(document.documentMatches.data).toMatchObject({
      documentSubtype: 'credit-card-statement',
      paymentInstrumentId: null,
      cardLast4: spec.printed.cardLast4,
    });
  });
});

describe('the new settings', () => {
  it('reads settings saved before the new parts existed with their defaults', async () => {
    const org = await t.createOrg('Old settings');
    const old = structuredClone(DEFAULT_KYC_SETTINGS) as Partial<typeof DEFAULT_KYC_SETTINGS>;
    delete old.fundsProof;
    delete old.purchaseProof;
    const { maxDocumentAgeDays: _dropped, ...address } = old.addressProof!;
    await t.deps.db.kysely
      .insertInto('kycSettings')
      .values({
        organizationId: org.id,
        settings: JSON.stringify({
          ...old,
          addressProof: { ...address, thresholds: { rejectBelow: 40, acceptAbove: 70 } },
        }),
        updatedTime: new Date().toISOString(),
      })
      .execute();
    const got = await t.app.inject({ method: 'GET', url: '/kyc-settings', headers: secret(org) });
    expect(got.statusCode, got.body).toBe(200);
    expect(got.json().addressProof).toMatchObject({
      maxDocumentAgeDays: 90,
      thresholds: { rejectBelow: 40, acceptAbove: 70 },
    });
    expect(got.json().fundsProof).toEqual(DEFAULT_KYC_SETTINGS.fundsProof);
  });

  it('has documented defaults and validates them with 400/422 problem JSON, saving nothing then', async () => {
    const org = await t.createOrg('Settings');
    const got = await t.app.inject({ method: 'GET', url: '/kyc-settings', headers: secret(org) });
    expect(got.json()).toMatchObject({
      addressProof: { maxDocumentAgeDays: 90 },
      fundsProof: { automaticDecision: false, thresholds: { rejectBelow: 50, acceptAbove: 80 } },
      purchaseProof: { automaticDecision: false },
    });
    const invalid: [Record<string, unknown>, string][] = [
      [{ addressProof: { maxDocumentAgeDays: 0 } }, 'addressProof.maxDocumentAgeDays'],
      [{ addressProof: { maxDocumentAgeDays: 12.5 } }, 'addressProof.maxDocumentAgeDays'],
      [{ fundsProof: { automaticDecision: 'yes' } }, 'fundsProof.automaticDecision'],
      [{ purchaseProof: { weights: { line1: 5 } } }, 'purchaseProof.weights.line1'],
      [
        { fundsProof: { thresholds: { rejectBelow: 90, acceptAbove: 80 } } },
        'fundsProof.thresholds.rejectBelow',
      ],
    ];
    for (const [payload, field] of invalid) {
      const res = await putSettings(payload, org);
      const problem = expectProblem(res, res.statusCode === 400 ? 400 : 422);
      expect(
        (problem.invalidFields as { field: string }[]).map((f) => f.field),
        JSON.stringify(payload),
      ).toContain(field);
    }
    const after = await t.app.inject({ method: 'GET', url: '/kyc-settings', headers: secret(org) });
    expect(after.json()).toEqual(got.json());
  });
});
