import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('loadConfig', () => {
  it('has embedded defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.dataDir).toBe(path.resolve('./data'));
    expect(config.database).toEqual({ kind: 'sqlite', file: path.resolve('./data/kycgate.sqlite') });
    expect(config.storage).toEqual({ kind: 'fs', dir: path.resolve('./data/files') });
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(config.maxUploadBytes).toBe(15_000_000);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads PostgreSQL and SQLite URLs and trims PUBLIC_URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://u@h:5432/db',
    });
    expect(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).database).toEqual({
      kind: 'sqlite',
      file: ':memory:',
    });
    expect(loadConfig({ PUBLIC_URL: 'https://kyc.example.com/' }).publicUrl).toBe('https://kyc.example.com');
  });

  it('lists every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        PUBLIC_URL: 'ftp://x',
        KYCGATE_JWT_SECRET: 'short',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'PUBLIC_URL', 'KYCGATE_JWT_SECRET'])
      expect(problems).toContain(name);
  });
});
