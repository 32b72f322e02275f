/**
 * The queue's engine adapters: the one place that knows how each engine makes the claim atomic. Everything
 * else in src/queue/ is the same SQL on both. Selected by `db.dialect`, as src/db/database.ts selects the
 * Kysely dialect.
 */
import type { SelectQueryBuilder } from 'kysely';
import type { Db } from '../db/database.ts';

export interface QueueDialect {
  /**
   * Locks the row the claim's subquery picks, so that concurrent claims each get a different job. Used as
   * `UPDATE jobs … WHERE id = (<this select>) RETURNING *`.
   */
  lockDueRow<DB, TB extends keyof DB, O>(
    select: SelectQueryBuilder<DB, TB, O>,
  ): SelectQueryBuilder<DB, TB, O>;
}

export const queueDialects: Record<Db['dialect'], QueueDialect> = {
  /*
   * PostgreSQL: `FOR UPDATE SKIP LOCKED` in the subquery. Several workers (processes, pools) claim from the
   * same table at once: FOR UPDATE alone would make them queue behind the first one's lock on the oldest
   * row and then find it taken (each claim costs a lock wait), while SKIP LOCKED lets each pass over rows
   * another claim holds and lock the next due one, so N workers claim N different jobs in parallel and a job
   * is claimed once. The row lock lasts only as long as the claim statement; the lease (`locked_until`)
   * is what keeps the job ours afterwards. A locked row whose state changed since the snapshot is re-checked
   * against the WHERE by PostgreSQL before it is returned (EvalPlanQual), so a job just claimed and committed
   * by another worker is not claimed twice.
   */
  postgres: {
    lockDueRow: (select) => select.forUpdate().skipLocked(),
  },
  /*
   * SQLite: one writer at a time for the whole database file, so the single `UPDATE … WHERE id = (SELECT …)
   * RETURNING` statement is already atomic: no other write (from this process's connection or another
   * process, which waits on busy_timeout) can interleave between the select and the update. SQLite has no
   * row locks and no FOR UPDATE syntax.
   */
  sqlite: {
    lockDueRow: (select) => select,
  },
};
