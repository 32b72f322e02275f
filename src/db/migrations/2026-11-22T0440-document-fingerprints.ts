/**
 * What identifies an analysed document across customers, for duplicate detection (issue 4, step 6): the
 * document number (normalized, with its issuing state) and the perceptual hash of the portrait crop. One row
 * per document, replaced when the document is analysed again. Frozen in time.
 */
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations work on an untyped schema */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('kyc_document_fingerprints')
    .addColumn('organization_id', 'varchar(50)', (c) => c.notNull().references('organizations.id'))
    .addColumn('document_id', 'varchar(50)', (c) => c.notNull())
    .addColumn('customer_id', 'varchar(50)', (c) => c.notNull())
    .addColumn('document_number', 'varchar(100)')
    .addColumn('issuing_state', 'varchar(3)')
    .addColumn('image_hash', 'varchar(64)')
    .addColumn('created_time', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('kyc_document_fingerprints_pk', ['organization_id', 'document_id'])
    .execute();
  await db.schema
    .createIndex('kyc_document_fingerprints_number_idx')
    .on('kyc_document_fingerprints')
    .columns(['organization_id', 'document_number'])
    .execute();
  await db.schema
    .createIndex('kyc_document_fingerprints_created_idx')
    .on('kyc_document_fingerprints')
    .columns(['organization_id', 'created_time'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('kyc_document_fingerprints').execute();
}
