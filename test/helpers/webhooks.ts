/** Webhook test helpers: a real HTTP receiver on 127.0.0.1, webhooks and credentials through the API. */
import { createHash, randomBytes } from 'node:crypto';
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

export interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** What the next requests get: a status (and body, headers), or `'hold'`: no answer until closed. */
  respond: (request: Received) => Answer | 'hold';
  /** Resolves with the next request received (or rejects after `timeoutMs`). */
  next(timeoutMs?: number): Promise<Received>;
  close(): Promise<void>;
}

export async function startReceiver(port = 0): Promise<Receiver> {
  const waiters: ((entry: Received) => void)[] = [];
  const receiver: Receiver = {
    url: '',
    port: 0,
    received: [],
    respond: () => ({ status: 200, body: 'ok' }),
    next: (timeoutMs = 10_000) =>
      new Promise<Received>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no request within ${timeoutMs} ms`)), timeoutMs);
        waiters.push((entry) => {
          clearTimeout(timer);
          resolve(entry);
        });
      }),
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
      for (const waiter of waiters.splice(0)) waiter(entry);
      const answer = receiver.respond(entry);
      if (answer === 'hold') return;
      res.writeHead(answer.status, { 'content-type': 'text/plain', 'x-receiver': 'test', ...answer.headers });
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

/**
 * The server side of HTTP Digest (RFC 7616), written here independently of src/ so that the receiver checks
 * kycgate's answer against its own arithmetic: answers 401 with a fresh challenge unless the request's
 * `Authorization: Digest …` proves `username`/`password` for one of the nonces it issued (each used once).
 */
export function digestGuard(options: {
  username: string;
  password: string;
  realm?: string;
  algorithm?: 'MD5' | 'SHA-256';
  qop?: 'auth' | 'auth-int';
}): (request: Received) => Answer {
  const realm = options.realm ?? 'hooks@example.test';
  const algorithm = options.algorithm ?? 'SHA-256';
  const qop = options.qop ?? 'auth';
  const hash = (text: string) =>
    createHash(algorithm === 'MD5' ? 'md5' : 'sha256')
      .update(text)
      .digest('hex');
  const issued = new Set<string>();
  const challenge = (): Answer => {
    const nonce = randomBytes(12).toString('hex');
    issued.add(nonce);
    return {
      status: 401,
      headers: {
        'www-authenticate': `Digest realm="${realm}", qop="${qop}", algorithm=${algorithm}, nonce="${nonce}", opaque="op4que"`,
      },
    };
  };
  return (request) => {
    const header = request.headers.authorization ?? '';
    if (!header.startsWith('Digest ')) return challenge();
    const params: Record<string, string> = {};
    for (const match of header.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]+))/g)) {
      params[match[1]!] = match[2] ?? match[3] ?? '';
    }
    const nonce = params.nonce ?? '';
    if (!issued.delete(nonce) || params.username !== options.username || params.opaque !== 'op4que') {
      return challenge();
    }
    const ha1 = hash(`${options.username}:${realm}:${options.password}`);
    const ha2 =
      qop === 'auth-int'
        ? hash(`${request.method}:${params.uri}:${hash(request.body)}`)
        : hash(`${request.method}:${params.uri}`);
    const expected = hash(`${ha1}:${nonce}:${params.nc}:${params.cnonce}:${qop}:${ha2}`);
    if (params.response !== expected || params.uri !== request.url) return challenge();
    return { status: 200, body: 'digest ok' };
  };
}
