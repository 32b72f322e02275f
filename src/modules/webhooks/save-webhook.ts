/**
 * Creating, replacing and deleting webhooks (`POST /webhooks`, `PUT /webhooks/{id}`, `DELETE`).
 *
 * Checked here: at most 25 active webhooks per organization (Rebilly's documented limit); an http(s) URL
 * whose host, when it is an IP literal, passes the SSRF guard (names are checked on every delivery, when
 * they are resolved); a credential of the organization whose `host` is the URL's host (a credential is
 * never sent to another host). Not supported yet, refused with 422 rather than stored and ignored: the
 * `filter` condition.
 */
import { randomBytes } from 'node:crypto';
import { AppError, invalidField } from '../../errors.ts';
import type { WebhookRow } from '../../db/schema.ts';
import { newId } from '../../lib/ids.ts';
import type { Deps } from '../deps.ts';
import { checkAddress, hostOf } from './address-guard.ts';
import {
  countActiveWebhooks,
  findCredential,
  findWebhook,
  insertWebhook,
  updateWebhook,
} from './webhooks.repo.ts';
import { MAX_ACTIVE_WEBHOOKS, type WebhookInput } from './webhooks.schemas.ts';
import { isIP } from 'node:net';

async function checkInput(deps: Deps, organizationId: string, input: WebhookInput, id: string | undefined) {
  if (input.filter) {
    throw invalidField('filter', 'filter conditions are not supported by kycgate yet; use eventsFilter');
  }
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
  if (isIP(host)) {
    const verdict = checkAddress(host, deps.config.webhooksAllowPrivateNetworks);
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
  if ((input.status ?? 'active') === 'active') {
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
  };
}

export async function createWebhook(
  deps: Deps,
  organizationId: string,
  input: WebhookInput,
  id: string = input.id ?? newId('hook'),
): Promise<WebhookRow> {
  await checkInput(deps, organizationId, input, undefined);
  const now = new Date().toISOString();
  const row: WebhookRow = {
    organizationId,
    id,
    ...fields(input),
    signingSecret: `whsec_${randomBytes(24).toString('base64url')}`,
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
  await checkInput(deps, organizationId, input, id);
  const changes = { ...fields(input), updatedTime: new Date().toISOString() };
  await updateWebhook(deps.db.kysely, organizationId, id, changes);
  return { row: { ...existing, ...changes }, created: false };
}
