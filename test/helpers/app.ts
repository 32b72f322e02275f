/**
 * Builds a real app for one test file: real SQLite in a temporary folder, or — when
 * KYCGATE_TEST_DATABASE_URL names a PostgreSQL server (npm run test:pg) — a fresh schema of its own there.
 * Nothing is mocked; requests go through `app.inject` or, with `listen()`, over loopback.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import type { Deps } from '../../src/modules/deps.ts';
import { createOrganization } from '../../src/modules/organizations/create-organization.ts';
import { createDeps } from '../../src/runtime.ts';
import type { Analyzer } from '../../src/analysis/analyzer.ts';
import type { FaceEngine } from '../../src/analysis/face/face-engine.ts';
import { createQueue, type DrainResult } from '../../src/queue/queue.ts';

export interface TestOrg {
  id: string;
  websiteId: string;
  secretKey: string;
  publishableKey: string;
}

export interface TestApp {
  app: Awaited<ReturnType<typeof buildApp>>;
  deps: Deps;
  config: Config;
  org: TestOrg;
  /** PostgreSQL runs: this file's schema (for child processes that share the database). */
  schema: string | undefined;
  /** Another organization, for isolation tests. */
  createOrg(name?: string): Promise<TestOrg>;
  /** Runs every due job (analysis, sweeps) to the end, synchronously: tests never sleep for the worker. */
  drainJobs(): Promise<DrainResult>;
  /** Listens on 127.0.0.1 at a free port; returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export const testDatabaseUrl = process.env.KYCGATE_TEST_DATABASE_URL;

export interface TestAppOptions {
  /** Document analyzers to register (tests of the analysis plumbing). */
  analyzers?: Analyzer[];
  /** The face engine of liveness sessions (default none: liveness `finish` answers 503). */
  faceEngine?: FaceEngine;
}

export async function createTestApp(
  env: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kycgate-test-'));
  const schema = testDatabaseUrl ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    KYCGATE_JWT_SECRET: randomBytes(32).toString('hex'),
    RATE_LIMIT_MAX: '0',
    // Tests register analyzers explicitly (`options.analyzers`); the models are exercised by their own tests.
    KYCGATE_ANALYSIS: 'off',
    PUBLIC_URL: 'http://kycgate.test',
    ...(testDatabaseUrl ? { DATABASE_URL: testDatabaseUrl } : {}),
    ...env,
  });
  const deps = await createDeps(config, {
    ...(schema ? { schema } : {}),
    ...(options.analyzers ? { analyzers: options.analyzers } : {}),
    ...(options.faceEngine ? { faceEngine: options.faceEngine } : {}),
  });
  const queue = createQueue(deps.db, { jobs: Object.values(deps.jobs) });
  const app = await buildApp(deps, { logger: false });

  const createOrg = async (name = 'Test organization'): Promise<TestOrg> => {
    const created = await createOrganization(deps.db, { name });
    return {
      id: created.organization.id,
      websiteId: created.websiteId,
      secretKey: created.secretKey,
      publishableKey: created.publishableKey,
    };
  };
  const org = await createOrg();

  return {
    app,
    deps,
    config,
    org,
    schema,
    createOrg,
    drainJobs: () => queue.drain(),
    async listen() {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      if (!address || typeof address === 'string') throw new Error('no address');
      return `http://127.0.0.1:${address.port}`;
    },
    async close() {
      await app.close();
      await deps.db.close();
      if (schema && testDatabaseUrl) {
        const client = new pg.Client({ connectionString: testDatabaseUrl });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Headers for a secret key. */
export function secret(org: TestOrg): Record<string, string> {
  return { 'reb-apikey': org.secretKey };
}

/** Headers for a bearer token. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
