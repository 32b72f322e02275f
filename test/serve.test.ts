/**
 * `kycgate serve` as a user runs it: a child process on a fresh DATA_DIR. What it prints must work:
 * the curl example's request, with the printed key and organization, creates a customer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findJemalloc } from '../src/lib/allocator.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kycgate-serve-'));
const port = 20_000 + Math.floor(Math.random() * 20_000);
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function start(): Promise<{ output: string; process: ChildProcess }> {
  const proc = spawn(process.execPath, ['bin/kycgate.js', 'serve'], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
    },
  });
  child = proc;
  return new Promise((resolve, reject) => {
    let output = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Try it:') && output.trimEnd().endsWith("}}'")) resolve({ output, process: proc });
    });
    proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
}

/** Whether something still accepts HTTP requests on the test's port. */
async function portAnswers(): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

function exited(proc: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
}

describe('kycgate serve', () => {
  it('prints a base URL, organization, keys and a curl example that works, and stops on SIGTERM', async () => {
    const { output, process: proc } = await start();
    expect(output).toContain(`kycgate is serving on http://localhost:${port}`);
    const org = /organization id : (\S+)/.exec(output)?.[1];
    const key = /secret API key {2}: (sk_\S+)/.exec(output)?.[1];
    expect(org).toMatch(/^org_/);
    expect(key).toMatch(/^sk_sandbox_/);
    const curl =
      /curl -s -X POST (\S+) \\\n\s+-H 'REB-APIKEY: (\S+)' -H 'Content-Type: application\/json' \\\n\s+-d '(.+)'/.exec(
        output,
      );
    expect(curl?.[2]).toBe(key);

    const res = await fetch(curl![1]!.replace('localhost', '127.0.0.1'), {
      method: 'POST',
      headers: { 'REB-APIKEY': curl![2]!, 'Content-Type': 'application/json' },
      body: curl![3]!,
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace' });

    // The demo gatherer link: a short link that redirects to the gatherer with a working customer token.
    const demo = /Open the document gatherer as a demo customer \(request (kyc_req_\S+)\):\n\s+(\S+)/.exec(
      output,
    );
    expect(demo?.[2]).toMatch(new RegExp(`^http://localhost:${port}/g/[0-9A-Z]{26}[\\w-]{10}$`));
    const redirect = await fetch(demo![2]!.replace('localhost', '127.0.0.1'), { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location')!;
    expect(location).toMatch(/^\/gatherer\/\?token=/);
    const token = decodeURIComponent(location.split('token=')[1]!);
    const visit = await fetch(`http://127.0.0.1:${port}/storefront/kyc-requests/${demo![1]}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(visit.status).toBe(200);
    const visitBody = (await visit.json()) as { documents: { type: string }[] };
    expect(visitBody.documents.map((d) => d.type)).toEqual(['identity-proof', 'address-proof']);

    const done = exited(proc);
    proc.kill('SIGTERM');
    expect(await done).toBe(0);

    // A second start finds the same organization and can print its key again.
    const again = await start();
    expect(again.output).toContain(`organization id : ${org}`);
    expect(again.output).toContain(`secret API key  : ${key}`);
    // …and the same open demo request.
    expect(again.output).toContain(`demo customer (request ${demo![1]})`);
    // The memory allocator it runs on: jemalloc where the library is installed (src/lib/allocator.ts).
    expect(again.output).toContain(`allocator       : ${findJemalloc() ? 'jemalloc' : 'system'}`);
    if (findJemalloc()) {
      // The server runs in a child on jemalloc; killing the parent outright must not leave it running.
      const killed = exited(again.process);
      again.process.kill('SIGKILL');
      await killed;
      await expect.poll(() => portAnswers(), { timeout: 15_000, interval: 200 }).toBe(false);
    } else {
      const stopped = exited(again.process);
      again.process.kill('SIGTERM');
      expect(await stopped).toBe(0);
    }
    // Two cold starts (each loads the models' code): seconds apiece on a busy 2-core machine.
  }, 90_000);
});
