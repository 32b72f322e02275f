/**
 * Webhooks: service credentials, subscriptions and the log of every delivery attempt. Frozen in time.
 * JSON columns are text; times are ISO-8601 UTC text (see src/db/schema.ts).
 *
 * Secrets are stored as given (credential passwords, signing secrets): kycgate has to send them (Basic
 * auth) or compute with them (HMAC), so a one-way digest cannot do. They never leave through the API after
 * creation (response schemas are allowlists).
 */
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations work on an untyped schema */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhook_credentials')
    .addColumn('organization_id', 'varchar(50)', (c) => c.notNull().references('organizations.id'))
    .addColumn('id', 'varchar(50)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('host', 'varchar(255)', (c) => c.notNull())
    .addColumn('auth_type', 'varchar(20)', (c) => c.notNull())
    .addColumn('username', 'varchar(255)')
    .addColumn('password', 'text')
    .addColumn('created_time', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_time', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_credentials_pk', ['organization_id', 'id'])
    .execute();

  await db.schema
    .createTable('webhooks')
    .addColumn('organization_id', 'varchar(50)', (c) => c.notNull().references('organizations.id'))
    .addColumn('id', 'varchar(50)', (c) => c.notNull())
    .addColumn('events_filter', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('method', 'varchar(10)', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('headers', 'text', (c) => c.notNull())
    .addColumn('credential_hash', 'varchar(50)')
    .addColumn('body', 'text')
    .addColumn('signing_secret', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_time', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_time', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhooks_pk', ['organization_id', 'id'])
    .execute();

  await db.schema
    .createTable('webhook_tracking')
    .addColumn('organization_id', 'varchar(50)', (c) => c.notNull().references('organizations.id'))
    .addColumn('id', 'varchar(50)', (c) => c.notNull())
    .addColumn('webhook_id', 'varchar(50)', (c) => c.notNull())
    .addColumn('event_id', 'varchar(50)', (c) => c.notNull())
    .addColumn('event_type', 'varchar(50)', (c) => c.notNull())
    .addColumn('entity_id', 'varchar(50)', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('delivery_status', 'varchar(20)', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('error', 'text')
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('method', 'varchar(10)', (c) => c.notNull())
    .addColumn('request', 'text', (c) => c.notNull())
    .addColumn('request_headers', 'text', (c) => c.notNull())
    .addColumn('response', 'text')
    .addColumn('response_headers', 'text', (c) => c.notNull())
    .addColumn('duration', 'integer', (c) => c.notNull())
    .addColumn('initiated_time', 'varchar(30)', (c) => c.notNull())
    .addColumn('sent_time', 'varchar(30)')
    .addColumn('created_time', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_tracking_pk', ['organization_id', 'id'])
    .execute();
  await db.schema
    .createIndex('webhook_tracking_event_idx')
    .on('webhook_tracking')
    .columns(['organization_id', 'event_id', 'webhook_id'])
    .execute();
}
