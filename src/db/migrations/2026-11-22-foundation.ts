/**
 * Foundation tables: organizations, websites, API keys, customers, passwordless tokens, customer JWTs,
 * files and attachments. Frozen in time: never import application code here, never edit after release.
 * Every resource table is keyed by (organization_id, id): client-chosen ids of one organization never
 * collide with, or reveal, another organization's.
 */
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations work on an untyped schema */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('organizations')
    .addColumn('id', 'varchar(50)', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_time', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_time', 'varchar(30)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('websites')
    .addColumn('organization_id', 'varchar(50)', (c) => c.notNull().references('organizations.id'))
    .addColumn('id', 'varchar(50)', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('service_email', 'text')
    .addColumn('service_phone', 'text')
    .addColumn('created_time', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_time', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('websites_pk', ['organization_id', 'id'])
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('organization_id', 'varchar(50)', (c) => c.notNull().references('organizations.id'))
    .addColumn('id', 'varchar(50)', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('type', 'varchar(20)', (c) => c.notNull())
    .addColumn('key_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('key_preview', 'varchar(40)', (c) => c.notNull())
    .addColumn('acl', 'text')
    .addColumn('allowed_ips', 'text')
    .addColumn('created_time', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_time', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('api_keys_pk', ['organization_id', 'id'])
    .execute();

  await db.schema
    .createTable('customers')
    .addColumn('organization_id', 'varchar(50)', (c) => c.notNull().references('organizations.id'))
    .addColumn('id', 'varchar(50)', (c) => c.notNull())
    .addColumn('website_id', 'varchar(50)')
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('email', 'text')
    .addColumn('primary_address', 'text')
    .addColumn('custom_fields', 'text', (c) => c.notNull())
    .addColumn('locale', 'varchar(35)')
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('created_time', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_time', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('customers_pk', ['organization_id', 'id'])
    .execute();
  await db.schema
    .createIndex('customers_created_idx')
    .on('customers')
    .columns(['organization_id', 'created_time'])
    .execute();

  await db.schema
    .createTable('auth_tokens')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('organization_id', 'varchar(50)', (c) => c.notNull().references('organizations.id'))
    .addColumn('customer_id', 'varchar(50)', (c) => c.notNull())
    .addColumn('expired_time', 'varchar(30)', (c) => c.notNull())
    .addColumn('used_time', 'varchar(30)')
    .addColumn('created_time', 'varchar(30)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('customer_jwts')
    .addColumn('organization_id', 'varchar(50)', (c) => c.notNull().references('organizations.id'))
    .addColumn('id', 'varchar(50)', (c) => c.notNull())
    .addColumn('customer_id', 'varchar(50)', (c) => c.notNull())
    .addColumn('acl', 'text', (c) => c.notNull())
    .addColumn('custom_claims', 'text')
    .addColumn('expired_time', 'varchar(30)', (c) => c.notNull())
    .addColumn('revoked_time', 'varchar(30)')
    .addColumn('created_time', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_time', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_jwts_pk', ['organization_id', 'id'])
    .execute();

  await db.schema
    .createTable('files')
    .addColumn('organization_id', 'varchar(50)', (c) => c.notNull().references('organizations.id'))
    .addColumn('id', 'varchar(50)', (c) => c.notNull())
    .addColumn('customer_id', 'varchar(50)')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('extension', 'varchar(10)', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('source_type', 'varchar(40)')
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('mime', 'varchar(100)', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('sha1', 'varchar(40)', (c) => c.notNull())
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('exif_data', 'text')
    .addColumn('is_public', 'integer', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('created_time', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_time', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('files_pk', ['organization_id', 'id'])
    .execute();
  await db.schema
    .createIndex('files_sha256_idx')
    .on('files')
    .columns(['organization_id', 'sha256'])
    .execute();

  await db.schema
    .createTable('attachments')
    .addColumn('organization_id', 'varchar(50)', (c) => c.notNull().references('organizations.id'))
    .addColumn('id', 'varchar(50)', (c) => c.notNull())
    .addColumn('file_id', 'varchar(50)', (c) => c.notNull())
    .addColumn('related_type', 'varchar(50)', (c) => c.notNull())
    .addColumn('related_id', 'varchar(50)', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('description', 'text')
    .addColumn('created_time', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_time', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('attachments_pk', ['organization_id', 'id'])
    .execute();
  await db.schema
    .createIndex('attachments_file_idx')
    .on('attachments')
    .columns(['organization_id', 'file_id'])
    .execute();
}
