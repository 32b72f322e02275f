/**
 * Customer JWTs: HS256, signed with the deployment's secret. The token names its organization, customer
 * and row id (`jti`); the row (customer_jwts) holds the ACL and can be revoked, so a leaked token dies
 * with its logout. Only HS256 is accepted: `alg: none` and other algorithms fail verification.
 */
import { errors, jwtVerify, SignJWT } from 'jose';

const ISSUER = 'kycgate';
const AUDIENCE = 'kycgate:customer';

export interface CustomerTokenClaims {
  organizationId: string;
  customerId: string;
  jwtId: string;
}

/** Signed tokens kept for re-use: a gatherer link is signed again on every read of its request. */
const SIGNED_CACHE_MAX = 1_000;

export class JwtSigner {
  private readonly key: Uint8Array;
  private readonly signed = new Map<string, string>();

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  /**
   * Signs a token. The same claims, expiry and `issuedAt` give the same string, so a stored token row can
   * be shown again (gatherer links) without keeping the token itself.
   */
  async sign(
    claims: CustomerTokenClaims,
    expiredTime: Date,
    extra: Record<string, unknown> = {},
    issuedAt: Date = new Date(),
  ): Promise<string> {
    // Signing is deterministic (HS256, fixed claims), so equal inputs may share one signature.
    const cacheKey = JSON.stringify([
      claims,
      expiredTime.getTime(),
      extra,
      Math.floor(issuedAt.getTime() / 1000),
    ]);
    const cached = this.signed.get(cacheKey);
    if (cached) return cached;
    const token = await new SignJWT({ ...extra, org: claims.organizationId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(claims.customerId)
      .setJti(claims.jwtId)
      .setIssuedAt(Math.floor(issuedAt.getTime() / 1000))
      .setExpirationTime(Math.floor(expiredTime.getTime() / 1000))
      .sign(this.key);
    if (this.signed.size >= SIGNED_CACHE_MAX) this.signed.clear();
    this.signed.set(cacheKey, token);
    return token;
  }

  /** The token's claims; `expired` for a genuine token past its expiry; null when malformed, forged or foreign. */
  async verify(
    token: string,
  ): Promise<(CustomerTokenClaims & { payload: Record<string, unknown> }) | 'expired' | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      if (
        typeof payload.org !== 'string' ||
        typeof payload.sub !== 'string' ||
        typeof payload.jti !== 'string'
      ) {
        return null;
      }
      return { organizationId: payload.org, customerId: payload.sub, jwtId: payload.jti, payload };
    } catch (error) {
      // jose checks the signature before the time claims: an expired token is a genuine one.
      if (error instanceof errors.JWTExpired) return 'expired';
      if (error instanceof errors.JOSEError) return null;
      throw error;
    }
  }
}
