/**
 * The webhook jobs, bound to `Deps`:
 * - `webhook.dispatch` (one per event, enqueued by `recordEvent`; see dispatch-contract.ts): enqueues one
 *   `webhook.deliver` job per active webhook whose `eventsFilter` takes the event (empty = every event)
 *   and whose `filter` condition holds for it (webhook-filter.ts), with the job key `<eventId>:<webhookId>`,
 *   so a re-run of the dispatch adds no second live delivery.
 * - `webhook.deliver`: one HTTP attempt per run, logged in `webhook_tracking`. Any non-2xx, timeout,
 *   connection error or refused address throws, and the queue retries with its exponential backoff and
 *   jitter (10 s, 20 s, 40 s… capped at 1 h); once `WEBHOOKS_RETRY_HORIZON_HOURS` (default 72) have passed
 *   since the delivery was enqueued, the failing attempt is logged `failed` and the job ends.
 *
 * Failure streak: the first failed attempt with no 2xx since is kept on the webhook (`failingSince`); any 2xx
 * clears it. When an attempt fails and the streak is `WEBHOOKS_DEACTIVATE_AFTER_DAYS` old (default 5), the
 * webhook is switched off (`status: inactive`, `deactivatedTime`) and a `webhook-deactivated` event is
 * recorded in the same transaction, for `GET /events`; its queued deliveries then end without an attempt.
 *
 * Delivery is at least once: a worker killed mid-attempt loses its lease and the attempt runs again, so a
 * receiver may see an event twice (same `Kycgate-Event-Id`). Deliveries are not ordered: while one
 * event's delivery waits for its retry, later events of the same resource may arrive first; the embedded
 * resource's `revision` tells which is newer.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Type from 'typebox';
import type { EventRow, WebhookCredentialRow, WebhookRow } from '../../db/schema.ts';
import { newId } from '../../lib/ids.ts';
import { defineJob, enqueue, type JobContext } from '../../queue/queue.ts';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from '../../webhooks-verify.ts';
import { findCustomer } from '../customers/customers.repo.ts';
import type { Deps } from '../deps.ts';
import { recordOrganizationEvent } from '../events/events.repo.ts';
import { customersWithFulfilledKyc } from '../kyc-documents/kyc-documents.repo.ts';
import { hostOf, type Resolver } from './address-guard.ts';
import { DISPATCH_WEBHOOKS_JOB, DispatchWebhooksPayload } from './dispatch-contract.ts';
import { presentWebhook } from './present-webhook.ts';
import { sendWebhook, type SendResult } from './send-webhook.ts';
import { matchesWebhookFilter, parseWebhookFilter } from './webhook-filter.ts';
import { buildWebhookPayload, renderTemplate } from './webhook-payload.ts';
import {
  activeWebhooks,
  clearFailureStreak,
  deactivateWebhook,
  findCredential,
  findWebhook,
  insertTracking,
  isSandboxOrganization,
  recordFailure,
} from './webhooks.repo.ts';
import type { WebhookHeader } from './webhooks.schemas.ts';

export const DELIVER_WEBHOOK_JOB = 'webhook.deliver';
export const DELIVERY_BACKOFF = { baseMs: 10_000, maxMs: 3_600_000 } as const;

export const DeliverWebhookPayload = Type.Object({
  organizationId: Type.String(),
  eventId: Type.String(),
  webhookId: Type.String(),
  /** Start of the retry horizon (ISO-8601): when the delivery was enqueued, or re-sent. */
  since: Type.String(),
});

/** `kycgate/<version>`, from the package.json above this file (the same in src/ and in a build). */
export const USER_AGENT = `kycgate/${packageVersion()}`;

function packageVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'kycgate' && pkg.version) return pkg.version;
    } catch {
      // not here: look one folder up
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}

/** Headers a webhook's custom headers cannot replace. */
const RESERVED_HEADERS = new Set([
  'content-type',
  'content-length',
  'host',
  'user-agent',
  'authorization',
  'connection',
  'transfer-encoding',
  EVENT_ID_HEADER,
  SIGNATURE_HEADER,
]);

export interface WebhookJobsOptions {
  /** The clock, in ms since the epoch (tracking times, signatures, the retry horizon). Default `Date.now`. */
  now?: () => number;
  /** Host name resolution for deliveries; default the system's. Tests inject one. */
  resolve?: Resolver;
  /** Bound of one attempt, in ms. Default `WEBHOOK_TIMEOUT_MS` (10 s). */
  timeoutMs?: number;
}

