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

export class JwtSigner {
  private readonly key: Uint8Array;

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
    return new SignJWT({ ...extra, org: claims.organizationId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(claims.customerId)
      .setJti(claims.jwtId)
      .setIssuedAt(Math.floor(issuedAt.getTime() / 1000))
      .setExpirationTime(Math.floor(expiredTime.getTime() / 1000))
      .sign(this.key);
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
