import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { parseExpand, parseFilter, parseSort, type FilterField } from '../../src/lib/collection-query.ts';

const fields: Record<string, FilterField> = {
  name: { type: 'string' },
  revision: { type: 'integer' },
  createdTime: { type: 'datetime' },
  isPublic: { type: 'boolean' },
  status: { type: 'enum', values: ['pending', 'accepted'] },
};

function invalid(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('parseFilter', () => {
  it('splits fields on ; and values on , with negation', () => {
    expect(parseFilter('name:Ann,Bob;status:!pending', fields)).toEqual([
      { field: 'name', equals: ['Ann', 'Bob'], notEquals: [], ranges: [] },
      { field: 'status', equals: [], notEquals: ['pending'], ranges: [] },
    ]);
  });

  it('parses open and closed ranges, a bare end date covering its whole day', () => {
    expect(parseFilter('createdTime:2026-01-01..2026-01-31;revision:3..', fields)).toEqual([
      {
        field: 'createdTime',
        equals: [],
        notEquals: [],
        ranges: [{ from: '2026-01-01T00:00:00.000Z', to: '2026-01-31T23:59:59.999Z' }],
      },
      { field: 'revision', equals: [], notEquals: [], ranges: [{ from: 3 }] },
    ]);
    expect(parseFilter('createdTime:..2026-02-03T04:05:06Z', fields)[0]!.ranges).toEqual([
      { to: '2026-02-03T04:05:06.000Z' },
    ]);
  });

  it('types values', () => {
    expect(parseFilter('isPublic:true;revision:7', fields).map((c) => c.equals)).toEqual([[true], [7]]);
  });

  it('keeps a string with dots as a value, not a range', () => {
    expect(parseFilter('name:a..b', fields)[0]!.equals).toEqual(['a..b']);
  });

  it.each([
    ['secret:1', 'cannot filter by "secret"'],
    ['name', 'not of the form'],
    ['revision:x', 'takes integers'],
    ['isPublic:yes', 'true or false'],
    ['createdTime:yesterday', 'ISO 8601'],
    ['status:done', 'takes one of pending, accepted'],
    ['name:@vip', 'value lists'],
    ['name:', 'empty value'],
    ['revision:..', 'not a range'],
    ['constructor:1', 'cannot filter by'],
  ])('rejects %s', (filter, message) => {
    const error = invalid(() => parseFilter(filter, fields));
    expect(error.code).toBe('validation-error');
    expect(error.invalidFields?.[0]?.field).toBe('filter');
    expect(error.detail).toContain(message);
  });

  it('returns no clauses for an empty filter', () => {
    expect(parseFilter(undefined, fields)).toEqual([]);
    expect(parseFilter(' ', fields)).toEqual([]);
  });
});

describe('parseSort', () => {
  it('reads directions and falls back when empty', () => {
    expect(parseSort('-createdTime,name', ['createdTime', 'name'], [])).toEqual([
      { field: 'createdTime', descending: true },
      { field: 'name', descending: false },
    ]);
    expect(parseSort('', ['name'], [{ field: 'name', descending: true }])).toEqual([
      { field: 'name', descending: true },
    ]);
  });

  it('rejects fields that are not sortable', () => {
    expect(invalid(() => parseSort('-password', ['name'], [])).invalidFields?.[0]?.field).toBe('sort');
  });
});

describe('parseExpand', () => {
  it('accepts allowed names and rejects others', () => {
    expect([...parseExpand('customer, files', ['customer', 'files'])]).toEqual(['customer', 'files']);
    expect(invalid(() => parseExpand('secrets', ['customer'])).invalidFields?.[0]?.field).toBe('expand');
  });
});
