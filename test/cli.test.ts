import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kycgate-cli-'));
const env = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', DATABASE_URL: '' };
const cli = (...args: string[]) => run(process.execPath, ['bin/kycgate.js', ...args], { env });

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('kycgate CLI', () => {
  it('migrates, creates an organization and a key', { timeout: 60_000 }, async () => {
    expect((await cli('migrate')).stdout).toContain('2026-11-22-foundation');
    expect((await cli('migrate')).stdout).toContain('up to date');
    const org = JSON.parse((await cli('orgs', 'create', '--name', 'Acme', '--id', 'org_acme')).stdout);
    expect(org).toMatchObject({ organizationId: 'org_acme' });
    expect(org.secretKey).toMatch(/^sk_sandbox_/);
    const key = JSON.parse(
      (await cli('keys', 'create', '--org', 'org_acme', '--type', 'publishable')).stdout,
    );
    expect(key.key).toMatch(/^pk_sandbox_/);
  });

  it('fails with a readable message on bad configuration', async () => {
    const error = await run(process.execPath, ['bin/kycgate.js', 'serve'], {
      env: { ...env, PORT: 'x' },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(error).toMatchObject({ code: 1 });
    expect((error as { stderr: string }).stderr).toContain('PORT must be an integer');
  });

  it('analyzes local files and prints JSON decisions', { timeout: 120_000 }, async () => {
    const samples = path.join('test', 'fixtures', 'identity', 'samples');
    const file = path.join(samples, 'td3-valid-blurry.jpg');
    const { stdout } = await cli('analyze', file, path.join(samples, 'td2-valid-degraded.jpg'), '--json');
    const rows = JSON.parse(stdout);
    expect(rows).toHaveLength(2);
    // The blurry photo cannot be read: a clear reason and a retake hint, not a crash.
    expect(rows[0]).toMatchObject({ file, status: 'rejected', reason: 'document-unreadable' });
    expect(rows[0].corrections).toContain('photo-blurry');
    expect(['accepted', 'pending', 'rejected']).toContain(rows[1].status);
    expect(rows[1].ms).toBeGreaterThan(0);
  });

  it('prints usage and exits 2 on an unknown command', async () => {
    const error = await cli('frobnicate').catch((e: { code: number; stderr: string }) => e);
    expect(error).toMatchObject({ code: 2 });
    expect((error as { stderr: string }).stderr).toContain('Usage: kycgate');
  });
});
