/**
 * One HTTP delivery attempt, with the SSRF guard (address-guard.ts) in front: never throws, answers what
 * happened. No redirect is followed (a 3xx is a failed attempt: following one would let a receiver point
 * kycgate at an address the guard never saw), the whole exchange is bounded by `WEBHOOK_TIMEOUT_MS`, and
 * at most `RESPONSE_BODY_MAX_BYTES` of the response body are read. With Digest credentials the attempt is
 * two exchanges on the same checked address (the challenge, then the answer; see digest-auth.ts), within
 * the same deadline.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupAddress } from 'node:dns';
import { hostOf, pinnedLookup, resolveAllowed, type Resolver } from './address-guard.ts';
import { digestAuthorization, pickDigestChallenge } from './digest-auth.ts';

export const WEBHOOK_TIMEOUT_MS = 10_000;
export const RESPONSE_BODY_MAX_BYTES = 65_536;

export interface SendRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Not sent for GET. */
  body: string;
  allowPrivateNetworks: boolean;
  /** Answer a Digest challenge (401 + `WWW-Authenticate: Digest …`) with these. */
  digest?: { username: string; password: string } | undefined;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Host name resolution; default the system's (`dns.lookup`). Tests inject one. */
  resolve?: Resolver;
}

export interface SendResult {
  /** The HTTP status; null when no response came. */
  status: number | null;
  headers: Record<string, string>;
  body: string | null;
  /** Why the attempt failed before or during the exchange; null when a response was read in full. */
  error: string | null;
  /** Whether a connection was attempted (false when the guard refused the address). */
  sent: boolean;
  /** The request headers of the last exchange (with the Digest answer when one was sent). */
  requestHeaders: Record<string, string>;
}

export async function sendWebhook(request: SendRequest): Promise<SendResult> {
  const url = new URL(request.url);
  let resolved;
  try {
    resolved = await resolveAllowed(hostOf(url), request.allowPrivateNetworks, request.resolve);
  } catch (error) {
    return {
      status: null,
      headers: {},
      body: null,
      error: messageOf(error),
      sent: false,
      requestHeaders: request.headers,
    };
  }
  const deadline = Date.now() + (request.timeoutMs ?? WEBHOOK_TIMEOUT_MS);
  const first = await exchange(url, resolved, request, request.headers, deadline);
  if (first.status !== 401 || !request.digest) return { ...first, requestHeaders: request.headers };
  const challenge = pickDigestChallenge(first.challenges);
  if (!challenge) return { ...first, requestHeaders: request.headers };
  const headers = {
    ...request.headers,
    authorization: digestAuthorization(challenge, {
      method: request.method,
      uri: `${url.pathname}${url.search}`,
      body: request.method === 'GET' ? '' : request.body,
      ...request.digest,
    }),
  };
  return { ...(await exchange(url, resolved, request, headers, deadline)), requestHeaders: headers };
}

interface Exchange extends Omit<SendResult, 'requestHeaders'> {
  /** The `WWW-Authenticate` values answered. */
  challenges: string[];
}

function exchange(
  url: URL,
  resolved: LookupAddress,
  request: SendRequest,
  headers: Record<string, string>,
  deadline: number,
): Promise<Exchange> {
  const timeoutMs = Math.max(1, deadline - Date.now());
  return new Promise<Exchange>((resolve) => {
    let status: number | null = null;
    let responseHeaders: Record<string, string> = {};
    let challenges: string[] = [];
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const body = status === null ? null : Buffer.concat(chunks).toString('utf8');
      resolve({ status, headers: responseHeaders, body, error, sent: true, challenges });
    };
    const client = url.protocol === 'https:' ? https : http;
    const hasBody = request.method !== 'GET';
    const outgoing = client.request(
      url,
      {
        method: request.method,
        headers: hasBody
          ? { ...headers, 'content-length': String(Buffer.byteLength(request.body)) }
          : headers,
        lookup: pinnedLookup(resolved),
        // A fresh connection per attempt: a pooled socket could outlive the address check.
        agent: false,
        ...(request.signal ? { signal: request.signal } : {}),
      },
      (response) => {
        status = response.statusCode ?? null;
        responseHeaders = Object.fromEntries(
          Object.entries(response.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
        );
        challenges = response.headersDistinct['www-authenticate'] ?? [];
        response.on('data', (chunk: Buffer) => {
          if (size >= RESPONSE_BODY_MAX_BYTES) return;
          const part = chunk.subarray(0, RESPONSE_BODY_MAX_BYTES - size);
          chunks.push(part);
          size += part.length;
          if (size >= RESPONSE_BODY_MAX_BYTES) {
            response.destroy();
            settle(null);
          }
        });
        response.on('end', () => settle(null));
        response.on('error', (error) => settle(messageOf(error)));
        response.on('close', () => settle(null));
      },
    );
    const timer = setTimeout(() => {
      const totalMs = request.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
      outgoing.destroy(new Error(`no complete response within ${totalMs} ms`));
    }, timeoutMs);
    outgoing.on('error', (error) => settle(messageOf(error)));
    outgoing.end(hasBody ? request.body : undefined);
  });
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
