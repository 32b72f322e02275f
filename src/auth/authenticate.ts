/**
 * Turns request headers into a `Principal`:
 * - `REB-APIKEY: <secret key>` — a secret API key;
 * - `Authorization: Bearer <jwt>` — a customer JWT (`Bearer null`, as rebilly-js-sdk sends when it has no
 *   token, is unauthenticated);
 * - `Authorization: <publishable key>` — a raw publishable key, as rebilly-js-sdk sends it;
 * - `Authorization: Bearer kgr_…` — a review-console session (opaque, looked up on every request so that
 *   a logout or a deactivated reviewer stops working at once).
 * Keys are looked up by their SHA-256 digest; a short cache keeps the lookup off the hot path.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { hashSecret } from '../lib/secrets.ts';
import type { Acl } from './acl.ts';
import type { JwtSigner } from './customer-jwt.ts';
import type { Principal } from './principal.ts';
import { REVIEWER_ROLES, reviewerAcl, type ReviewerRole } from './reviewer-roles.ts';

/** The prefix of review-console session tokens (src/modules/reviewers). */
export const REVIEWER_TOKEN_PREFIX = 'kgr_';

/** How long a key lookup is reused by this process; a deleted key stops working elsewhere within this. */
const KEY_CACHE_TTL_MS = 5_000;
const KEY_CACHE_MAX = 1_000;

interface CachedKey {
  principal: Principal | null;
  allowedIps: string[] | null;
  expires: number;
}

export interface Authenticator {
  authenticate(headers: Record<string, string | string[] | undefined>, ip: string): Promise<Principal | null>;
  /** Drops cached key lookups (after a key is changed or deleted). */
  forgetKeys(): void;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function ipAllowed(ip: string, allowed: string[]): boolean {
  const list = new BlockList();
  for (const entry of allowed) {
    const [address, prefix] = entry.split('/');
    if (!address) continue;
    const type = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
    if (!type) continue;
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  const plain = ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  return list.check(plain, isIPv4(plain) ? 'ipv4' : 'ipv6');
}

function tokenExpired(): AppError {
  return new AppError('token-expired', 'The token has expired; ask for a new link or log in again');
}

export function createAuthenticator(db: Db, jwt: JwtSigner): Authenticator {
  const keyCache = new Map<string, CachedKey>();

  /** The key's principal whatever header it came in; the caller checks the kind (the cache is shared). */
  async function lookupKey(key: string): Promise<CachedKey> {
    const hash = hashSecret(key);
    const cached = keyCache.get(hash);
    if (cached && cached.expires > Date.now()) return cached;
    const row = await db.kysely
      .selectFrom('apiKeys')
      .select(['id', 'organizationId', 'type', 'acl', 'allowedIps'])
      .where('keyHash', '=', hash)
      .executeTakeFirst();
    let principal: Principal | null = null;
    if (row?.type === 'secret') {
      principal = {
        kind: 'secret',
        organizationId: row.organizationId,
        apiKeyId: row.id,
        acl: row.acl ? (JSON.parse(row.acl) as Acl) : null,
      };
    } else if (row?.type === 'publishable') {
      principal = { kind: 'publishable', organizationId: row.organizationId, apiKeyId: row.id };
    }
    const entry: CachedKey = {
      principal,
      allowedIps: row?.allowedIps ? (JSON.parse(row.allowedIps) as string[]) : null,
      expires: Date.now() + KEY_CACHE_TTL_MS,
    };
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
    keyCache.set(hash, entry);
    return entry;
  }

  async function fromKey(
    key: string,
    expected: 'secret' | 'publishable',
    ip: string,
  ): Promise<Principal | null> {
    const { principal, allowedIps } = await lookupKey(key);
    if (principal?.kind !== expected) return null;
    if (allowedIps && allowedIps.length > 0 && !ipAllowed(ip, allowedIps)) return null;
    return principal;
  }

  async function fromJwt(token: string): Promise<Principal | null> {
    const claims = await jwt.verify(token);
    if (claims === 'expired') throw tokenExpired();
    if (!claims) return null;
    const row = await db.kysely
      .selectFrom('customerJwts')
      .select(['acl', 'customClaims', 'revokedTime', 'expiredTime', 'customerId'])
      .where('organizationId', '=', claims.organizationId)
      .where('id', '=', claims.jwtId)
      .executeTakeFirst();
    if (!row || row.revokedTime !== null || row.customerId !== claims.customerId) return null;
    if (Date.parse(row.expiredTime) <= Date.now()) throw tokenExpired();
    return {
      kind: 'customer',
      organizationId: claims.organizationId,
      customerId: claims.customerId,
      jwtId: claims.jwtId,
      acl: JSON.parse(row.acl) as Acl,
      customClaims: row.customClaims ? (JSON.parse(row.customClaims) as Record<string, unknown>) : null,
    };
  }

  async function fromReviewerSession(token: string): Promise<Principal | null> {
    const row = await db.kysely
      .selectFrom('reviewerSessions as s')
      .innerJoin('reviewers as r', (join) =>
        join.onRef('r.organizationId', '=', 's.organizationId').onRef('r.id', '=', 's.reviewerId'),
      )
      .select([
        's.organizationId',
        's.id',
        's.reviewerId',
        's.expiredTime',
        's.revokedTime',
        'r.name',
        'r.role',
      ])
      .where('s.tokenHash', '=', hashSecret(token))
      .where('r.status', '=', 'active')
      .executeTakeFirst();
    if (!row || row.revokedTime !== null) return null;
    if (Date.parse(row.expiredTime) <= Date.now()) throw tokenExpired();
    const role: ReviewerRole = REVIEWER_ROLES.includes(row.role) ? row.role : 'reviewer';
    return {
      kind: 'reviewer',
      organizationId: row.organizationId,
      reviewerId: row.reviewerId,
      sessionId: row.id,
      name: row.name,
      role,
      acl: reviewerAcl(row.organizationId, role),
    };
  }

  return {
    async authenticate(headers, ip) {
      const apiKey = header(headers, 'reb-apikey');
      if (apiKey) return fromKey(apiKey.trim(), 'secret', ip);
      const authorization = header(headers, 'authorization')?.trim();
      if (!authorization) return null;
      const bearer = /^Bearer\s+(.+)$/i.exec(authorization);
      if (bearer) {
        const token = bearer[1]!.trim();
        if (token === 'null' || token === 'undefined') return null;
        if (token.startsWith(REVIEWER_TOKEN_PREFIX)) return fromReviewerSession(token);
        return fromJwt(token);
      }
      return fromKey(authorization, 'publishable', ip);
    },
    forgetKeys() {
      keyCache.clear();
    },
  };
}
