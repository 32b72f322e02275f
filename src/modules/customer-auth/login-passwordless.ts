/**
 * `POST /authentication-tokens` in passwordless mode: a single-use login token for a customer, handed by
 * the merchant's backend to its frontend, which exchanges it for a customer JWT.
 */
import { AppError, invalidField } from '../../errors.ts';
import type { AuthTokenRow } from '../../db/schema.ts';
import { hashSecret, randomToken } from '../../lib/secrets.ts';
import type { Deps } from '../deps.ts';
import { findCustomer } from '../customers/customers.repo.ts';
import type { AuthenticationTokenInput } from './customer-auth.schemas.ts';
import { insertAuthToken } from './customer-auth.repo.ts';

/** Login tokens live 1 hour unless the caller asks for less or more (at most 30 days). */
const DEFAULT_TOKEN_TTL_MS = 3_600_000;
const MAX_TOKEN_TTL_MS = 30 * 86_400_000;

export async function loginPasswordless(
  deps: Deps,
  organizationId: string,
  input: AuthenticationTokenInput,
): Promise<{ row: AuthTokenRow; token: string }> {
  if (input.mode === 'password') {
    throw invalidField(
      'mode',
      'password logins need stored credentials, which kycgate does not keep; use passwordless',
    );
  }
  if (!input.customerId) throw invalidField('customerId', 'is required in passwordless mode');
  if (input.otpRequired) throw invalidField('otpRequired', 'one-time passwords are not supported');
  const customer = await findCustomer(deps.db.kysely, organizationId, input.customerId);
  if (!customer) throw invalidField('customerId', `customer ${input.customerId} does not exist`);

  const now = Date.now();
  const expires = input.expiredTime ? Date.parse(input.expiredTime) : now + DEFAULT_TOKEN_TTL_MS;
  if (expires <= now) throw invalidField('expiredTime', 'must be in the future');
  if (expires > now + MAX_TOKEN_TTL_MS) throw invalidField('expiredTime', 'must be within 30 days');

  const token = randomToken(32);
  const row: AuthTokenRow = {
    tokenHash: hashSecret(token),
    organizationId,
    customerId: customer.id,
    expiredTime: new Date(expires).toISOString(),
    usedTime: null,
    createdTime: new Date(now).toISOString(),
  };
  try {
    await insertAuthToken(deps.db.kysely, row);
  } catch (error) {
    throw new AppError('internal', 'Could not store the login token', { cause: error });
  }
  return { row, token };
}
