import type { Executor } from '../../db/database.ts';
import type { Website as WebsiteRow } from '../../db/schema.ts';

export function findWebsite(
  db: Executor,
  organizationId: string,
  id: string,
): Promise<WebsiteRow | undefined> {
  return db
    .selectFrom('websites')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function firstWebsite(db: Executor, organizationId: string): Promise<WebsiteRow | undefined> {
  return db
    .selectFrom('websites')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .orderBy('createdTime')
    .orderBy('id')
    .executeTakeFirst();
}
