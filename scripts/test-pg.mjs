// Runs the whole vitest suite again on PostgreSQL. CI always has a server; on a machine without one this
// says so and exits 0, except under CI=true, where a missing database is a failure.
import { spawnSync } from 'node:child_process';
import pg from 'pg';

const url = process.env.KYCGATE_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
try {
  await client.connect();
  await client.query('select 1');
  await client.end();
} catch (error) {
  const message = `PostgreSQL is not reachable at ${url}: ${error.message}`;
  if (process.env.CI) {
    console.error(`${message} (CI requires it)`);
    process.exit(1);
  }
  console.log(`${message}; skipping the PostgreSQL run`);
  process.exit(0);
}

console.log(`Running the suite on PostgreSQL (${url})`);
// Tests that touch no database (pure units, OCR, faces, fixtures) already ran on the SQLite pass.
const noDatabase = [
  'test/unit/**',
  'test/mrz-*.test.ts',
  'test/face-*.test.ts',
  'test/fixtures-identity.test.ts',
  'test/identity-bad-input.test.ts',
  'test/image-quality.test.ts',
  'test/viz-*.test.ts',
  'test/pdf417.test.ts',
  'test/address-analyzer.test.ts',
  'test/webhooks-digest.test.ts',
  // Runs the CLI on its own SQLite file whatever the environment says.
  'test/reviewers-cli.test.ts',
  // The gatherer's browser run with the real models: its database path is the same as gatherer.test.ts's,
  // which does run here; the models and the page cost ≈ 2 min, and only once.
  'test/e2e/gatherer-analysis.test.ts',
];
const excludes = noDatabase.flatMap((pattern) => ['--exclude', pattern]);
const result = spawnSync('npx', ['vitest', 'run', ...excludes, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, KYCGATE_TEST_DATABASE_URL: url },
});
process.exit(result.status ?? 1);
