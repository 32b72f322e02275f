/**
 * Contract: whole KYC lifecycles walked by the official rebilly-js-sdk, unchanged, against a listening
 * kycgate — the merchant's backend with a secret key (`RebillyAPI`), the gatherer page with the link's
 * customer token (`RebillyStorefrontAPI`, plus core `files.upload` after `setSessionToken`), as in spec
 * §4–§6, §10 and §11. No analyzer is registered, so identity and address proofs wait for a person.
 * Every client gets a fresh `urls` object: the SDK mutates its shared default (spec §11.2).
 */
import { decodeJwt } from 'jose';
import RebillyAPI, { RebillyErrors, RebillyStorefrontAPI } from 'rebilly-js-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { png } from '../helpers/files.ts';

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await createTestApp();
  base = await t.listen();
});
afterAll(async () => t.close());

const TIMEOUT_MS = 6000;
const urls = () => ({ live: base, sandbox: base });

/** The merchant's backend: a secret key. */
const merchant = () =>
  RebillyAPI({
    apiKey: t.org.secretKey,
    organizationId: t.org.id,
    urls: urls(),
    sandbox: true,
    timeout: TIMEOUT_MS,
  });

/** The gatherer page: the customer token of the link. */
const gatherer = (jwt: string) =>
  RebillyStorefrontAPI({ jwt, organizationId: t.org.id, urls: urls(), sandbox: true, timeout: TIMEOUT_MS });

type Fields = Record<string, any>;
type Link = { rel: string; href: string };
type SdkError = InstanceType<typeof RebillyErrors.RebillyError>;

/** The HTTP status a Member came with (present at runtime, absent from the SDK's types). */
const statusOf = (result: unknown) => (result as { response: { status: number } }).response.status;

/** Runs `call`, expecting it to reject with an SDK error; returns the error. */
async function sdkError(call: () => Promise<unknown>): Promise<SdkError> {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(RebillyErrors.RebillyError);
    return error as SdkError;
  }
  throw new Error('the call did not fail');
}

/** The problem JSON the server answered with. */
const problemOf = (error: SdkError) => (error.response as { data: { type: string; detail?: string } }).data;

const identityAndAddress = [{ type: 'identity-proof' }, { type: 'address-proof' }];
const REDIRECT_URL = 'https://shop.example/kyc-done';

async function createCustomer(firstName = 'Ada'): Promise<string> {
  const created = await merchant().customers.create({
    data: {
      websiteId: t.org.websiteId,
      primaryAddress: { firstName, lastName: 'Lovelace', dob: '1990-12-10' },
    },
  });
  expect(statusOf(created)).toBe(201);
  return created.fields.id as string;
}

/** The gatherer link (both rels carry it) and the token in it. */
function linkOf(request: Fields): { href: string; token: string } {
  const links = request._links as Link[];
  const gathererLink = links.find((l) => l.rel === 'gatherer');
  const kycGatherer = links.find((l) => l.rel === 'kycGatherer');
  expect(gathererLink).toBeDefined();
  expect(kycGatherer?.href).toBe(gathererLink!.href);
  const url = new URL(gathererLink!.href);
  expect(`${url.origin}${url.pathname}`).toBe('http://kycgate.test/gatherer/');
  return { href: gathererLink!.href, token: url.searchParams.get('token')! };
}

/** The merchant asks for documents; returns the created request and its gatherer token. */
async function requestKyc(customerId: string, documents: object[] = identityAndAddress) {
  const created = await merchant().kycRequests.create({
    data: { customerId, documents, redirectUrl: REDIRECT_URL },
  });
  expect(statusOf(created)).toBe(201);
  const request = created.fields as Fields;
  return { request, token: linkOf(request).token };
}

/**
 * A core client the way the gatherer page holds one: no key, the link's customer token as session token
 * (`Authorization: Bearer`). There are no storefront file endpoints (spec §8.1).
 */
function browser(token: string) {
  const client = RebillyAPI({ organizationId: t.org.id, urls: urls(), sandbox: true, timeout: TIMEOUT_MS });
  client.setSessionToken(token);
  return client;
}

