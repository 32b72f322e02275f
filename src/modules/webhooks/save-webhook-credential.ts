/**
 * Creating and changing webhook credentials (`POST`, `PATCH /service-credentials/webhook`). The password
 * is kept as given (Basic auth sends it, Digest computes with it: a one-way hash cannot do) and never
 * returned. `basic` and `digest` need a username. A credential is only ever sent to its `host`: deliveries
 * to a webhook whose URL host differs go without it (see webhook-jobs.ts).
 */
import { AppError, invalidField } from '../../errors.ts';
import type { WebhookCredentialRow } from '../../db/schema.ts';
import { newId } from '../../lib/ids.ts';
import type { Deps } from '../deps.ts';
import { findCredential, insertCredential } from './webhooks.repo.ts';
import type { WebhookCredentialInput, WebhookCredentialPatch } from './webhooks.schemas.ts';

export async function createWebhookCredential(
  deps: Deps,
  organizationId: string,
  input: WebhookCredentialInput,
): Promise<WebhookCredentialRow> {
  const { auth } = input;
  if (auth.type !== 'none' && !auth.username) {
    throw invalidField('auth.username', `is required for ${auth.type}`);
  }
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

export async function updateWebhookCredential(
  deps: Deps,
  organizationId: string,
  id: string,
  patch: WebhookCredentialPatch,
): Promise<WebhookCredentialRow | undefined> {
  const existing = await findCredential(deps.db.kysely, organizationId, id);
  if (!existing) return undefined;
  const { auth } = patch;
  if (auth && auth.type !== 'none' && !auth.username) {
    throw invalidField('auth.username', `is required for ${auth.type}`);
  }
  const changes = {
    ...(patch.status ? { status: patch.status } : {}),
    ...(patch.host ? { host: patch.host } : {}),
    ...(auth
      ? {
          authType: auth.type,
          username: auth.type === 'none' ? null : (auth.username ?? null),
          password: auth.type === 'none' ? null : (auth.password ?? ''),
        }
      : {}),
    updatedTime: new Date().toISOString(),
  };
  await deps.db.kysely
    .updateTable('webhookCredentials')
    .set(changes)
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .execute();
  return { ...existing, ...changes };
}
