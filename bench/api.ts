/**
 * `npm run bench:api` — the API quality bar of DESIGN.md: an authenticated `GET /kyc-requests/{id}` against
 * a bare Fastify route that reads the same row from the same SQLite file (no auth, no schema, no links),
 * and `POST /kyc-requests` against a bare insert route. Both servers listen on loopback; a load loop with
 * keep-alive connections sends requests for a fixed time and prints requests per second and latencies.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { newId } from '../src/lib/ids.ts';
import { createOrganization } from '../src/modules/organizations/create-organization.ts';
import { createDeps } from '../src/runtime.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '5' }, connections: { type: 'string', default: '16' } },
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);

interface Result {
  requests: number;
  errors: number;
  perSecond: number;
  p50: number;
  p99: number;
}

function send(
  agent: http.Agent,
  url: URL,
  init: { method: string; headers: Record<string, string>; body?: string },
) {
  return new Promise<number>((resolve, reject) => {
    const req = http.request(url, { method: init.method, headers: init.headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

async function load(
  target: string,
  init: { method: string; headers: Record<string, string>; body?: () => string },
): Promise<Result> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const url = new URL(target);
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      const status = await send(agent, url, {
        method: init.method,
        headers: init.headers,
        ...(init.body ? { body: init.body() } : {}),
      });
      if (status >= 400) errors++;
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, loop));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pick = (q: number) => Number((latencies[Math.floor(q * (latencies.length - 1))] ?? 0).toFixed(2));
  return {
    requests: latencies.length,
    errors,
    perSecond: Math.round(latencies.length / SECONDS),
    p50: pick(0.5),
    p99: pick(0.99),
  };
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kycgate-bench-'));
const config = loadConfig({
  DATA_DIR: dataDir,
  LOG_LEVEL: 'silent',
  RATE_LIMIT_MAX: '0',
  KYCGATE_ANALYSIS: 'off',
  KYCGATE_JWT_SECRET: randomBytes(32).toString('hex'),
  PUBLIC_URL: 'http://127.0.0.1',
});
const deps = await createDeps(config);
const app = await buildApp(deps, { logger: false });
const org = await createOrganization(deps.db, { name: 'bench' });
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
const headers = { 'reb-apikey': org.secretKey, 'content-type': 'application/json' };

const customer = (await (
  await fetch(`${base}/customers`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ primaryAddress: { firstName: 'Ada', lastName: 'Lovelace' } }),
  })
).json()) as { id: string };
const body = () =>
  JSON.stringify({
    customerId: customer.id,
    documents: [{ type: 'identity-proof' }, { type: 'address-proof' }],
  });
const created = (await (
  await fetch(`${base}/kyc-requests`, { method: 'POST', headers, body: body() })
).json()) as { id: string };

// The baseline: the same database, a bare route, no auth, no validation, no serialization schema.
const bare = Fastify({ logger: false });
bare.get('/row/:id', async (request) =>
  deps.db.kysely
    .selectFrom('kycRequests')
    .selectAll()
    .where('id', '=', (request.params as { id: string }).id)
    .executeTakeFirst(),
);
bare.post('/row', async () => {
  const now = new Date().toISOString();
  const row = {
    organizationId: org.organization.id,
    id: newId('kyc_req'),
    customerId: customer.id,
    documents: '[{"type":"identity-proof"},{"type":"address-proof"}]',
    status: 'gathering',
    redirectUrl: null,
    reason: null,
    matchLevel: 2,
    revision: 1,
    expirationTime: now,
    gathererJwtId: null,
    createdTime: now,
    updatedTime: now,
  };
  await deps.db.kysely.insertInto('kycRequests').values(row).execute();
  return row;
});
await bare.listen({ port: 0, host: '127.0.0.1' });
const bareBase = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;

const results = {
  'GET bare row': await load(`${bareBase}/row/${created.id}`, { method: 'GET', headers: {} }),
  'GET /kyc-requests/{id}': await load(`${base}/kyc-requests/${created.id}`, { method: 'GET', headers }),
  'POST bare insert': await load(`${bareBase}/row`, { method: 'POST', headers: {} }),
  'POST /kyc-requests': await load(`${base}/kyc-requests`, { method: 'POST', headers, body }),
};
console.log(
  `node ${process.version}, ${os.cpus().length} cores, ${SECONDS} s per case, ${CONNECTIONS} connections, SQLite`,
);
console.table(results);
const ratio = (a: string, b: string) =>
  (results[a as keyof typeof results].perSecond / results[b as keyof typeof results].perSecond) * 100;
console.log(
  `GET  /kyc-requests/{id}: ${ratio('GET /kyc-requests/{id}', 'GET bare row').toFixed(0)} % of the bare route (goal ≥ 50 %)`,
);
console.log(
  `POST /kyc-requests:      ${ratio('POST /kyc-requests', 'POST bare insert').toFixed(0)} % of the bare insert (goal ≥ 30 %)`,
);

await bare.close();
await app.close();
await deps.db.close();
fs.rmSync(dataDir, { recursive: true, force: true });
