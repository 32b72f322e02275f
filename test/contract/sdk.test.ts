/**
 * Contract: the official rebilly-js-sdk, unchanged, against a listening kycgate (spec §11–§12). Every
 * client gets a fresh `urls` object: the SDK mutates its shared default.
 */
import type { IncomingMessage } from 'node:http';
import * as sdk from 'rebilly-js-sdk';
import RebillyApiDefault, { RebillyErrors, RebillyStorefrontAPI } from 'rebilly-js-sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';

// The ESM build exports RebillyAPI by name (and as the default); the bundled types only declare the default.
const { RebillyAPI } = sdk as unknown as { RebillyAPI: typeof RebillyApiDefault };

let t: TestApp;
let base: string;
/** `METHOD /path?query` of every request the server received, in order. */
let seen: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  base = await t.listen();
  t.app.server.on('request', (req: IncomingMessage) => seen.push(`${req.method} ${req.url}`));
});
afterAll(async () => t.close());
beforeEach(() => {
  seen = [];
});

const urls = () => ({ live: base, sandbox: base });
const TIMEOUT_MS = 6000;
/** A core client; `organizationId: null` leaves it out (bare paths). */
const core = (organizationId: string | null = t.org.id, apiKey = t.org.secretKey) =>
  RebillyAPI({
    apiKey,
    organizationId: organizationId ?? undefined,
    urls: urls(),
    sandbox: true,
    timeout: TIMEOUT_MS,
  });
const storefront = (jwt: string, organizationId: string | null = t.org.id) =>
  RebillyStorefrontAPI({
    jwt,
    organizationId: organizationId ?? undefined,
    urls: urls(),
    sandbox: true,
    timeout: TIMEOUT_MS,
  });
type Item = { fields: Record<string, unknown> };
/** The HTTP status a Member or Collection came with (present at runtime, absent from the SDK's types). */
const statusOf = (result: unknown) => (result as { response: { status: number } }).response.status;

/** Runs `call`, expecting it to reject with an SDK error; returns the error. */
async function sdkError(
  call: () => Promise<unknown>,
): Promise<InstanceType<typeof RebillyErrors.RebillyError>> {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(RebillyErrors.RebillyError);
    return error as InstanceType<typeof RebillyErrors.RebillyError>;
  }
  throw new Error('the call did not fail');
}

const ada = {
  primaryAddress: {
    firstName: 'Ada',
    lastName: 'Lovelace',
    emails: [{ label: 'main', value: 'ada@example.com', primary: true }],
  },
};

