/**
 * Issues a customer JWT: a `customer_jwts` row (ACL, custom claims, expiry; revocable) and the signed token
 * that names it. Token exchange uses it, and so will gatherer links.
 */
import { defaultCustomerAcl, type Acl } from '../../auth/acl.ts';
import type { Executor } from '../../db/database.ts';
import type { CustomerJwtRow } from '../../db/schema.ts';
import { newId } from '../../lib/ids.ts';
import type { Deps } from '../deps.ts';
import { insertCustomerJwt } from './customer-auth.repo.ts';

/** Customer tokens live 1 hour unless the caller says otherwise (Rebilly's default). */
export const DEFAULT_JWT_TTL_MS = 3_600_000;

export interface IssueCustomerJwtInput {
  organizationId: string;
  customerId: string;
  acl?: Acl | undefined;
  customClaims?: Record<string, unknown> | null | undefined;
  expiredTime?: Date | undefined;
  /** Extra claims written into the token itself (e.g. `kycRequestId`). */
  tokenClaims?: Record<string, unknown>;
}

export async function issueCustomerJwt(
  deps: Pick<Deps, 'jwt'>,
  db: Executor,
  input: IssueCustomerJwtInput,
): Promise<{ row: CustomerJwtRow; token: string }> {
  const now = new Date();
  const expiredTime = input.expiredTime ?? new Date(now.getTime() + DEFAULT_JWT_TTL_MS);
  const row: CustomerJwtRow = {
    organizationId: input.organizationId,
    id: newId('jwt'),
    customerId: input.customerId,
    acl: JSON.stringify(input.acl ?? defaultCustomerAcl(input.organizationId)),
    customClaims: input.customClaims ? JSON.stringify(input.customClaims) : null,
    expiredTime: expiredTime.toISOString(),
    revokedTime: null,
    createdTime: now.toISOString(),
    updatedTime: now.toISOString(),
  };
  await insertCustomerJwt(db, row);
  const token = await deps.jwt.sign(
    { organizationId: row.organizationId, customerId: row.customerId, jwtId: row.id },
    expiredTime,
    input.tokenClaims,
    now,
  );
  return { row, token };
}