export function createWebhookJobs(deps: Deps, options: WebhookJobsOptions = {}) {
  const now = options.now ?? Date.now;
  const horizonMs = deps.config.webhookRetryHorizonMs;
  // Enough attempts to span the horizon at the capped delay shortened by the largest jitter (20 %); the
  // horizon, not the count, ends a failing delivery, so the queue never parks one before it.
  const maxAttempts = Math.ceil(horizonMs / (DELIVERY_BACKOFF.maxMs * 0.8)) + 20;

  const deliverWebhook = defineJob({
    name: DELIVER_WEBHOOK_JOB,
    payload: DeliverWebhookPayload,
    maxAttempts,
    backoff: DELIVERY_BACKOFF,
    handler: (payload, ctx) => deliver(deps, payload, ctx, { ...options, now, horizonMs }),
  });

  const dispatchWebhooks = defineJob({
    name: DISPATCH_WEBHOOKS_JOB,
    payload: DispatchWebhooksPayload,
    async handler({ organizationId, eventId }) {
      const event = await deps.db.kysely
        .selectFrom('events')
        .selectAll()
        .where('organizationId', '=', organizationId)
        .where('id', '=', eventId)
        .executeTakeFirst();
      if (!event) return;
      const since = new Date(now()).toISOString();
      // Built once, only when some webhook has a filter condition to check it against.
      let payload: Record<string, unknown> | undefined;
      const targets: string[] = [];
      for (const webhook of await activeWebhooks(deps.db.kysely, organizationId)) {
        const filter = JSON.parse(webhook.eventsFilter) as string[];
        if (filter.length > 0 && !filter.includes(event.eventType)) continue;
        if (webhook.filter) {
          const clauses = parseStoredFilter(webhook.filter);
          payload ??= await defaultPayload(deps, event);
          if (!clauses || !matchesWebhookFilter(clauses, payload)) continue;
        }
        targets.push(webhook.id);
      }
      if (targets.length === 0) return;
      // All the deliveries or none: a crash mid-way re-runs the dispatch, and the job keys dedupe.
      await deps.db.transaction(async (trx) => {
        for (const webhookId of targets) {
          await enqueue(
            trx,
            deliverWebhook,
            { organizationId, eventId, webhookId, since },
            { jobKey: `${eventId}:${webhookId}`, now: now() },
          );
        }
      });
    },
  });

  return { dispatchWebhooks, deliverWebhook };
}

/** A filter saved by an older release that no longer parses (undefined) takes nothing, not everything. */
function parseStoredFilter(filter: string) {
  try {
    return parseWebhookFilter(filter);
  } catch {
    return undefined;
  }
}

/** Rebilly's payload of `event`, with the customer as it is now. */
async function defaultPayload(deps: Deps, event: EventRow): Promise<Record<string, unknown>> {
  const db = deps.db.kysely;
  const customer = await findCustomer(db, event.organizationId, event.customerId);
  const fulfilled = await customersWithFulfilledKyc(db, event.organizationId, [event.customerId]);
  return buildWebhookPayload(deps.config, event, customer, fulfilled.has(event.customerId));
}

export class WebhookDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookDeliveryError';
  }
}

/** Whether a webhook of `organizationId` may call private addresses (operator config or a sandbox org). */
export async function allowsPrivateNetworks(deps: Deps, organizationId: string): Promise<boolean> {
  return (
    deps.config.webhooksAllowPrivateNetworks || (await isSandboxOrganization(deps.db.kysely, organizationId))
  );
}

/** One attempt's request: the body (template or default payload), headers and, for Digest, the credential. */
export function composeRequest(
  webhook: WebhookRow,
  credential: WebhookCredentialRow | undefined,
  eventId: string,
  payload: Record<string, unknown>,
  nowMs: number,
): { body: string; headers: Record<string, string>; digest?: { username: string; password: string } } {
  const body = webhook.body === null ? JSON.stringify(payload) : renderTemplate(webhook.body, payload);
  // Checked at save time too; checked again here because the credential's host may have changed since.
  const usable =
    credential?.status === 'active' &&
    credential.host.toLowerCase() === hostOf(new URL(webhook.url)).toLowerCase()
      ? credential
      : undefined;
  const headers = requestHeaders(webhook, usable, eventId, body, nowMs);
  const isDigest = usable?.authType === 'digest';
  return {
    body,
    headers,
    ...(isDigest ? { digest: { username: usable.username ?? '', password: usable.password ?? '' } } : {}),
  };
}

