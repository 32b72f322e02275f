import { describe, expect, it } from 'vitest';
import { newId, ulid } from '../../src/lib/ids.ts';

describe('ids', () => {
  it('makes prefixed ULIDs of Crockford base32', () => {
    expect(newId('cus')).toMatch(/^cus_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(newId('api_key')).toMatch(/^api_key_[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('encodes time first, so ids sort by creation time', () => {
    expect(ulid(0).slice(0, 10)).toBe('0000000000');
    expect(ulid(1_700_000_000_000).slice(0, 10) < ulid(1_800_000_000_000).slice(0, 10)).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, () => ulid(1))).size).toBe(1000);
  });
});

describe('ulid monotonicity', () => {
  it('sorts ids made in the same millisecond in creation order', () => {
    const ids = Array.from({ length: 500 }, () => ulid(1_750_000_000_000));
    expect([...ids].sort()).toEqual(ids);
  });
});
