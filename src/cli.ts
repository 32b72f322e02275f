/** The `kycgate` command: serve, migrate, orgs create, keys create. */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.ts';
import { migrateToLatest, openDatabase, type Db } from './db/database.ts';
import { createApiKey } from './modules/api-keys/create-api-key.ts';
import { createOrganization, findOrganization } from './modules/organizations/create-organization.ts';
import { analyzeFiles } from './analyze-command.ts';
import { createReviewerCommand, REVIEWERS_USAGE } from './modules/reviewers/reviewers-command.ts';
import { serve } from './server.ts';
import { runWorker } from './worker.ts';

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
KYCGATE_SECRET_KEY, KYCGATE_ORGANIZATION_ID, KYCGATE_JWT_SECRET, WORKERS, LOG_LEVEL (see README).`;

/** Opens the configured database, brings it up to date, runs `fn`, closes. */
async function withDb<T>(fn: (db: Db, applied: string[]) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = openDatabase(config.database);
  try {
    return await fn(db, await migrateToLatest(db));
  } finally {
    await db.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  switch (command) {
    case 'serve':
      await serve(loadConfig());
      return -1;
    case 'analyze':
      return analyzeFiles(loadConfig(), argv.slice(1));
    case 'worker':
      await runWorker(loadConfig());
      return -1;
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
