/**
 * Creating, replacing and deleting webhooks (`POST /webhooks`, `PUT /webhooks/{id}`, `DELETE`), and
 * rotating a webhook's signing secret.
 *
 * Checked here: at most 25 active webhooks per organization (Rebilly's documented limit); an http(s) URL
 * whose host, when it is an IP literal, passes the SSRF guard (names are checked on every delivery, when
 * they are resolved; a sandbox organization may use private addresses); a credential of the organization
 * whose `host` is the URL's host (a credential is never sent to another host); a `filter` in Rebilly's
 * filter language over the event fields of webhook-filter.ts.
 *
 * Saving a webhook as `active` ends a failure streak: a merchant who fixed the receiver and switches an
 * auto-deactivated webhook back on starts from a clean slate.
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { AppError, invalidField } from '../../errors.ts';
import type { WebhookRow } from '../../db/schema.ts';
import { newId } from '../../lib/ids.ts';
import type { Deps } from '../deps.ts';
import { checkAddress, hostOf, isMetadataHost } from './address-guard.ts';
import { parseWebhookFilter } from './webhook-filter.ts';
import {
  countActiveWebhooks,
  findCredential,
  findWebhook,
  insertWebhook,
  isSandboxOrganization,
  updateWebhook,
} from './webhooks.repo.ts';
import { MAX_ACTIVE_WEBHOOKS, type WebhookInput } from './webhooks.schemas.ts';

/** How long the secret before a rotation keeps signing deliveries (a second `v1=`): 24 hours. */
export const PREVIOUS_SECRET_TTL_MS = 24 * 3_600_000;

function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

/**
 * Validates a webhook as a client sent it (422 naming the field). `id` is the webhook being replaced (not
 * counted against the limit); `countActive: false` skips the limit (a preview saves nothing).
 */
export async function checkWebhookInput(
  deps: Deps,
  organizationId: string,
  input: WebhookInput,
  id: string | undefined,
  { countActive = true }: { countActive?: boolean } = {},
) {
  parseWebhookFilter(input.filter);
  let url: URL;
  try {
    url = new URL(input.url);
  } catch (error) {
    throw new AppError('validation-error', 'url: must be an absolute URL', {
      invalidFields: [{ field: 'url', message: 'must be an absolute URL' }],
      cause: error,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalidField('url', 'must be http or https');
  if (url.username || url.password) {
    throw invalidField('url', 'must not carry credentials; use credentialHash');
  }
  const host = hostOf(url);
  if (isMetadataHost(host)) throw invalidField('url', `not allowed: ${host} is a cloud metadata service`);
  if (isIP(host)) {
    const allowPrivate =
      deps.config.webhooksAllowPrivateNetworks ||
      (await isSandboxOrganization(deps.db.kysely, organizationId));
    const verdict = checkAddress(host, allowPrivate);
    if (!verdict.allowed) throw invalidField('url', `not allowed: ${verdict.reason}`);
  }
  if (input.credentialHash) {
    const credential = await findCredential(deps.db.kysely, organizationId, input.credentialHash);
    if (!credential)
      throw invalidField('credentialHash', `credential ${input.credentialHash} does not exist`);
    if (credential.host.toLowerCase() !== host.toLowerCase()) {
      throw invalidField('credentialHash', `the credential is for host ${credential.host}, not ${host}`);
    }
  }
  if (countActive && (input.status ?? 'active') === 'active') {
    const active = await countActiveWebhooks(deps.db.kysely, organizationId, id);
    if (active >= MAX_ACTIVE_WEBHOOKS) {
      throw invalidField('status', `at most ${MAX_ACTIVE_WEBHOOKS} webhooks may be active`);
    }
  }
}

function fields(input: WebhookInput) {
  return {
    eventsFilter: JSON.stringify(input.eventsFilter ?? []),
    status: input.status ?? 'active',
    method: input.method,
    url: input.url,
    headers: JSON.stringify((input.headers ?? []).map((h) => ({ ...h, status: h.status ?? 'active' }))),
    credentialHash: input.credentialHash ?? null,
    body: input.body ?? null,
    filter: input.filter?.trim() ? input.filter.trim() : null,
  };
}

export async function createWebhook(
  deps: Deps,
  organizationId: string,
  input: WebhookInput,
  id: string = input.id ?? newId('hook'),
): Promise<WebhookRow> {
  await checkWebhookInput(deps, organizationId, input, undefined);
  const now = new Date().toISOString();
  const row: WebhookRow = {
    organizationId,
    id,
    ...fields(input),
    signingSecret: newSigningSecret(),
    previousSigningSecret: null,
    previousSecretExpiresTime: null,
    failingSince: null,
    deactivatedTime: null,
    createdTime: now,
    updatedTime: now,
  };
  try {
    await insertWebhook(deps.db.kysely, row);
  } catch (error) {
    if (deps.db.isUniqueViolation(error)) {
      throw new AppError('conflict', `Webhook ${row.id} already exists`, { cause: error });
    }
    throw error;
  }
  return row;
}

/** PUT: replaces the webhook (keeping its signing secret), or creates it with the client's id. */
export async function upsertWebhook(
  deps: Deps,
  organizationId: string,
  id: string,
  input: WebhookInput,
): Promise<{ row: WebhookRow; created: boolean }> {
  const existing = await findWebhook(deps.db.kysely, organizationId, id);
  if (!existing) return { row: await createWebhook(deps, organizationId, input, id), created: true };
  await checkWebhookInput(deps, organizationId, input, id);
  const changes = {
    ...fields(input),
    ...(fields(input).status === 'active' ? { failingSince: null, deactivatedTime: null } : {}),
    updatedTime: new Date().toISOString(),
  };
  await updateWebhook(deps.db.kysely, organizationId, id, changes);
  return { row: { ...existing, ...changes }, created: false };
}

/**
 * A new signing secret, returned once. The current one becomes the previous one and keeps signing (a second
 * `v1=` in `Kycgate-Signature`) for `PREVIOUS_SECRET_TTL_MS`; a secret older than that is dropped at once.
 */
export async function rotateSigningSecret(
  deps: Deps,
  organizationId: string,
  id: string,
  now: number = Date.now(),
): Promise<WebhookRow | undefined> {
  return deps.db.transaction(async (trx) => {
    const existing = await findWebhook(trx, organizationId, id);
    if (!existing) return undefined;
    const changes = {
      signingSecret: newSigningSecret(),
      previousSigningSecret: existing.signingSecret,
      previousSecretExpiresTime: new Date(now + PREVIOUS_SECRET_TTL_MS).toISOString(),
      updatedTime: new Date(now).toISOString(),
    };
    await trx
      .updateTable('webhooks')
      .set(changes)
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .execute();
    return { ...existing, ...changes };
  });
}
