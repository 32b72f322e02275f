/**
 * The event outbox: every KYC event is written here in the same transaction as the change that causes it,
 * with the resource's revision and its API representation at that revision. Webhook delivery reads it.
 */
import type { Executor } from '../../db/database.ts';
import type { EventRow } from '../../db/schema.ts';
import { type FilterColumn, selectPage } from '../../db/collection.ts';
import { newId } from '../../lib/ids.ts';
import type { FilterClause, SortKey } from '../../lib/collection-query.ts';
import { enqueueWebhookDispatch } from '../webhooks/dispatch-contract.ts';

export const KYC_EVENT_TYPES = [
  'kyc-document-created',
  'kyc-document-modified',
  'kyc-document-reviewed',
  'kyc-document-accepted',
  'kyc-document-rejected',
  'kyc-document-archived',
  'kyc-request-attempted',
  'kyc-request-partially-fulfilled',
  'kyc-request-fulfilled',
  'kyc-request-failed',
] as const;
export type KycEventType = (typeof KYC_EVENT_TYPES)[number];

/**
 * kycgate extension: events about the organization's own configuration, listed by `GET /events` beside
 * the KYC events but never sent to webhooks (`webhook-deactivated`: deliveries kept failing, see
 * src/modules/webhooks/webhook-jobs.ts). Their `customerId` is empty.
 */
export const ORGANIZATION_EVENT_TYPES = ['webhook-deactivated'] as const;
export const EVENT_TYPES = [...KYC_EVENT_TYPES, ...ORGANIZATION_EVENT_TYPES] as const;
export const EVENT_RESOURCE_TYPES = ['kyc-document', 'kyc-request', 'webhook'] as const;

export interface NewEvent {
  organizationId: string;
  eventType: KycEventType;
  resourceType: 'kyc-document' | 'kyc-request';
  resourceId: string;
  customerId: string;
  revision: number;
  payload: unknown;
}

export async function recordEvent(db: Executor, event: NewEvent): Promise<EventRow> {
  const row: EventRow = {
    ...event,
    id: newId('evt'),
    payload: JSON.stringify(event.payload),
    createdTime: new Date().toISOString(),
  };
  await db.insertInto('events').values(row).execute();
  // Same transaction: the webhook fan-out is queued if and only if the event commits (dispatch-contract.ts).
  await enqueueWebhookDispatch(db, row);
  return row;
}

/** Records an organization event (not a KYC one): listed by `GET /events`, not dispatched to webhooks. */
export async function recordOrganizationEvent(
  db: Executor,
  event: {
    organizationId: string;
    eventType: (typeof ORGANIZATION_EVENT_TYPES)[number];
    resourceType: 'webhook';
    resourceId: string;
    payload: unknown;
    createdTime?: string;
  },
): Promise<EventRow> {
  const row: EventRow = {
    organizationId: event.organizationId,
    id: newId('evt'),
    eventType: event.eventType,
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    customerId: '',
    revision: 0,
    payload: JSON.stringify(event.payload),
    createdTime: event.createdTime ?? new Date().toISOString(),
  };
  await db.insertInto('events').values(row).execute();
  return row;
}

export const EVENT_FILTERS: Record<string, FilterColumn> = {
  id: { type: 'id', column: 'id' },
  eventType: { type: 'enum', column: 'eventType', values: EVENT_TYPES },
  resourceType: { type: 'enum', column: 'resourceType', values: EVENT_RESOURCE_TYPES },
  resourceId: { type: 'id', column: 'resourceId' },
  customerId: { type: 'id', column: 'customerId' },
  createdTime: { type: 'datetime', column: 'createdTime' },
};

export async function listEvents(
  db: Executor,
  organizationId: string,
  options: { clauses: FilterClause[]; sort: SortKey[]; limit: number; offset: number },
): Promise<{ rows: EventRow[]; total: number }> {
  return selectPage(
    db.selectFrom('events').where('organizationId', '=', organizationId),
    EVENT_FILTERS,
    { id: 'id', createdTime: 'createdTime' },
    options,
  );
}
