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

export const EVENT_FILTERS: Record<string, FilterColumn> = {
  id: { type: 'id', column: 'id' },
  eventType: { type: 'enum', column: 'eventType', values: KYC_EVENT_TYPES },
  resourceType: { type: 'enum', column: 'resourceType', values: ['kyc-document', 'kyc-request'] },
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
