import type { Executor } from '../../db/database.ts';
import type { AuthTokenRow, CustomerJwtRow } from '../../db/schema.ts';

export function findAuthToken(
  db: Executor,
  organizationId: string,
  tokenHash: string,
): Promise<AuthTokenRow | undefined> {
  return db
    .selectFrom('authTokens')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('tokenHash', '=', tokenHash)
    .executeTakeFirst();
}

export async function insertAuthToken(db: Executor, row: AuthTokenRow): Promise<void> {
  await db.insertInto('authTokens').values(row).execute();
}

/** Marks a token used; false when it was already used (so only one caller wins a race). */
export async function useAuthToken(
  db: Executor,
  organizationId: string,
  tokenHash: string,
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('authTokens')
    .set({ usedTime: now })
    .where('organizationId', '=', organizationId)
    .where('tokenHash', '=', tokenHash)
    .where('usedTime', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function listAuthTokens(
  db: Executor,
  organizationId: string,
  limit: number,
  offset: number,
): Promise<{ rows: AuthTokenRow[]; total: number }> {
  const base = db
    .selectFrom('authTokens')
    .where('organizationId', '=', organizationId)
    .where('usedTime', 'is', null)
    .where('expiredTime', '>', new Date().toISOString());
  const count = await base.select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
  const rows = await base.selectAll().orderBy('createdTime', 'desc').limit(limit).offset(offset).execute();
  return { rows, total: Number(count.count) };
}

export async function insertCustomerJwt(db: Executor, row: CustomerJwtRow): Promise<void> {
  await db.insertInto('customerJwts').values(row).execute();
}

export async function revokeCustomerJwt(
  db: Executor,
  organizationId: string,
  id: string,
  now: string,
): Promise<void> {
  await db
    .updateTable('customerJwts')
    .set({ revokedTime: now, updatedTime: now })
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .execute();
}
