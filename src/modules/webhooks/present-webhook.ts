/** Rows to API representations: allowlists, never a row (no signing secret, no password). */
import type { Config } from '../../config.ts';
import type { WebhookCredentialRow, WebhookRow, WebhookTrackingRow } from '../../db/schema.ts';
import { resourceUrl } from '../deps.ts';
import type { KycEventType } from '../events/events.repo.ts';
import type { Webhook, WebhookCredential, WebhookHeader, WebhookTracking } from './webhooks.schemas.ts';

export function presentWebhook(config: Config, row: WebhookRow): Webhook {
  const headers = JSON.parse(row.headers) as WebhookHeader[];
  return {
    id: row.id,
    eventsFilter: JSON.parse(row.eventsFilter) as KycEventType[],
    status: row.status,
    method: row.method,
    url: row.url,
    headers: headers.map((h) => ({ name: h.name, value: h.value, status: h.status ?? 'active' })),
    credentialHash: row.credentialHash,
    body: row.body,
    filter: row.filter,
    failingSince: row.failingSince,
    deactivatedTime: row.deactivatedTime,
    previousSecretExpiresTime: row.previousSigningSecret ? row.previousSecretExpiresTime : null,
    createdTime: row.createdTime,
    updatedTime: row.updatedTime,
    _links: [{ rel: 'self', href: resourceUrl(config, row.organizationId, `webhooks/${row.id}`) }],
  };
}

export function presentCredential(config: Config, row: WebhookCredentialRow): WebhookCredential {
  return {
    id: row.id,
    hash: row.id,
    type: 'webhook',
    status: row.status,
    deactivationTime: null,
    host: row.host,
    auth: { type: row.authType, username: row.username },
    createdTime: row.createdTime,
    updatedTime: row.updatedTime,
    _links: [
      {
        rel: 'self',
        href: resourceUrl(config, row.organizationId, `service-credentials/webhook/${row.id}`),
      },
    ],
  };
}

export function presentTracking(config: Config, row: WebhookTrackingRow): WebhookTracking {
  return {
    id: row.id,
    organizationId: row.organizationId,
    source: 'webhooks',
    eventType: row.eventType as KycEventType,
    entityId: row.entityId,
    webhookId: row.webhookId,
    eventId: row.eventId,
    attempt: row.attempt,
    status: row.status,
    deliveryStatus: row.deliveryStatus,
    error: row.error,
    url: row.url,
    method: row.method,
    request: row.request,
    requestHeaders: JSON.parse(row.requestHeaders) as Record<string, string>,
    response: row.response,
    responseHeaders: JSON.parse(row.responseHeaders) as Record<string, string>,
    duration: row.duration,
    initiatedTime: row.initiatedTime,
    sentTime: row.sentTime,
    createdTime: row.createdTime,
    _links: [
      { rel: 'self', href: resourceUrl(config, row.organizationId, `tracking/webhooks/${row.id}`) },
      { rel: 'webhook', href: resourceUrl(config, row.organizationId, `webhooks/${row.webhookId}`) },
    ],
  };
}
