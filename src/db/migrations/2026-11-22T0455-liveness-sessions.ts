/**
 * Liveness sessions (storefront `kyc-liveness-sessions`) and the hashes of every frame a session was sent,
 * so that frames already used by one session are refused by any other. Frozen in time.
 */
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations work on an untyped schema */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('kyc_liveness_sessions')
    .addColumn('organization_id', 'varchar(50)', (c) => c.notNull().references('organizations.id'))
    .addColumn('id', 'varchar(50)', (c) => c.notNull())
    .addColumn('customer_id', 'varchar(50)', (c) => c.notNull())
    .addColumn('kyc_request_id', 'varchar(50)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    // The challenge. The nonce binds an upload to this session; it is no credential (the customer token is),
    // and GET shows it again, so it is kept as is.
    .addColumn('nonce', 'varchar(64)', (c) => c.notNull())
    .addColumn('steps', 'text', (c) => c.notNull())
    .addColumn('step_ms', 'integer', (c) => c.notNull())
    .addColumn('max_duration_ms', 'integer', (c) => c.notNull())
    .addColumn('expires_time', 'varchar(30)', (c) => c.notNull())
    // `[{key, sha256, ms}]`: the uploaded frames in capture order (bytes in the blob store).
    .addColumn('frames', 'text', (c) => c.notNull())
    .addColumn('failure_code', 'varchar(50)')
    .addColumn('reference_file_id', 'varchar(50)')
    .addColumn('evidence', 'text')
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('created_time', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_time', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('kyc_liveness_sessions_pk', ['organization_id', 'id'])
    .execute();
  await db.schema
    .createIndex('kyc_liveness_sessions_request_idx')
    .on('kyc_liveness_sessions')
    .columns(['organization_id', 'kyc_request_id', 'status'])
    .execute();

  await db.schema
    .createTable('kyc_liveness_frames')
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull().primaryKey())
    .addColumn('organization_id', 'varchar(50)', (c) => c.notNull())
    .addColumn('session_id', 'varchar(50)', (c) => c.notNull())
    .addColumn('created_time', 'varchar(30)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('kyc_liveness_frames_session_idx')
    .on('kyc_liveness_frames')
    .columns(['organization_id', 'session_id'])
    .execute();
}