/** Uploads a PNG as a browser does: multipart `FormData` through the core `files.upload`, with the token. */
async function upload(token: string, tags: string[] = ['kyc', 'id-front']): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([await png(200, 120)], { type: 'image/png' }), 'document.png');
  for (const tag of tags) form.append('tags', tag);
  form.append('sourceType', 'camera');
  const file = await browser(token).files.upload({ fileObject: form });
  expect(statusOf(file)).toBe(201);
  expect(file.fields).toMatchObject({ name: 'document.png', tags, mime: 'image/png', sourceType: 'camera' });
  return file.fields.id as string;
}

/** The gatherer uploads a file and submits a document of `documentType` with it. */
async function provide(token: string, documentType: string): Promise<Fields> {
  const fileId = await upload(token, documentType === 'identity-proof' ? ['kyc', 'id-front'] : ['kyc']);
  const created = await gatherer(token).kycDocuments.create({ data: { documentType, fileIds: [fileId] } });
  expect(statusOf(created)).toBe(201);
  expect(created.fields).toMatchObject({ documentType, status: 'pending', fileIds: [fileId] });
  return created.fields as Fields;
}

const statusOfRequest = async (id: string) => (await merchant().kycRequests.get({ id })).fields.status;

/** The outbox, through the `GET /events` extension (no SDK method: plain fetch with the key). */
async function events(filter: string): Promise<Fields[]> {
  const res = await fetch(`${base}/events?filter=${encodeURIComponent(filter)}&limit=1000`, {
    headers: { 'REB-APIKEY': t.org.secretKey },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Fields[];
}

/** Backdates a request (and its gatherer token, which expires with it) as if its hour had passed. */
async function expire(requestId: string): Promise<void> {
  const past = new Date(Date.now() - 1000).toISOString();
  const row = await t.deps.db.kysely
    .updateTable('kycRequests')
    .set({ expirationTime: past })
    .where('id', '=', requestId)
    .returning('gathererJwtId')
    .executeTakeFirstOrThrow();
  await t.deps.db.kysely
    .updateTable('customerJwts')
    .set({ expiredTime: past })
    .where('id', '=', row.gathererJwtId!)
    .execute();
}

/**
 * The whole happy path with every merchant action along the way: the gatherer reads its request, the
 * account and the website, uploads and submits an identity proof, replaces its file; the merchant rejects
 * it, the gatherer tries again, the merchant claims, corrects, accepts and acknowledges it; then the
 * address proof. Returns the ids for the outbox check.
 */
async function walkToFulfilled(customerId: string) {
  const api = merchant();
  const { request, token } = await requestKyc(customerId);
  expect(request).toMatchObject({ customerId, status: 'gathering', redirectUrl: REDIRECT_URL, revision: 1 });
  expect(decodeJwt(token)).toMatchObject({ sub: customerId, kycRequestId: request.id });

  // The gatherer page opens.
  const sf = gatherer(token);
  const opened = await sf.kycRequests.get({ id: request.id, expand: 'documents' });
  expect(opened.fields).toMatchObject({
    id: request.id,
    status: 'gathering',
    redirectUrl: REDIRECT_URL,
    _embedded: { documents: [] },
  });
  expect(opened.fields.documents?.map((d) => d.type)).toEqual(['identity-proof', 'address-proof']);
  expect(opened.fields).not.toHaveProperty('customerId');
  // The storefront shape links only to itself: the link's token is not handed out again.
  expect((opened.fields._links as Link[]).map((l) => l.rel)).toEqual(['self']);
  const account = await sf.account.get();
  expect(account.fields).toMatchObject({ id: customerId, primaryAddress: { firstName: 'Ada' } });
  const website = await sf.websites.get({ id: t.org.websiteId });
  expect(website.fields.id).toBe(t.org.websiteId);

  // First identity proof: waits for a person; the customer swaps the picture meanwhile.
  const first = await provide(token, 'identity-proof');
  expect(first.requestId).toBe(request.id);
  expect(await statusOfRequest(request.id)).toBe('pending-review');
  const read = await sf.kycDocuments.get({ id: first.id });
  expect(read.fields).toMatchObject({ id: first.id, status: 'pending', documentType: 'identity-proof' });
  for (const internal of ['customerId', 'reviewerId', 'notes', 'tags', 'settings', 'parsedData']) {
    expect(read.fields).not.toHaveProperty(internal);
  }
  const retaken = await upload(token);
  const patched = await sf.kycDocuments.update({ id: first.id, data: { fileIds: [retaken] } });
  expect(statusOf(patched)).toBe(200);
  expect(patched.fields).toMatchObject({ id: first.id, fileIds: [retaken], status: 'pending' });

  // The merchant rejects it.
  const rejected = await api.kycDocuments.reject({
    id: first.id,
    data: { type: 'document-expired', message: 'The passport expired in 2020' },
  });
  expect(statusOf(rejected)).toBe(201);
  expect(rejected.fields).toMatchObject({
    status: 'rejected',
    rejectionReason: { type: 'document-expired', message: 'The passport expired in 2020' },
    reviewerId: expect.stringMatching(/^api_key_/),
  });
  expect(await statusOfRequest(request.id)).toBe('attempted');
  // The gatherer sees the reason, and can no longer change that document.
  expect((await sf.kycDocuments.get({ id: first.id })).fields.rejectionReason).toMatchObject({
    type: 'document-expired',
  });
  const locked = await sdkError(() => sf.kycDocuments.update({ id: first.id, data: { fileIds: [retaken] } }));
  expect(locked).toBeInstanceOf(RebillyErrors.RebillyValidationError);

  // Second identity proof: the merchant claims it, corrects the name read, releases, accepts, acknowledges.
  const second = await provide(token, 'identity-proof');
  expect(await statusOfRequest(request.id)).toBe('pending-review');
  const claimed = await api.kycDocuments.startReview({ id: second.id });
  expect(statusOf(claimed)).toBe(201);
  expect(claimed.fields.reviewStartTime).toEqual(expect.any(String));
  expect(claimed.fields.reviewerId).toMatch(/^api_key_/);
  const corrected = await api.kycDocuments.matches({
    id: second.id,
    data: { type: 'identity-proof', firstName: 'Ada', lastName: 'Lovelace' },
  });
  expect(statusOf(corrected)).toBe(204);
  const afterMatches = await api.kycDocuments.get({ id: second.id });
  expect(afterMatches.fields.documentMatches?.data).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace' });
  const released = await api.kycDocuments.stopReview({ id: second.id });
  expect(statusOf(released)).toBe(201);
  expect(released.fields).toMatchObject({ reviewStartTime: null, reviewerId: null });
  const accepted = await api.kycDocuments.accept({ id: second.id });
  expect(statusOf(accepted)).toBe(201);
  expect(accepted.fields).toMatchObject({ status: 'accepted', rejectionReason: null });
  expect(accepted.fields.reviewTime).toEqual(expect.any(String));
  expect(await statusOfRequest(request.id)).toBe('partial');
  const reviewed = await api.kycDocuments.review({ id: second.id });
  expect(statusOf(reviewed)).toBe(201);
  expect(reviewed.fields).toMatchObject({ status: 'accepted', reviewerId: accepted.fields.reviewerId });
  expect(await statusOfRequest(request.id)).toBe('partial');

  // The address proof completes the request.
  const address = await provide(token, 'address-proof');
  expect(await statusOfRequest(request.id)).toBe('partial');
  await api.kycDocuments.accept({ id: address.id });
  const done = await api.kycRequests.get({ id: request.id });
  expect(done.fields).toMatchObject({ id: request.id, status: 'fulfilled' });
  expect(done.fields.revision).toBeGreaterThan(request.revision);
  expect((await sf.kycRequests.get({ id: request.id })).fields.status).toBe('fulfilled');

  return { requestId: request.id as string, documentIds: [first.id, second.id, address.id] as string[] };
}

describe('KYC through rebilly-js-sdk', () => {
  it('walks gathering → pending-review → attempted → partial → fulfilled', async () => {
    const customerId = await createCustomer();
    const { requestId, documentIds } = await walkToFulfilled(customerId);

    // The merchant's view of the documents: filtered, sorted, expanded, counted.
    const list = await merchant().kycDocuments.getAll({
      filter: `requestId:${requestId}`,
      sort: ['-createdTime'],
      expand: 'customer,files',
    });
    expect(statusOf(list)).toBe(200);
    expect(list.total).toBe(3);
    const items = list.items.map((item) => item.fields as Fields);
    expect(items.map((d) => d.id).sort()).toEqual([...documentIds].sort());
    const times = items.map((d) => Date.parse(d.createdTime as string));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const byId = new Map(items.map((d) => [d.id as string, d]));
    expect(documentIds.map((id) => byId.get(id)!.status)).toEqual(['rejected', 'accepted', 'accepted']);
    for (const document of items) {
      expect(document._embedded.customer).toMatchObject({ id: customerId, firstName: 'Ada' });
      expect(document._embedded.files.map((f: Fields) => f.id)).toEqual(document.fileIds);
    }

    const customer = await merchant().customers.get({ id: customerId });
    expect(customer.fields.hasFulfilledKyc).toBe(true);
  });

  it('fails once the attempts are used up; the next storefront create is a RebillyValidationError', async () => {
    const api = merchant();
    const customerId = await createCustomer();
    const { request, token } = await requestKyc(customerId, [
      { type: 'identity-proof', maxAttempts: 2 },
      { type: 'address-proof' },
    ]);
    for (const reason of ['document-unreadable', 'document-expired']) {
      const document = await provide(token, 'identity-proof');
      await api.kycDocuments.reject({ id: document.id, data: { type: reason } });
    }
    expect(await statusOfRequest(request.id)).toBe('failed');

    const fileId = await upload(token);
    const refused = await sdkError(() =>
      gatherer(token).kycDocuments.create({ data: { documentType: 'identity-proof', fileIds: [fileId] } }),
    );
    expect(refused).toBeInstanceOf(RebillyErrors.RebillyValidationError);
    expect(refused.status).toBe(422);
    expect(refused.invalidFields).toEqual([{ field: 'documentType', message: expect.any(String) }]);
    // The address proof was never attempted, but the request is over.
    const addressFile = await upload(token, ['kyc']);
    const closed = await sdkError(() =>
      gatherer(token).kycDocuments.create({
        data: { documentType: 'address-proof', fileIds: [addressFile] },
      }),
    );
    expect(closed).toBeInstanceOf(RebillyErrors.RebillyValidationError);
    expect(closed.message).toMatch(/failed/);
    expect((await api.kycDocuments.getAll({ filter: `requestId:${request.id}` })).total).toBe(2);
  });

  it('expires a request without documents and abandons one with documents; the dead link is refused', async () => {
    const customerId = await createCustomer();
    const empty = await requestKyc(customerId);
    const started = await requestKyc(customerId, [{ type: 'address-proof' }]);
    const waiting = await provide(started.token, 'address-proof');
    expect(await statusOfRequest(started.request.id)).toBe('pending-review');

    await expire(empty.request.id);
    await expire(started.request.id);
    expect(await statusOfRequest(empty.request.id)).toBe('expired');
    expect(await statusOfRequest(started.request.id)).toBe('abandoned');
    const listed = await merchant().kycRequests.getAll({ filter: `customerId:${customerId}` });
    expect(Object.fromEntries(listed.items.map((i) => [i.fields.id, i.fields.status]))).toEqual({
      [empty.request.id]: 'expired',
      [started.request.id]: 'abandoned',
    });

    // 401 is RebillyForbiddenError in this SDK (spec §11.6).
    for (const { request, token } of [empty, started]) {
      const error = await sdkError(() => gatherer(token).kycRequests.get({ id: request.id }));
      expect(error).toBeInstanceOf(RebillyErrors.RebillyForbiddenError);
      expect(error.status).toBe(401);
      expect(problemOf(error).type).toBe('/problems/token-expired');
    }

    // Expiry is final: accepting the waiting document later does not fulfil the request, whether or not
    // the expiry sweep has run yet.
    const late = await merchant().kycDocuments.accept({ id: waiting.id });
    expect(late.fields.status).toBe('accepted');
    expect(await statusOfRequest(started.request.id)).toBe('abandoned');
    expect(await events(`resourceId:${started.request.id}`)).toEqual([]);
  });

  it('keeps the gatherer within what the request allows', async () => {
    const customerId = await createCustomer();
    const { request, token } = await requestKyc(customerId, [
      { type: 'identity-proof', subtypes: ['passport', 'id-card'] },
      { type: 'address-proof' },
    ]);
    const sf = gatherer(token);
    const fileId = await upload(token);
    const submit = (data: object) => sdkError(() => sf.kycDocuments.create({ data }));

    const wrongSubtype = await submit({
      documentType: 'identity-proof',
      documentSubtype: 'driver-license',
      fileIds: [fileId],
    });
    expect(wrongSubtype).toBeInstanceOf(RebillyErrors.RebillyValidationError);
    expect(wrongSubtype.invalidFields).toEqual([{ field: 'documentSubtype', message: expect.any(String) }]);
    const notAsked = await submit({ documentType: 'funds-proof', fileIds: [fileId] });
    expect(notAsked).toBeInstanceOf(RebillyErrors.RebillyValidationError);
    // The credit file is the API's alone (spec §4.7).
    const creditFile = await submit({ documentType: 'credit-file-proof', fileIds: [fileId] });
    expect(creditFile).toBeInstanceOf(RebillyErrors.RebillyValidationError);
    const untagged = await upload(token, ['kyc']);
    const missingSide = await submit({ documentType: 'identity-proof', fileIds: [untagged] });
    expect(missingSide.invalidFields).toEqual([{ field: 'fileIds.0', message: expect.any(String) }]);

    const created = await sf.kycDocuments.create({
      data: { documentType: 'identity-proof', documentSubtype: 'passport', fileIds: [fileId] },
    });
    expect(created.fields).toMatchObject({ documentSubtype: 'passport', requestId: request.id });
    // A change is held to the same rules as a creation.
    const patchedOut = await sdkError(() =>
      sf.kycDocuments.update({ id: created.fields.id, data: { documentSubtype: 'driver-license' } }),
    );
    expect(patchedOut).toBeInstanceOf(RebillyErrors.RebillyValidationError);
    expect(patchedOut.invalidFields).toEqual([{ field: 'documentSubtype', message: expect.any(String) }]);
    const untaggedPatch = await sdkError(() =>
      sf.kycDocuments.update({ id: created.fields.id, data: { fileIds: [untagged] } }),
    );
    expect(untaggedPatch).toBeInstanceOf(RebillyErrors.RebillyValidationError);
    const patched = await sf.kycDocuments.update({
      id: created.fields.id,
      data: { documentSubtype: 'id-card' },
    });
    expect(patched.fields).toMatchObject({ documentSubtype: 'id-card', fileIds: [fileId] });
    expect((await merchant().kycDocuments.get({ id: created.fields.id })).fields.documentSubtype).toBe(
      'id-card',
    );

    // The token reaches nothing of anyone else, and nothing of the organization beyond its ACL.
    const other = await requestKyc(await createCustomer('Grace'));
    const foreign = await sdkError(() => gatherer(other.token).kycDocuments.get({ id: created.fields.id }));
    expect(foreign).toBeInstanceOf(RebillyErrors.RebillyNotFoundError);
    const foreignFile = await sdkError(() =>
      gatherer(other.token).kycDocuments.create({
        data: { documentType: 'identity-proof', fileIds: [fileId] },
      }),
    );
    expect(foreignFile.invalidFields).toEqual([{ field: 'fileIds.0', message: expect.any(String) }]);
    const listing = await sdkError(() => browser(token).files.getAll());
    expect(listing).toBeInstanceOf(RebillyErrors.RebillyRequestError);
    expect(listing.status).toBe(403);
    const merchantCall = await sdkError(() => browser(token).kycRequests.get({ id: request.id }));
    expect(merchantCall.status).toBe(403);
  });

  it('fulfils a credit-file request at creation for the sandbox first name "accept"', async () => {
    const customerId = await createCustomer('accept');
    const { request, token } = await requestKyc(customerId, [
      { type: 'credit-file-proof', maxAttempts: 1 },
      ...identityAndAddress,
    ]);
    expect(request.status).toBe('fulfilled');
    const documents = await merchant().kycDocuments.getAll({ filter: `requestId:${request.id}` });
    expect(documents.total).toBe(1);
    expect(documents.items[0]!.fields).toMatchObject({
      documentType: 'credit-file-proof',
      status: 'accepted',
      documentMatches: { data: { decision: 'single-source' } },
    });
    // Nothing is left for the gatherer to collect.
    expect((await gatherer(token).kycRequests.get({ id: request.id })).fields.status).toBe('fulfilled');
    const fileId = await upload(token);
    const refused = await sdkError(() =>
      gatherer(token).kycDocuments.create({ data: { documentType: 'identity-proof', fileIds: [fileId] } }),
    );
    expect(refused).toBeInstanceOf(RebillyErrors.RebillyValidationError);
    expect((await merchant().customers.get({ id: customerId })).fields.hasFulfilledKyc).toBe(true);
  });

  it('rejects the credit file of anyone else and fulfils through the gatherer', async () => {
    const api = merchant();
    const customerId = await createCustomer('Bob');
    const { request, token } = await requestKyc(customerId, [
      { type: 'credit-file-proof', maxAttempts: 1 },
      ...identityAndAddress,
    ]);
    expect(request.status).toBe('attempted');
    const credit = await api.kycDocuments.getAll({
      filter: `requestId:${request.id};documentType:credit-file-proof`,
    });
    expect(credit.total).toBe(1);
    expect(credit.items[0]!.fields.status).toBe('rejected');

    const opened = await gatherer(token).kycRequests.get({ id: request.id, expand: 'documents' });
    expect(opened.fields.status).toBe('attempted');
    const identity = await provide(token, 'identity-proof');
    const address = await provide(token, 'address-proof');
    await api.kycDocuments.accept({ id: identity.id });
    expect(await statusOfRequest(request.id)).toBe('partial');
    await api.kycDocuments.accept({ id: address.id });
    expect(await statusOfRequest(request.id)).toBe('fulfilled');
  });

  it('reads and updates the KYC settings', async () => {
    const api = merchant();
    const before = await api.kycSettings.getKycSettings();
    expect(statusOf(before)).toBe(200);
    expect(before.fields).toMatchObject({
      identityProof: { weights: expect.any(Object), thresholds: expect.any(Object) },
      addressProof: { weights: expect.any(Object), thresholds: expect.any(Object) },
    });

    const saved = await api.kycSettings.updateKycSettings({
      data: {
        identityProof: {
          thresholds: { rejectBelow: 30, acceptAbove: 85 },
          minimumAgeSettings: {
            defaultMinimumAge: 19,
            locationOverrides: [{ country: 'US', minimumAge: 21 }],
          },
        },
        addressProof: { weights: { phone: 7 } },
        uiVersion: '2',
      },
    });
    expect(statusOf(saved)).toBe(200);
    const after = await api.kycSettings.getKycSettings();
    expect(after.fields).toEqual(saved.fields);
    expect(after.fields).toMatchObject({
      identityProof: {
        weights: before.fields.identityProof?.weights,
        thresholds: { rejectBelow: 30, acceptAbove: 85 },
        minimumAgeSettings: { defaultMinimumAge: 19, locationOverrides: [{ country: 'US', minimumAge: 21 }] },
      },
      addressProof: {
        weights: { ...before.fields.addressProof?.weights, phone: 7 },
        thresholds: before.fields.addressProof?.thresholds,
      },
      uiVersion: '2',
    });

    const invalid = await sdkError(() =>
      api.kycSettings.updateKycSettings({
        data: { addressProof: { thresholds: { rejectBelow: 90, acceptAbove: 10 } } },
      }),
    );
    expect(invalid).toBeInstanceOf(RebillyErrors.RebillyValidationError);
    expect((await api.kycSettings.getKycSettings()).fields).toEqual(after.fields);
  });

  it('moves the link with a PATCHed expiration time and revokes it on DELETE', async () => {
    const api = merchant();
    const customerId = await createCustomer();
    const { request, token } = await requestKyc(customerId);

    const expirationTime = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const patched = await api.kycRequests.update({ id: request.id, data: { expirationTime } });
    expect(statusOf(patched)).toBe(200);
    expect(Date.parse(patched.fields.expirationTime as string)).toBe(Date.parse(expirationTime));
    const moved = linkOf(patched.fields as Fields).token;
    expect(moved).not.toBe(token);
    expect(decodeJwt(moved).exp).toBe(Math.floor(Date.parse(expirationTime) / 1000));
    expect(linkOf((await api.kycRequests.get({ id: request.id })).fields as Fields).token).toBe(moved);
    expect((await gatherer(moved).kycRequests.get({ id: request.id })).fields.expirationTime).toBe(
      patched.fields.expirationTime,
    );
    const document = await provide(moved, 'address-proof');

    const deleted = await api.kycRequests.delete({ id: request.id });
    expect(statusOf(deleted)).toBe(204);
    for (const jwt of [token, moved]) {
      const refused = await sdkError(() => gatherer(jwt).kycRequests.get({ id: request.id }));
      expect(refused).toBeInstanceOf(RebillyErrors.RebillyForbiddenError);
      expect(refused.status).toBe(401);
    }
    const gone = await sdkError(() => api.kycRequests.get({ id: request.id }));
    expect(gone).toBeInstanceOf(RebillyErrors.RebillyNotFoundError);
    // The document stays, unlinked.
    const kept = await api.kycDocuments.get({ id: document.id });
    expect(kept.fields).toMatchObject({ id: document.id, requestId: null });
  });

  it('records the outbox of a full lifecycle in order, with increasing revisions per resource', async () => {
    const customerId = await createCustomer();
    const { requestId, documentIds } = await walkToFulfilled(customerId);
    const [first, second, address] = documentIds as [string, string, string];

    const outbox = await events(`customerId:${customerId}`);
    expect(outbox.map((e) => [e.eventType, e.resourceId])).toEqual([
      ['kyc-document-created', first],
      ['kyc-document-modified', first], // the gatherer's new file
      ['kyc-document-rejected', first],
      ['kyc-request-attempted', requestId],
      ['kyc-document-created', second],
      ['kyc-document-modified', second], // start-review
      ['kyc-document-modified', second], // matches
      ['kyc-document-modified', second], // stop-review
      ['kyc-document-accepted', second],
      ['kyc-request-partially-fulfilled', requestId],
      ['kyc-document-reviewed', second],
      ['kyc-document-created', address],
      ['kyc-document-accepted', address],
      ['kyc-request-fulfilled', requestId],
    ]);
    expect(new Set(outbox.map((e) => e.customerId))).toEqual(new Set([customerId]));

    const byResource = new Map<string, Fields[]>();
    for (const event of outbox)
      byResource.set(event.resourceId, [...(byResource.get(event.resourceId) ?? []), event]);
    for (const list of byResource.values()) {
      const revisions = list.map((e) => e.revision as number);
      for (let i = 1; i < revisions.length; i++) expect(revisions[i]).toBeGreaterThan(revisions[i - 1]!);
      // Each event carries the resource as it was at that revision.
      for (const event of list) expect(event.resource.revision).toBe(event.revision);
    }
    expect(byResource.get(requestId)!.map((e) => e.resource.status)).toEqual([
      'attempted',
      'partial',
      'fulfilled',
    ]);
    expect(byResource.get(first)!.map((e) => e.resource.status)).toEqual(['pending', 'pending', 'rejected']);
  });
});
