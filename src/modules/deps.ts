/** What route plugins, use cases and jobs are handed: everything is passed in, nothing is a global. */
import type { Analyzer } from '../analysis/analyzer.ts';
import type { CreditBureau } from '../analysis/credit-bureau.ts';
import type { DocumentType } from '../analysis/vocabulary.ts';
import type { FaceEngine } from '../analysis/face/face-engine.ts';
import type { Authenticator } from '../auth/authenticate.ts';
import type { JwtSigner } from '../auth/customer-jwt.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import type { Jobs } from './jobs.ts';

export interface Deps {
  config: Config;
  db: Db;
  blobs: BlobStore;
  jwt: JwtSigner;
  authenticator: Authenticator;
  /** The analyzer of each document type that has one; the others go to manual review. */
  analyzers: ReadonlyMap<DocumentType, Analyzer>;
  creditBureau: CreditBureau;
  /**
   * The face engine for liveness sessions (the identity analyzer shares it); null when analysis is off,
   * and liveness sessions then answer 503.
   */
  faceEngine: FaceEngine | null;
  jobs: Jobs;
  /** Tells an in-process worker that a job was just committed (no-op without one). */
  wakeWorker(): void;
}

/** Absolute URL of an organization resource, for `_links` and `Location`. */
export function resourceUrl(config: Config, organizationId: string, path: string): string {
  return `${config.publicUrl}/organizations/${encodeURIComponent(organizationId)}/${path}`;
}
