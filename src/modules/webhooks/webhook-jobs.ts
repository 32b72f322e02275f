/**
 * The webhook jobs, bound to `Deps`:
 * - `webhook.dispatch` (one per event, enqueued by `recordEvent`; see dispatch-contract.ts): enqueues one
 *   `webhook.deliver` job per active webhook whose `eventsFilter` takes the event (empty = every event),
 *   with the job key `<eventId>:<webhookId>`, so a re-run of the dispatch adds no second live delivery.
 * - `webhook.deliver`: one HTTP attempt per run, logged in `webhook_tracking`. Any non-2xx, timeout,
 *   connection error or refused address throws, and the queue retries with its exponential backoff and
 *   jitter (10 s, 20 s, 40 s… capped at 1 h); once `WEBHOOKS_RETRY_HORIZON_HOURS` (default 72) have passed
 *   since the delivery was enqueued, the failing attempt is logged `failed` and the job ends.
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
import type { WebhookCredentialRow, WebhookRow } from '../../db/schema.ts';
import { newId } from '../../lib/ids.ts';
import { defineJob, enqueue, type JobContext } from '../../queue/queue.ts';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from '../../webhooks-verify.ts';
import { findCustomer } from '../customers/customers.repo.ts';
import type { Deps } from '../deps.ts';
import { customersWithFulfilledKyc } from '../kyc-documents/kyc-documents.repo.ts';
import { DISPATCH_WEBHOOKS_JOB, DispatchWebhooksPayload } from './dispatch-contract.ts';
import { sendWebhook, type SendResult } from './send-webhook.ts';
import { buildWebhookPayload, renderTemplate } from './webhook-payload.ts';
import { activeWebhooks, findCredential, findWebhook, insertTracking } from './webhooks.repo.ts';
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
    handler: (payload, ctx) => deliver(deps, payload, ctx, now, horizonMs),
  });

  const dispatchWebhooks = defineJob({
    name: DISPATCH_WEBHOOKS_JOB,
    payload: DispatchWebhooksPayload,
    async handler({ organizationId, eventId }) {
      const event = await deps.db.kysely
        .selectFrom('events')
        .select(['id', 'eventType'])
        .where('organizationId', '=', organizationId)
        .where('id', '=', eventId)
        .executeTakeFirst();
      if (!event) return;
      const since = new Date(now()).toISOString();
      await deps.db.transaction(async (trx) => {
        for (const webhook of await activeWebhooks(trx, organizationId)) {
          const filter = JSON.parse(webhook.eventsFilter) as string[];
          if (filter.length > 0 && !filter.includes(event.eventType)) continue;
          await enqueue(
            trx,
            deliverWebhook,
            { organizationId, eventId, webhookId: webhook.id, since },
            { jobKey: `${eventId}:${webhook.id}`, now: now() },
          );
        }
      });
    },
  });

  return { dispatchWebhooks, deliverWebhook };
}

export class WebhookDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookDeliveryError';
  }
}

async function deliver(
  deps: Deps,
  payload: { organizationId: string; eventId: string; webhookId: string; since: string },
  ctx: JobContext,
  now: () => number,
  horizonMs: number,
): Promise<void> {
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
  // Deleted or switched off since: nothing to send, nothing to retry.
  if (!event || !webhook || webhook.status !== 'active') return;
  const credential = webhook.credentialHash
    ? await findCredential(db, organizationId, webhook.credentialHash)
    : undefined;
  const customer = await findCustomer(db, organizationId, event.customerId);
  const fulfilled = await customersWithFulfilledKyc(db, organizationId, [event.customerId]);
  const defaultPayload = buildWebhookPayload(deps.config, event, customer, fulfilled.has(event.customerId));
  const body =
    webhook.body === null ? JSON.stringify(defaultPayload) : renderTemplate(webhook.body, defaultPayload);

  const initiated = now();
  const headers = requestHeaders(webhook, credential, event.id, body, Math.floor(initiated / 1000));
  const started = performance.now();
  const result = await sendWebhook({
    method: webhook.method,
    url: webhook.url,
    headers,
    body,
    allowPrivateNetworks: deps.config.webhooksAllowPrivateNetworks,
    signal: ctx.signal,
  });
  const duration = Math.round(performance.now() - started);
  const isDelivered = result.status !== null && result.status >= 200 && result.status < 300;
  const isPastHorizon = now() - Date.parse(payload.since) >= horizonMs;
  const reason = failureReason(result);

  await insertTracking(db, {
    organizationId,
    id: newId('hook_log'),
    webhookId: webhook.id,
    eventId: event.id,
    eventType: event.eventType,
    entityId: event.resourceId,
    attempt: ctx.attempt,
    deliveryStatus: isDelivered ? 'delivered' : isPastHorizon ? 'failed' : 'retrying',
    status: result.status,
    error: isDelivered ? null : reason,
    url: webhook.url,
    method: webhook.method,
    request: webhook.method === 'GET' ? '' : body,
    requestHeaders: JSON.stringify(redacted(headers)),
    response: result.body,
    responseHeaders: JSON.stringify(result.headers),
    duration,
    initiatedTime: new Date(initiated).toISOString(),
    sentTime: result.sent ? new Date(initiated).toISOString() : null,
    createdTime: new Date(now()).toISOString(),
  });
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

function requestHeaders(
  webhook: WebhookRow,
  credential: WebhookCredentialRow | undefined,
  eventId: string,
  body: string,
  timestamp: number,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const header of JSON.parse(webhook.headers) as WebhookHeader[]) {
    const name = header.name.toLowerCase();
    if ((header.status ?? 'active') === 'active' && !RESERVED_HEADERS.has(name)) headers[name] = header.value;
  }
  headers['content-type'] = 'application/json; charset=utf-8';
  headers['user-agent'] = USER_AGENT;
  headers[EVENT_ID_HEADER] = eventId;
  headers[SIGNATURE_HEADER] = signatureHeader(webhook.signingSecret, timestamp, body);
  if (credential && credential.status === 'active' && credential.authType === 'basic') {
    const token = Buffer.from(`${credential.username ?? ''}:${credential.password ?? ''}`).toString('base64');
    headers.authorization = `Basic ${token}`;
  }
  return headers;
}

/** The headers as logged in tracking: the Authorization value is never stored. */
function redacted(headers: Record<string, string>): Record<string, string> {
  return headers.authorization ? { ...headers, authorization: 'Basic [redacted]' } : headers;
}
