/**
 * Reviewers of the review console: management with a secret key, sign-in with lockout, sessions that a
 * logout or a deactivation ends, the role ACL on the shared routes, organization isolation, and review
 * actions recorded with the reviewer's id and name (the API-key path keeps working beside them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, secret, type TestApp, type TestOrg } from './helpers/app.ts';
import { createRequest, eventTypes, gathererToken, getRequest, provide } from './helpers/kyc.ts';
import { expectProblem } from './helpers/problem.ts';
import {
  createReviewer,
  REVIEWER_PASSWORD,
  reviewAnalyzer,
  signIn,
  submitForReview,
} from './helpers/reviewers.ts';
import { customerToken, png } from './helpers/files.ts';
import { createCustomer } from './helpers/tokens.ts';

let t: TestApp;
let other: TestOrg;
let grace: any;
let graceToken: string;
let alan: any;
let alanToken: string;
let adminToken: string;

beforeAll(async () => {
  t = await createTestApp({}, { analyzers: [reviewAnalyzer] });
  other = await t.createOrg('Other organization');
  grace = await createReviewer(t, t.org, { email: 'Grace@Example.com', name: 'Grace Hopper' });
  alan = await createReviewer(t, t.org, { email: 'alan@example.com', name: 'Alan Turing' });
  await createReviewer(t, t.org, { email: 'root@example.com', name: 'Root Admin', role: 'admin' });
  graceToken = await signIn(t, t.org, 'grace@example.com');
  alanToken = await signIn(t, t.org, 'alan@example.com');
  adminToken = await signIn(t, t.org, 'root@example.com');
});
afterAll(async () => t.close());

const as = (token: string) => bearer(token);

async function document(id: string, headers = secret(t.org)): Promise<any> {
  const res = await t.app.inject({ method: 'GET', url: `/kyc-documents/${id}`, headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe('managing reviewers', () => {
  it('creates a reviewer without ever returning or storing the password', async () => {
    expect(grace).toMatchObject({ email: 'Grace@Example.com', name: 'Grace Hopper', role: 'reviewer' });
    expect(grace.status).toBe('active');
    expect(grace.id).toMatch(/^usr_/);
    expect(JSON.stringify(grace)).not.toContain(REVIEWER_PASSWORD);
    expect(Object.keys(grace)).not.toContain('passwordHash');
    const row = await t.deps.db.kysely
      .selectFrom('reviewers')
      .select('passwordHash')
      .where('id', '=', grace.id)
      .executeTakeFirstOrThrow();
    expect(row.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row.passwordHash).not.toContain(REVIEWER_PASSWORD);
  });

  it('refuses a second reviewer with the same email, whatever its case (409)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/reviewers',
      headers: secret(t.org),
      payload: { email: 'GRACE@example.com', name: 'Copy', password: REVIEWER_PASSWORD },
    });
    expect(expectProblem(res, 409).invalidFields).toEqual([
      { field: 'email', message: 'is already used by another reviewer' },
    ]);
  });

  it('lists every invalid field of a bad reviewer (422), and writes nothing', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/reviewers',
      headers: secret(t.org),
      payload: { email: 'not-an-email', name: '', password: 'short', role: 'owner' },
    });
    const fields = (expectProblem(res, 422).invalidFields as { field: string }[]).map((f) => f.field);
    expect(fields.sort()).toEqual(['email', 'name', 'password', 'role']);
    const list = await t.app.inject({ method: 'GET', url: '/reviewers', headers: secret(t.org) });
    expect(list.json().map((r: any) => r.email)).toEqual([
      'alan@example.com',
      'Grace@Example.com',
      'root@example.com',
    ]);
  });

  it('lets another organization see none of them', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/reviewers', headers: secret(other) });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual([]);
    const one = await t.app.inject({ method: 'GET', url: `/reviewers/${grace.id}`, headers: secret(other) });
    expectProblem(one, 404);
  });
});

describe('signing in', () => {
  it('answers a wrong password and an unknown email with the same 401', async () => {
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/reviewer-sessions',
      payload: { organizationId: t.org.id, email: 'alan@example.com', password: 'not the password' },
    });
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/reviewer-sessions',
      payload: { organizationId: t.org.id, email: 'nobody@example.com', password: 'not the password' },
    });
    expect(expectProblem(wrong, 401).detail).toBe('Invalid email or password');
    expect(expectProblem(unknown, 401).detail).toBe('Invalid email or password');
  });

  it('does not let an organization’s reviewer sign in to another organization', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/organizations/${other.id}/reviewer-sessions`,
      payload: { email: 'grace@example.com', password: REVIEWER_PASSWORD },
    });
    expectProblem(res, 401);
  });

  it('returns a session that names the reviewer and their permissions, and stores only its digest', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/reviewer-sessions/current',
      headers: as(graceToken),
    });
    expect(res.statusCode, res.body).toBe(200);
    const session = res.json();
    expect(session.reviewer).toEqual({
      id: grace.id,
      name: 'Grace Hopper',
      email: 'Grace@Example.com',
      role: 'reviewer',
    });
    expect(session.permissions).toContain('PostKycDocumentRejection');
    expect(session.permissions).not.toContain('PostReviewer');
    expect(session.token).toBeUndefined();
    const rows = await t.deps.db.kysely.selectFrom('reviewerSessions').select('tokenHash').execute();
    expect(rows.some((r) => r.tokenHash === graceToken)).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.tokenHash))).toBe(true);
  });

  it('locks the account after 5 failures: even the right password gets 429 until a new password is set', async () => {
    const victim = await createReviewer(t, t.org, { email: 'locked@example.com', name: 'Locked Out' });
    for (let i = 0; i < 5; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/reviewer-sessions',
        payload: { organizationId: t.org.id, email: 'locked@example.com', password: `guess number ${i}` },
      });
      expectProblem(res, 401);
    }
    const right = await t.app.inject({
      method: 'POST',
      url: '/reviewer-sessions',
      payload: { organizationId: t.org.id, email: 'locked@example.com', password: REVIEWER_PASSWORD },
    });
    expectProblem(right, 429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(14 * 60);
    const shown = await t.app.inject({
      method: 'GET',
      url: `/reviewers/${victim.id}`,
      headers: secret(t.org),
    });
    expect(Date.parse(shown.json().lockedUntil)).toBeGreaterThan(Date.now());

    const reset = await t.app.inject({
      method: 'PATCH',
      url: `/reviewers/${victim.id}`,
      headers: secret(t.org),
      payload: { password: 'a brand new passphrase' },
    });
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json().lockedUntil).toBeNull();
    await signIn(t, t.org, 'locked@example.com', 'a brand new passphrase');
  });

  it('ends the session on logout: the token is refused afterwards', async () => {
    const token = await signIn(t, t.org, 'alan@example.com');
    const out = await t.app.inject({
      method: 'DELETE',
      url: '/reviewer-sessions/current',
      headers: as(token),
    });
    expect(out.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/review-queue', headers: as(token) });
    expectProblem(after, 401);
  });

  it('ends every session of a deactivated reviewer, and refuses their sign-in', async () => {
    const temp = await createReviewer(t, t.org, { email: 'temp@example.com', name: 'Temporary' });
    const token = await signIn(t, t.org, 'temp@example.com');
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/reviewers/${temp.id}`,
      headers: as(adminToken),
      payload: { status: 'inactive' },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    expect(patch.json().status).toBe('inactive');
    expectProblem(await t.app.inject({ method: 'GET', url: '/review-queue', headers: as(token) }), 401);
    const again = await t.app.inject({
      method: 'POST',
      url: '/reviewer-sessions',
      payload: { organizationId: t.org.id, email: 'temp@example.com', password: REVIEWER_PASSWORD },
    });
    expectProblem(again, 401);
  });

  it('refuses a sign-in body with unknown fields or no organization (422)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/reviewer-sessions',
      payload: { email: 'grace@example.com', password: REVIEWER_PASSWORD },
    });
    expect(expectProblem(res, 422).invalidFields).toEqual([
      { field: 'organizationId', message: 'is required' },
    ]);
  });
});

describe('what a reviewer session may call', () => {
  it.each([
    ['GET', '/api-keys'],
    ['POST', '/api-keys'],
    ['GET', '/webhooks'],
    ['PUT', '/kyc-settings'],
    ['POST', '/reviewers'],
    ['POST', '/customers'],
  ])('a reviewer gets 403 for %s %s', async (method, url) => {
    const res = await t.app.inject({
      method: method as 'GET',
      url,
      headers: as(graceToken),
      ...(method === 'GET' ? {} : { payload: {} }),
    });
    expect(expectProblem(res, 403).detail).toMatch(/does not permit/);
  });

  it('an admin reviewer may manage reviewers but not API keys', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/reviewers', headers: as(adminToken) });
    expect(list.statusCode).toBe(200);
    expect(list.json().length).toBeGreaterThanOrEqual(3);
    expectProblem(await t.app.inject({ method: 'GET', url: '/api-keys', headers: as(adminToken) }), 403);
  });

  it('a customer token cannot use the console routes', async () => {
    const { token } = await customerToken(t, t.org);
    expectProblem(await t.app.inject({ method: 'GET', url: '/review-queue', headers: bearer(token) }), 403);
    expectProblem(
      await t.app.inject({ method: 'GET', url: '/reviewer-sessions/current', headers: bearer(token) }),
      403,
    );
  });

  it('a forged session token is unauthenticated', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/review-queue',
      headers: as(`kgr_${'x'.repeat(43)}`),
    });
    expectProblem(res, 401);
  });
});

describe('reviewing', () => {
  it('shows a manual-band document in the queue, lets one reviewer claim it and the other not', async () => {
    const { documentId, customerId, requestId } = await submitForReview(t, t.org);
    await t.drainJobs();
    const queue = await t.app.inject({
      method: 'GET',
      url: `/review-queue?filter=customerId:${customerId}`,
      headers: as(graceToken),
    });
    expect(queue.statusCode, queue.body).toBe(200);
    expect(queue.json()).toEqual([
      expect.objectContaining({
        id: documentId,
        customerName: 'Ada Lovelace',
        requestId,
        score: 75,
        acceptAbove: 80,
        rejectBelow: 50,
        failedChecks: ['firstName'],
        reviewerId: null,
      }),
    ]);

    const start = await t.app.inject({
      method: 'POST',
      url: `/kyc-documents/${documentId}/start-review`,
      headers: as(graceToken),
    });
    expect(start.statusCode, start.body).toBe(201);
    expect(start.json()).toMatchObject({ reviewerId: grace.id, reviewerName: 'Grace Hopper' });

    const claimed = await t.app.inject({
      method: 'GET',
      url: `/review-queue?filter=customerId:${customerId}`,
      headers: as(alanToken),
    });
    expect(claimed.json()[0]).toMatchObject({ reviewerId: grace.id, reviewerName: 'Grace Hopper' });
    for (const action of ['start-review', 'stop-review', 'acceptance']) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/kyc-documents/${documentId}/${action}`,
        headers: as(alanToken),
      });
      expect(expectProblem(res, 409).detail).toContain('Grace Hopper');
    }

    const reject = await t.app.inject({
      method: 'POST',
      url: `/kyc-documents/${documentId}/rejection`,
      headers: as(graceToken),
      payload: { type: 'name-mismatch', message: 'The first name on the passport is Adda' },
    });
    expect(reject.statusCode, reject.body).toBe(201);
    const rejected = await document(documentId);
    expect(rejected).toMatchObject({
      status: 'rejected',
      reviewerId: grace.id,
      reviewerName: 'Grace Hopper',
      rejectionReason: { type: 'name-mismatch', message: 'The first name on the passport is Adda' },
    });
    expect((await getRequest(t, t.org, requestId)).status).not.toBe('pending-review');
    expect(await eventTypes(t, t.org, documentId)).toContain('kyc-document-rejected');

    const log = await t.app.inject({
      method: 'GET',
      url: `/kyc-documents/${documentId}/review-actions`,
      headers: as(alanToken),
    });
    expect(log.json().map((a: any) => [a.action, a.actorType, a.actorId, a.actorName])).toEqual([
      ['start-review', 'reviewer', grace.id, 'Grace Hopper'],
      ['rejection', 'reviewer', grace.id, 'Grace Hopper'],
    ]);
    expect(log.json()[1].detail).toEqual({
      type: 'name-mismatch',
      message: 'The first name on the passport is Adda',
    });
    const after = await t.app.inject({
      method: 'GET',
      url: `/review-queue?filter=customerId:${customerId}`,
      headers: as(graceToken),
    });
    expect(after.json()).toEqual([]);
  });

  it('records corrections, notes and tags with the reviewer, and accepts', async () => {
    const { documentId, requestId } = await submitForReview(t, t.org);
    await t.drainJobs();
    const before = await document(documentId, as(alanToken));
    expect(before.status).toBe('pending');

    const matches = await t.app.inject({
      method: 'POST',
      url: `/kyc-documents/${documentId}/matches`,
      headers: as(alanToken),
      payload: {
        type: 'identity-proof',
        firstName: 'Ada',
        lastName: 'Lovelace',
        dateOfBirth: before.documentMatches.data.dateOfBirth,
        documentNumber: 'L898902C3',
        isTampered: false,
      },
    });
    expect(matches.statusCode, matches.body).toBe(204);
    const notes = await t.app.inject({
      method: 'PUT',
      url: `/kyc-documents/${documentId}`,
      headers: as(alanToken),
      payload: {
        customerId: before.customerId,
        documentType: before.documentType,
        fileIds: before.fileIds,
        notes: 'OCR read Adda; the photo shows Ada',
      },
    });
    expect(notes.statusCode, notes.body).toBe(200);
    const tag = await t.app.inject({
      method: 'POST',
      url: `/tags/ocr-error/kyc-documents/${documentId}`,
      headers: as(alanToken),
    });
    expect(tag.statusCode, tag.body).toBe(204);
    const accept = await t.app.inject({
      method: 'POST',
      url: `/kyc-documents/${documentId}/acceptance`,
      headers: as(alanToken),
    });
    expect(accept.statusCode, accept.body).toBe(201);

    const after = await document(documentId);
    expect(after).toMatchObject({
      status: 'accepted',
      reviewerId: alan.id,
      reviewerName: 'Alan Turing',
      notes: 'OCR read Adda; the photo shows Ada',
    });
    expect(after.documentMatches.data.firstName).toBe('Ada');
    // A read-only finding the body cannot carry survives the overwrite.
    expect(after.documentMatches.data.mrzChecksumValid).toBe(true);
    expect(after.tags.map((x: any) => x.name)).toEqual(['ocr-error']);
    expect((await getRequest(t, t.org, requestId)).status).toBe('fulfilled');

    const log = await t.app.inject({
      method: 'GET',
      url: `/kyc-documents/${documentId}/review-actions`,
      headers: secret(t.org),
    });
    const actions = log.json();
    expect(actions.map((a: any) => a.action)).toEqual(['matches', 'notes', 'tag', 'acceptance']);
    expect(actions.every((a: any) => a.actorId === alan.id && a.actorName === 'Alan Turing')).toBe(true);
    expect(actions[0].detail).toEqual({ changed: { firstName: { from: 'Adda', to: 'Ada' } } });
  });

  it('keeps the secret-key path: the key is recorded as the actor and may decide a claimed document', async () => {
    const { documentId } = await submitForReview(t, t.org);
    await t.drainJobs();
    const start = await t.app.inject({
      method: 'POST',
      url: `/kyc-documents/${documentId}/start-review`,
      headers: as(graceToken),
    });
    expect(start.statusCode).toBe(201);
    const accept = await t.app.inject({
      method: 'POST',
      url: `/kyc-documents/${documentId}/acceptance`,
      headers: secret(t.org),
    });
    expect(accept.statusCode, accept.body).toBe(201);
    const accepted = accept.json();
    expect(accepted.status).toBe('accepted');
    expect(accepted.reviewerId).toMatch(/^api_key_/);
    const log = await t.app.inject({
      method: 'GET',
      url: `/kyc-documents/${documentId}/review-actions`,
      headers: secret(t.org),
    });
    expect(log.json().map((a: any) => [a.action, a.actorType])).toEqual([
      ['start-review', 'reviewer'],
      ['acceptance', 'api-key'],
    ]);
  });

  it('keeps another organization’s documents out of reach: 404 by id, 403 by its path', async () => {
    const { documentId, customerId } = await submitForReview(t, other);
    await t.drainJobs();
    for (const [method, url] of [
      ['GET', `/kyc-documents/${documentId}`],
      ['GET', `/kyc-documents/${documentId}/evidence`],
      ['GET', `/kyc-documents/${documentId}/review-actions`],
      ['GET', `/customers/${customerId}`],
      ['POST', `/kyc-documents/${documentId}/acceptance`],
      ['POST', `/kyc-documents/${documentId}/start-review`],
      ['POST', `/tags/x/kyc-documents/${documentId}`],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: as(adminToken) });
      expectProblem(res, 404);
    }
    const queue = await t.app.inject({ method: 'GET', url: '/review-queue', headers: as(adminToken) });
    expect(queue.json().some((d: any) => d.id === documentId)).toBe(false);
    const byPath = await t.app.inject({
      method: 'GET',
      url: `/organizations/${other.id}/kyc-documents/${documentId}`,
      headers: as(adminToken),
    });
    expectProblem(byPath, 403);
    expect((await document(documentId, secret(other))).status).toBe('pending');
  });
});

describe('the queue, tags and sessions in detail', () => {
  it('filters the queue by type, request and age, lists unanalysed types, and refuses unknown filters', async () => {
    const identity = await submitForReview(t, t.org, 'doubtful', 'Queue');
    await t.drainJobs();
    // A funds proof: no analyzer is registered for it, so it waits for a person without a score.
    const fundsRequest = await createRequest(t, t.org, {
      customerId: identity.customerId,
      documents: [{ type: 'funds-proof' }],
    });
    const fundsDocument = await provide(t, gathererToken(fundsRequest), 'funds-proof');
    const queue = async (filter: string) => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/review-queue?filter=${encodeURIComponent(filter)}`,
        headers: as(graceToken),
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().map((d: any) => [d.id, d.documentType, d.score]);
    };
    const mine = `customerId:${identity.customerId}`;
    expect(await queue(mine)).toEqual([
      [identity.documentId, 'identity-proof', 75],
      [fundsDocument.id, 'funds-proof', null],
    ]);
    expect(await queue(`${mine};documentType:funds-proof`)).toEqual([
      [fundsDocument.id, 'funds-proof', null],
    ]);
    expect(await queue(`${mine};requestId:${identity.requestId}`)).toEqual([
      [identity.documentId, 'identity-proof', 75],
    ]);
    const hourAgo = new Date(Date.now() - 3600_000).toISOString();
    expect(await queue(`${mine};createdTime:..${hourAgo}`)).toEqual([]);
    const bad = await t.app.inject({
      method: 'GET',
      url: '/review-queue?filter=status:accepted',
      headers: as(graceToken),
    });
    expectProblem(bad, 422);
  });

  it('tags and untags documents in bulk, all or none', async () => {
    const a = await submitForReview(t, t.org, 'clean', 'TagA');
    const b = await submitForReview(t, t.org, 'clean', 'TagB');
    const tag = (method: 'POST' | 'DELETE', ids: string[], name = 'VIP') =>
      t.app.inject({
        method,
        url: `/tags/${encodeURIComponent(name)}/kyc-documents`,
        headers: as(alanToken),
        payload: { kycDocumentIds: ids },
      });
    const partial = await tag('POST', [a.documentId, 'kyc_doc_missing']);
    expect(expectProblem(partial, 422).invalidFields).toEqual([
      { field: 'kycDocumentIds', message: 'unknown: kyc_doc_missing' },
    ]);
    expect((await document(a.documentId)).tags).toEqual([]);
    expect((await tag('POST', [a.documentId, b.documentId])).statusCode).toBe(204);
    // Names are case-insensitive: the same tag again changes nothing.
    expect((await tag('POST', [a.documentId], 'vip')).statusCode).toBe(204);
    expect((await document(a.documentId)).tags.map((x: any) => x.name)).toEqual(['VIP']);
    expect((await document(b.documentId)).tags.map((x: any) => x.name)).toEqual(['VIP']);
    expect((await tag('DELETE', [b.documentId], 'vip')).statusCode).toBe(204);
    expect((await document(b.documentId)).tags).toEqual([]);
    const invalid = await tag('POST', [a.documentId], 'no<script>');
    expect(expectProblem(invalid, 422).invalidFields).toEqual([expect.objectContaining({ field: 'tag' })]);
  });

  it('lets only one of two reviewers claiming at the same time have a document outside any request', async () => {
    const customerId = await createCustomer(t, t.org);
    const file = await t.app.inject({
      method: 'POST',
      url: '/files',
      headers: secret(t.org),
      payload: { file: (await png(200, 120)).toString('base64'), name: 'statement.png', tags: ['kyc'] },
    });
    expect(file.statusCode, file.body).toBe(201);
    const created = await t.app.inject({
      method: 'POST',
      url: '/kyc-documents',
      headers: secret(t.org),
      payload: { customerId, documentType: 'funds-proof', fileIds: [file.json().id] },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().requestId).toBeNull();
    const claim = (token: string) =>
      t.app.inject({
        method: 'POST',
        url: `/kyc-documents/${created.json().id}/start-review`,
        headers: as(token),
      });
    const results = await Promise.all([claim(graceToken), claim(alanToken)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const winner = results.find((r) => r.statusCode === 201)!.json().reviewerId;
    expect((await document(created.json().id)).reviewerId).toBe(winner);
  });

  it('answers an expired session with token-expired (401)', async () => {
    const token = await signIn(t, t.org, 'alan@example.com');
    const res = await t.app.inject({ method: 'GET', url: '/reviewer-sessions/current', headers: as(token) });
    const sessionId = res.json().id as string;
    await t.deps.db.kysely
      .updateTable('reviewerSessions')
      .set({ expiredTime: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', sessionId)
      .execute();
    const after = await t.app.inject({ method: 'GET', url: '/review-queue', headers: as(token) });
    expect(expectProblem(after, 401).type).toBe('/problems/token-expired');
  });

  it('refuses to give a reviewer another reviewer’s email (409), and unknown reviewers are 404', async () => {
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/reviewers/${alan.id}`,
      headers: secret(t.org),
      payload: { email: 'GRACE@example.com' },
    });
    expectProblem(res, 409);
    const missing = await t.app.inject({
      method: 'PATCH',
      url: '/reviewers/usr_missing',
      headers: secret(t.org),
      payload: { name: 'Nobody' },
    });
    expectProblem(missing, 404);
    const foreign = await t.app.inject({
      method: 'PATCH',
      url: `/reviewers/${alan.id}`,
      headers: secret(other),
      payload: { status: 'inactive' },
    });
    expectProblem(foreign, 404);
    expect(
      (await t.app.inject({ method: 'GET', url: '/review-queue', headers: as(alanToken) })).statusCode,
    ).toBe(200);
  });
});

describe('the OpenAPI document', () => {
  it('lists reviewer sessions as a security scheme exactly on the operations a role permits', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    const doc = res.json();
    expect(doc.components.securitySchemes.ReviewerSession).toMatchObject({ type: 'http', scheme: 'bearer' });
    const security = (path: string, method: string) =>
      (doc.paths[path][method].security as Record<string, unknown>[]).flatMap((s) => Object.keys(s));
    expect(security('/organizations/{organizationId}/kyc-documents/{id}/acceptance', 'post')).toEqual([
      'SecretApiKey',
      'ReviewerSession',
    ]);
    expect(security('/organizations/{organizationId}/review-queue', 'get')).toEqual([
      'SecretApiKey',
      'ReviewerSession',
    ]);
    expect(security('/organizations/{organizationId}/api-keys', 'post')).toEqual(['SecretApiKey']);
    expect(doc.paths['/organizations/{organizationId}/reviewer-sessions'].post.security).toBeUndefined();
  });
});
