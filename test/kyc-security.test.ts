/**
 * Bad input and security around KYC (issue 3): tokens confined to their customer and request, files
 * confined to their owner and format, organizations walled off, read-only fields never applied.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, secret, type TestApp, type TestOrg } from './helpers/app.ts';
import { gif, pdf, png } from './helpers/files.ts';
import {
  createRequest,
  gathererToken,
  getRequest,
  provide,
  submitDocument,
  uploadWithToken,
} from './helpers/kyc.ts';
import { expectProblem } from './helpers/problem.ts';
import { createCustomer, customerJwt } from './helpers/tokens.ts';

let t: TestApp;
let orgB: TestOrg;
beforeAll(async () => {
  t = await createTestApp();
  orgB = await t.createOrg('Organization B');
});
afterAll(async () => t.close());

const both = [{ type: 'identity-proof' }, { type: 'address-proof' }];

async function upload(headers: Record<string, string>, bytes: Buffer, tags: string[], name = 'doc.png') {
  const res = await t.app.inject({
    method: 'POST',
    url: '/files',
    headers,
    payload: { file: bytes.toString('base64'), name, tags },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

async function countDocuments(org: TestOrg, customerId: string): Promise<number> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/kyc-documents?filter=customerId:${customerId}&limit=0`,
    headers: secret(org),
  });
  return Number(res.headers['pagination-total']);
}

/** A customer with an open request for identity and address, its gatherer token, and one document. */
async function gatherer(firstName = 'Ada') {
  const customerId = await createCustomer(t, t.org, firstName);
  const request = await createRequest(t, t.org, { customerId, documents: both });
  const token = gathererToken(request);
  return { customerId, request, token };
}

