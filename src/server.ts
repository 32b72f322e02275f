/** Entry: loadConfig → createDeps → buildApp → listen; prints how to use it; closes gracefully on signals. */
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { demoGathererLink } from './modules/gatherer/demo-gatherer-link.ts';
import { ensureDefaultOrganization } from './modules/organizations/ensure-default-organization.ts';
import { activeAllocator } from './lib/allocator.ts';
import { closeDeps, createDeps } from './runtime.ts';
import { startJobWorker } from './worker.ts';

export async function serve(config: Config): Promise<void> {
  const deps = await createDeps(config);
  const app = await buildApp(deps);
  const org = await ensureDefaultOrganization(deps.db, config);
  // Embedded mode: the job loop runs in this process unless WORKERS=0 (then run `kycgate worker`).
  const worker = config.workers > 0 ? startJobWorker(deps, app.log) : undefined;
  // Signal handlers first: a supervisor may stop us the moment we say we are up.
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    // The job loop, then the HTTP server (in-flight requests finish), then the engines and the database
    // they used — the face engine too, which `finish` of a liveness session uses even with WORKERS=0.
    Promise.resolve(worker?.stop())
      .then(() => app.close())
      .then(() => closeDeps(deps))
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });

  const key = org.secretKey ?? '<your secret key>';
  const demo = await demoGathererLink(deps, org.organizationId);
  const lines = [
    '',
    `kycgate is serving on ${config.publicUrl}`,
    `  organization id : ${org.organizationId}`,
    `  secret API key  : ${org.secretKey ?? '(set KYCGATE_SECRET_KEY, or create one: kycgate keys create)'}`,
    ...(org.publishableKey ? [`  publishable key : ${org.publishableKey}`] : []),
    `  API docs        : ${config.publicUrl}/docs`,
    `  review console  : ${config.publicUrl}/console/?organization=${org.organizationId} (kycgate reviewers create)`,
    `  data            : ${config.database.kind === 'sqlite' ? config.database.file : 'PostgreSQL'}`,
    `  job worker      : ${worker ? `in-process (${config.workers})` : 'none here (WORKERS=0): run kycgate worker'}`,
    `  allocator       : ${activeAllocator() === 'jemalloc' ? 'jemalloc' : 'system (install libjemalloc2 to use less memory)'}`,
    '',
    `Open the document gatherer as a demo customer (request ${demo.requestId}):`,
    `  ${demo.shortUrl ?? demo.url}`,
    '',
    'Try it:',
    `  curl -s -X POST ${config.publicUrl}/organizations/${org.organizationId}/customers \\`,
    `    -H 'REB-APIKEY: ${key}' -H 'Content-Type: application/json' \\`,
    `    -d '{"primaryAddress":{"firstName":"Ada","lastName":"Lovelace","dob":"1990-12-10"}}'`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
