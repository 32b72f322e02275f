import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, secret, type TestApp, type TestOrg } from './helpers/app.ts';
import { customerToken, png } from './helpers/files.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

async function newFile(org: TestOrg, name = 'doc.png'): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/files',
    headers: secret(org),
    payload: { file: (await png()).toString('base64'), name },
  });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}

describe('attachments', () => {
  it('creates with a trailing slash, 201, Location, links and the file name as default name', async () => {
    const fileId = await newFile(t.org, 'passport.png');
    const res = await t.app.inject({
      method: 'POST',
      url: `/organizations/${t.org.id}/attachments/`,
      headers: secret(t.org),
      payload: { fileId, relatedType: 'customer', relatedId: 'cus_1', description: 'ID' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.id).toMatch(/^att_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(res.headers.location).toBe(`http://kycgate.test/organizations/${t.org.id}/attachments/${body.id}`);
    expect(body).toMatchObject({
      fileId,
      relatedType: 'customer',
      relatedId: 'cus_1',
      name: 'passport.png',
      description: 'ID',
    });
    expect(body._links).toEqual([
      { rel: 'self', href: `http://kycgate.test/organizations/${t.org.id}/attachments/${body.id}` },
      { rel: 'file', href: `http://kycgate.test/organizations/${t.org.id}/files/${fileId}` },
    ]);
    expect(body).not.toHaveProperty('_embedded');
    const got = await t.app.inject({ method: 'GET', url: `/attachments/${body.id}`, headers: secret(t.org) });
    expect(got.json()).toEqual(body);
  });

  it('embeds the file with expand=file', async () => {
    const fileId = await newFile(t.org);
    const res = await t.app.inject({
      method: 'POST',
      url: '/attachments?expand=file',
      headers: secret(t.org),
      payload: { fileId, relatedType: 'invoice', relatedId: 'in_1', name: 'Invoice scan' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()._embedded.file).toMatchObject({ id: fileId, mime: 'image/png' });
    expect(res.json()._embedded.file).not.toHaveProperty('storageKey');
    const get = await t.app.inject({
      method: 'GET',
      url: `/attachments/${res.json().id}?expand=file`,
      headers: secret(t.org),
    });
    expect(get.json()._embedded.file.id).toBe(fileId);
    const bad = await t.app.inject({
      method: 'GET',
      url: `/attachments/${res.json().id}?expand=customer`,
      headers: secret(t.org),
    });
    expect(bad.statusCode).toBe(422);
  });

  it('answers 422 for a missing file, an unknown related type and missing fields', async () => {
    const other = await t.createOrg('other');
    const foreignFile = await newFile(other);
    const missing = await t.app.inject({
      method: 'POST',
      url: '/attachments',
      headers: secret(t.org),
      payload: { fileId: foreignFile, relatedType: 'customer', relatedId: 'cus_1' },
    });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().invalidFields).toEqual([
      { field: 'fileId', message: `file ${foreignFile} does not exist` },
    ]);

    const fileId = await newFile(t.org);
    const badType = await t.app.inject({
      method: 'POST',
      url: '/attachments',
      headers: secret(t.org),
      payload: { fileId, relatedType: 'kyc-document', relatedId: 'x' },
    });
    expect(badType.statusCode).toBe(422);
    expect(badType.json().invalidFields[0].field).toBe('relatedType');

    const empty = await t.app.inject({
      method: 'POST',
      url: '/attachments',
      headers: secret(t.org),
      payload: {},
    });
    expect(empty.statusCode).toBe(422);
    expect(
      empty
        .json()
        .invalidFields.map((f: { field: string }) => f.field)
        .sort(),
    ).toEqual(['fileId', 'relatedId', 'relatedType']);
  });

  it('upserts by PUT: 201 created, 200 replaced; 409 when POST names an existing id', async () => {
    const fileId = await newFile(t.org, 'a.png');
    const url = '/attachments/my-attachment.1';
    const created = await t.app.inject({
      method: 'PUT',
      url,
      headers: secret(t.org),
      payload: { fileId, relatedType: 'customer', relatedId: 'cus_1' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ id: 'my-attachment.1', name: 'a.png' });
    expect(created.headers.location).toMatch(/\/attachments\/my-attachment\.1$/);

    const otherFile = await newFile(t.org, 'b.png');
    const updated = await t.app.inject({
      method: 'PUT',
      url,
      headers: secret(t.org),
      payload: { fileId: otherFile, relatedType: 'payment', relatedId: 'pay_1', name: 'Receipt' },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({
      id: 'my-attachment.1',
      fileId: otherFile,
      relatedType: 'payment',
      relatedId: 'pay_1',
      name: 'Receipt',
      description: null,
      createdTime: created.json().createdTime,
    });

    const mismatch = await t.app.inject({
      method: 'PUT',
      url,
      headers: secret(t.org),
      payload: { id: 'another', fileId, relatedType: 'customer', relatedId: 'cus_1' },
    });
    expect(mismatch.statusCode).toBe(422);

    const duplicate = await t.app.inject({
      method: 'POST',
      url: '/attachments',
      headers: secret(t.org),
      payload: { id: 'my-attachment.1', fileId, relatedType: 'customer', relatedId: 'cus_1' },
    });
    expect(duplicate.statusCode).toBe(409);
  });

  it('lists with filters by fileId, relatedType and relatedId, search, sort and paging', async () => {
    const org = await t.createOrg('list org');
    const fileA = await newFile(org, 'a.png');
    const fileB = await newFile(org, 'b.png');
    for (const [fileId, relatedType, relatedId, name] of [
      [fileA, 'customer', 'cus_1', 'Passport'],
      [fileA, 'customer', 'cus_2', 'Passport copy'],
      [fileB, 'dispute', 'dis_1', 'Evidence'],
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/attachments',
        headers: secret(org),
        payload: { fileId, relatedType, relatedId, name },
      });
      expect(res.statusCode).toBe(201);
    }
    const names = (res: { json(): unknown }) => (res.json() as { name: string }[]).map((a) => a.name);
    const get = (query: string) =>
      t.app.inject({ method: 'GET', url: `/attachments?${query}`, headers: secret(org) });

    expect(names(await get(`filter=fileId:${fileA}&sort=name`))).toEqual(['Passport', 'Passport copy']);
    expect(names(await get('filter=relatedType:dispute'))).toEqual(['Evidence']);
    expect(names(await get('filter=relatedType:customer;relatedId:cus_2'))).toEqual(['Passport copy']);
    expect(names(await get('q=COPY'))).toEqual(['Passport copy']);
    const page = await get('sort=-name&limit=1&offset=1');
    expect(page.headers['pagination-total']).toBe('3');
    // Descending: Passport copy, Passport, Evidence.
    expect(names(page)).toEqual(['Passport']);
    const expanded = await get(`filter=fileId:${fileB}&expand=file`);
    expect(expanded.json()[0]._embedded.file.name).toBe('b.png');
    expect((await get('filter=relatedType:kyc')).statusCode).toBe(422);
    expect((await get('sort=organizationId')).statusCode).toBe(422);
  });

  it('deletes: 204, then 404', async () => {
    const fileId = await newFile(t.org);
    const created = await t.app.inject({
      method: 'POST',
      url: '/attachments',
      headers: secret(t.org),
      payload: { fileId, relatedType: 'plan', relatedId: 'plan_1' },
    });
    const url = `/attachments/${created.json().id}`;
    expect((await t.app.inject({ method: 'DELETE', url, headers: secret(t.org) })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url, headers: secret(t.org) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url, headers: secret(t.org) })).statusCode).toBe(404);
    // The file stays.
    const file = await t.app.inject({ method: 'GET', url: `/files/${fileId}`, headers: secret(t.org) });
    expect(file.statusCode).toBe(200);
  });

  it('is for secret keys of the same organization only', async () => {
    const fileId = await newFile(t.org);
    const created = await t.app.inject({
      method: 'POST',
      url: '/attachments',
      headers: secret(t.org),
      payload: { fileId, relatedType: 'customer', relatedId: 'cus_1' },
    });
    const id = created.json().id as string;
    const other = await t.createOrg('stranger');
    expect(
      (await t.app.inject({ method: 'GET', url: `/attachments/${id}`, headers: secret(other) })).statusCode,
    ).toBe(404);
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/attachments/${id}`, headers: secret(other) }))
        .statusCode,
    ).toBe(404);
    const customer = await customerToken(t, t.org);
    for (const [method, url] of [
      ['GET', '/attachments'],
      ['GET', `/attachments/${id}`],
      ['DELETE', `/attachments/${id}`],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: bearer(customer.token) });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
    const publishable = await t.app.inject({
      method: 'POST',
      url: '/attachments',
      headers: { authorization: t.org.publishableKey },
      payload: { fileId, relatedType: 'customer', relatedId: 'cus_1' },
    });
    expect(publishable.statusCode).toBe(403);
    const still = await t.app.inject({ method: 'GET', url: `/attachments/${id}`, headers: secret(t.org) });
    expect(still.statusCode).toBe(200);
  });
});