describe('gatherer tokens', () => {
  it('cannot read another customer’s request or document (404)', async () => {
    const alice = await gatherer('Alice');
    const bob = await gatherer('Bob');
    const bobDoc = await provide(t, bob.token, 'address-proof');
    for (const url of [
      `/storefront/kyc-requests/${bob.request.id}`,
      `/storefront/kyc-documents/${bobDoc.id}`,
      `/storefront/organizations/${t.org.id}/kyc-documents/${bobDoc.id}`,
    ]) {
      expectProblem(await t.app.inject({ method: 'GET', url, headers: bearer(alice.token) }), 404);
    }
    const list = await t.app.inject({
      method: 'GET',
      url: '/storefront/kyc-documents',
      headers: bearer(alice.token),
    });
    expect(list.json()).toEqual([]);
  });

  it('cannot create a document type the request did not ask for (422)', async () => {
    const customerId = await createCustomer(t, t.org);
    const request = await createRequest(t, t.org, { customerId, documents: [{ type: 'address-proof' }] });
    const token = gathererToken(request);
    const fileId = await uploadWithToken(t, token, ['kyc']);
    const res = await submitDocument(t, token, 'funds-proof', [fileId]);
    expect(expectProblem(res, 422).invalidFields).toEqual([
      expect.objectContaining({ field: 'documentType' }),
    ]);
    // Credit files never come through the storefront.
    expectProblem(await submitDocument(t, token, 'credit-file-proof', [fileId]), 422);
    expect(await countDocuments(t.org, customerId)).toBe(0);
  });

  it('cannot create documents once the request expired: 422, or 401 token-expired with the token', async () => {
    const { customerId, request, token } = await gatherer();
    const fileId = await uploadWithToken(t, token, ['kyc']);
    const past = new Date(Date.now() - 1000).toISOString();
    await t.deps.db.kysely
      .updateTable('kycRequests')
      .set({ expirationTime: past })
      .where('id', '=', request.id)
      .execute();
    const refused = await submitDocument(t, token, 'address-proof', [fileId]);
    expect(expectProblem(refused, 422).detail).toContain('expired');
    // Once the token expires with it (as it does for real), the gatherer gets 401 token-expired.
    await t.deps.db.kysely
      .updateTable('customerJwts')
      .set({ expiredTime: past })
      .where('id', '=', decodeJwt(token).jti!)
      .execute();
    const expired = await submitDocument(t, token, 'address-proof', [fileId]);
    expect(expectProblem(expired, 401).type).toBe('/problems/token-expired');
    expect(await countDocuments(t.org, customerId)).toBe(0);
  });

  it('cannot use another customer’s files, nor files the organization uploaded (422)', async () => {
    const alice = await gatherer('Alice');
    const bob = await gatherer('Bob');
    const bobsFile = await uploadWithToken(t, bob.token, ['kyc', 'id-front']);
    const orgsFile = await upload(secret(t.org), await png(), ['kyc', 'id-front']);
    for (const fileId of [bobsFile, orgsFile, 'file_does_not_exist']) {
      const res = await submitDocument(t, alice.token, 'identity-proof', [fileId]);
      expect(expectProblem(res, 422).invalidFields).toEqual([
        expect.objectContaining({ field: 'fileIds.0' }),
      ]);
    }
    // Mixed with one of her own, still refused.
    const own = await uploadWithToken(t, alice.token, ['kyc', 'id-front']);
    expectProblem(await submitDocument(t, alice.token, 'identity-proof', [own, bobsFile]), 422);
    expect(await countDocuments(t.org, alice.customerId)).toBe(0);
    // Bob's own file works for Bob.
    const bobsDoc = await submitDocument(t, bob.token, 'identity-proof', [bobsFile]);
    expect(bobsDoc.statusCode).toBe(201);
    // Nor can files be swapped in later: a PATCH with Alice's file, or an untagged one, is refused.
    const untagged = await uploadWithToken(t, bob.token, ['kyc']);
    for (const fileId of [own, untagged, orgsFile]) {
      const res = await t.app.inject({
        method: 'PATCH',
        url: `/storefront/kyc-documents/${bobsDoc.json().id}`,
        headers: bearer(bob.token),
        payload: { fileIds: [fileId] },
      });
      expect(expectProblem(res, 422).invalidFields).toEqual([
        expect.objectContaining({ field: 'fileIds.0' }),
      ]);
    }
    const stored = await t.app.inject({
      method: 'GET',
      url: `/storefront/kyc-documents/${bobsDoc.json().id}`,
      headers: bearer(bob.token),
    });
    expect(stored.json().fileIds).toEqual([bobsFile]);
  });

  it('refuses identity files without kyc + a side tag, a face proof alone, and GIFs (422)', async () => {
    const { customerId, token } = await gatherer();
    const cases: [string[], () => Buffer | Promise<Buffer>, string][] = [
      [['kyc'], () => png(), 'no side tag'],
      [['id-front'], () => png(), 'no kyc tag'],
      [['kyc', 'selfie'], () => png(), 'unknown side'],
      [['kyc', 'face-proof'], () => png(), 'a selfie but no document'],
      [['kyc', 'id-front'], () => gif(), 'a GIF'],
    ];
    for (const [tags, bytes, why] of cases) {
      const headers = bearer(token);
      const fileId = await upload(headers, await bytes(), tags, why.includes('GIF') ? 'doc.gif' : 'doc.png');
      const res = await submitDocument(t, token, 'identity-proof', [fileId]);
      expect(res.statusCode, why).toBe(422);
      expect(res.json().invalidFields[0].field, why).toMatch(/^fileIds/);
    }
    expect(await countDocuments(t.org, customerId)).toBe(0);
    // PNG and PDF fronts, with a selfie, are fine.
    const front = await upload(bearer(token), pdf(), ['kyc', 'id-front'], 'id.pdf');
    const selfie = await upload(bearer(token), await png(), ['kyc', 'face-proof']);
    const ok = await submitDocument(t, token, 'identity-proof', [front, selfie]);
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('refuses on the organization API another customer’s file, one uploaded for them, or another organization’s', async () => {
    const alice = await gatherer('Alice');
    const bob = await gatherer('Bob');
    const bobsFile = await uploadWithToken(t, bob.token, ['kyc']);
    const orgBFile = await upload(secret(orgB), await png(), ['kyc']);
    // Uploaded by the organization and attached to Bob: uploaded for someone else.
    const forBob = await upload(secret(t.org), await png(), ['kyc']);
    const attached = await t.app.inject({
      method: 'POST',
      url: '/attachments',
      headers: secret(t.org),
      payload: { fileId: forBob, relatedType: 'customer', relatedId: bob.customerId },
    });
    expect(attached.statusCode).toBe(201);
    for (const fileId of [bobsFile, orgBFile, forBob]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/kyc-documents',
        headers: secret(t.org),
        payload: { customerId: alice.customerId, documentType: 'address-proof', fileIds: [fileId] },
      });
      expect(expectProblem(res, 422).invalidFields).toEqual([
        expect.objectContaining({ field: 'fileIds.0' }),
      ]);
    }
    expect(await countDocuments(t.org, alice.customerId)).toBe(0);
    // The organization's file attached to Bob, and Bob's own, do serve Bob.
    for (const fileId of [forBob, bobsFile]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/kyc-documents',
        headers: secret(t.org),
        payload: { customerId: bob.customerId, documentType: 'funds-proof', fileIds: [fileId] },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
});

describe('organizations', () => {
  it('answers 404 to B for A’s KYC ids, and 403 on A’s prefix', async () => {
    const { request, token } = await gatherer();
    const doc = await provide(t, token, 'address-proof');
    const reads = [`kyc-requests/${request.id}`, `kyc-documents/${doc.id}`];
    for (const path of reads) {
      for (const url of [`/${path}`, `/organizations/${orgB.id}/${path}`]) {
        expectProblem(await t.app.inject({ method: 'GET', url, headers: secret(orgB) }), 404);
      }
      expect(
        expectProblem(
          await t.app.inject({
            method: 'GET',
            url: `/organizations/${t.org.id}/${path}`,
            headers: secret(orgB),
          }),
          403,
        ).detail,
      ).toContain(t.org.id);
    }
    const writes: { method: 'POST' | 'PATCH' | 'DELETE' | 'PUT'; path: string; payload?: object }[] = [
      { method: 'PATCH', path: `kyc-requests/${request.id}`, payload: { reason: 'hijacked' } },
      { method: 'DELETE', path: `kyc-requests/${request.id}` },
      { method: 'POST', path: `kyc-documents/${doc.id}/acceptance` },
      { method: 'POST', path: `kyc-documents/${doc.id}/review` },
      { method: 'POST', path: `kyc-documents/${doc.id}/start-review` },
      { method: 'POST', path: `kyc-documents/${doc.id}/rejection`, payload: { type: 'other' } },
      {
        method: 'POST',
        path: `kyc-documents/${doc.id}/matches`,
        payload: { type: 'address-proof', city: 'X' },
      },
    ];
    for (const { method, path, payload } of writes) {
      const headers = payload
        ? secret(orgB)
        : { ...secret(orgB), 'content-type': 'application/x-www-form-urlencoded' };
      const body = payload ?? '';
      expectProblem(await t.app.inject({ method, url: `/${path}`, headers, payload: body }), 404);
      expectProblem(
        await t.app.inject({ method, url: `/organizations/${t.org.id}/${path}`, headers, payload: body }),
        403,
      );
    }
    // B's lists show none of A's rows.
    for (const path of ['kyc-requests', 'kyc-documents', 'events']) {
      const res = await t.app.inject({ method: 'GET', url: `/${path}`, headers: secret(orgB) });
      expect(res.statusCode).toBe(200);
      expect(res.json(), path).toEqual([]);
    }
    // A's request and document are untouched.
    const after = await getRequest(t, t.org, request.id);
    expect(after).toMatchObject({ reason: null, status: 'pending-review' });
    expect(after._embedded.documents[0]).toMatchObject({
      status: 'pending',
      reviewerId: null,
      documentMatches: null,
    });
  });

  it('does not let B create a document for A’s customer', async () => {
    const customerId = await createCustomer(t, t.org);
    const fileId = await upload(secret(orgB), await png(), ['kyc']);
    const res = await t.app.inject({
      method: 'POST',
      url: '/kyc-documents',
      headers: secret(orgB),
      payload: { customerId, documentType: 'address-proof', fileIds: [fileId] },
    });
    expectProblem(res, 422);
    expect(await countDocuments(t.org, customerId)).toBe(0);
  });
});

describe('read-only fields', () => {
  it('ignores status, customerId and revision in a request PATCH', async () => {
    const { request } = await gatherer();
    const other = await createCustomer(t, t.org);
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/kyc-requests/${request.id}`,
      headers: secret(t.org),
      payload: {
        status: 'fulfilled',
        customerId: other,
        revision: 99,
        id: 'kyc_req_other',
        createdTime: '2000-01-01T00:00:00Z',
        reason: 'updated',
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      id: request.id,
      status: 'gathering',
      customerId: request.customerId,
      revision: request.revision + 1,
      createdTime: request.createdTime,
      reason: 'updated',
    });
    const stored = await getRequest(t, t.org, request.id);
    expect(stored).toMatchObject({ status: 'gathering', customerId: request.customerId, revision: 2 });
    const events = await t.app.inject({
      method: 'GET',
      url: `/events?filter=resourceId:${request.id}`,
      headers: secret(t.org),
    });
    expect(events.json()).toEqual([]);
  });
});

describe('customer JWT from a plain token exchange', () => {
  it('creates documents for its own open request, and never sees another customer’s', async () => {
    const customerId = await createCustomer(t, t.org, 'Carol');
    const request = await createRequest(t, t.org, { customerId, documents: both });
    const { token } = await customerJwt(t, t.org, customerId);
    expect(decodeJwt(token)).not.toHaveProperty('kycRequestId');

    const doc = await provide(t, token, 'address-proof');
    expect(doc.requestId).toBe(request.id);
    expect((await getRequest(t, t.org, request.id)).status).toBe('pending-review');
    // The request is readable with it (the customer's own).
    const own = await t.app.inject({
      method: 'GET',
      url: `/storefront/kyc-requests/${request.id}`,
      headers: bearer(token),
    });
    expect(own.statusCode).toBe(200);

    // Another customer's request and document stay out of reach.
    const dave = await gatherer('Dave');
    const daveDoc = await provide(t, dave.token, 'address-proof');
    for (const url of [
      `/storefront/kyc-requests/${dave.request.id}`,
      `/storefront/kyc-documents/${daveDoc.id}`,
    ]) {
      expectProblem(await t.app.inject({ method: 'GET', url, headers: bearer(token) }), 404);
    }
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/storefront/kyc-documents/${daveDoc.id}`,
      headers: bearer(token),
      payload: { documentSubtype: 'utility-bill' },
    });
    expectProblem(patch, 404);
    const list = await t.app.inject({
      method: 'GET',
      url: '/storefront/kyc-documents',
      headers: bearer(token),
    });
    expect(list.json().map((d: { id: string }) => d.id)).toEqual([doc.id]);
    // Its files cannot be used for Dave either: Dave's token refuses them.
    const carolsFile = doc.fileIds[0];
    expectProblem(await submitDocument(t, dave.token, 'address-proof', [carolsFile]), 422);
  });

  it('without an open request asking for the type, creates a standalone document', async () => {
    const customerId = await createCustomer(t, t.org);
    await createRequest(t, t.org, { customerId, documents: [{ type: 'address-proof' }] });
    const { token } = await customerJwt(t, t.org, customerId);
    const doc = await provide(t, token, 'funds-proof');
    expect(doc.requestId).toBeNull();
  });
});
