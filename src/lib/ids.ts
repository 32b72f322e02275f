/**
 * Resource ids: a type prefix and a ULID (26 Crockford base32 characters: 48-bit time, 80 random bits),
 * e.g. `cus_01JD3…`. Client-chosen ids (PUT upserts) only have to match `ID_PATTERN`.
 */
import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export const ID_PATTERN = '^[@~\\-\\.\\w]+$';
export const ID_MAX_LENGTH = 50;

export function ulid(now: number = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let random = '';
  for (let i = 0; i < 16; i++) random += CROCKFORD[bytes[i]! % 32]!;
  return time + random;
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
  | 'job';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid()}`;
}
