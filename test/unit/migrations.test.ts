/**
 * Kysely runs migrations in the order of their names and refuses a database where a pending migration sorts
 * before one already run. So the declared order must be the name order, and a new name must sort last.
 */
import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/db/migrations/index.ts';

describe('migration names', () => {
  it('are declared in strictly increasing name order', () => {
    const names = Object.keys(migrations);
    expect(names.length).toBeGreaterThan(4);
    const sorted = [...names].sort();
    expect(names).toEqual(sorted);
    expect(new Set(names).size).toBe(names.length);
  });

  it('sort after the first release’s names (`T` after `-`), so existing databases accept them', () => {
    const released = ['2026-11-22-foundation', '2026-11-22-jobs', '2026-11-22-kyc', '2026-11-22-webhooks'];
    const names = Object.keys(migrations);
    expect(names.slice(0, released.length)).toEqual(released);
    for (const name of names.slice(released.length)) {
      expect(name > released.at(-1)!, name).toBe(true);
      expect(name, name).toMatch(/^\d{4}-\d{2}-\d{2}T\d{4}-[a-z0-9-]+$/);
    }
  });
});
