/**
 * The KYC documents API beyond the lifecycle walk (kyc-lifecycle.test.ts): organization create, upsert,
 * list and the reviewer actions; `matches`; the storefront's reads, PATCH and reduced shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, secret, type TestApp } from './helpers/app.ts';
import { png } from './helpers/files.ts';
import {
  act,
  createRequest,
  eventTypes,
  gathererToken,
  getRequest,
  provide,
  uploadWithToken,
} from './helpers/kyc.ts';
import { expectProblem } from './helpers/problem.ts';
import { createCustomer, customerJwt } from './helpers/tokens.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** A PNG uploaded with the organization's key (no customer owns it), tagged for identity proofs. */
async function orgFile(tags: string[] = ['kyc', 'id-front']): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/files',
    headers: secret(t.org),
    payload: { file: (await png()).toString('base64'), name: 'scan.png', tags },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

async function orgCreate(body: Record<string, unknown>, url = '/kyc-documents') {
  return t.app.inject({ method: 'POST', url, headers: secret(t.org), payload: body });
}

async function getDocument(id: string, query = ''): Promise<any> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/kyc-documents/${id}${query}`,
    headers: secret(t.org),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function list(query: string) {
  const res = await t.app.inject({ method: 'GET', url: `/kyc-documents?${query}`, headers: secret(t.org) });
  expect(res.statusCode, res.body).toBe(200);
  return { items: res.json<any[]>(), headers: res.headers };
}

describe('organization API: create', () => {
  it('links a document to the customer’s open request that asks for its type and counts an attempt', async () => {
    const customerId = await createCustomer(t, t.org);
    const request = await createRequest(t, t.org, {
      customerId,
      documents: [{ type: 'address-proof', maxAttempts: 1 }],
    });
    const res = await orgCreate(
      { customerId, documentType: 'address-proof', fileIds: [await orgFile(['kyc'])] },
      '/kyc-documents/',
    );
    expect(res.statusCode, res.body).toBe(201);
    const doc = res.json();
    expect(doc.id).toMatch(/^kyc_doc_/);
    expect(res.headers.location).toBe(
      `http://kycgate.test/organizations/${t.org.id}/kyc-documents/${doc.id}`,
    );
    expect(doc).toMatchObject({ requestId: request.id, status: 'pending', customerId, revision: 1 });
    // The one attempt is used: the gatherer cannot add another.
    const token = gathererToken(request);
    const fileId = await uploadWithToken(t, token, ['kyc']);
    const refused = await t.app.inject({
      method: 'POST',
      url: '/storefront/kyc-documents',
      headers: bearer(token),
      payload: { documentType: 'address-proof', fileIds: [fileId] },
    });
    expectProblem(refused, 422);
    // And the next organization document of that type stands alone (no attempt left on the request).
    const next = await orgCreate({
      customerId,
      documentType: 'address-proof',
      fileIds: [await orgFile(['kyc'])],
    });
    expect(next.statusCode).toBe(201);
    expect(next.json().requestId).toBeNull();
  });

  it('creates a standalone document when no open request asks for the type', async () => {
    const customerId = await createCustomer(t, t.org);
    await createRequest(t, t.org, { customerId, documents: [{ type: 'address-proof' }] });
    const res = await orgCreate({
      customerId,
      documentType: 'funds-proof',
      fileIds: [await orgFile(['kyc'])],
      reason: 'large deposit',
      notes: 'from the back office',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      requestId: null,
      documentType: 'funds-proof',
      status: 'pending',
      reason: 'large deposit',
      notes: 'from the back office',
      matchLevel: 2,
    });
    expect(await eventTypes(t, t.org, res.json().id)).toEqual(['kyc-document-created']);
  });

  it('refuses an unknown customer with 422', async () => {
    const missing = await orgCreate({
      customerId: 'cus_nobody',
      documentType: 'funds-proof',
      fileIds: [await orgFile(['kyc'])],
    });
    expect(expectProblem(missing, 422).invalidFields).toEqual([
      expect.objectContaining({ field: 'customerId' }),
    ]);
  });
});

