/**
 * Resource ids: a type prefix and a ULID (26 Crockford base32 characters: 48-bit time, 80 random bits),
 * e.g. `cus_01JD3…`. Client-chosen ids (PUT upserts) only have to match `ID_PATTERN`.
 */
import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export const ID_PATTERN = '^[@~\\-\\.\\w]+$';
export const ID_MAX_LENGTH = 50;

let lastTime = -1;
let lastRandom: number[] = [];

/**
 * A ULID. Monotonic within this process: ids made in the same millisecond increment the random part, so
 * sorting by id gives creation order (the event outbox relies on it).
 */
export function ulid(now: number = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  if (now === lastTime && !incremented(lastRandom)) lastTime = -1; // overflow (2^80 ids in 1 ms): start over
  if (now !== lastTime) {
    const bytes = randomBytes(16);
    // The top digit is kept small so that increments within a millisecond can never overflow in practice.
    lastRandom = Array.from(bytes, (b, i) => (i === 0 ? b % 16 : b % 32));
    lastTime = now;
  }
  return time + lastRandom.map((d) => CROCKFORD[d]!).join('');
}

function incremented(digits: number[]): boolean {
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i]! < 31) {
      digits[i]! += 1;
      return true;
    }
    digits[i] = 0;
  }
  return false;
}

export type IdPrefix =
  | 'org'
  | 'web'
  | 'cus'
  | 'file'
  | 'att'
  | 'jwt'
  | 'api_key'
  | 'kyc_req'
  | 'kyc_doc'
  | 'kyc_liv'
  | 'hook'
  | 'hook_log'
  | 'crd'
  | 'job'
  | 'evt'
  | 'usr'
  | 'rvs'
  | 'rva'
  | 'tag';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid()}`;
}
