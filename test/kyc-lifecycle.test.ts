import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, secret, type TestApp } from './helpers/app.ts';
import {
  act,
  createRequest,
  eventTypes,
  gathererToken,
  getRequest,
  provide,
  submitDocument,
  uploadWithToken,
} from './helpers/kyc.ts';
import { createCustomer } from './helpers/tokens.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const identityAndAddress = [{ type: 'identity-proof' }, { type: 'address-proof' }];

describe('KYC requests', () => {
  it('creates a request with defaults and a gatherer link under both rels', async () => {
    const customerId = await createCustomer(t, t.org);
    const before = Date.now();
    const request = await createRequest(t, t.org, {
      customerId,
      documents: identityAndAddress,
      redirectUrl: 'https://shop.example/kyc-done',
      reason: 'registration',
    });
    expect(request.id).toMatch(/^kyc_req_/);
    expect(request).toMatchObject({
      customerId,
      status: 'gathering',
      matchLevel: 2,
      revision: 1,
      reason: 'registration',
    });
    expect(request.documents[0]).toEqual({
      type: 'identity-proof',
      subtypes: null,
      maxAttempts: 3,
      faceProofRequired: false,
      faceLivenessRequired: false,
    });
    const ttl = Date.parse(request.expirationTime) - before;
    expect(ttl).toBeGreaterThan(3_590_000);
    expect(ttl).toBeLessThan(3_610_000);
    const rels = request._links.map((l: { rel: string }) => l.rel);
    expect(rels).toEqual(expect.arrayContaining(['self', 'documents', 'gatherer', 'kycGatherer']));
    const gatherer = request._links.find((l: { rel: string }) => l.rel === 'gatherer').href;
    expect(request._links.find((l: { rel: string }) => l.rel === 'kycGatherer').href).toBe(gatherer);
    expect(gatherer).toMatch(/^http:\/\/kycgate\.test\/gatherer\/\?token=/);

    const claims = decodeJwt(gathererToken(request));
    expect(claims).toMatchObject({ sub: customerId, org: t.org.id, kycRequestId: request.id });
    expect(claims.exp).toBe(Math.floor(Date.parse(request.expirationTime) / 1000));

    // The link is stable: reading the request again shows the same token.
    const again = await getRequest(t, t.org, request.id);
    expect(again._links.find((l: { rel: string }) => l.rel === 'gatherer').href).toBe(gatherer);
  });

  it('lets the gatherer token read its request, the account and the website, and nothing else', async () => {
    const customerId = await createCustomer(t, t.org);
    const request = await createRequest(t, t.org, { customerId, documents: identityAndAddress });
    const token = gathererToken(request);
    const sf = await t.app.inject({
      method: 'GET',
      url: `/storefront/organizations/${t.org.id}/kyc-requests/${request.id}?expand=documents`,
      headers: bearer(token),
    });
    expect(sf.statusCode).toBe(200);
    expect(sf.json()).toMatchObject({ id: request.id, status: 'gathering', _embedded: { documents: [] } });
    expect(sf.json()).not.toHaveProperty('customerId');
    expect(
      (await t.app.inject({ method: 'GET', url: '/storefront/account', headers: bearer(token) })).statusCode,
    ).toBe(200);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/storefront/websites/${t.org.websiteId}`,
          headers: bearer(token),
        })
      ).statusCode,
    ).toBe(200);
    // Another request of the same customer is out of this token's reach.
    const other = await createRequest(t, t.org, { customerId, documents: identityAndAddress });
    const res = await t.app.inject({
      method: 'GET',
      url: `/storefront/kyc-requests/${other.id}`,
      headers: bearer(token),
    });
    expect(res.statusCode).toBe(404);
    // And so is the organization API.
    expect(
      (await t.app.inject({ method: 'GET', url: '/customers', headers: bearer(token) })).statusCode,
    ).toBe(403);
  });

  it('walks gathering → pending-review → attempted → partial → fulfilled with the right events', async () => {
    const customerId = await createCustomer(t, t.org);
    const request = await createRequest(t, t.org, { customerId, documents: identityAndAddress });
    const token = gathererToken(request);

    const first = await provide(t, token, 'identity-proof');
    expect(first).toMatchObject({ status: 'pending', requestId: request.id, documentType: 'identity-proof' });
    expect((await getRequest(t, t.org, request.id)).status).toBe('pending-review');

    const rejected = await act(t, t.org, first.id, 'rejection', {
      type: 'document-unreadable',
      message: 'blurry',
    });
    expect(rejected).toMatchObject({
      status: 'rejected',
      rejectionReason: { type: 'document-unreadable', message: 'blurry' },
    });
    expect(rejected.reviewerId).toMatch(/^api_key_/);
    expect((await getRequest(t, t.org, request.id)).status).toBe('attempted');

    const second = await provide(t, token, 'identity-proof');
    await act(t, t.org, second.id, 'acceptance');
    expect((await getRequest(t, t.org, request.id)).status).toBe('partial');

    const address = await provide(t, token, 'address-proof');
    const accepted = await act(t, t.org, address.id, 'acceptance');
    expect(accepted.status).toBe('accepted');
    const done = await getRequest(t, t.org, request.id);
    expect(done.status).toBe('fulfilled');
    expect(done._embedded.documents.map((d: { status: string }) => d.status)).toEqual([
      'rejected',
      'accepted',
      'accepted',
    ]);

    expect(await eventTypes(t, t.org, request.id)).toEqual([
      'kyc-request-attempted',
      'kyc-request-partially-fulfilled',
      'kyc-request-fulfilled',
    ]);
    expect(await eventTypes(t, t.org, first.id)).toEqual(['kyc-document-created', 'kyc-document-rejected']);
    expect(await eventTypes(t, t.org, address.id)).toEqual(['kyc-document-created', 'kyc-document-accepted']);

    // Events carry the resource as it was, in revision order.
    const res = await t.app.inject({
      method: 'GET',
      url: `/events?filter=resourceId:${request.id}`,
      headers: secret(t.org),
    });
    const revisions = res
      .json()
      .map((e: { revision: number; resource: { revision: number; status: string } }) => [
        e.revision,
        e.resource.revision,
        e.resource.status,
      ]);
    expect(revisions.map((r: number[]) => r[0])).toEqual(
      [...revisions.map((r: number[]) => r[0])].sort((a, b) => a - b),
    );
    expect(revisions.map((r: unknown[]) => r[2])).toEqual(['attempted', 'partial', 'fulfilled']);
    for (const r of revisions) expect(r[0]).toBe(r[1]);

    // The customer now has fulfilled KYC.
    const customer = await t.app.inject({
      method: 'GET',
      url: `/customers/${customerId}`,
      headers: secret(t.org),
    });
    expect(customer.json().hasFulfilledKyc).toBe(true);
  });

  it('fails a request whose attempts are used up, and refuses one more', async () => {
    const customerId = await createCustomer(t, t.org);
    const request = await createRequest(t, t.org, {
      customerId,
      documents: [{ type: 'identity-proof', maxAttempts: 2 }, { type: 'address-proof' }],
    });
    const token = gathererToken(request);
    for (let i = 0; i < 2; i++) {
      const doc = await provide(t, token, 'identity-proof');
      await act(t, t.org, doc.id, 'rejection', { type: 'document-expired' });
    }
    expect((await getRequest(t, t.org, request.id)).status).toBe('failed');
    expect(await eventTypes(t, t.org, request.id)).toEqual(['kyc-request-attempted', 'kyc-request-failed']);
    const fileId = await uploadWithToken(t, token);
    const res = await submitDocument(t, token, 'identity-proof', [fileId]);
    expect(res.statusCode).toBe(422);
    expect(res.json().detail).toMatch(/no more documents|attempts/);
  });

  it('counts each creation as an attempt: past maxAttempts the storefront answers 422', async () => {
    const customerId = await createCustomer(t, t.org);
    const request = await createRequest(t, t.org, {
      customerId,
      documents: [{ type: 'address-proof', maxAttempts: 1 }],
    });
    const token = gathererToken(request);
    await provide(t, token, 'address-proof');
    const fileId = await uploadWithToken(t, token, ['kyc']);
    const res = await submitDocument(t, token, 'address-proof', [fileId]);
    expect(res.statusCode).toBe(422);
    expect(res.json().invalidFields[0]).toMatchObject({ field: 'documentType' });
    expect(res.json().detail).toContain('no attempts left');
  });

  it('lets exactly one of two concurrent creations take the last attempt', async () => {
    const customerId = await createCustomer(t, t.org);
    const request = await createRequest(t, t.org, {
      customerId,
      documents: [{ type: 'address-proof', maxAttempts: 1 }],
    });
    const token = gathererToken(request);
    const [a, b] = await Promise.all([
      uploadWithToken(t, token, ['kyc']),
      uploadWithToken(t, token, ['kyc']),
    ]);
    const results = await Promise.all([
      submitDocument(t, token, 'address-proof', [a]),
      submitDocument(t, token, 'address-proof', [b]),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 422]);
    expect((await getRequest(t, t.org, request.id))._embedded.documents).toHaveLength(1);
  });

  it('archives the customer’s other undecided documents of a type when one is accepted', async () => {
    const customerId = await createCustomer(t, t.org);
    const request = await createRequest(t, t.org, { customerId, documents: identityAndAddress });
    const token = gathererToken(request);
    const older = await provide(t, token, 'identity-proof');
    const newer = await provide(t, token, 'identity-proof');
    await act(t, t.org, newer.id, 'acceptance');
    const res = await t.app.inject({
      method: 'GET',
      url: `/kyc-documents/${older.id}`,
      headers: secret(t.org),
    });
    expect(res.json().status).toBe('archived');
    expect(await eventTypes(t, t.org, older.id)).toEqual(['kyc-document-created', 'kyc-document-archived']);
    const refused = await t.app.inject({
      method: 'POST',
      url: `/kyc-documents/${older.id}/acceptance`,
      headers: { ...secret(t.org), 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
    expect(refused.statusCode).toBe(422);
  });
});

describe('expiry', () => {
  it('shows and sweeps expired (nothing provided) and abandoned (something provided)', async () => {
    const customerId = await createCustomer(t, t.org);
    const empty = await createRequest(t, t.org, { customerId, documents: identityAndAddress });
    const started = await createRequest(t, t.org, { customerId, documents: identityAndAddress });
    await provide(t, gathererToken(started), 'address-proof');
    const past = new Date(Date.now() - 1000).toISOString();
    await t.deps.db.kysely
      .updateTable('kycRequests')
      .set({ expirationTime: past })
      .where('id', 'in', [empty.id, started.id])
      .execute();

    // Readers see it at once…
    expect((await getRequest(t, t.org, empty.id)).status).toBe('expired');
    expect((await getRequest(t, t.org, started.id)).status).toBe('abandoned');
    // …and the sweep records it.
    const { sweepExpiredKycRequests } =
      await import('../src/modules/kyc-requests/sweep-expired-kyc-requests.ts');
    expect(await sweepExpiredKycRequests(t.deps)).toBeGreaterThanOrEqual(2);
    const rows = await t.deps.db.kysely
      .selectFrom('kycRequests')
      .select(['id', 'status'])
      .where('id', 'in', [empty.id, started.id])
      .execute();
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({
      [empty.id]: 'expired',
      [started.id]: 'abandoned',
    });
  });

  it('answers an expired gatherer token with 401 token-expired', async () => {
    const customerId = await createCustomer(t, t.org);
    const request = await createRequest(t, t.org, { customerId, documents: identityAndAddress });
    const token = gathererToken(request);
    const jwtId = decodeJwt(token).jti!;
    await t.deps.db.kysely
      .updateTable('customerJwts')
      .set({ expiredTime: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', jwtId)
      .execute();
    const res = await t.app.inject({
      method: 'GET',
      url: `/storefront/kyc-requests/${request.id}`,
      headers: bearer(token),
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().type).toBe('/problems/token-expired');
  });
});

describe('credit file', () => {
  it('fulfils the request at once for the sandbox first name "accept"', async () => {
    const customerId = await createCustomer(t, t.org, 'Accept');
    const request = await createRequest(t, t.org, {
      customerId,
      documents: [{ type: 'credit-file-proof', maxAttempts: 1 }, ...identityAndAddress],
    });
    expect(request.status).toBe('fulfilled');
    const full = await getRequest(t, t.org, request.id);
    expect(full._embedded.documents).toHaveLength(1);
    const credit = full._embedded.documents[0];
    expect(credit).toMatchObject({ documentType: 'credit-file-proof', status: 'accepted' });
    expect(credit.documentMatches.data).toMatchObject({
      creditBureau: 'test-bureau',
      decision: 'single-source',
    });
    expect(await eventTypes(t, t.org, credit.id)).toEqual(['kyc-document-created', 'kyc-document-accepted']);
    expect(await eventTypes(t, t.org, request.id)).toEqual(['kyc-request-fulfilled']);
  });

  it('rejects anyone else and leaves identity and address to the gatherer', async () => {
    const customerId = await createCustomer(t, t.org, 'Bob');
    const request = await createRequest(t, t.org, {
      customerId,
      documents: [{ type: 'credit-file-proof', maxAttempts: 1 }, ...identityAndAddress],
    });
    expect(request.status).toBe('attempted');
    const token = gathererToken(request);
    const id = await provide(t, token, 'identity-proof');
    const address = await provide(t, token, 'address-proof');
    await act(t, t.org, id.id, 'acceptance');
    await act(t, t.org, address.id, 'acceptance');
    expect((await getRequest(t, t.org, request.id)).status).toBe('fulfilled');
  });
});
