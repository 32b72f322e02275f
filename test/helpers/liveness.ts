/** Liveness session helpers: start a session, send frames (multipart, as the gatherer does), finish. */
import { expect } from 'vitest';
import type { CaptureFrame } from '../../src/analysis/liveness/testing/liveness-frames.ts';
import { bearer, type TestApp } from './app.ts';

/** A multipart body as a browser's FormData would send it. */
export async function framesForm(
  nonce: string | null,
  timestamps: string | null,
  frames: Buffer[],
  mime = 'image/jpeg',
): Promise<{ payload: Buffer; headers: Record<string, string> }> {
  const form = new FormData();
  if (nonce !== null) form.append('nonce', nonce);
  if (timestamps !== null) form.append('timestamps', timestamps);
  for (const [i, bytes] of frames.entries()) {
    form.append('frame', new Blob([new Uint8Array(bytes)], { type: mime }), `frame-${i}.jpg`);
  }
  const encoded = new Response(form);
  return {
    payload: Buffer.from(await encoded.arrayBuffer()),
    headers: { 'content-type': encoded.headers.get('content-type')! },
  };
}

export async function startSession(t: TestApp, token: string, kycRequestId: string): Promise<any> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/storefront/kyc-liveness-sessions',
    headers: bearer(token),
    payload: { kycRequestId },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

export async function sendFrames(
  t: TestApp,
  token: string,
  session: { id: string; challenge: { nonce: string } },
  frames: Pick<CaptureFrame, 'bytes' | 'ms'>[],
  nonce: string = session.challenge.nonce,
) {
  const { payload, headers } = await framesForm(
    nonce,
    frames.map((f) => f.ms).join(','),
    frames.map((f) => f.bytes),
  );
  return t.app.inject({
    method: 'POST',
    url: `/storefront/kyc-liveness-sessions/${session.id}/frames`,
    headers: { ...bearer(token), ...headers },
    payload,
  });
}

export async function finishSession(t: TestApp, token: string, id: string) {
  return t.app.inject({
    method: 'POST',
    url: `/storefront/kyc-liveness-sessions/${id}/finish`,
    headers: { ...bearer(token), 'content-type': 'application/x-www-form-urlencoded' },
    payload: '',
  });
}
