/**
 * The dialect seam: the only file that knows which engine runs. Everything else gets a `Db` with the same
 * Kysely query builder and a few capability flags, as Kysely itself does with dialects.
 */
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CamelCasePlugin,
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config.ts';
import { migrations } from './migrations/index.ts';
import type { Database } from './schema.ts';

export type Executor = Kysely<Database> | Transaction<Database>;

export interface Db {
  readonly kysely: Kysely<Database>;
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs `fn` in one transaction; everything it writes lands together or not at all. */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /** Whether `error` is a unique or primary-key violation (an insert racing another one). */
  isUniqueViolation(error: unknown): boolean;
  /** A cheap round trip, for readiness probes. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL only: run in this schema (created when missing). Tests use one schema per test file. */
  schema?: string;
}

export function openDatabase(config: DatabaseConfig, options: OpenDatabaseOptions = {}): Db {
  const plugins = [new CamelCasePlugin()];
  if (config.kind === 'sqlite') {
    if (config.file !== ':memory:') fs.mkdirSync(path.dirname(config.file), { recursive: true });
    const kysely = new Kysely<Database>({
      dialect: new SqliteDialect({
        database: () => {
          const conn = new SqliteDatabase(config.file);
          // WAL lets readers run beside the one writer; busy_timeout waits out another process's write.
          conn.pragma('journal_mode = WAL');
          conn.pragma('synchronous = NORMAL');
          conn.pragma('foreign_keys = ON');
          conn.pragma('busy_timeout = 5000');
          return Promise.resolve(conn);
        },
      }),
      plugins,
    });
    return makeDb(kysely, 'sqlite', (error) => {
      const code = (error as { code?: unknown } | null)?.code;
      return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
    });
  }

  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error('invalid schema name');
  const pool = new pg.Pool({
    connectionString: config.url,
    max: 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins });
  return makeDb(kysely, 'postgres', (error) => (error as { code?: unknown } | null)?.code === '23505');
}

function makeDb(
  kysely: Kysely<Database>,
  dialect: Db['dialect'],
  isUniqueViolation: (error: unknown) => boolean,
): Db {
  return {
    kysely,
    dialect,
    transaction: (fn) => kysely.transaction().execute(fn),
    isUniqueViolation,
    ping: async () => {
      await sql`select 1`.execute(kysely);
    },
    close: async () => {
      await kysely.destroy();
    },
  };
}

/** Brings the schema up to date. Safe to run from several processes: the migrator takes a lock. */
export async function migrateToLatest(db: Db, schema?: string): Promise<string[]> {
  if (schema) await sql`create schema if not exists ${sql.id(schema)}`.execute(db.kysely);
  const migrator = new Migrator({
    db: db.kysely,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    // Kysely looks for its migration tables in every schema unless told which one: with one schema per
    // test file, a migrator would see another schema's kysely_migration table and fail (42P01).
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw new Error('database migration failed', { cause: error });
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