async function deliver(
  deps: Deps,
  payload: { organizationId: string; eventId: string; webhookId: string; since: string },
  ctx: JobContext,
  options: { now: () => number; horizonMs: number; resolve?: Resolver; timeoutMs?: number },
): Promise<void> {
  const { now, horizonMs } = options;
  const db = deps.db.kysely;
  const { organizationId } = payload;
  const [event, webhook] = await Promise.all([
    db
      .selectFrom('events')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('id', '=', payload.eventId)
      .executeTakeFirst(),
    findWebhook(db, organizationId, payload.webhookId),
  ]);
  // Deleted or switched off since (by the merchant, or deactivated): nothing to send, nothing to retry.
  if (!event || !webhook || webhook.status !== 'active') return;
  const credential = webhook.credentialHash
    ? await findCredential(db, organizationId, webhook.credentialHash)
    : undefined;
  const initiated = now();
  const request = composeRequest(webhook, credential, event.id, await defaultPayload(deps, event), initiated);
  const started = performance.now();
  const result = await sendWebhook({
    method: webhook.method,
    url: webhook.url,
    headers: request.headers,
    body: request.body,
    digest: request.digest,
    allowPrivateNetworks: await allowsPrivateNetworks(deps, organizationId),
    signal: ctx.signal,
    ...(options.resolve ? { resolve: options.resolve } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  const duration = Math.round(performance.now() - started);
  const isDelivered = result.status !== null && result.status >= 200 && result.status < 300;
  const finished = now();
  const isPastHorizon = finished - Date.parse(payload.since) >= horizonMs;
  const reason = failureReason(result);
  const finishedIso = new Date(finished).toISOString();

  const deactivated = await deps.db.transaction(async (trx) => {
    let isDeactivated = false;
    if (isDelivered) {
      await clearFailureStreak(trx, organizationId, webhook.id);
    } else {
      const failingSince = await recordFailure(trx, organizationId, webhook.id, finishedIso);
      const afterMs = deps.config.webhookDeactivateAfterMs;
      if (afterMs > 0 && finished - Date.parse(failingSince) >= afterMs) {
        isDeactivated = await deactivateWebhook(trx, organizationId, webhook.id, finishedIso);
        if (isDeactivated) {
          const off = { ...webhook, status: 'inactive' as const, deactivatedTime: finishedIso };
          await recordOrganizationEvent(trx, {
            organizationId,
            eventType: 'webhook-deactivated',
            resourceType: 'webhook',
            resourceId: webhook.id,
            createdTime: finishedIso,
            payload: {
              ...presentWebhook(deps.config, { ...off, updatedTime: finishedIso }),
              failingSince,
              lastError: reason,
            },
          });
        }
      }
    }
    await insertTracking(trx, {
      organizationId,
      id: newId('hook_log'),
      webhookId: webhook.id,
      eventId: event.id,
      eventType: event.eventType,
      entityId: event.resourceId,
      attempt: ctx.attempt,
      deliveryStatus: isDelivered ? 'delivered' : isPastHorizon || isDeactivated ? 'failed' : 'retrying',
      status: result.status,
      error: isDelivered ? null : isDeactivated ? `${reason}; webhook deactivated` : reason,
      url: webhook.url,
      method: webhook.method,
      request: webhook.method === 'GET' ? '' : request.body,
      requestHeaders: JSON.stringify(redacted(result.requestHeaders)),
      response: result.body,
      responseHeaders: JSON.stringify(result.headers),
      duration,
      initiatedTime: new Date(initiated).toISOString(),
      sentTime: result.sent ? new Date(initiated).toISOString() : null,
      createdTime: finishedIso,
    });
    return isDeactivated;
  });
  if (deactivated) {
    ctx.log.warn(
      { webhookId: webhook.id, eventId: event.id },
      'webhook deactivated: deliveries kept failing',
    );
    return;
  }
  if (!isDelivered && !isPastHorizon) throw new WebhookDeliveryError(reason);
  if (!isDelivered) {
    ctx.log.warn(
      { webhookId: webhook.id, eventId: event.id },
      'webhook delivery failed; retry horizon passed',
    );
  }
}

function failureReason(result: SendResult): string {
  if (result.error && result.status === null) return result.error;
  return `HTTP ${result.status ?? '?'}`;
}

/**
 * The signature header: the current secret, and the previous one too while it is within its 24 hours
 * after a rotation (two `v1=` values; a receiver holding either secret verifies).
 */
function signatureFor(webhook: WebhookRow, body: string, nowMs: number): string {
  const timestamp = Math.floor(nowMs / 1000);
  let header = signatureHeader(webhook.signingSecret, timestamp, body);
  const expires = webhook.previousSecretExpiresTime ? Date.parse(webhook.previousSecretExpiresTime) : 0;
  if (webhook.previousSigningSecret && nowMs < expires) {
    const previous = signatureHeader(webhook.previousSigningSecret, timestamp, body);
    header += `,${previous.slice(previous.indexOf('v1='))}`;
  }
  return header;
}

function requestHeaders(
  webhook: WebhookRow,
  credential: WebhookCredentialRow | undefined,
  eventId: string,
  body: string,
  nowMs: number,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const header of JSON.parse(webhook.headers) as WebhookHeader[]) {
    const name = header.name.toLowerCase();
    if ((header.status ?? 'active') === 'active' && !RESERVED_HEADERS.has(name)) headers[name] = header.value;
  }
  headers['content-type'] = 'application/json; charset=utf-8';
  headers['user-agent'] = USER_AGENT;
  headers[EVENT_ID_HEADER] = eventId;
  headers[SIGNATURE_HEADER] = signatureFor(webhook, body, nowMs);
  if (credential && credential.status === 'active' && credential.authType === 'basic') {
    const token = Buffer.from(`${credential.username ?? ''}:${credential.password ?? ''}`).toString('base64');
    headers.authorization = `Basic ${token}`;
  }
  return headers;
}

/** The headers as logged in tracking: the Authorization value is never stored. */
export function redacted(headers: Record<string, string>): Record<string, string> {
  if (!headers.authorization) return headers;
  const scheme = headers.authorization.split(' ')[0] ?? 'Basic';
  return { ...headers, authorization: `${scheme} [redacted]` };
}
