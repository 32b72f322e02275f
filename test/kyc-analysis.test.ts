/**
 * The analysis plumbing, with a scripted analyzer standing in for the pipeline: pending → in-progress →
 * decided; what is stored; retries and parking; a person deciding first; the events of each path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../src/analysis/analyzer.ts';
import { createQueue } from '../src/queue/queue.ts';
import { bearer, createTestApp, secret, type TestApp } from './helpers/app.ts';
import {
  act,
  createRequest,
  eventTypes,
  gathererToken,
  getRequest,
  submitDocument,
  uploadWithToken,
} from './helpers/kyc.ts';
import { caseTag, scriptedAnalyzer } from './helpers/test-analyzer.ts';
import { createCustomer } from './helpers/tokens.ts';

const pass = (name: Finding['name']): Finding => ({ name, failed: false });
const fail = (name: Finding['name'], reason?: string): Finding => ({
  name,
  failed: true,
  reason: reason ?? null,
});

const identity = scriptedAnalyzer(
  'identity-proof',
  {
    clean: [pass('firstName'), pass('lastName'), pass('isTampered')],
    // 100 − 25 (first name) − 60 (tampered) = 15: rejected, and tampering is the more specific reason.
    tampered: [fail('firstName'), pass('lastName'), fail('isTampered', 'edited')],
    // 100 − 25 = 75: between rejectBelow 50 and acceptAbove 80, a person decides.
    doubtful: [fail('firstName', 'mismatch'), pass('lastName'), pass('isTampered')],
    broken: { throw: 'the engine crashed' },
    flaky: { throwTimes: 1, then: [pass('firstName'), pass('lastName'), pass('isTampered')] },
  },
  (findings) => ({
    firstName: findings.find((f) => f.name === 'firstName')?.failed ? null : 'Ada',
    lastName: 'Lovelace',
    isTampered: findings.some((f) => f.name === 'isTampered' && f.failed),
    isPublishedOnline: false,
  }),
);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, { analyzers: [identity] });
});
afterAll(async () => t.close());

/** A customer, a request for an identity proof, and a document whose files pick `script`. */
async function submit(script: string, maxAttempts = 3) {
  const customerId = await createCustomer(t, t.org, 'Ada');
  const request = await createRequest(t, t.org, {
    customerId,
    documents: [{ type: 'identity-proof', maxAttempts }],
  });
  const token = gathererToken(request);
  const fileId = await uploadWithToken(t, token, ['kyc', 'id-front', caseTag(script)]);
  const res = await submitDocument(t, token, 'identity-proof', [fileId]);
  expect(res.statusCode, res.body).toBe(201);
  return { customerId, request, token, fileId, document: res.json() };
}