describe('core API through RebillyAPI', () => {
  it('is exported by name and as the default', () => {
    expect(typeof RebillyAPI).toBe('function');
    expect(RebillyAPI).toBe(RebillyApiDefault);
  });

  it('creates, gets and updates customers', async () => {
    const api = core();
    const created = await api.customers.create({ data: ada });
    expect(statusOf(created)).toBe(201);
    expect(created.fields).toMatchObject({
      firstName: 'Ada',
      email: 'ada@example.com',
      organizationId: t.org.id,
    });
    expect(seen).toEqual([`POST /organizations/${t.org.id}/customers/`]);
    const id = created.fields.id as string;

    const got = await api.customers.get({ id });
    expect(got.fields).toEqual(created.fields);

    const updated = await api.customers.update({
      id,
      data: { primaryAddress: { firstName: 'Augusta', lastName: 'King' } },
    });
    expect(statusOf(updated)).toBe(200);
    expect(updated.fields).toMatchObject({ id, firstName: 'Augusta', revision: 2 });
    expect(seen.slice(1)).toEqual([
      `GET /organizations/${t.org.id}/customers/${id}`,
      `PUT /organizations/${t.org.id}/customers/${id}`,
    ]);
  });

  it('creates a customer with a chosen id: GET 404, then PUT 201', async () => {
    const api = core();
    const created = await api.customers.create({ id: 'sdk-chosen-1', data: ada });
    expect(statusOf(created)).toBe(201);
    expect(created.fields.id).toBe('sdk-chosen-1');
    expect(seen).toEqual([
      `GET /organizations/${t.org.id}/customers/sdk-chosen-1`,
      `PUT /organizations/${t.org.id}/customers/sdk-chosen-1`,
    ]);
  });

  it('lists customers with paging from headers, filter and sort', async () => {
    const org = await t.createOrg('sdk list');
    const api = core(org.id, org.secretKey);
    for (const firstName of ['Cleo', 'Bea', 'Abe', 'Dan']) {
      await api.customers.create({ data: { primaryAddress: { firstName, lastName: 'Sdk' } } });
    }
    seen = [];
    const page = await api.customers.getAll({
      limit: 2,
      offset: 1,
      filter: 'lastName:Sdk;firstName:!Dan',
      sort: ['firstName'],
    });
    expect(page.total).toBe(3);
    expect(page.limit).toBe(2);
    expect(page.offset).toBe(1);
    expect(page.items.map((item: Item) => item.fields.firstName)).toEqual(['Bea', 'Cleo']);
    expect(seen).toHaveLength(1);
    expect(decodeURIComponent(seen[0]!)).toBe(
      `GET /organizations/${org.id}/customers?limit=2&offset=1&filter=lastName:Sdk;firstName:!Dan&sort=firstName`,
    );
  });

  it('logs a customer in, verifies, exchanges and logs out a login token', async () => {
    const api = core();
    const customer = await api.customers.create({ data: ada });
    const customerId = customer.fields.id as string;
    const login = await api.customerAuthentication.login({ data: { mode: 'passwordless', customerId } });
    expect(statusOf(login)).toBe(201);
    const token = login.fields.token as string;
    expect(login.fields.customerId).toBe(customerId);

    const verified = await api.customerAuthentication.verify({ token });
    expect(verified.fields).toMatchObject({ customerId, token });

    const acl = [
      { scope: { organizationId: [t.org.id] }, permissions: ['StorefrontGetAccount', 'PostFile'] },
    ];
    const customClaims = {
      documents: ['identity-proof', 'address-proof'],
      redirectUrl: 'https://shop.example/',
    };
    const exchanged = await api.customerAuthentication.exchangeToken({ token, data: { acl, customClaims } });
    expect(statusOf(exchanged)).toBe(201);
    expect(exchanged.fields).toMatchObject({ type: 'customer', customerId, acl, customClaims });
    expect(exchanged.fields.token).toEqual(expect.any(String));

    const sf = storefront(exchanged.fields.token as string);
    const account = await sf.account.get();
    expect(account.fields).toMatchObject({ id: customerId, primaryAddress: { firstName: 'Ada' } });

    const other = await api.customerAuthentication.login({ data: { mode: 'passwordless', customerId } });
    const otherToken = other.fields.token as string;
    const out = await api.customerAuthentication.logout({ token: otherToken });
    expect(statusOf(out)).toBe(204);
    const gone = await sdkError(() => api.customerAuthentication.verify({ token: otherToken }));
    expect(gone).toBeInstanceOf(RebillyErrors.RebillyNotFoundError);
    expect(gone.status).toBe(404);
  });

  it('creates and lists API keys', async () => {
    const api = core();
    const created = await api.apiKeys.create({ data: { description: 'made by the SDK', type: 'secret' } });
    expect(statusOf(created)).toBe(201);
    expect(created.fields.secretKey).toMatch(/^sk_/);
    expect(seen).toEqual([`POST /organizations/${t.org.id}/api-keys/`]);
    const list = await api.apiKeys.getAll();
    expect(list.total).toBe(list.items.length);
    const listed = list.items.find((item: Item) => item.fields.id === created.fields.id);
    expect(listed?.fields).toMatchObject({ description: 'made by the SDK', secretKey: null });

    const withNewKey = core(t.org.id, created.fields.secretKey);
    const customers = await withNewKey.customers.getAll();
    expect(statusOf(customers)).toBe(200);
  });

  it('works without organizationId (bare paths, the key decides)', async () => {
    const api = core(null);
    const created = await api.customers.create({ data: ada });
    expect(created.fields.organizationId).toBe(t.org.id);
    const got = await api.customers.get({ id: created.fields.id as string });
    expect(got.fields.id).toBe(created.fields.id);
    expect(seen).toEqual(['POST /customers/', `GET /customers/${created.fields.id}`]);
  });
});

