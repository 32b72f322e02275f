/** The `kycgate` command: serve, migrate, orgs create, keys create. */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.ts';
import type { Db } from './db/database.ts';
import { followSupervisor, relaunchWithAllocator } from './lib/allocator.ts';
import { REVIEWERS_USAGE } from './modules/reviewers/reviewers-usage.ts';

// The commands' modules are imported when the command runs: a process that only starts itself again on
// another allocator (`relaunchWithAllocator`) stays small.

const USAGE = `Usage: kycgate <command>

Commands:
  serve                                   run the HTTP API (embedded defaults: SQLite + files in DATA_DIR)
  worker                                  run the job loop alone (analysis, expiry sweeps)
  migrate                                 bring the database schema up to date
  analyze FILE… [--customer c.json] [--json] [--match-level N]
                                          run the identity analysis on local files (nothing stored)
  orgs create [--name NAME] [--id ID] [--sandbox]
                                          create an organization (--sandbox: webhooks may
                                          target private networks); prints its id and keys
  keys create --org ID [--type secret|publishable] [--description TEXT]
                                          create an API key; prints it once
  ${REVIEWERS_USAGE}

Configuration comes from the environment: PORT, HOST, DATA_DIR, DATABASE_URL, STORAGE_URL, PUBLIC_URL,
KYCGATE_SECRET_KEY, KYCGATE_ORGANIZATION_ID, KYCGATE_JWT_SECRET, WORKERS, LOG_LEVEL, KYCGATE_ALLOCATOR
(see README).`;

/** Opens the configured database, brings it up to date, runs `fn`, closes. */
async function withDb<T>(fn: (db: Db, applied: string[]) => Promise<T>): Promise<T> {
  const { migrateToLatest, openDatabase } = await import('./db/database.ts');
  const config = loadConfig();
  const db = openDatabase(config.database);
  try {
    return await fn(db, await migrateToLatest(db));
  } finally {
    await db.close();
  }
}

/** Commands that decode documents for a long time, and so run on jemalloc where it is installed. */
const LONG_RUNNING = new Set(['serve', 'worker', 'analyze']);

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (command && LONG_RUNNING.has(command)) {
    const relaunched = relaunchWithAllocator();
    if (relaunched) return relaunched;
    followSupervisor();
  }
  switch (command) {
    case 'serve': {
      const { serve } = await import('./server.ts');
      await serve(loadConfig());
      return -1;
    }
    case 'analyze': {
      const { analyzeFiles } = await import('./analyze-command.ts');
      return analyzeFiles(loadConfig(), argv.slice(1));
    }
    case 'worker': {
      const { runWorker } = await import('./worker.ts');
      await runWorker(loadConfig());
      return -1;
    }
    case 'migrate': {
      const applied = await withDb((_db, names) => Promise.resolve(names));
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      return 0;
    }
    case 'orgs': {
      if (sub !== 'create') break;
      const { values } = parseArgs({
        args: rest,
        options: { name: { type: 'string' }, id: { type: 'string' }, sandbox: { type: 'boolean' } },
      });
      const { createOrganization } = await import('./modules/organizations/create-organization.ts');
      const created = await withDb((db) =>
        createOrganization(db, {
          id: values.id,
          name: values.name ?? 'Organization',
          isSandbox: values.sandbox === true,
        }),
      );
      console.log(
        JSON.stringify(
          {
            organizationId: created.organization.id,
            websiteId: created.websiteId,
            secretKey: created.secretKey,
            publishableKey: created.publishableKey,
          },
          null,
          2,
        ),
      );
      return 0;
    }
    case 'keys': {
      if (sub !== 'create') break;
      const { values } = parseArgs({
        args: rest,
        options: { org: { type: 'string' }, type: { type: 'string' }, description: { type: 'string' } },
      });
      const type = values.type ?? 'secret';
      if (!values.org || (type !== 'secret' && type !== 'publishable')) break;
      const organizationId = values.org;
      const { createApiKey } = await import('./modules/api-keys/create-api-key.ts');
      const { findOrganization } = await import('./modules/organizations/create-organization.ts');
      const { row, key } = await withDb(async (db) => {
        if (!(await findOrganization(db, organizationId)))
          throw new Error(`organization ${organizationId} not found`);
        return createApiKey(db.kysely, organizationId, {
          type,
          description: values.description ?? `${type} key`,
        });
      });
      console.log(JSON.stringify({ id: row.id, type: row.type, key }, null, 2));
      return 0;
    }
    case 'reviewers': {
      if (sub !== 'create') break;
      const { createReviewerCommand } = await import('./modules/reviewers/reviewers-command.ts');
      const reviewer = await withDb((db) => createReviewerCommand(db, rest, process.stdin));
      console.log(JSON.stringify(reviewer, null, 2));
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
      console.log(USAGE);
      return 0;
    default:
      break;
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError) console.error(error.message);
    else console.error(error instanceof Error ? `kycgate: ${error.message}` : error);
    process.exit(1);
  },
);
