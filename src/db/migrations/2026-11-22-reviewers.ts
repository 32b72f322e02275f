/**
 * Reviewers of the review console: the people of an organization who work the manual-review queue, their
 * sign-in sessions, the log of what each did to a document, and document tags. Frozen in time.
 * Times are ISO-8601 UTC text; JSON columns are text (see src/db/schema.ts).
 *
 * Passwords are stored as scrypt digests with their parameters and salt; session tokens as SHA-256
 * digests (they are random, so a slow hash adds nothing). Neither can be read back.
 */
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations work on an untyped schema */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('reviewers')
    .addColumn('organization_id', 'varchar(50)', (c) => c.notNull().references('organizations.id'))
    .addColumn('id', 'varchar(50)', (c) => c.notNull())
    .addColumn('email', 'varchar(255)', (c) => c.notNull())
    /** Lower-cased email: unique within the organization. */
    .addColumn('email_key', 'varchar(255)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('role', 'varchar(20)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
    .addColumn('failed_sign_ins', 'integer', (c) => c.notNull())
    .addColumn('locked_until', 'varchar(30)')
    .addColumn('last_sign_in_time', 'varchar(30)')
    .addColumn('created_time', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_time', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('reviewers_pk', ['organization_id', 'id'])
    .addUniqueConstraint('reviewers_email_key', ['organization_id', 'email_key'])
    .execute();

  await db.schema
    .createTable('reviewer_sessions')
    .addColumn('organization_id', 'varchar(50)', (c) => c.notNull().references('organizations.id'))
    .addColumn('id', 'varchar(50)', (c) => c.notNull())
    .addColumn('reviewer_id', 'varchar(50)', (c) => c.notNull())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('expired_time', 'varchar(30)', (c) => c.notNull())
    .addColumn('revoked_time', 'varchar(30)')
    .addColumn('created_time', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('reviewer_sessions_pk', ['organization_id', 'id'])
    .execute();
  await db.schema
    .createIndex('reviewer_sessions_reviewer_idx')
    .on('reviewer_sessions')
    .columns(['organization_id', 'reviewer_id'])
    .execute();

  await db.schema
    .createTable('review_actions')
    .addColumn('organization_id', 'varchar(50)', (c) => c.notNull().references('organizations.id'))
    .addColumn('id', 'varchar(50)', (c) => c.notNull())
    .addColumn('kyc_document_id', 'varchar(50)', (c) => c.notNull())
    .addColumn('customer_id', 'varchar(50)', (c) => c.notNull())
    .addColumn('action', 'varchar(30)', (c) => c.notNull())
    .addColumn('actor_type', 'varchar(20)', (c) => c.notNull())
    .addColumn('actor_id', 'varchar(50)', (c) => c.notNull())
    .addColumn('actor_name', 'varchar(255)')
    .addColumn('detail', 'text')
    .addColumn('created_time', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('review_actions_pk', ['organization_id', 'id'])
    .execute();
  await db.schema
    .createIndex('review_actions_document_idx')
    .on('review_actions')
    .columns(['organization_id', 'kyc_document_id', 'created_time'])
    .execute();

  await db.schema
    .createTable('tags')
    .addColumn('organization_id', 'varchar(50)', (c) => c.notNull().references('organizations.id'))
    .addColumn('id', 'varchar(50)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    /** Lower-cased name: tags are case-insensitive (spec §5.2). */
    .addColumn('name_key', 'varchar(255)', (c) => c.notNull())
    .addColumn('type', 'varchar(20)', (c) => c.notNull())
    .addColumn('created_time', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_time', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('tags_pk', ['organization_id', 'id'])
    .addUniqueConstraint('tags_name_key', ['organization_id', 'type', 'name_key'])
    .execute();

  await db.schema
    .createTable('kyc_document_tags')
    .addColumn('organization_id', 'varchar(50)', (c) => c.notNull().references('organizations.id'))
    .addColumn('kyc_document_id', 'varchar(50)', (c) => c.notNull())
    .addColumn('tag_id', 'varchar(50)', (c) => c.notNull())
    .addColumn('created_time', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('kyc_document_tags_pk', ['organization_id', 'kyc_document_id', 'tag_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('kyc_document_tags').execute();
  await db.schema.dropTable('tags').execute();
  await db.schema.dropTable('review_actions').execute();
  await db.schema.dropTable('reviewer_sessions').execute();
  await db.schema.dropTable('reviewers').execute();
}
