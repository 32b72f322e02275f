/**
 * Creating webhook credentials (`POST /service-credentials/webhook`). The password is kept as given
 * (Basic auth sends it) and never returned. Digest authentication is not implemented yet: a `digest`
 * credential is refused with 422 rather than stored and silently sent without auth.
 */
import { AppError, invalidField } from '../../errors.ts';
import type { WebhookCredentialRow } from '../../db/schema.ts';
import { newId } from '../../lib/ids.ts';
import type { Deps } from '../deps.ts';
import { insertCredential } from './webhooks.repo.ts';
import type { WebhookCredentialInput } from './webhooks.schemas.ts';

export async function createWebhookCredential(
  deps: Deps,
  organizationId: string,
  input: WebhookCredentialInput,
): Promise<WebhookCredentialRow> {
  const { auth } = input;
  if (auth.type === 'digest') {
    throw invalidField('auth.type', 'digest authentication is not supported by kycgate yet; use basic');
  }
  if (auth.type === 'basic' && !auth.username) throw invalidField('auth.username', 'is required for basic');
  const now = new Date().toISOString();
  const row: WebhookCredentialRow = {
    organizationId,
    id: input.id ?? newId('crd'),
    status: input.status ?? 'active',
    host: input.host,
    authType: auth.type,
    username: auth.type === 'none' ? null : (auth.username ?? null),
    password: auth.type === 'none' ? null : (auth.password ?? ''),
    createdTime: now,
    updatedTime: now,
  };
  try {
    await insertCredential(deps.db.kysely, row);
  } catch (error) {
    if (deps.db.isUniqueViolation(error)) {
      throw new AppError('conflict', `Credential ${row.id} already exists`, { cause: error });
    }
    throw error;
  }
  return row;
}
