/**
 * Webhook signatures (kycgate extension): the `Kycgate-Signature` header of every delivery is
 *
 *   Kycgate-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(signingSecret, "<t>.<raw body>")>
 *
 * The HMAC covers the raw bytes sent, so a receiver must verify the body before parsing it (a re-serialized
 * JSON body does not verify). The timestamp bounds replays. For 24 hours after the merchant rotates the
 * secret (`POST /webhooks/{id}/signing-secret`) a delivery carries two `v1` values, one per secret; one
 * match is enough, so a receiver still holding the old secret keeps verifying, and one holding both (pass
 * an array) verifies either. This file imports nothing from the app, so receivers written in TypeScript can
 * copy it as is. See docs/webhooks.md.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'kycgate-signature';
export const EVENT_ID_HEADER = 'kycgate-event-id';
/** Default tolerance between the signature's time and the receiver's clock, in seconds. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The hex HMAC-SHA256 of `"<timestamp>.<body>"`. */
export function computeSignature(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** The header value for a body signed at `timestamp` (unix seconds). */
export function signatureHeader(secret: string, timestamp: number, body: string | Buffer): string {
  return `t=${timestamp},v1=${computeSignature(secret, timestamp, body)}`;
}

export interface VerifyOptions {
  /** Largest accepted |now − t|, in seconds. Default 300. */
  toleranceSeconds?: number;
  /** The receiver's clock, in ms since the epoch. Default `Date.now()`. */
  now?: number;
}

/**
 * Whether `header` is a valid signature of `rawBody` with `secret` (or with any of `secret` when it is a
 * list: the new and the old secret during a rotation), made within the tolerance. Compares in constant
 * time; never throws on malformed input.
 */
export function verifyWebhookSignature(
  rawBody: string | Buffer,
  header: string | string[] | undefined,
  secret: string | readonly string[],
  options: VerifyOptions = {},
): boolean {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return false;
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of value.split(',')) {
    const [key, ...rest] = part.trim().split('=');
    const item = rest.join('=');
    if (key === 't' && /^\d{1,12}$/.test(item)) timestamp = Number(item);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(item)) candidates.push(item);
  }
  if (timestamp === undefined || candidates.length === 0) return false;
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - timestamp) > tolerance) return false;
  const secrets = typeof secret === 'string' ? [secret] : secret;
  let matched = false;
  // Every pair is compared (no early exit), each in constant time.
  for (const key of secrets) {
    if (!key) continue;
    const expected = Buffer.from(computeSignature(key, timestamp, rawBody), 'hex');
    for (const candidate of candidates) {
      if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) matched = true;
    }
  }
  return matched;
}
