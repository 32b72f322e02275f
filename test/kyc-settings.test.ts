/**
 * `GET/PUT /kyc-settings`: the documented defaults, merging, validation, isolation per organization, and
 * the settings actually steering the next analysis (with a scripted analyzer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_KYC_SETTINGS } from '../src/modules/kyc-settings/default-kyc-settings.ts';
import { createTestApp, secret, type TestApp, type TestOrg } from './helpers/app.ts';
import { createRequest, gathererToken, submitDocument, uploadWithToken } from './helpers/kyc.ts';
import { expectProblem } from './helpers/problem.ts';
import { caseTag, scriptedAnalyzer } from './helpers/test-analyzer.ts';
import { createCustomer } from './helpers/tokens.ts';

const identity = scriptedAnalyzer('identity-proof', {
  // Fails only the first name: 100 − 25 = 75 with the default weights (manual band).
  name: [
    { name: 'firstName', failed: true },
    { name: 'lastName', failed: false },
  ],
});

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, { analyzers: [identity] });
});
afterAll(async () => t.close());

const getSettings = async (org: TestOrg = t.org) => {
  const res = await t.app.inject({ method: 'GET', url: '/kyc-settings', headers: secret(org) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const putSettings = (payload: Record<string, unknown>, org: TestOrg = t.org) =>
  t.app.inject({ method: 'PUT', url: '/kyc-settings', headers: secret(org), payload });

async function analyzeNameMismatch(): Promise<any> {
  const customerId = await createCustomer(t, t.org);
  const request = await createRequest(t, t.org, { customerId, documents: [{ type: 'identity-proof' }] });
  const token = gathererToken(request);
  const fileId = await uploadWithToken(t, token, ['kyc', 'id-front', caseTag('name')]);
  const created = await submitDocument(t, token, 'identity-proof', [fileId]);
  expect(created.statusCode, created.body).toBe(201);
  const drained = await t.drainJobs();
  const jobs = await t.deps.db.kysely.selectFrom('jobs').select(['status', 'lastError']).execute();
  expect(drained, JSON.stringify(jobs)).toMatchObject({ retry: 0, parked: 0 });
  const res = await t.app.inject({
    method: 'GET',
    url: `/kyc-documents/${created.json().id}`,
    headers: secret(t.org),
  });
  return res.json();
}

describe('KYC settings', () => {
  it('returns the documented defaults to an organization that never saved any', async () => {
    const fresh = await t.createOrg('Fresh');
    const settings = await getSettings(fresh);
    expect(settings).toEqual(DEFAULT_KYC_SETTINGS);
    // The documented rule: a manual band between rejection and acceptance.
    expect(settings.identityProof.thresholds).toEqual({ rejectBelow: 50, acceptAbove: 80 });
    expect(settings.addressProof.thresholds).toEqual({ rejectBelow: 50, acceptAbove: 80 });
    expect(settings.identityProof.minimumAgeSettings).toEqual({
      defaultMinimumAge: 18,
      locationOverrides: [{ country: 'US', minimumAge: 21 }],
    });
    expect(settings.uiVersion).toBe('1');
  });

  it('merges the parts sent over the current settings, per organization', async () => {
    const org = await t.createOrg('Merging');
    const other = await t.createOrg('Untouched');
    const first = await putSettings({ identityProof: { weights: { firstName: 40 } } }, org);
    expect(first.statusCode, first.body).toBe(200);
    const second = await putSettings(
      {
        addressProof: { thresholds: { rejectBelow: 30, acceptAbove: 90 } },
        identityProof: { minimumAgeSettings: { defaultMinimumAge: 19 } },
        uiVersion: '2',
      },
      org,
    );
    expect(second.statusCode, second.body).toBe(200);
    const expected = structuredClone(DEFAULT_KYC_SETTINGS) as any;
    expected.identityProof.weights.firstName = 40;
    expected.identityProof.minimumAgeSettings.defaultMinimumAge = 19;
    expected.addressProof.thresholds = { rejectBelow: 30, acceptAbove: 90 };
    expected.uiVersion = '2';
    expect(second.json()).toEqual(expected);
    expect(await getSettings(org)).toEqual(expected);
    expect(await getSettings(other)).toEqual(DEFAULT_KYC_SETTINGS);

    // Overrides replace the list; a country-wide rule and a state rule.
    const overrides = [
      { country: 'US', minimumAge: 21 },
      { country: 'US', state: 'AL', minimumAge: 19 },
    ];
    const third = await putSettings(
      { identityProof: { minimumAgeSettings: { locationOverrides: overrides } } },
      org,
    );
    expect(third.statusCode, third.body).toBe(200);
    expect(third.json().identityProof.minimumAgeSettings).toEqual({
      defaultMinimumAge: 19,
      locationOverrides: overrides,
    });
  });

  it('validates weights, thresholds and minimum ages with 422, and saves nothing then', async () => {
    const org = await t.createOrg('Validation');
    const invalid: [Record<string, unknown>, string][] = [
      [{ identityProof: { weights: { firstName: 101 } } }, 'identityProof.weights.firstName'],
      [{ identityProof: { weights: { firstName: -1 } } }, 'identityProof.weights.firstName'],
      [{ addressProof: { weights: { line1: 2.5 } } }, 'addressProof.weights.line1'],
      [{ addressProof: { weights: { shoeSize: 5 } } }, 'addressProof.weights.shoeSize'],
      [{ identityProof: { thresholds: { rejectBelow: 10 } } }, 'identityProof.thresholds.acceptAbove'],
      [
        { identityProof: { thresholds: { rejectBelow: 10, acceptAbove: 120 } } },
        'identityProof.thresholds.acceptAbove',
      ],
      [
        { identityProof: { thresholds: { rejectBelow: 90, acceptAbove: 80 } } },
        'identityProof.thresholds.rejectBelow',
      ],
      [
        { addressProof: { thresholds: { rejectBelow: 81, acceptAbove: 80 } } },
        'addressProof.thresholds.rejectBelow',
      ],
      [
        { identityProof: { minimumAgeSettings: { locationOverrides: [{ country: 'us', minimumAge: 21 }] } } },
        'identityProof.minimumAgeSettings.locationOverrides.0.country',
      ],
      [
        {
          identityProof: { minimumAgeSettings: { locationOverrides: [{ country: 'USA', minimumAge: 21 }] } },
        },
        'identityProof.minimumAgeSettings.locationOverrides.0.country',
      ],
      [
        { identityProof: { minimumAgeSettings: { locationOverrides: [{ country: 'US', minimumAge: 0 }] } } },
        'identityProof.minimumAgeSettings.locationOverrides.0.minimumAge',
      ],
      [
        { identityProof: { minimumAgeSettings: { locationOverrides: [{ country: 'US' }] } } },
        'identityProof.minimumAgeSettings.locationOverrides.0.minimumAge',
      ],
      [
        { identityProof: { minimumAgeSettings: { defaultMinimumAge: 101 } } },
        'identityProof.minimumAgeSettings.defaultMinimumAge',
      ],
      [{ uiVersion: '3' }, 'uiVersion'],
    ];
    for (const [payload, field] of invalid) {
      const problem = expectProblem(await putSettings(payload, org), 422);
      if (field) {
        expect(problem.invalidFields, JSON.stringify(payload)).toEqual(
          expect.arrayContaining([expect.objectContaining({ field })]),
        );
      }
    }
    // Equal thresholds leave no manual band but are allowed.
    expect(
      (await putSettings({ identityProof: { thresholds: { rejectBelow: 70, acceptAbove: 70 } } }, org))
        .statusCode,
    ).toBe(200);
    const saved = await getSettings(org);
    expect(saved.identityProof.thresholds).toEqual({ rejectBelow: 70, acceptAbove: 70 });
    expect(saved.identityProof.weights).toEqual(DEFAULT_KYC_SETTINGS.identityProof.weights);
    expect(saved.identityProof.minimumAgeSettings).toEqual(
      DEFAULT_KYC_SETTINGS.identityProof.minimumAgeSettings,
    );
  });

  it('refuses customer tokens and publishable keys', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/kyc-settings',
      headers: { 'reb-apikey': t.org.publishableKey },
    });
    expect([401, 403]).toContain(res.statusCode);
  });

  it('steers the next analysis with the changed weights and thresholds, stored as the snapshot', async () => {
    // Defaults: the first name weighs 25 → score 75, in the manual band.
    const before = await analyzeNameMismatch();
    expect(before).toMatchObject({ status: 'pending', documentMatches: { score: 75 } });
    expect(before.settings).toEqual(DEFAULT_KYC_SETTINGS.identityProof);

    // A heavier first name rejects.
    expect((await putSettings({ identityProof: { weights: { firstName: 60 } } })).statusCode).toBe(200);
    const heavier = await analyzeNameMismatch();
    expect(heavier).toMatchObject({
      status: 'rejected',
      rejectionReason: { type: 'name-mismatch' },
      documentMatches: { score: 40 },
    });
    expect(heavier.documentMatches.checkList[0]).toEqual({
      name: 'firstName',
      failed: true,
      score: 60,
      reason: null,
    });
    expect(heavier.settings.weights.firstName).toBe(60);

    // A lower acceptance threshold accepts the same finding.
    expect(
      (
        await putSettings({
          identityProof: { weights: { firstName: 25 }, thresholds: { rejectBelow: 20, acceptAbove: 70 } },
        })
      ).statusCode,
    ).toBe(200);
    const lenient = await analyzeNameMismatch();
    expect(lenient).toMatchObject({ status: 'accepted', documentMatches: { score: 75 } });
    expect(lenient.settings).toEqual((await getSettings()).identityProof);
    expect(lenient.settings.thresholds).toEqual({ rejectBelow: 20, acceptAbove: 70 });

    // Earlier documents keep the snapshot they were scored with.
    const again = await t.app.inject({
      method: 'GET',
      url: `/kyc-documents/${before.id}`,
      headers: secret(t.org),
    });
    expect(again.json().settings).toEqual(DEFAULT_KYC_SETTINGS.identityProof);
  });
});