async function getDocument(id: string): Promise<any> {
  const res = await t.app.inject({ method: 'GET', url: `/kyc-documents/${id}`, headers: secret(t.org) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function settingsNow(): Promise<any> {
  const res = await t.app.inject({ method: 'GET', url: '/kyc-settings', headers: secret(t.org) });
  expect(res.statusCode).toBe(200);
  return res.json();
}

describe('analysis', () => {
  it('accepts a clean document: pending → in-progress → accepted, with matches, data and snapshot', async () => {
    const { request, document, fileId } = await submit('clean');
    expect(document.status).toBe('pending');
    expect((await getRequest(t, t.org, request.id)).status).toBe('attempted');

    const calls = identity.calls.length;
    expect((await t.drainJobs()).done).toBeGreaterThanOrEqual(1);
    expect(identity.calls.length).toBe(calls + 1);
    const input = identity.calls.at(-1)!;
    expect(input).toMatchObject({
      documentType: 'identity-proof',
      matchLevel: 2,
      customer: { firstName: 'Ada' },
      requirements: { faceProofRequired: false, faceLivenessRequired: false },
    });
    expect(input.files.map((f) => [f.id, f.mime])).toEqual([[fileId, 'image/png']]);
    expect(input.files[0]!.bytes.subarray(1, 4).toString()).toBe('PNG');

    const doc = await getDocument(document.id);
    const settings = await settingsNow();
    expect(doc).toMatchObject({ status: 'accepted', rejectionReason: null, revision: 3 });
    expect(Date.parse(doc.processedTime)).toBeGreaterThanOrEqual(Date.parse(doc.createdTime));
    expect(doc.documentMatches).toEqual({
      version: '2.0',
      score: 100,
      checkList: [
        { name: 'firstName', failed: false, score: 25, reason: null },
        { name: 'lastName', failed: false, score: 25, reason: null },
        { name: 'isTampered', failed: false, score: 60, reason: null },
      ],
      data: { firstName: 'Ada', lastName: 'Lovelace', isTampered: false, isPublishedOnline: false },
    });
    expect(doc.parsedData).toEqual({ raw: 'clean', fileCount: 1 });
    expect(doc.settings).toEqual(settings.identityProof);
    expect(doc).not.toHaveProperty('evidence');

    expect((await getRequest(t, t.org, request.id)).status).toBe('fulfilled');
    expect(await eventTypes(t, t.org, document.id)).toEqual([
      'kyc-document-created',
      'kyc-document-modified',
      'kyc-document-accepted',
    ]);
    expect(await eventTypes(t, t.org, request.id)).toEqual([
      'kyc-request-attempted',
      'kyc-request-fulfilled',
    ]);
    // The in-progress step is visible in the outbox.
    const events = await t.app.inject({
      method: 'GET',
      url: `/events?filter=resourceId:${document.id}`,
      headers: secret(t.org),
    });
    expect(events.json().map((e: any) => [e.revision, e.resource.status])).toEqual([
      [1, 'pending'],
      [2, 'in-progress'],
      [3, 'accepted'],
    ]);
  });

  it('rejects with the most specific reason: tampering beats a name mismatch', async () => {
    const { request, document } = await submit('tampered');
    await t.drainJobs();
    const doc = await getDocument(document.id);
    expect(doc.status).toBe('rejected');
    expect(doc.rejectionReason).toEqual({ type: 'tampered-document', message: expect.any(String) });
    expect(doc.documentMatches.score).toBe(15);
    expect(doc.documentMatches.checkList.filter((c: any) => c.failed)).toEqual([
      { name: 'firstName', failed: true, score: 25, reason: null },
      { name: 'isTampered', failed: true, score: 60, reason: 'edited' },
    ]);
    expect(doc.processedTime).toEqual(expect.any(String));
    expect((await getRequest(t, t.org, request.id)).status).toBe('attempted');
    expect(await eventTypes(t, t.org, document.id)).toEqual([
      'kyc-document-created',
      'kyc-document-modified',
      'kyc-document-rejected',
    ]);
    expect(await eventTypes(t, t.org, request.id)).toEqual(['kyc-request-attempted']);
  });

  it('leaves a document in the manual band pending, the request pending-review', async () => {
    const { request, document, token } = await submit('doubtful');
    await t.drainJobs();
    const doc = await getDocument(document.id);
    expect(doc).toMatchObject({ status: 'pending', rejectionReason: null });
    expect(doc.documentMatches.score).toBe(75);
    expect(doc.processedTime).toEqual(expect.any(String));
    expect((await getRequest(t, t.org, request.id)).status).toBe('pending-review');
    expect(await eventTypes(t, t.org, document.id)).toEqual([
      'kyc-document-created',
      'kyc-document-modified',
      'kyc-document-modified',
    ]);
    expect(await eventTypes(t, t.org, request.id)).toEqual(['kyc-request-attempted']);

    // The storefront sees the reduced matches: no score, no checks, an empty string for no match.
    const sf = await t.app.inject({
      method: 'GET',
      url: `/storefront/kyc-documents/${document.id}`,
      headers: bearer(token),
    });
    expect(sf.statusCode).toBe(200);
    expect(sf.json().documentMatches).toEqual({
      version: '2.0',
      data: { firstName: '', lastName: 'Lovelace' },
    });
    expect(sf.json()).not.toHaveProperty('parsedData');
    expect(sf.json()).not.toHaveProperty('settings');

    // A person then decides; the job does not run again.
    const calls = identity.calls.length;
    await act(t, t.org, document.id, 'acceptance');
    await t.drainJobs();
    expect(identity.calls.length).toBe(calls);
    expect((await getRequest(t, t.org, request.id)).status).toBe('fulfilled');
  });

  it('leaves alone a document a person accepted while its analysis was still queued', async () => {
    const { request, document } = await submit('tampered');
    const accepted = await act(t, t.org, document.id, 'acceptance');
    expect(accepted.status).toBe('accepted');
    const calls = identity.calls.length;
    const drained = await t.drainJobs();
    expect(drained).toMatchObject({ parked: 0, retry: 0 });
    expect(identity.calls.length).toBe(calls);
    const doc = await getDocument(document.id);
    expect(doc).toMatchObject({ status: 'accepted', documentMatches: null, revision: 2 });
    expect(await eventTypes(t, t.org, document.id)).toEqual([
      'kyc-document-created',
      'kyc-document-accepted',
    ]);
    expect((await getRequest(t, t.org, request.id)).status).toBe('fulfilled');
  });

  it('retries an analyzer that throws, then decides', async () => {
    const { document } = await submit('flaky');
    // A queue on a clock moved by hand, started after the job was enqueued (on the real clock).
    let clock = Date.now();
    const queue = createQueue(t.deps.db, { jobs: Object.values(t.deps.jobs), now: () => clock });
    expect(await queue.drain()).toMatchObject({ retry: 1, done: 0 });
    // Between attempts the document shows that it is being worked on.
    expect((await getDocument(document.id)).status).toBe('in-progress');
    // Nothing is due before the backoff has passed.
    expect(await queue.drain()).toMatchObject({ retry: 0, done: 0 });
    clock += 60 * 60_000;
    expect(await queue.drain()).toMatchObject({ done: 1 });
    expect((await getDocument(document.id)).status).toBe('accepted');
    expect(await eventTypes(t, t.org, document.id)).toEqual([
      'kyc-document-created',
      'kyc-document-modified',
      'kyc-document-accepted',
    ]);
  });

  it('parks the job after its attempts and leaves the document pending for review, never in-progress', async () => {
    const { request, document } = await submit('broken', 1);
    let clock = Date.now();
    const queue = createQueue(t.deps.db, { jobs: Object.values(t.deps.jobs), now: () => clock });
    const calls = identity.calls.length;
    const outcomes = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      outcomes.push(await queue.drain());
      clock += 60 * 60_000;
    }
    expect(outcomes.map((o) => (o.retry ? 'retry' : o.parked ? 'parked' : 'none'))).toEqual([
      'retry',
      'retry',
      'parked',
      'none',
      'none',
    ]);
    expect(identity.calls.length).toBe(calls + 3);
    const jobs = await t.deps.db.kysely
      .selectFrom('jobs')
      .selectAll()
      .where('jobKey', '=', `analyze:${t.org.id}:${document.id}`)
      .execute();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ status: 'parked', attempts: 3 });
    expect(jobs[0]!.lastError).toContain('the engine crashed');

    const doc = await getDocument(document.id);
    expect(doc).toMatchObject({ status: 'pending', documentMatches: null, rejectionReason: null });
    expect((await getRequest(t, t.org, request.id)).status).toBe('pending-review');
    expect(await eventTypes(t, t.org, document.id)).toEqual([
      'kyc-document-created',
      'kyc-document-modified',
      'kyc-document-modified',
    ]);
    // A person can still decide it.
    const rejected = await act(t, t.org, document.id, 'rejection', { type: 'document-unreadable' });
    expect(rejected.status).toBe('rejected');
    expect((await getRequest(t, t.org, request.id)).status).toBe('failed');
  });

  it('sends documents of types without an analyzer straight to review', async () => {
    const customerId = await createCustomer(t, t.org);
    const request = await createRequest(t, t.org, { customerId, documents: [{ type: 'address-proof' }] });
    const token = gathererToken(request);
    const fileId = await uploadWithToken(t, token, ['kyc', caseTag('clean')]);
    const res = await submitDocument(t, token, 'address-proof', [fileId]);
    expect(res.statusCode).toBe(201);
    const calls = identity.calls.length;
    await t.drainJobs();
    expect(identity.calls.length).toBe(calls);
    expect((await getDocument(res.json().id)).status).toBe('pending');
    expect((await getRequest(t, t.org, request.id)).status).toBe('pending-review');
  });
});
