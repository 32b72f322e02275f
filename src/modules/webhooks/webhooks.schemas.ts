/**
 * Webhook schemas: Rebilly's `GlobalWebhook`, `WebhookCredential` and `WebhookTracking`, plus kycgate's
 * extensions (`signingSecret` once, `deliveryStatus`, `error`, `webhookId`, `eventId`). Defined once.
 */
import Type, { type Static } from 'typebox';
import { DateTime, Id, Links, Nullable } from '../../http/schemas.ts';
import { KYC_EVENT_TYPES } from '../events/events.repo.ts';

export const WEBHOOK_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
/** Rebilly's documented limit of active webhooks per organization. */
export const MAX_ACTIVE_WEBHOOKS = 25;

const EventType = Type.Enum([...KYC_EVENT_TYPES]);

export const WebhookHeader = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100, pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" }),
  value: Type.String({ maxLength: 1000, pattern: '^[^\\r\\n]*$' }),
  status: Type.Optional(Type.Enum(['active', 'inactive'])),
});
export type WebhookHeader = Static<typeof WebhookHeader>;

/** What a client may write on POST and PUT. Read-only fields sent back are ignored. */
export const WebhookInput = Type.Object({
  id: Type.Optional(Id),
  eventsFilter: Type.Optional(Type.Array(EventType, { maxItems: KYC_EVENT_TYPES.length, uniqueItems: true })),
  status: Type.Optional(Type.Enum(['active', 'inactive'])),
  method: Type.Enum([...WEBHOOK_METHODS]),
  url: Type.String({ format: 'uri', minLength: 1, maxLength: 2000 }),
  headers: Type.Optional(Type.Array(WebhookHeader, { maxItems: 20 })),
  credentialHash: Type.Optional(Nullable(Id)),
  body: Type.Optional(Nullable(Type.String({ maxLength: 65_536 }))),
  filter: Type.Optional(
    Nullable(
      Type.String({
        maxLength: 2000,
        description:
          'Condition on the event, in the collection filter syntax over the payload fields (eventType, ' +
          'customerId, kycDocument.status, kycDocument.documentType, kycRequest.status, customer.email…); ' +
          'see docs/webhooks.md',
      }),
    ),
  ),
});
export type WebhookInput = Static<typeof WebhookInput>;

export const Webhook = Type.Object(
  {
    id: Type.String(),
    eventsFilter: Type.Array(EventType),
    status: Type.Enum(['active', 'inactive']),
    method: Type.Enum([...WEBHOOK_METHODS]),
    url: Type.String(),
    headers: Type.Array(
      Type.Object({ name: Type.String(), value: Type.String(), status: Type.Enum(['active', 'inactive']) }),
    ),
    credentialHash: Nullable(Type.String()),
    body: Nullable(Type.String()),
    filter: Nullable(Type.String()),
    failingSince: Nullable(
      Type.String({
        format: 'date-time',
        description: 'kycgate extension: the first failed attempt with no 2xx since; null while healthy',
      }),
    ),
    deactivatedTime: Nullable(
      Type.String({
        format: 'date-time',
        description:
          'kycgate extension: when kycgate switched the webhook off because its deliveries kept failing ' +
          '(a `webhook-deactivated` event in GET /events); saving it as active again clears it',
      }),
    ),
    previousSecretExpiresTime: Nullable(
      Type.String({
        format: 'date-time',
        description:
          'kycgate extension: after a signing-secret rotation, until when the previous secret still signs ' +
          'deliveries (a second `v1=` in `Kycgate-Signature`)',
      }),
    ),
    signingSecret: Type.Optional(
      Type.String({
        description:
          'kycgate extension: the HMAC key of `Kycgate-Signature`. Returned only by the request that created the ' +
          'webhook and by a rotation (POST /webhooks/{id}/signing-secret).',
      }),
    ),
    createdTime: DateTime,
    updatedTime: DateTime,
    _links: Links,
  },
  { title: 'GlobalWebhook' },
);
export type Webhook = Static<typeof Webhook>;

export const WebhookCredentialInput = Type.Object({
  id: Type.Optional(Id),
  status: Type.Optional(Type.Enum(['active', 'inactive'])),
  host: Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9-.]+$' }),
  auth: Type.Object({
    type: Type.Enum(['none', 'basic', 'digest']),
    username: Type.Optional(Nullable(Type.String({ maxLength: 255, pattern: '^[^:\\r\\n]*$' }))),
    password: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  }),
});
export type WebhookCredentialInput = Static<typeof WebhookCredentialInput>;

/** PATCH: the fields given replace the stored ones; `auth` as a whole when given (password included). */
export const WebhookCredentialPatch = Type.Object({
  status: Type.Optional(Type.Enum(['active', 'inactive'])),
  host: Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9-.]+$' })),
  auth: Type.Optional(WebhookCredentialInput.properties.auth),
});
export type WebhookCredentialPatch = Static<typeof WebhookCredentialPatch>;

export const WebhookCredential = Type.Object(
  {
    id: Type.String(),
    hash: Type.String({ description: 'Deprecated alias of `id`' }),
    type: Type.Literal('webhook'),
    status: Type.Enum(['active', 'inactive']),
    deactivationTime: Nullable(DateTime),
    host: Type.String(),
    auth: Type.Object({
      type: Type.Enum(['none', 'basic', 'digest']),
      username: Nullable(Type.String()),
    }),
    createdTime: DateTime,
    updatedTime: DateTime,
    _links: Links,
  },
  { title: 'WebhookCredential', description: 'The password is stored, never returned.' },
);
export type WebhookCredential = Static<typeof WebhookCredential>;

export const CredentialTypeParams = Type.Object({ type: Type.Literal('webhook') });
export const CredentialParams = Type.Object({ type: Type.Literal('webhook'), id: Id });

export const WebhookTracking = Type.Object(
  {
    id: Type.String(),
    organizationId: Type.String(),
    source: Type.Literal('webhooks'),
    eventType: EventType,
    entityId: Type.String(),
    webhookId: Type.String({ description: 'kycgate extension' }),
    eventId: Type.String({ description: 'kycgate extension: the `Kycgate-Event-Id` header sent' }),
    attempt: Type.Integer(),
    status: Nullable(Type.Integer({ description: 'The HTTP status answered; null when none came' })),
    deliveryStatus: Type.Enum(['delivered', 'retrying', 'failed', 'skipped'], {
      description: 'kycgate extension: what became of this attempt',
    }),
    error: Nullable(Type.String({ description: 'kycgate extension: why no 2xx came' })),
    url: Type.String(),
    method: Type.String(),
    request: Type.String(),
    requestHeaders: Type.Record(Type.String(), Type.String()),
    response: Nullable(Type.String()),
    responseHeaders: Type.Record(Type.String(), Type.String()),
    duration: Type.Integer({ description: 'Milliseconds' }),
    initiatedTime: DateTime,
    sentTime: Nullable(DateTime),
    createdTime: DateTime,
    _links: Links,
  },
  { title: 'WebhookTracking' },
);
export type WebhookTracking = Static<typeof WebhookTracking>;
