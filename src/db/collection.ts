/** Turns parsed collection clauses (src/lib/collection-query.ts) into SQL over whitelisted columns. */
import {
  sql,
  type Expression,
  type RawBuilder,
  type Selectable,
  type SelectQueryBuilder,
  type SqlBool,
} from 'kysely';
import type { Database } from './schema.ts';
import type { FilterClause, FilterField, FilterValue, SortKey } from '../lib/collection-query.ts';

/** A filterable field and the (camelCase) column it reads. */
export interface FilterColumn extends FilterField {
  column: string;
}

function literal(field: FilterColumn, value: FilterValue): FilterValue {
  return field.type === 'boolean' ? (value ? 1 : 0) : value;
}

function clauseSql(clause: FilterClause, field: FilterColumn): RawBuilder<SqlBool> {
  const column = sql.ref(field.column);
  // Names and emails match case-insensitively (Rebilly's rule); ids, enums and numbers exactly.
  const folded = field.type === 'string';
  const lhs = folded ? sql`lower(${column})` : column;
  const rhs = (value: FilterValue) => (folded ? sql`lower(${value})` : sql`${literal(field, value)}`);

  const alternatives: RawBuilder<unknown>[] = [];
  if (clause.equals.length > 0) {
    alternatives.push(sql`${lhs} in (${sql.join(clause.equals.map(rhs))})`);
  }
  for (const range of clause.ranges) {
    const bounds: RawBuilder<unknown>[] = [];
    if (range.from !== undefined) bounds.push(sql`${column} >= ${literal(field, range.from)}`);
    if (range.to !== undefined) bounds.push(sql`${column} <= ${literal(field, range.to)}`);
    alternatives.push(sql`(${sql.join(bounds, sql` and `)})`);
  }
  const parts: RawBuilder<unknown>[] = [];
  if (alternatives.length > 0) parts.push(sql`(${sql.join(alternatives, sql` or `)})`);
  for (const value of clause.notEquals) {
    parts.push(sql`(${column} is null or ${lhs} <> ${rhs(value)})`);
  }
  return sql<SqlBool>`(${sql.join(parts, sql` and `)})`;
}

/** One boolean expression for all clauses (AND), or undefined when there are none. */
export function filterWhere(
  clauses: FilterClause[],
  columns: Record<string, FilterColumn>,
): Expression<SqlBool> | undefined {
  const parts = clauses.map((clause) => clauseSql(clause, columns[clause.field]!));
  if (parts.length === 0) return undefined;
  return sql<SqlBool>`${sql.join(parts, sql` and `)}`;
}

interface Orderable<Q> {
  orderBy(expression: Expression<unknown>, direction: 'asc' | 'desc'): Q;
}

/** Applies the sort keys, then `id` as a tie-breaker so that pages never overlap. */
export function applySort<Q extends Orderable<Q>>(
  query: Q,
  keys: SortKey[],
  columns: Record<string, string>,
): Q {
  let q = query;
  for (const key of keys) q = q.orderBy(sql.ref(columns[key.field]!), key.descending ? 'desc' : 'asc');
  if (!keys.some((k) => k.field === 'id')) q = q.orderBy(sql.ref('id'), 'asc');
  return q;
}

export function toCount(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

export interface PageOptions {
  clauses: FilterClause[];
  sort: SortKey[];
  limit: number;
  offset: number;
}

/**
 * One page of a collection: `query` is already scoped (organization, and any fixed conditions); the
 * clauses over `filters` narrow it, the total counts every match, and the rows come sorted over `sorts`.
 */
export async function selectPage<TB extends keyof Database>(
  query: SelectQueryBuilder<Database, TB, object>,
  filters: Record<string, FilterColumn>,
  sorts: Record<string, string>,
  options: PageOptions,
): Promise<{ rows: Selectable<Database[TB]>[]; total: number }> {
  const where = filterWhere(options.clauses, filters);
  const scoped = where ? query.where(where) : query;
  const count = await scoped.select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
  const rows = await applySort(scoped.selectAll(), options.sort, sorts)
    .limit(options.limit)
    .offset(options.offset)
    .execute();
  // `selectAll()` of one table is its Selectable row; Kysely cannot prove it for a generic table.
  return { rows: rows as unknown as Selectable<Database[TB]>[], total: toCount(count.count) };
}
