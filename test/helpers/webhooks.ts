/** Webhook test helpers: a real HTTP receiver on 127.0.0.1, webhooks and credentials through the API. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { secret, type TestApp, type TestOrg } from './app.ts';
import { createRequest, gathererToken, provide } from './kyc.ts';
import { createCustomer } from './tokens.ts';

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** What the next requests get: a status (and body). Default 200. */
  respond: (request: Received) => { status: number; body?: string };
  close(): Promise<void>;
}

export async function startReceiver(port = 0): Promise<Receiver> {
  const receiver: Receiver = {
    url: '',
    port: 0,
    received: [],
    respond: () => ({ status: 200, body: 'ok' }),
    close: () => Promise.resolve(),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      receiver.received.push(entry);
      const answer = receiver.respond(entry);
      res.writeHead(answer.status, { 'content-type': 'text/plain', 'x-receiver': 'test' });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}/hooks`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

export async function createWebhook(t: TestApp, org: TestOrg, body: Record<string, unknown>): Promise<any> {
  const res = await t.app.inject({ method: 'POST', url: '/webhooks/', headers: secret(org), payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

export async function createCredential(
  t: TestApp,
  org: TestOrg,
  body: Record<string, unknown>,
): Promise<any> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/service-credentials/webhook',
    headers: secret(org),
    payload: body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** A customer provides an identity proof: `kyc-document-created` (and the request's own events). */
export async function provideDocument(t: TestApp, org: TestOrg): Promise<any> {
  const customerId = await createCustomer(t, org);
  const request = await createRequest(t, org, { customerId, documents: [{ type: 'identity-proof' }] });
  const document = await provide(t, gathererToken(request), 'identity-proof');
  return { ...document, customerId };
}

export async function trackingLogs(t: TestApp, org: TestOrg, filter = ''): Promise<any[]> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/tracking/webhooks?sort=createdTime&limit=1000${filter ? `&filter=${encodeURIComponent(filter)}` : ''}`,
    headers: secret(org),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
