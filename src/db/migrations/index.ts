/** Every migration, in order. Names are ISO-dated; a new migration is a new file appended here. */
import type { Migration } from 'kysely';
import * as foundation from './2026-11-22-foundation.ts';

export const migrations: Record<string, Migration> = {
  '2026-11-22-foundation': foundation,
};
