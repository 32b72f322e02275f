/** Review-console helpers: reviewers, sign-in, and documents waiting in the manual-review band. */
import { expect } from 'vitest';
import type { Finding } from '../../src/analysis/analyzer.ts';
import { secret, type TestApp, type TestOrg } from './app.ts';
import { createRequest, gathererToken, submitDocument, uploadWithToken } from './kyc.ts';
import { caseTag, scriptedAnalyzer } from './test-analyzer.ts';

export const REVIEWER_PASSWORD = 'a long test passphrase';

const fail = (name: Finding['name'], reason: string): Finding => ({ name, failed: true, reason });
const pass = (name: Finding['name']): Finding => ({ name, failed: false });

/**
 * Identity analyzer for review tests. With the default settings (weights firstName 25, thresholds 50/80):
 * `doubtful` scores 75, between the thresholds, so the document waits for a person.
 */
export const reviewAnalyzer = scriptedAnalyzer(
  'identity-proof',
  {
    clean: [pass('firstName'), pass('lastName'), pass('isTampered')],
    doubtful: [fail('firstName', 'mismatch'), pass('lastName'), pass('dateOfBirth'), pass('isTampered')],
  },
  (findings) => ({
    firstName: findings.find((f) => f.name === 'firstName')?.failed ? 'Adda' : 'Ada',
    lastName: 'Lovelace',
    dateOfBirth: '1990-12-10T00:00:00Z',
    documentNumber: 'L898902C3',
    isTampered: false,
    mrzChecksumValid: true,
    hasCompletedFaceLiveness: false,
  }),
);

export async function createReviewer(
  t: TestApp,
  org: TestOrg,
  fields: { email: string; name: string; role?: 'reviewer' | 'admin' },
): Promise<any> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/reviewers',
    headers: secret(org),
    payload: { password: REVIEWER_PASSWORD, ...fields },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** Signs in; returns the session token. */
export async function signIn(t: TestApp, org: TestOrg, email: string, password = REVIEWER_PASSWORD) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/reviewer-sessions',
    payload: { organizationId: org.id, email, password },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().token as string;
}

/**
 * A customer named Ada (family name `lastName`), a request for an identity proof, and a document the
 * scripted analyzer puts in the manual band (after `t.drainJobs()`).
 */
export async function submitForReview(
  t: TestApp,
  org: TestOrg,
  script = 'doubtful',
  lastName = 'Lovelace',
): Promise<{ customerId: string; requestId: string; documentId: string }> {
  const customer = await t.app.inject({
    method: 'POST',
    url: '/customers',
    headers: secret(org),
    payload: {
      websiteId: org.websiteId,
      primaryAddress: { firstName: 'Ada', lastName, dob: '1990-12-10' },
    },
  });
  expect(customer.statusCode, customer.body).toBe(201);
  const customerId = customer.json().id as string;
  const request = await createRequest(t, org, { customerId, documents: [{ type: 'identity-proof' }] });
  const token = gathererToken(request);
  const fileId = await uploadWithToken(t, token, ['kyc', 'id-front', caseTag(script)]);
  const res = await submitDocument(t, token, 'identity-proof', [fileId]);
  expect(res.statusCode, res.body).toBe(201);
  return { customerId, requestId: request.id as string, documentId: res.json().id as string };
}
