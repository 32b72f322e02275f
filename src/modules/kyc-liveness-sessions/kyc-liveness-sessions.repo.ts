/** Queries of liveness sessions and their frame hashes. */
import type { Executor } from '../../db/database.ts';
import type { KycLivenessSessionRow } from '../../db/schema.ts';

export interface StoredFrame {
  /** Blob key. */
  key: string;
  sha256: string;
  /** Milliseconds since the capture started. */
  ms: number;
}

export function framesOf(row: Pick<KycLivenessSessionRow, 'frames'>): StoredFrame[] {
  return JSON.parse(row.frames) as StoredFrame[];
}

export function findLivenessSession(
  db: Executor,
  organizationId: string,
  id: string,
): Promise<KycLivenessSessionRow | undefined> {
  return db
    .selectFrom('kycLivenessSessions')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function insertLivenessSession(db: Executor, row: KycLivenessSessionRow): Promise<void> {
  await db.insertInto('kycLivenessSessions').values(row).execute();
}

/**
 * Applies `changes` if the session is still at `row.revision` (optimistic: two finish calls or a finish
 * racing an upload cannot both win); returns the new row, or undefined when someone else changed it first.
 */
export async function updateLivenessSession(
  db: Executor,
  row: KycLivenessSessionRow,
  changes: Partial<Omit<KycLivenessSessionRow, 'organizationId' | 'id' | 'revision' | 'updatedTime'>>,
): Promise<KycLivenessSessionRow | undefined> {
  const result = await db
    .updateTable('kycLivenessSessions')
    .set({ ...changes, updatedTime: new Date().toISOString(), revision: row.revision + 1 })
    .where('organizationId', '=', row.organizationId)
    .where('id', '=', row.id)
    .where('revision', '=', row.revision)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return undefined;
  return findLivenessSession(db, row.organizationId, row.id);
}

/** The hashes among `hashes` that a session other than `sessionId` was already sent. */
export async function framesUsedElsewhere(
  db: Executor,
  sessionId: string,
  hashes: string[],
): Promise<string[]> {
  if (hashes.length === 0) return [];
  const rows = await db
    .selectFrom('kycLivenessFrames')
    .select('sha256')
    .where('sha256', 'in', hashes)
    .where('sessionId', '!=', sessionId)
    .execute();
  return rows.map((r) => r.sha256);
}

/** Replaces the session's recorded frame hashes. */
export async function recordFrameHashes(
  db: Executor,
  organizationId: string,
  sessionId: string,
  hashes: string[],
): Promise<void> {
  await db
    .deleteFrom('kycLivenessFrames')
    .where('organizationId', '=', organizationId)
    .where('sessionId', '=', sessionId)
    .execute();
  const createdTime = new Date().toISOString();
  const unique = [...new Set(hashes)];
  if (unique.length === 0) return;
  await db
    .insertInto('kycLivenessFrames')
    .values(unique.map((sha256) => ({ sha256, organizationId, sessionId, createdTime })))
    .execute();
}
