/** File queries. Every query is scoped by organization; callers pass `db.kysely` or a transaction. */
import { sql, type Expression, type SqlBool } from 'kysely';
import { applySort, filterWhere, toCount, type FilterColumn } from '../../db/collection.ts';
import type { Executor } from '../../db/database.ts';
import type { FileRow, FilesTable } from '../../db/schema.ts';
import type { FilterClause, FilterField, SortKey } from '../../lib/collection-query.ts';
import { FILE_EXTENSIONS, FILE_MIMES, FILE_SOURCE_TYPES } from './files.schemas.ts';

export const FILE_FILTERS: Record<string, FilterColumn> = {
  id: { type: 'id', column: 'id' },
  name: { type: 'string', column: 'name' },
  extension: { type: 'enum', column: 'extension', values: FILE_EXTENSIONS },
  mime: { type: 'enum', column: 'mime', values: FILE_MIMES },
  sourceType: { type: 'enum', column: 'sourceType', values: FILE_SOURCE_TYPES },
  isPublic: { type: 'boolean', column: 'isPublic' },
  size: { type: 'integer', column: 'size' },
  width: { type: 'integer', column: 'width' },
  height: { type: 'integer', column: 'height' },
  sha1: { type: 'id', column: 'sha1' },
  createdTime: { type: 'datetime', column: 'createdTime' },
  updatedTime: { type: 'datetime', column: 'updatedTime' },
};

/** `tags:kyc,id-front` — files carrying any of the tags; `tags:!draft` — files without it. */
const TAGS_FILTER: FilterField = { type: 'string' };

/** Everything `filter` accepts on files, for the parser. */
export const FILE_FILTER_FIELDS: Record<string, FilterField> = { ...FILE_FILTERS, tags: TAGS_FILTER };

export const FILE_SORTS: Record<string, string> = {
  id: 'id',
  name: 'name',
  extension: 'extension',
  mime: 'mime',
  size: 'size',
  sourceType: 'sourceType',
  createdTime: 'createdTime',
  updatedTime: 'updatedTime',
};

export function findFile(db: Executor, organizationId: string, id: string): Promise<FileRow | undefined> {
  return db
    .selectFrom('files')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function insertFile(db: Executor, row: FilesTable): Promise<void> {
  await db.insertInto('files').values(row).execute();
}

export type FileChanges = Partial<
  Pick<FilesTable, 'name' | 'description' | 'tags' | 'sourceType' | 'isPublic' | 'updatedTime'>
>;

export async function updateFile(
  db: Executor,
  organizationId: string,
  id: string,
  changes: FileChanges,
): Promise<boolean> {
  const result = await db
    .updateTable('files')
    .set(changes)
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Deletes the file row and its attachments (no attachment may point at a missing file). */
export async function deleteFileRow(db: Executor, organizationId: string, id: string): Promise<boolean> {
  await db
    .deleteFrom('attachments')
    .where('organizationId', '=', organizationId)
    .where('fileId', '=', id)
    .execute();
  const result = await db
    .deleteFrom('files')
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export interface FileListOptions {
  clauses: FilterClause[];
  sort: SortKey[];
  limit: number;
  offset: number;
  /** Partial, case-insensitive search in the name. */
  q?: string | undefined;
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Tags are stored as a JSON array of strings: a tag matches as its quoted JSON form inside that text. */
function tagsWhere(clause: FilterClause): Expression<SqlBool> {
  const pattern = (tag: string | number | boolean) =>
    `%${escapeLike(JSON.stringify(String(tag)).toLowerCase())}%`;
  const parts = [];
  if (clause.equals.length > 0) {
    const any = clause.equals.map((tag) => sql`lower(tags) like ${pattern(tag)} escape '\\'`);
    parts.push(sql`(${sql.join(any, sql` or `)})`);
  }
  for (const tag of clause.notEquals) parts.push(sql`lower(tags) not like ${pattern(tag)} escape '\\'`);
  return sql<SqlBool>`(${sql.join(parts, sql` and `)})`;
}

export async function countFiles(db: Executor, organizationId: string): Promise<number> {
  const row = await db
    .selectFrom('files')
    .where('organizationId', '=', organizationId)
    .select((eb) => eb.fn.countAll().as('count'))
    .executeTakeFirstOrThrow();
  return toCount(row.count);
}

export async function listFiles(
  db: Executor,
  organizationId: string,
  options: FileListOptions,
): Promise<{ rows: FileRow[]; total: number }> {
  let query = db.selectFrom('files').where('organizationId', '=', organizationId);
  const where = filterWhere(
    options.clauses.filter((c) => c.field !== 'tags'),
    FILE_FILTERS,
  );
  if (where) query = query.where(where);
  for (const clause of options.clauses.filter((c) => c.field === 'tags'))
    query = query.where(tagsWhere(clause));
  if (options.q) {
    const pattern = `%${escapeLike(options.q.toLowerCase())}%`;
    query = query.where(sql<boolean>`(lower(name) like ${pattern} escape '\\' or id = ${options.q})`);
  }
  const count = await query.select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
  const rows = await applySort(query.selectAll(), options.sort, FILE_SORTS)
    .limit(options.limit)
    .offset(options.offset)
    .execute();
  return { rows, total: toCount(count.count) };
}
