/**
 * The Rebilly collection query language, parsed into plain clauses (no SQL here):
 * - `filter`: `field:value;other:v1,v2` — `;` joins fields (AND), `,` joins values (OR), `!v` negates
 *   (negations AND together), `a..b`, `a..` and `..b` are ranges (dates too). Only whitelisted fields.
 * - `sort`: `-createdTime,id` — comma list, `-` for descending. Only whitelisted fields.
 * Every mistake becomes a 422 naming the `filter` or `sort` parameter.
 */
import { AppError } from '../errors.ts';

export type FieldType = 'string' | 'id' | 'datetime' | 'integer' | 'boolean' | 'enum';

export interface FilterField {
  type: FieldType;
  /** For `enum` fields: the allowed values. */
  values?: readonly string[];
}

export type FilterValue = string | number | boolean;

export interface FilterClause {
  field: string;
  /** Values the field may equal (OR). Empty when only negations or ranges were given. */
  equals: FilterValue[];
  /** Values the field must not equal (AND). */
  notEquals: FilterValue[];
  ranges: { from?: FilterValue; to?: FilterValue }[];
}

export interface SortKey {
  field: string;
  descending: boolean;
}

function filterError(message: string): AppError {
  return new AppError('validation-error', `filter: ${message}`, {
    invalidFields: [{ field: 'filter', message }],
  });
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function parseValue(field: string, spec: FilterField, raw: string, rangeEnd?: 'from' | 'to'): FilterValue {
  const value = raw.trim();
  if (value === '') throw filterError(`empty value for "${field}"`);
  switch (spec.type) {
    case 'integer': {
      const n = Number(value);
      if (!Number.isInteger(n)) throw filterError(`"${field}" takes integers, not "${value}"`);
      return n;
    }
    case 'boolean':
      if (value !== 'true' && value !== 'false') throw filterError(`"${field}" takes true or false`);
      return value === 'true';
    case 'datetime': {
      // A bare date as the end of a range covers that whole day.
      if (DATE_ONLY.test(value)) {
        const day = new Date(`${value}T00:00:00.000Z`);
        if (Number.isNaN(day.getTime())) throw filterError(`"${field}" has an invalid date "${value}"`);
        return rangeEnd === 'to' ? new Date(day.getTime() + 86_399_999).toISOString() : day.toISOString();
      }
      const time = /^\d+$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
      if (!/^\d/.test(value) || Number.isNaN(time.getTime())) {
        throw filterError(`"${field}" takes ISO 8601 date-times, not "${value}"`);
      }
      return time.toISOString();
    }
    case 'enum':
      if (!spec.values?.includes(value)) {
        throw filterError(
          `"${field}" takes one of ${spec.values?.join(', ') ?? 'no values'}, not "${value}"`,
        );
      }
      return value;
    default:
      return value;
  }
}

export function parseFilter(filter: string | undefined, fields: Record<string, FilterField>): FilterClause[] {
  if (filter === undefined || filter.trim() === '') return [];
  const clauses: FilterClause[] = [];
  for (const part of filter.split(';')) {
    if (part.trim() === '') continue;
    const colon = part.indexOf(':');
    if (colon <= 0) throw filterError(`"${part}" is not of the form field:value`);
    const field = part.slice(0, colon).trim();
    const spec = Object.hasOwn(fields, field) ? fields[field] : undefined;
    if (!spec) {
      const known = Object.keys(fields).join(', ');
      throw filterError(`cannot filter by "${field}"; filterable fields: ${known}`);
    }
    const clause: FilterClause = { field, equals: [], notEquals: [], ranges: [] };
    for (const rawValue of part.slice(colon + 1).split(',')) {
      const value = rawValue.trim();
      if (value.startsWith('@') || value.startsWith('!@')) {
        throw filterError(`value lists (${value}) are not supported`);
      }
      if (value.startsWith('!')) {
        clause.notEquals.push(parseValue(field, spec, value.slice(1)));
      } else if (value.includes('..') && (spec.type === 'datetime' || spec.type === 'integer')) {
        const [from, to, ...rest] = value.split('..');
        if (rest.length > 0 || (from === '' && to === '')) throw filterError(`"${value}" is not a range`);
        const range: FilterClause['ranges'][number] = {};
        if (from) range.from = parseValue(field, spec, from, 'from');
        if (to) range.to = parseValue(field, spec, to, 'to');
        clause.ranges.push(range);
      } else {
        clause.equals.push(parseValue(field, spec, value));
      }
    }
    clauses.push(clause);
  }
  return clauses;
}

export function parseSort(
  sort: string | undefined,
  fields: readonly string[],
  fallback: readonly SortKey[],
): SortKey[] {
  if (sort === undefined || sort.trim() === '') return [...fallback];
  const keys: SortKey[] = [];
  for (const raw of sort.split(',')) {
    const token = raw.trim();
    if (token === '') continue;
    const descending = token.startsWith('-');
    const field = token.replace(/^[-+]/, '');
    if (!fields.includes(field)) {
      const message = `cannot sort by "${field}"; sortable fields: ${fields.join(', ')}`;
      throw new AppError('validation-error', `sort: ${message}`, {
        invalidFields: [{ field: 'sort', message }],
      });
    }
    keys.push({ field, descending });
  }
  return keys;
}

/** `expand=customer,files` → the set of names, each checked against what the resource can embed. */
export function parseExpand(expand: string | undefined, allowed: readonly string[]): Set<string> {
  const names = new Set<string>();
  if (!expand) return names;
  for (const raw of expand.split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    if (!allowed.includes(name)) {
      const message = `cannot expand "${name}"; expandable: ${allowed.length ? allowed.join(', ') : 'nothing'}`;
      throw new AppError('validation-error', `expand: ${message}`, {
        invalidFields: [{ field: 'expand', message }],
      });
    }
    names.add(name);
  }
  return names;
}
