/**
 * `POST /authentication-tokens/{token}/exchange`: trades a login token for a customer JWT. The token is
 * used up (unless `invalidate: false`) in the same transaction that records the JWT, so two concurrent
 * exchanges of one token cannot both succeed.
 */
import { AppError, invalidField } from '../../errors.ts';
import type { CustomerJwtRow } from '../../db/schema.ts';
import { hashSecret } from '../../lib/secrets.ts';
import type { Deps } from '../deps.ts';
import type { CustomerJwtInput } from './customer-auth.schemas.ts';
import { findAuthToken, useAuthToken } from './customer-auth.repo.ts';
import { issueCustomerJwt } from './issue-customer-jwt.ts';

const MAX_JWT_TTL_MS = 30 * 86_400_000;

export async function exchangeToken(
  deps: Deps,
  organizationId: string,
  token: string,
  input: CustomerJwtInput,
): Promise<{ row: CustomerJwtRow; token: string }> {
  if (input.oneTimePassword !== undefined) {
    throw invalidField('oneTimePassword', 'one-time passwords are not supported');
  }
  const now = Date.now();
  let expiredTime: Date | undefined;
  if (input.expiredTime !== undefined) {
    expiredTime = new Date(input.expiredTime);
    if (expiredTime.getTime() <= now) throw invalidField('expiredTime', 'must be in the future');
    if (expiredTime.getTime() > now + MAX_JWT_TTL_MS)
      throw invalidField('expiredTime', 'must be within 30 days');
  }
  const tokenHash = hashSecret(token);
  const spent = new AppError('unauthorized', 'The login token is unknown, expired or already used');

  return deps.db.transaction(async (trx) => {
    const login = await findAuthToken(trx, organizationId, tokenHash);
    if (!login || login.usedTime !== null || Date.parse(login.expiredTime) <= now) throw spent;
    if (
      input.invalidate !== false &&
      !(await useAuthToken(trx, organizationId, tokenHash, new Date(now).toISOString()))
    ) {
      throw spent;
    }
    return issueCustomerJwt(deps, trx, {
      organizationId,
      customerId: login.customerId,
      acl: input.acl,
      customClaims: input.customClaims,
      expiredTime,
    });
  });
}
