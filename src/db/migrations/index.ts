/**
 * Every migration. Kysely runs them in the order of their names (the keys here), and refuses a database
 * where a migration sorts before one already run: a new migration's name must sort after every existing
 * one. Names are `YYYY-MM-DD` then `THHMM` (UTC) and a topic — `T` sorts after the `-` of the first ones.
 */
import type { Migration } from 'kysely';
import * as foundation from './2026-11-22-foundation.ts';
import * as jobs from './2026-11-22-jobs.ts';
import * as kyc from './2026-11-22-kyc.ts';
import * as webhooks from './2026-11-22-webhooks.ts';
import * as webhooksOperations from './2026-11-22-webhooks-operations.ts';
import * as documentFingerprints from './2026-11-22T0440-document-fingerprints.ts';
import * as reviewers from './2026-11-22-reviewers.ts';
import * as livenessSessions from './2026-11-22T0455-liveness-sessions.ts';

export const migrations: Record<string, Migration> = {
  '2026-11-22-foundation': foundation,
  '2026-11-22-jobs': jobs,
  '2026-11-22-kyc': kyc,
  '2026-11-22-webhooks': webhooks,
  '2026-11-22T0440-document-fingerprints': documentFingerprints,
  '2026-11-22T0445-reviewers': reviewers,
  '2026-11-22T0446-webhooks-operations': webhooksOperations,
  '2026-11-22T0455-liveness-sessions': livenessSessions,
};
