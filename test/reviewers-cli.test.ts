/**
 * `kycgate reviewers create`: the first admin of a deployment from the command line, the password from
 * stdin (never the arguments); the reviewer can then sign in through the API.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Deps } from '../src/modules/deps.ts';
import { createOrganization } from '../src/modules/organizations/create-organization.ts';
import { createReviewerCommand } from '../src/modules/reviewers/reviewers-command.ts';
import { createDeps } from '../src/runtime.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kycgate-reviewers-cli-'));
const env: Record<string, string> = {
  DATA_DIR: dataDir,
  LOG_LEVEL: 'silent',
  DATABASE_URL: '',
  KYCGATE_JWT_SECRET: 'x'.repeat(40),
  KYCGATE_ANALYSIS: 'off',
};
let deps: Deps;

beforeAll(async () => {
  deps = await createDeps(loadConfig(env));
  await createOrganization(deps.db, { id: 'org_cli', name: 'CLI' });
});
afterAll(async () => {
  await deps.db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Runs the CLI with `stdin` as its standard input. */
function cli(stdin: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['bin/kycgate.js', ...args],
      { env: { ...process.env, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(stdin);
  });
}

it('creates an admin with the password from stdin, who can then sign in', { timeout: 60_000 }, async () => {
  const created = await cli(
    'a passphrase from stdin\n',
    ...['reviewers', 'create', '--org', 'org_cli', '--email', 'root@example.com', '--name', 'Root'],
    ...['--role', 'admin'],
  );
  expect(created.code, created.stderr).toBe(0);
  expect(JSON.parse(created.stdout)).toMatchObject({
    organizationId: 'org_cli',
    email: 'root@example.com',
    role: 'admin',
  });
  expect(created.stdout).not.toContain('passphrase');

  const app = await buildApp(deps, { logger: false });
  try {
    const res = await app.inject({
      method: 'POST',
      url: '/organizations/org_cli/reviewer-sessions',
      payload: { email: 'root@example.com', password: 'a passphrase from stdin' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().reviewer.role).toBe('admin');
  } finally {
    await app.close();
  }
});

it('refuses a short password and an unknown organization, naming the problem', async () => {
  const run = (password: string, org = 'org_cli') =>
    createReviewerCommand(
      deps.db,
      ['--org', org, '--email', 'x@example.com', '--name', 'X'],
      Readable.from([`${password}\n`]),
    ).catch((error: { detail: string; invalidFields?: unknown }) => error);
  expect(await run('short')).toMatchObject({
    invalidFields: [{ field: 'password', message: expect.stringContaining('12') }],
  });
  expect(await run('a long enough password', 'org_nope')).toMatchObject({
    detail: 'organization org_nope not found',
  });
  const count = await deps.db.kysely.selectFrom('reviewers').select('id').execute();
  expect(count).toHaveLength(1);
});