describe('storefront through RebillyStorefrontAPI', () => {
  let jwt: string;
  let customerId: string;
  beforeAll(async () => {
    const api = core();
    customerId = (await api.customers.create({ data: ada })).fields.id as string;
    const login = await api.customerAuthentication.login({ data: { mode: 'passwordless', customerId } });
    const exchanged = await api.customerAuthentication.exchangeToken({
      token: login.fields.token as string,
      data: { customClaims: { source: 'sdk' } },
    });
    jwt = exchanged.fields.token as string;
  });

  it('reads the account and the website under the organization prefix', async () => {
    const sf = storefront(jwt);
    const account = await sf.account.get();
    expect(account.fields.id).toBe(customerId);
    const website = await sf.websites.get({ id: t.org.websiteId });
    expect(website.fields).toMatchObject({ id: t.org.websiteId, name: expect.any(String) });
    expect(seen).toEqual([
      `GET /storefront/organizations/${t.org.id}/account`,
      `GET /storefront/organizations/${t.org.id}/websites/${t.org.websiteId}`,
    ]);
  });

  it('works without organizationId (bare /storefront paths)', async () => {
    const sf = storefront(jwt, null);
    const account = await sf.account.get();
    expect(account.fields.id).toBe(customerId);
    const website = await sf.websites.get({ id: t.org.websiteId });
    expect(website.fields.id).toBe(t.org.websiteId);
    expect(seen).toEqual(['GET /storefront/account', `GET /storefront/websites/${t.org.websiteId}`]);
  });

  it('logs out with a body-less POST, after which the token is refused', async () => {
    const api = core();
    const login = await api.customerAuthentication.login({ data: { mode: 'passwordless', customerId } });
    const exchanged = await api.customerAuthentication.exchangeToken({
      token: login.fields.token as string,
      data: {},
    });
    const sf = storefront(exchanged.fields.token as string);
    const out = await sf.authorization.logout();
    expect(statusOf(out)).toBe(204);
    const refused = await sdkError(() => sf.account.get());
    expect(refused).toBeInstanceOf(RebillyErrors.RebillyForbiddenError);
    expect(refused.status).toBe(401);
  });

  it('treats a storefront client built with only a publishable key (Bearer null) as unauthenticated', async () => {
    const sf = RebillyStorefrontAPI({
      publishableKey: t.org.publishableKey,
      organizationId: t.org.id,
      urls: urls(),
      sandbox: true,
      timeout: TIMEOUT_MS,
    });
    const error = await sdkError(() => sf.account.get());
    expect(error).toBeInstanceOf(RebillyErrors.RebillyForbiddenError);
    expect(error.status).toBe(401);
  });
});

describe('SDK error classes', () => {
  it('maps 401 to RebillyForbiddenError', async () => {
    const error = await sdkError(() => core(t.org.id, 'sk_sandbox_not_a_key').customers.getAll());
    expect(error).toBeInstanceOf(RebillyErrors.RebillyForbiddenError);
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/API key/);
  });

  it('maps 403 to RebillyRequestError with the status kept', async () => {
    const other = await t.createOrg('sdk forbidden');
    const error = await sdkError(() => core(other.id).customers.getAll());
    expect(error).toBeInstanceOf(RebillyErrors.RebillyRequestError);
    expect(error.status).toBe(403);
  });

  it('maps 404 to RebillyNotFoundError', async () => {
    const error = await sdkError(() => core().customers.get({ id: 'cus_missing' }));
    expect(error).toBeInstanceOf(RebillyErrors.RebillyNotFoundError);
    expect(error.status).toBe(404);
    expect(error.message).toBe('Customer not found');
  });

  it('maps 409 to RebillyConflictError, client-side and server-side', async () => {
    const api = core();
    await api.customers.create({ id: 'sdk-dup', data: ada });
    seen = [];
    const client = await sdkError(() => api.customers.create({ id: 'sdk-dup', data: ada }));
    expect(client).toBeInstanceOf(RebillyErrors.RebillyConflictError);
    expect(seen).toEqual([`GET /organizations/${t.org.id}/customers/sdk-dup`]);

    seen = [];
    const server = await sdkError(() => api.customers.create({ data: { ...ada, id: 'sdk-dup' } }));
    expect(server).toBeInstanceOf(RebillyErrors.RebillyConflictError);
    expect(server.status).toBe(409);
    expect(server.message).toContain('sdk-dup');
    expect(seen).toEqual([`POST /organizations/${t.org.id}/customers/`]);
  });

  it('maps 422 to RebillyValidationError with invalidFields and the detail as message', async () => {
    const error = await sdkError(() =>
      core().customers.create({ data: { primaryAddress: { firstName: 7, country: 'Britain' } } as never }),
    );
    expect(error).toBeInstanceOf(RebillyErrors.RebillyValidationError);
    expect(error.status).toBe(422);
    const body = (error.response as { data: { detail: string } }).data;
    expect(error.message).toBe(body.detail);
    expect(error.invalidFields).toEqual([
      { field: 'primaryAddress.firstName', message: expect.any(String) },
      { field: 'primaryAddress.country', message: expect.any(String) },
    ]);
  });
});
