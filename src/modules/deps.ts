/** What route plugins and use cases are handed: everything is passed in, nothing is a global. */
import type { Authenticator } from '../auth/authenticate.ts';
import type { JwtSigner } from '../auth/customer-jwt.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { BlobStore } from '../storage/blob-store.ts';

export interface Deps {
  config: Config;
  db: Db;
  blobs: BlobStore;
  jwt: JwtSigner;
  authenticator: Authenticator;
}

/** Absolute URL of an organization resource, for `_links` and `Location`. */
export function resourceUrl(config: Config, organizationId: string, path: string): string {
  return `${config.publicUrl}/organizations/${encodeURIComponent(organizationId)}/${path}`;
}
