/**
 * The provider factory: from a Config, open the database (and migrate it), the blob store and the JWT
 * signer. The one place that picks implementations; everything else receives `Deps`.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createAuthenticator } from './auth/authenticate.ts';
import { JwtSigner } from './auth/customer-jwt.ts';
import type { Config } from './config.ts';
import { migrateToLatest, openDatabase, type OpenDatabaseOptions } from './db/database.ts';
import type { Deps } from './modules/deps.ts';
import { FsBlobStore } from './storage/fs-blob-store.ts';

/** The JWT secret from config, else from its key file, created (mode 600) on first use. */
export function resolveJwtSecret(config: Config): string {
  if (config.jwtSecret) return config.jwtSecret;
  try {
    const existing = fs.readFileSync(config.jwtSecretFile, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(48).toString('base64url');
  fs.mkdirSync(path.dirname(config.jwtSecretFile), { recursive: true });
  fs.writeFileSync(config.jwtSecretFile, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}

export async function createDeps(config: Config, dbOptions: OpenDatabaseOptions = {}): Promise<Deps> {
  const db = openDatabase(config.database, dbOptions);
  try {
    await migrateToLatest(db, dbOptions.schema);
  } catch (error) {
    await db.close();
    throw error;
  }
  const jwt = new JwtSigner(resolveJwtSecret(config));
  return {
    config,
    db,
    blobs: new FsBlobStore(config.storage.dir),
    jwt,
    authenticator: createAuthenticator(db, jwt),
  };
}