describe('organization API: PUT upsert', () => {
  it('creates with the client id (201), updates notes, reason and subtype (200), refuses identity changes', async () => {
    const customerId = await createCustomer(t, t.org);
    const id = `doc-${Date.now()}`;
    const fileIds = [await orgFile(['kyc'])];
    const created = await t.app.inject({
      method: 'PUT',
      url: `/kyc-documents/${id}`,
      headers: secret(t.org),
      payload: { customerId, documentType: 'address-proof', fileIds },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.location).toBe(
      `http://kycgate.test/organizations/${t.org.id}/kyc-documents/${id}`,
    );
    expect(created.json()).toMatchObject({ id, revision: 1, notes: null });

    const updated = await t.app.inject({
      method: 'PUT',
      url: `/kyc-documents/${id}`,
      headers: secret(t.org),
      payload: {
        customerId,
        documentType: 'address-proof',
        fileIds,
        notes: 'checked by phone',
        reason: 'renewal',
        documentSubtype: 'utility-bill',
      },
    });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({
      id,
      notes: 'checked by phone',
      reason: 'renewal',
      documentSubtype: 'utility-bill',
      revision: 2,
      status: 'pending',
    });

    const other = await createCustomer(t, t.org);
    for (const change of [{ customerId: other }, { documentType: 'funds-proof' }]) {
      const res = await t.app.inject({
        method: 'PUT',
        url: `/kyc-documents/${id}`,
        headers: secret(t.org),
        payload: { customerId, documentType: 'address-proof', fileIds, ...change },
      });
      const field = Object.keys(change)[0];
      expect(expectProblem(res, 422).invalidFields).toEqual([expect.objectContaining({ field })]);
    }
    const after = await getDocument(id);
    expect(after).toMatchObject({ customerId, documentType: 'address-proof', revision: 2 });
    expect(await eventTypes(t, t.org, id)).toEqual(['kyc-document-created', 'kyc-document-modified']);
  });

  it('refuses a body id that differs from the path', async () => {
    const customerId = await createCustomer(t, t.org);
    const res = await t.app.inject({
      method: 'PUT',
      url: '/kyc-documents/doc-path',
      headers: secret(t.org),
      payload: { id: 'doc-body', customerId, documentType: 'funds-proof', fileIds: [await orgFile(['kyc'])] },
    });
    expectProblem(res, 422);
    expectProblem(
      await t.app.inject({ method: 'GET', url: '/kyc-documents/doc-path', headers: secret(t.org) }),
      404,
    );
  });
});

describe('organization API: list and read', () => {
  let customerId: string;
  let requestId: string;
  const ids: string[] = [];
  let middleTime: string;

  beforeAll(async () => {
    customerId = await createCustomer(t, t.org);
    const request = await createRequest(t, t.org, {
      customerId,
      // One identity attempt: the organization's identity document below then stands alone.
      documents: [{ type: 'identity-proof', maxAttempts: 1 }, { type: 'address-proof' }],
    });
    requestId = request.id;
    const token = gathererToken(request);
    ids.push((await provide(t, token, 'identity-proof')).id);
    middleTime = new Date().toISOString();
    // Strictly after middleTime on every engine's clock resolution.
    while (new Date().toISOString() === middleTime) await Promise.resolve();
    ids.push((await provide(t, token, 'address-proof')).id);
    const fileIds = [await orgFile(), await orgFile(), await orgFile(), await orgFile()];
    const standalone = await orgCreate({ customerId, documentType: 'identity-proof', fileIds });
    expect(standalone.statusCode, standalone.body).toBe(201);
    expect(standalone.json().requestId).toBeNull();
    ids.push(standalone.json().id);
    await act(t, t.org, ids[1]!, 'rejection', { type: 'document-unreadable' });
  });

  it('filters by customerId, requestId, documentType and status', async () => {
    const byCustomer = await list(`filter=customerId:${customerId}`);
    expect(byCustomer.items.map((d) => d.id).sort()).toEqual([...ids].sort());
    expect(byCustomer.headers['pagination-total']).toBe('3');

    const byRequest = await list(`filter=requestId:${requestId}`);
    expect(byRequest.items.map((d) => d.id).sort()).toEqual([ids[0], ids[1]].sort());

    const byType = await list(`filter=customerId:${customerId};documentType:identity-proof`);
    expect(byType.items.map((d) => d.id).sort()).toEqual([ids[0], ids[2]].sort());

    const byStatus = await list(`filter=customerId:${customerId};status:rejected`);
    expect(byStatus.items.map((d) => d.id)).toEqual([ids[1]]);

    const notRejected = await list(`filter=customerId:${customerId};status:!rejected`);
    expect(notRejected.items.map((d) => d.id).sort()).toEqual([ids[0], ids[2]].sort());
  });

  it('filters by createdTime ranges', async () => {
    const before = await list(`filter=customerId:${customerId};createdTime:..${middleTime}`);
    expect(before.items.map((d) => d.id)).toEqual([ids[0]]);
    const after = await list(`filter=customerId:${customerId};createdTime:${middleTime}..`);
    expect(after.items.map((d) => d.id).sort()).toEqual([ids[1], ids[2]].sort());
    const bad = await t.app.inject({
      method: 'GET',
      url: `/kyc-documents?filter=createdTime:yesterday..`,
      headers: secret(t.org),
    });
    expectProblem(bad, 422);
  });

  it('sorts (newest first by default) and pages with headers', async () => {
    const byDefault = await list(`filter=customerId:${customerId}`);
    expect(byDefault.items.map((d) => d.id)).toEqual([...ids].reverse());
    const ascending = await list(`filter=customerId:${customerId}&sort=createdTime`);
    expect(ascending.items.map((d) => d.id)).toEqual(ids);
    const page = await list(`filter=customerId:${customerId}&sort=createdTime&limit=1&offset=1`);
    expect(page.items.map((d) => d.id)).toEqual([ids[1]]);
    expect(page.headers).toMatchObject({
      'pagination-total': '3',
      'pagination-limit': '1',
      'pagination-offset': '1',
    });
    const badSort = await t.app.inject({
      method: 'GET',
      url: '/kyc-documents?sort=notes',
      headers: secret(t.org),
    });
    expectProblem(badSort, 422);
  });

  it('expands customer and at most three files, on the list and on one document', async () => {
    const one = await getDocument(ids[2]!, '?expand=customer,files');
    expect(one.fileIds).toHaveLength(4);
    expect(one._embedded.customer.id).toBe(customerId);
    expect(one._embedded.files).toHaveLength(3);
    expect(one._embedded.files.map((f: { id: string }) => f.id)).toEqual(one.fileIds.slice(0, 3));
    const listed = await list(`filter=id:${ids[2]}&expand=files`);
    expect(listed.items[0]._embedded.files).toHaveLength(3);
    expect(listed.items[0]._embedded.customer).toBeUndefined();
    const plain = await getDocument(ids[2]!);
    expect(plain).not.toHaveProperty('_embedded');
    expectProblem(
      await t.app.inject({
        method: 'GET',
        url: `/kyc-documents/${ids[2]}?expand=request`,
        headers: secret(t.org),
      }),
      422,
    );
  });

  it('answers 404 for an unknown document on every route', async () => {
    const id = 'kyc_doc_missing';
    expectProblem(
      await t.app.inject({ method: 'GET', url: `/kyc-documents/${id}`, headers: secret(t.org) }),
      404,
    );
    for (const action of ['acceptance', 'review', 'start-review', 'stop-review']) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/kyc-documents/${id}/${action}`,
        headers: { ...secret(t.org), ...FORM },
        payload: '',
      });
      expectProblem(res, 404);
    }
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: `/kyc-documents/${id}/rejection`,
        headers: secret(t.org),
        payload: { type: 'other' },
      }),
      404,
    );
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: `/kyc-documents/${id}/matches`,
        headers: secret(t.org),
        payload: { type: 'address-proof', city: 'Paris' },
      }),
      404,
    );
  });
});

describe('organization API: reviewer actions', () => {
  async function standalone(documentType = 'funds-proof'): Promise<any> {
    const customerId = await createCustomer(t, t.org);
    const tags = documentType === 'identity-proof' ? ['kyc', 'id-front'] : ['kyc'];
    const res = await orgCreate({ customerId, documentType, fileIds: [await orgFile(tags)] });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }

  async function newKey(description: string): Promise<Record<string, string>> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api-keys',
      headers: secret(t.org),
      payload: { description },
    });
    expect(res.statusCode).toBe(201);
    return { 'reb-apikey': res.json().secretKey as string };
  }

  it('accepts every one of the 19 rejection reason types and refuses an unknown one', async () => {
    const reasons = [
      'document-unreadable',
      'document-expired',
      'document-was-valid-but-expired',
      'document-not-matching',
      'document-duplicate',
      'document-invalid',
      'document-not-open',
      'underage-person',
      'third-party-or-mismatch',
      'expiration-date-missing',
      'issue-date-missing',
      'subtype-missing',
      'dob-mismatch',
      'name-mismatch',
      'name-and-dob-mismatch',
      'critical-info-missing',
      'old-address-on-id',
      'tampered-document',
      'other',
    ];
    expect(new Set(reasons).size).toBe(19);
    const doc = await standalone();
    for (const type of reasons) {
      const rejected = await act(t, t.org, doc.id, 'rejection', { type, message: `because ${type}` });
      expect(rejected).toMatchObject({
        status: 'rejected',
        rejectionReason: { type, message: `because ${type}` },
      });
    }
    const unknown = await t.app.inject({
      method: 'POST',
      url: `/kyc-documents/${doc.id}/rejection`,
      headers: secret(t.org),
      payload: { type: 'looks-fishy' },
    });
    expect(expectProblem(unknown, 422).invalidFields).toEqual([expect.objectContaining({ field: 'type' })]);
    const tooLong = await t.app.inject({
      method: 'POST',
      url: `/kyc-documents/${doc.id}/rejection`,
      headers: secret(t.org),
      payload: { type: 'other', message: 'x'.repeat(256) },
    });
    expectProblem(tooLong, 422);
    expect((await getDocument(doc.id)).rejectionReason.type).toBe('other');
  });

  it('acceptance with an empty form body sets status, reviewer and review time', async () => {
    const doc = await standalone();
    const before = Date.now();
    const accepted = await act(t, t.org, doc.id, 'acceptance');
    expect(accepted).toMatchObject({ status: 'accepted', rejectionReason: null });
    expect(accepted.reviewerId).toMatch(/^api_key_/);
    expect(Date.parse(accepted.reviewTime)).toBeGreaterThanOrEqual(before - 1000);
    expect(await eventTypes(t, t.org, doc.id)).toEqual(['kyc-document-created', 'kyc-document-accepted']);
  });

  it('review sets reviewTime and reviewerId without deciding, with kyc-document-reviewed', async () => {
    const doc = await standalone();
    expect(doc.reviewTime).toBeNull();
    const reviewed = await act(t, t.org, doc.id, 'review');
    expect(reviewed.status).toBe('pending');
    expect(reviewed.reviewTime).toEqual(expect.any(String));
    expect(reviewed.reviewerId).toMatch(/^api_key_/);
    expect(reviewed.revision).toBe(2);
    expect(await eventTypes(t, t.org, doc.id)).toEqual(['kyc-document-created', 'kyc-document-reviewed']);
  });

  it('start-review claims the document; another reviewer gets 409 until stop-review', async () => {
    const doc = await standalone();
    const first = await newKey('Reviewer One');
    const second = await newKey('Reviewer Two');
    const post = (headers: Record<string, string>, action: string) =>
      t.app.inject({
        method: 'POST',
        url: `/kyc-documents/${doc.id}/${action}`,
        headers: { ...headers, ...FORM },
        payload: '',
      });

    const started = await post(first, 'start-review');
    expect(started.statusCode, started.body).toBe(201);
    expect(started.json()).toMatchObject({ reviewerName: 'Reviewer One', status: 'pending' });
    expect(started.json().reviewStartTime).toEqual(expect.any(String));
    const firstId = started.json().reviewerId;

    const conflict = await post(second, 'start-review');
    expect(expectProblem(conflict, 409).detail).toContain('Reviewer One');
    expect((await getDocument(doc.id)).reviewerId).toBe(firstId);

    // The same reviewer may start again.
    expect((await post(first, 'start-review')).statusCode).toBe(201);

    const stopped = await post(first, 'stop-review');
    expect(stopped.statusCode).toBe(201);
    expect(stopped.json()).toMatchObject({ reviewStartTime: null, reviewerId: null, reviewerName: null });

    const taken = await post(second, 'start-review');
    expect(taken.statusCode).toBe(201);
    expect(taken.json().reviewerName).toBe('Reviewer Two');
  });
});

describe('organization API: matches', () => {
  async function identityDocument(): Promise<any> {
    const customerId = await createCustomer(t, t.org);
    const res = await orgCreate({ customerId, documentType: 'identity-proof', fileIds: [await orgFile()] });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }
  const post = (id: string, payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: `/kyc-documents/${id}/matches`, headers: secret(t.org), payload });

  it('refuses a type other than the document’s', async () => {
    const doc = await identityDocument();
    const res = await post(doc.id, { type: 'address-proof', line1: '1 Main St' });
    expect(expectProblem(res, 422).invalidFields).toEqual([expect.objectContaining({ field: 'type' })]);
    expectProblem(await post(doc.id, { type: 'credit-file-proof' }), 422);
    expect((await getDocument(doc.id)).documentMatches).toBeNull();
  });

  it('refuses unknown fields, naming each of them', async () => {
    const doc = await identityDocument();
    const res = await post(doc.id, {
      type: 'identity-proof',
      firstName: 'Ada',
      shoeSize: 41,
      eyeColor: 'blue',
    });
    const fields = (expectProblem(res, 422).invalidFields as { field: string }[]).map((f) => f.field);
    expect(fields.sort()).toEqual(['eyeColor', 'shoeSize']);
    const wrongType = await post(doc.id, { type: 'identity-proof', sex: 'Q' });
    expect(expectProblem(wrongType, 422).invalidFields).toEqual([expect.objectContaining({ field: 'sex' })]);
    expect((await getDocument(doc.id)).documentMatches).toBeNull();
    expect(await eventTypes(t, t.org, doc.id)).toEqual(['kyc-document-created']);
  });

  it('overwrites documentMatches.data (204) and records kyc-document-modified', async () => {
    const doc = await identityDocument();
    const first = await post(doc.id, {
      type: 'identity-proof',
      firstName: 'Ada',
      lastName: 'Lovelace',
      dateOfBirth: '1990-01-02T00:00:00Z',
      isTampered: false,
    });
    expect(first.statusCode, first.body).toBe(204);
    expect(first.body).toBe('');
    const second = await post(doc.id, { type: 'identity-proof', firstName: 'Augusta', sex: 'F' });
    expect(second.statusCode).toBe(204);
    const after = await getDocument(doc.id);
    expect(after.documentMatches).toEqual({
      version: '2.0',
      score: null,
      checkList: null,
      data: { firstName: 'Augusta', sex: 'F' },
    });
    expect(after.status).toBe('pending');
    expect(after.revision).toBe(3);
    expect(await eventTypes(t, t.org, doc.id)).toEqual([
      'kyc-document-created',
      'kyc-document-modified',
      'kyc-document-modified',
    ]);
  });
});

describe('storefront', () => {
  it('PATCH changes files and subtype while pending; read-only fields are ignored; decided → 422', async () => {
    const customerId = await createCustomer(t, t.org);
    const request = await createRequest(t, t.org, { customerId, documents: [{ type: 'address-proof' }] });
    const token = gathererToken(request);
    const doc = await provide(t, token, 'address-proof');
    const newFile = await uploadWithToken(t, token, ['kyc']);
    const other = await createRequest(t, t.org, { customerId, documents: [{ type: 'address-proof' }] });

    const res = await t.app.inject({
      method: 'PATCH',
      url: `/storefront/kyc-documents/${doc.id}`,
      headers: bearer(token),
      payload: {
        fileIds: [newFile],
        documentSubtype: 'bank-statement',
        status: 'accepted',
        documentMatches: { version: '2.0', data: { firstName: 'Forged' } },
        requestId: other.id,
        rejectionReason: null,
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      fileIds: [newFile],
      documentSubtype: 'bank-statement',
      status: 'pending',
      requestId: request.id,
      documentMatches: null,
    });
    const stored = await getDocument(doc.id);
    expect(stored).toMatchObject({
      status: 'pending',
      requestId: request.id,
      documentMatches: null,
      fileIds: [newFile],
    });
    expect(await eventTypes(t, t.org, doc.id)).toEqual(['kyc-document-created', 'kyc-document-modified']);

    await act(t, t.org, doc.id, 'acceptance');
    const late = await t.app.inject({
      method: 'PATCH',
      url: `/storefront/kyc-documents/${doc.id}`,
      headers: bearer(token),
      payload: { documentSubtype: 'utility-bill' },
    });
    expectProblem(late, 422);
    expect((await getDocument(doc.id)).documentSubtype).toBe('bank-statement');
  });

  it('answers 404 for another customer’s document, on GET and PATCH', async () => {
    const alice = await createCustomer(t, t.org, 'Alice');
    const bob = await createCustomer(t, t.org, 'Bob');
    const aliceRequest = await createRequest(t, t.org, {
      customerId: alice,
      documents: [{ type: 'address-proof' }],
    });
    const doc = await provide(t, gathererToken(aliceRequest), 'address-proof');
    const { token: bobToken } = await customerJwt(t, t.org, bob);
    const read = await t.app.inject({
      method: 'GET',
      url: `/storefront/kyc-documents/${doc.id}`,
      headers: bearer(bobToken),
    });
    expectProblem(read, 404);
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/storefront/kyc-documents/${doc.id}`,
      headers: bearer(bobToken),
      payload: { documentSubtype: 'utility-bill' },
    });
    expectProblem(patch, 404);
    expect((await getDocument(doc.id)).documentSubtype).toBeNull();
  });

  it('lists only the caller’s documents, and only the bound request’s for a gatherer token', async () => {
    const customerId = await createCustomer(t, t.org);
    const first = await createRequest(t, t.org, { customerId, documents: [{ type: 'address-proof' }] });
    const second = await createRequest(t, t.org, { customerId, documents: [{ type: 'funds-proof' }] });
    const a = await provide(t, gathererToken(first), 'address-proof');
    const b = await provide(t, gathererToken(second), 'funds-proof');
    // Someone else's document, in the same organization.
    const stranger = await createCustomer(t, t.org);
    const strangerRequest = await createRequest(t, t.org, {
      customerId: stranger,
      documents: [{ type: 'address-proof' }],
    });
    await provide(t, gathererToken(strangerRequest), 'address-proof');

    const listWith = async (token: string) => {
      const res = await t.app.inject({
        method: 'GET',
        url: '/storefront/kyc-documents',
        headers: bearer(token),
      });
      expect(res.statusCode, res.body).toBe(200);
      return { ids: res.json().map((d: { id: string }) => d.id), total: res.headers['pagination-total'] };
    };
    expect(await listWith(gathererToken(first))).toEqual({ ids: [a.id], total: '1' });
    expect(await listWith(gathererToken(second))).toEqual({ ids: [b.id], total: '1' });
    const { token } = await customerJwt(t, t.org, customerId);
    const all = await listWith(token);
    expect(all.ids.sort()).toEqual([a.id, b.id].sort());
  });

  it('shows the reduced storefront shape', async () => {
    const customerId = await createCustomer(t, t.org);
    const request = await createRequest(t, t.org, { customerId, documents: [{ type: 'identity-proof' }] });
    const token = gathererToken(request);
    const doc = await provide(t, token, 'identity-proof');
    const matches = await t.app.inject({
      method: 'POST',
      url: `/kyc-documents/${doc.id}/matches`,
      headers: secret(t.org),
      payload: {
        type: 'identity-proof',
        firstName: null,
        lastName: 'Lovelace',
        isPublishedOnline: false,
        isTampered: false,
      },
    });
    expect(matches.statusCode).toBe(204);
    await act(t, t.org, doc.id, 'review');
    const res = await t.app.inject({
      method: 'GET',
      url: `/storefront/kyc-documents/${doc.id}`,
      headers: bearer(token),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(
      [
        'id',
        'fileIds',
        'documentType',
        'documentSubtype',
        'status',
        'rejectionReason',
        'requestId',
        'processedTime',
        'documentMatches',
        // kycgate extensions the gatherer reads.
        'awaitingAnalysis',
        'corrections',
        'createdTime',
        'updatedTime',
        '_links',
      ].sort(),
    );
    // No analyzer here: a person reviews it, so the gatherer does not wait; nothing for the customer to fix.
    expect(body.awaitingAnalysis).toBe(false);
    expect(body.corrections).toEqual([]);
    // Version and data only; firstName with no match is an empty string; fields outside the storefront
    // variant (isPublishedOnline, isTampered) are dropped.
    expect(body.documentMatches).toEqual({ version: '2.0', data: { firstName: '', lastName: 'Lovelace' } });
    expect(body._links).toEqual([
      {
        rel: 'self',
        href: `http://kycgate.test/storefront/organizations/${t.org.id}/kyc-documents/${doc.id}`,
      },
    ]);
    // The request's embedded documents use the same reduced shape.
    const sfRequest = await t.app.inject({
      method: 'GET',
      url: `/storefront/kyc-requests/${request.id}?expand=documents`,
      headers: bearer(token),
    });
    const embedded = sfRequest.json()._embedded.documents[0];
    expect(embedded).not.toHaveProperty('reviewerId');
    expect(embedded).not.toHaveProperty('notes');
    expect(embedded.documentMatches).not.toHaveProperty('score');
    expect((await getRequest(t, t.org, request.id))._embedded.documents[0].reviewerId).toMatch(/^api_key_/);
  });
});
