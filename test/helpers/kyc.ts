/** KYC test helpers: requests, gatherer tokens, uploads and documents through the public API. */
import { expect } from 'vitest';
import { bearer, secret, type TestApp, type TestOrg } from './app.ts';
import { png } from './files.ts';

export async function createRequest(t: TestApp, org: TestOrg, body: Record<string, unknown>): Promise<any> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/kyc-requests',
    headers: secret(org),
    payload: body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** The token of a request's gatherer link. */
export function gathererToken(request: { _links: { rel: string; href: string }[] }): string {
  const link = request._links.find((l) => l.rel === 'gatherer');
  expect(link).toBeDefined();
  return new URL(link!.href).searchParams.get('token')!;
}

/** Uploads a PNG with a customer token, tagged for KYC; returns the file id. */
export async function uploadWithToken(
  t: TestApp,
  token: string,
  tags: string[] = ['kyc', 'id-front'],
): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/files',
    headers: bearer(token),
    payload: { file: (await png(200, 120)).toString('base64'), name: 'doc.png', tags },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

export async function submitDocument(
  t: TestApp,
  token: string,
  documentType: string,
  fileIds: string[],
  extra: Record<string, unknown> = {},
) {
  return t.app.inject({
    method: 'POST',
    url: '/storefront/kyc-documents',
    headers: bearer(token),
    payload: { documentType, fileIds, ...extra },
  });
}

/** Gatherer-style: upload one tagged file and create the document; returns the created document. */
export async function provide(t: TestApp, token: string, documentType: string): Promise<any> {
  const tags = documentType === 'identity-proof' ? ['kyc', 'id-front'] : ['kyc'];
  const fileId = await uploadWithToken(t, token, tags);
  const res = await submitDocument(t, token, documentType, [fileId]);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

export async function getRequest(t: TestApp, org: TestOrg, id: string): Promise<any> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/kyc-requests/${id}?expand=documents`,
    headers: secret(org),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export async function act(t: TestApp, org: TestOrg, documentId: string, action: string, payload?: object) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/kyc-documents/${documentId}/${action}`,
    headers: payload ? secret(org) : { ...secret(org), 'content-type': 'application/x-www-form-urlencoded' },
    ...(payload ? { payload } : { payload: '' }),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** The event types of a resource, oldest first. */
export async function eventTypes(t: TestApp, org: TestOrg, resourceId: string): Promise<string[]> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/events?filter=resourceId:${resourceId}&limit=1000`,
    headers: secret(org),
  });
  expect(res.statusCode).toBe(200);
  return res.json().map((e: { eventType: string }) => e.eventType);
}
