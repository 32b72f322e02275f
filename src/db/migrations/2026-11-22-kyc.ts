/**
 * KYC tables: settings per organization, requests, documents, and the event outbox. Frozen in time.
 * JSON columns are text; times are ISO-8601 UTC text (see src/db/schema.ts).
 */
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations work on an untyped schema */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('kyc_settings')
    .addColumn('organization_id', 'varchar(50)', (c) => c.primaryKey().references('organizations.id'))
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_time', 'varchar(30)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('kyc_requests')
    .addColumn('organization_id', 'varchar(50)', (c) => c.notNull().references('organizations.id'))
    .addColumn('id', 'varchar(50)', (c) => c.notNull())
    .addColumn('customer_id', 'varchar(50)', (c) => c.notNull())
    .addColumn('documents', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('redirect_url', 'text')
    .addColumn('reason', 'text')
    .addColumn('match_level', 'integer', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('expiration_time', 'varchar(30)', (c) => c.notNull())
    .addColumn('gatherer_jwt_id', 'varchar(50)')
    .addColumn('created_time', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_time', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('kyc_requests_pk', ['organization_id', 'id'])
    .execute();
  await db.schema
    .createIndex('kyc_requests_customer_idx')
    .on('kyc_requests')
    .columns(['organization_id', 'customer_id', 'created_time'])
    .execute();
  await db.schema
    .createIndex('kyc_requests_expiry_idx')
    .on('kyc_requests')
    .columns(['status', 'expiration_time'])
    .execute();

  await db.schema
    .createTable('kyc_documents')
    .addColumn('organization_id', 'varchar(50)', (c) => c.notNull().references('organizations.id'))
    .addColumn('id', 'varchar(50)', (c) => c.notNull())
    .addColumn('customer_id', 'varchar(50)', (c) => c.notNull())
    .addColumn('request_id', 'varchar(50)')
    .addColumn('document_type', 'varchar(30)', (c) => c.notNull())
    .addColumn('document_subtype', 'varchar(40)')
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    // 1 while the document waits for a person: no analyzer, analysis landed in the manual band, or parked.
    .addColumn('review_required', 'integer', (c) => c.notNull())
    .addColumn('file_ids', 'text', (c) => c.notNull())
    .addColumn('rejection_reason', 'text')
    .addColumn('processed_time', 'varchar(30)')
    .addColumn('reviewer_id', 'varchar(50)')
    .addColumn('reviewer_name', 'text')
    .addColumn('review_start_time', 'varchar(30)')
    .addColumn('review_time', 'varchar(30)')
    .addColumn('notes', 'text')
    .addColumn('reason', 'text')
    .addColumn('match_level', 'integer', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('document_matches', 'text')
    .addColumn('parsed_data', 'text')
    .addColumn('settings', 'text')
    .addColumn('evidence', 'text')
    .addColumn('created_time', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_time', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('kyc_documents_pk', ['organization_id', 'id'])
    .execute();
  await db.schema
    .createIndex('kyc_documents_customer_idx')
    .on('kyc_documents')
    .columns(['organization_id', 'customer_id', 'document_type'])
    .execute();
  await db.schema
    .createIndex('kyc_documents_request_idx')
    .on('kyc_documents')
    .columns(['organization_id', 'request_id'])
    .execute();
  await db.schema
    .createIndex('kyc_documents_created_idx')
    .on('kyc_documents')
    .columns(['organization_id', 'created_time'])
    .execute();

  await db.schema
    .createTable('events')
    .addColumn('organization_id', 'varchar(50)', (c) => c.notNull().references('organizations.id'))
    .addColumn('id', 'varchar(50)', (c) => c.notNull())
    .addColumn('event_type', 'varchar(50)', (c) => c.notNull())
    .addColumn('resource_type', 'varchar(30)', (c) => c.notNull())
    .addColumn('resource_id', 'varchar(50)', (c) => c.notNull())
    .addColumn('customer_id', 'varchar(50)', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_time', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('events_pk', ['organization_id', 'id'])
    .execute();
  await db.schema
    .createIndex('events_resource_idx')
    .on('events')
    .columns(['organization_id', 'resource_id'])
    .execute();
}
