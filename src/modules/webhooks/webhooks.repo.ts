/** Webhook, credential and tracking queries. Organization-scoped; callers pass `db.kysely` or a transaction. */
import { toCount, type FilterColumn, selectPage } from '../../db/collection.ts';
import type { Executor } from '../../db/database.ts';
import type { WebhookCredentialRow, WebhookRow, WebhookTrackingRow, WebhooksTable } from '../../db/schema.ts';
import type { FilterClause, SortKey } from '../../lib/collection-query.ts';
import { KYC_EVENT_TYPES } from '../events/events.repo.ts';

export interface ListOptions {
  clauses: FilterClause[];
  sort: SortKey[];
  limit: number;
  offset: number;
}

export const WEBHOOK_FILTERS: Record<string, FilterColumn> = {
  id: { type: 'id', column: 'id' },
  status: { type: 'enum', column: 'status', values: ['active', 'inactive'] },
  method: { type: 'enum', column: 'method', values: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
  createdTime: { type: 'datetime', column: 'createdTime' },
  updatedTime: { type: 'datetime', column: 'updatedTime' },
};
export const WEBHOOK_SORTS: Record<string, string> = {
  id: 'id',
  createdTime: 'createdTime',
  updatedTime: 'updatedTime',
};

export const TRACKING_FILTERS: Record<string, FilterColumn> = {
  id: { type: 'id', column: 'id' },
  eventType: { type: 'enum', column: 'eventType', values: KYC_EVENT_TYPES },
  status: { type: 'integer', column: 'status' },
  deliveryStatus: {
    type: 'enum',
    column: 'deliveryStatus',
    values: ['delivered', 'retrying', 'failed', 'skipped'],
  },
  webhookId: { type: 'id', column: 'webhookId' },
  eventId: { type: 'id', column: 'eventId' },
  entityId: { type: 'id', column: 'entityId' },
  createdTime: { type: 'datetime', column: 'createdTime' },
};
export const TRACKING_SORTS: Record<string, string> = { id: 'id', createdTime: 'createdTime' };

export function findWebhook(
  db: Executor,
  organizationId: string,
  id: string,
): Promise<WebhookRow | undefined> {
  return db
    .selectFrom('webhooks')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function countActiveWebhooks(db: Executor, organizationId: string, exceptId?: string) {
  let query = db
    .selectFrom('webhooks')
    .select((eb) => eb.fn.countAll().as('count'))
    .where('organizationId', '=', organizationId)
    .where('status', '=', 'active');
  if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
  return toCount((await query.executeTakeFirstOrThrow()).count);
}

export function activeWebhooks(db: Executor, organizationId: string): Promise<WebhookRow[]> {
  return db
    .selectFrom('webhooks')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('status', '=', 'active')
    .orderBy('id')
    .execute();
}

export async function insertWebhook(db: Executor, row: WebhookRow): Promise<void> {
  await db.insertInto('webhooks').values(row).execute();
}

export async function updateWebhook(
  db: Executor,
  organizationId: string,
  id: string,
  changes: Partial<Omit<WebhooksTable, 'organizationId' | 'id' | 'signingSecret' | 'createdTime'>>,
): Promise<void> {
  await db
    .updateTable('webhooks')
    .set(changes)
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .execute();
}

export async function deleteWebhook(db: Executor, organizationId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('webhooks')
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function listWebhooks(
  db: Executor,
  organizationId: string,
  options: ListOptions,
): Promise<{ rows: WebhookRow[]; total: number }> {
  return selectPage(
    db.selectFrom('webhooks').where('organizationId', '=', organizationId),
    WEBHOOK_FILTERS,
    WEBHOOK_SORTS,
    options,
  );
}

export function findCredential(
  db: Executor,
  organizationId: string,
  id: string,
): Promise<WebhookCredentialRow | undefined> {
  return db
    .selectFrom('webhookCredentials')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function insertCredential(db: Executor, row: WebhookCredentialRow): Promise<void> {
  await db.insertInto('webhookCredentials').values(row).execute();
}

export async function listCredentials(
  db: Executor,
  organizationId: string,
  options: { limit: number; offset: number },
): Promise<{ rows: WebhookCredentialRow[]; total: number }> {
  const query = db.selectFrom('webhookCredentials').where('organizationId', '=', organizationId);
  const count = await query.select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy('createdTime', 'desc')
    .orderBy('id')
    .limit(options.limit)
    .offset(options.offset)
    .execute();
  return { rows, total: toCount(count.count) };
}

export async function insertTracking(db: Executor, row: WebhookTrackingRow): Promise<void> {
  await db.insertInto('webhookTracking').values(row).execute();
}

export function findTracking(
  db: Executor,
  organizationId: string,
  id: string,
): Promise<WebhookTrackingRow | undefined> {
  return db
    .selectFrom('webhookTracking')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listTracking(
  db: Executor,
  organizationId: string,
  options: ListOptions,
): Promise<{ rows: WebhookTrackingRow[]; total: number }> {
  return selectPage(
    db.selectFrom('webhookTracking').where('organizationId', '=', organizationId),
    TRACKING_FILTERS,
    TRACKING_SORTS,
    options,
  );
}

/** Whether the organization is a sandbox one (its webhooks may target private networks). */
export async function isSandboxOrganization(db: Executor, organizationId: string): Promise<boolean> {
  const row = await db
    .selectFrom('organizations')
    .select('isSandbox')
    .where('id', '=', organizationId)
    .executeTakeFirst();
  return Number(row?.isSandbox ?? 0) === 1;
}

/** A 2xx ends the webhook's failure streak. */
export async function clearFailureStreak(db: Executor, organizationId: string, id: string): Promise<void> {
  await db
    .updateTable('webhooks')
    .set({ failingSince: null })
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .where('failingSince', 'is not', null)
    .execute();
}

/**
 * A failed attempt starts the streak if none is running; returns when the streak started (this attempt's
 * time, or the earlier first failure).
 */
export async function recordFailure(
  db: Executor,
  organizationId: string,
  id: string,
  at: string,
): Promise<string> {
  await db
    .updateTable('webhooks')
    .set({ failingSince: at })
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .where('failingSince', 'is', null)
    .execute();
  const row = await db
    .selectFrom('webhooks')
    .select('failingSince')
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.failingSince ?? at;
}

/** Switches an active webhook off; false when it was not active any more (deleted, or already off). */
export async function deactivateWebhook(
  db: Executor,
  organizationId: string,
  id: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('webhooks')
    .set({ status: 'inactive', deactivatedTime: at, updatedTime: at })
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
