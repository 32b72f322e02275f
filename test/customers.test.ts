import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, secret, type TestApp } from './helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const ada = {
  primaryAddress: {
    firstName: 'Ada',
    lastName: 'Lovelace',
    dob: '1990-12-10',
    country: 'GB',
    emails: [
      { label: 'work', value: 'ada@work.example' },
      { label: 'home', value: 'ada@home.example', primary: true },
    ],
  },
};

describe('customers', () => {
  it('creates a customer with derived names and email, 201 and Location', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/organizations/${t.org.id}/customers/`,
      headers: secret(t.org),
      payload: ada,
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.id).toMatch(/^cus_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(body).toMatchObject({
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@home.example',
      revision: 1,
    });
    expect(body.primaryAddress.hash).toMatch(/^[0-9a-f]{40}$/);
    expect(res.headers.location).toBe(`http://kycgate.test/organizations/${t.org.id}/customers/${body.id}`);
    const got = await t.app.inject({ method: 'GET', url: `/customers/${body.id}`, headers: secret(t.org) });
    expect(got.json()).toEqual(body);
  });

  it('upserts by PUT: 201 on create, 200 and a new revision on update', async () => {
    const url = `/organizations/${t.org.id}/customers/my-own.id@1`;
    const created = await t.app.inject({ method: 'PUT', url, headers: secret(t.org), payload: ada });
    expect(created.statusCode).toBe(201);
    expect(created.json().id).toBe('my-own.id@1');
    const updated = await t.app.inject({
      method: 'PUT',
      url,
      headers: secret(t.org),
      payload: { primaryAddress: { firstName: 'Augusta', lastName: 'King' } },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({
      firstName: 'Augusta',
      lastName: 'King',
      email: null,
      revision: 2,
    });
    expect(updated.json().createdTime).toBe(created.json().createdTime);
  });

  it('rejects an id that breaks the pattern or is too long', async () => {
    for (const id of ['bad$id', 'x'.repeat(51)]) {
      const res = await t.app.inject({
        method: 'PUT',
        url: `/customers/${id}`,
        headers: secret(t.org),
        payload: ada,
      });
      expect(res.statusCode).toBe(422);
      expect(res.json().invalidFields[0].field).toBe('id');
    }
  });

  it('answers 409 when POST names an id that exists', async () => {
    const first = await t.app.inject({
      method: 'POST',
      url: '/customers',
      headers: secret(t.org),
      payload: { ...ada, id: 'dup-1' },
    });
    expect(first.statusCode).toBe(201);
    const again = await t.app.inject({
      method: 'POST',
      url: '/customers',
      headers: secret(t.org),
      payload: { ...ada, id: 'dup-1' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('lists with filters, sort, paging headers and partial search', async () => {
    const org = await t.createOrg('list org');
    for (const [firstName, lastName] of [
      ['Zoe', 'Adams'],
      ['Yann', 'Brown'],
      ['Xavier', 'Brown'],
    ]) {
      await t.app.inject({
        method: 'POST',
        url: '/customers',
        headers: secret(org),
        payload: { primaryAddress: { firstName, lastName } },
      });
    }
    const page = await t.app.inject({
      method: 'GET',
      url: '/customers?sort=firstName&limit=2&offset=0',
      headers: secret(org),
    });
    expect(page.statusCode).toBe(200);
    expect(page.headers['pagination-total']).toBe('3');
    expect(page.headers['pagination-limit']).toBe('2');
    expect(page.headers['pagination-offset']).toBe('0');
    expect(page.json().map((c: { firstName: string }) => c.firstName)).toEqual(['Xavier', 'Yann']);

    const browns = await t.app.inject({
      method: 'GET',
      url: '/customers?filter=lastName:brown;firstName:!Yann',
      headers: secret(org),
    });
    expect(browns.json().map((c: { firstName: string }) => c.firstName)).toEqual(['Xavier']);

    const either = await t.app.inject({
      method: 'GET',
      url: '/customers?filter=firstName:zoe,yann&sort=-firstName',
      headers: secret(org),
    });
    expect(either.json().map((c: { firstName: string }) => c.firstName)).toEqual(['Zoe', 'Yann']);

    const search = await t.app.inject({ method: 'GET', url: '/customers?q=AVI', headers: secret(org) });
    expect(search.json().map((c: { firstName: string }) => c.firstName)).toEqual(['Xavier']);

    const all = await t.app.inject({
      method: 'GET',
      url: `/customers?filter=createdTime:2000-01-01..`,
      headers: secret(org),
    });
    expect(all.headers['pagination-total']).toBe('3');
    const none = await t.app.inject({
      method: 'GET',
      url: `/customers?filter=createdTime:..2000-01-01`,
      headers: secret(org),
    });
    expect(none.json()).toEqual([]);
  });

  it('treats SQL-looking filter values as plain values that match nothing', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/customers?filter=${encodeURIComponent("firstName:x' OR '1'='1")}`,
      headers: secret(t.org),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([]);
    expect(res.headers['pagination-total']).toBe('0');
  });

  it('answers 422 for unknown filter and sort fields and bad filter values', async () => {
    for (const query of [
      'filter=password:x',
      'sort=-secret',
      'filter=createdTime:yesterday',
      'filter=revision:abc',
      'limit=5000',
    ]) {
      const res = await t.app.inject({ method: 'GET', url: `/customers?${query}`, headers: secret(t.org) });
      expect(res.statusCode, query).toBe(422);
      expect(res.json().invalidFields.length, query).toBeGreaterThan(0);
    }
  });

  it('expands the website', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/customers?expand=website',
      headers: secret(t.org),
      payload: { ...ada, websiteId: t.org.websiteId },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()._embedded.website.id).toBe(t.org.websiteId);
  });
});
