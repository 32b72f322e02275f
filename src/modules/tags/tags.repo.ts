/**
 * KYC document tags: a tag row per name (case-insensitive) and a link row per tagged document. Tagging
 * is organization metadata: it changes no revision and sends no event.
 */
import type { Executor } from '../../db/database.ts';
import type { TagRow } from '../../db/schema.ts';
import { newId } from '../../lib/ids.ts';

export async function ensureTag(db: Executor, organizationId: string, name: string): Promise<TagRow> {
  const nameKey = name.trim().toLowerCase();
  const existing = await db
    .selectFrom('tags')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('type', '=', 'kyc-document')
    .where('nameKey', '=', nameKey)
    .executeTakeFirst();
  if (existing) return existing;
  const now = new Date().toISOString();
  const row: TagRow = {
    organizationId,
    id: newId('tag'),
    name: name.trim(),
    nameKey,
    type: 'kyc-document',
    createdTime: now,
    updatedTime: now,
  };
  // Two concurrent first uses of a name: the loser's insert is ignored and it reads the winner's row.
  await db
    .insertInto('tags')
    .values(row)
    .onConflict((oc) => oc.columns(['organizationId', 'type', 'nameKey']).doNothing())
    .execute();
  return (await db
    .selectFrom('tags')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('type', '=', 'kyc-document')
    .where('nameKey', '=', nameKey)
    .executeTakeFirst())!;
}

export function findTag(db: Executor, organizationId: string, name: string) {
  return db
    .selectFrom('tags')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('type', '=', 'kyc-document')
    .where('nameKey', '=', name.trim().toLowerCase())
    .executeTakeFirst();
}

/** Links the tag to each document; returns the ids that were not tagged before. */
export async function tagDocuments(
  db: Executor,
  organizationId: string,
  tagId: string,
  documentIds: string[],
): Promise<string[]> {
  if (documentIds.length === 0) return [];
  const already = new Set(
    (
      await db
        .selectFrom('kycDocumentTags')
        .select('kycDocumentId')
        .where('organizationId', '=', organizationId)
        .where('tagId', '=', tagId)
        .where('kycDocumentId', 'in', documentIds)
        .execute()
    ).map((r) => r.kycDocumentId),
  );
  const fresh = documentIds.filter((id) => !already.has(id));
  if (fresh.length === 0) return [];
  const createdTime = new Date().toISOString();
  await db
    .insertInto('kycDocumentTags')
    .values(fresh.map((kycDocumentId) => ({ organizationId, kycDocumentId, tagId, createdTime })))
    .onConflict((oc) => oc.columns(['organizationId', 'kycDocumentId', 'tagId']).doNothing())
    .execute();
  return fresh;
}

/** Unlinks the tag; returns the ids that were tagged. */
export async function untagDocuments(
  db: Executor,
  organizationId: string,
  tagId: string,
  documentIds: string[],
): Promise<string[]> {
  if (documentIds.length === 0) return [];
  const tagged = (
    await db
      .selectFrom('kycDocumentTags')
      .select('kycDocumentId')
      .where('organizationId', '=', organizationId)
      .where('tagId', '=', tagId)
      .where('kycDocumentId', 'in', documentIds)
      .execute()
  ).map((r) => r.kycDocumentId);
  if (tagged.length === 0) return [];
  await db
    .deleteFrom('kycDocumentTags')
    .where('organizationId', '=', organizationId)
    .where('tagId', '=', tagId)
    .where('kycDocumentId', 'in', tagged)
    .execute();
  return tagged;
}

/** The tags of each document, by name. */
export async function tagsOfDocuments(
  db: Executor,
  organizationId: string,
  documentIds: string[],
): Promise<Map<string, TagRow[]>> {
  const result = new Map<string, TagRow[]>();
  if (documentIds.length === 0) return result;
  const rows = await db
    .selectFrom('kycDocumentTags as l')
    .innerJoin('tags as t', (join) =>
      join.onRef('t.organizationId', '=', 'l.organizationId').onRef('t.id', '=', 'l.tagId'),
    )
    .select([
      'l.kycDocumentId',
      't.organizationId',
      't.id',
      't.name',
      't.nameKey',
      't.type',
      't.createdTime',
      't.updatedTime',
    ])
    .where('l.organizationId', '=', organizationId)
    .where('l.kycDocumentId', 'in', documentIds)
    .orderBy('t.nameKey')
    .execute();
  for (const { kycDocumentId, ...tag } of rows) {
    const list = result.get(kycDocumentId) ?? [];
    list.push(tag);
    result.set(kycDocumentId, list);
  }
  return result;
}
