/** Every migration, in order. Names are ISO-dated; a new migration is a new file appended here. */
import type { Migration } from 'kysely';
import * as foundation from './2026-11-22-foundation.ts';
import * as jobs from './2026-11-22-jobs.ts';
import * as kyc from './2026-11-22-kyc.ts';
import * as webhooks from './2026-11-22-webhooks.ts';

export const migrations: Record<string, Migration> = {
  '2026-11-22-foundation': foundation,
  '2026-11-22-jobs': jobs,
  '2026-11-22-kyc': kyc,
  '2026-11-22-webhooks': webhooks,
};
