/**
 * The job queue table (src/queue/). Frozen in time: never import application code here, never edit after
 * release.
 *
 * - `status`: `pending` (waiting for `run_at`), `running` (leased by `locked_by` until `locked_until`),
 *   `done`, `parked` (gave up after `max_attempts`, or its payload no longer validates; kept for an operator).
 * - `job_key` dedupes: at most one *live* (pending or running) job per key. A partial unique index says so
 *   directly, on both engines, and keeps the key on finished rows for diagnosis; the alternative (nulling the
 *   key on completion) would lose it. The predicate is plain SQL text: `ON CONFLICT (job_key) WHERE …` in
 *   the queue repeats it word for word, because both engines match an upsert to a partial index by its
 *   predicate.
 * - The claim looks for `pending` rows due by `run_at`, and `running` rows whose lease expired. Two partial
 *   indexes cover exactly those rows, so finished rows (the bulk of the table over time) never slow it.
 */
import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations work on an untyped schema */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'varchar(50)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('job_key', 'varchar(255)')
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('run_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('locked_by', 'varchar(200)')
    .addColumn('locked_until', 'varchar(30)')
    .addColumn('last_error', 'text')
    .addColumn('created_time', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_time', 'varchar(30)', (c) => c.notNull())
    .addColumn('finished_time', 'varchar(30)')
    .execute();

  await db.schema
    .createIndex('jobs_live_job_key_idx')
    .on('jobs')
    .column('job_key')
    .unique()
    .where(sql.raw<boolean>(`status in ('pending', 'running')`))
    .execute();
  await db.schema
    .createIndex('jobs_pending_run_at_idx')
    .on('jobs')
    .columns(['run_at', 'id'])
    .where(sql.raw<boolean>(`status = 'pending'`))
    .execute();
  await db.schema
    .createIndex('jobs_running_locked_until_idx')
    .on('jobs')
    .column('locked_until')
    .where(sql.raw<boolean>(`status = 'running'`))
    .execute();
}
