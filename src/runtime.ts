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
import type { Analyzer } from './analysis/analyzer.ts';
import { testBureau } from './analysis/credit-bureau.ts';
import type { FaceEngine } from './analysis/face/face-engine.ts';
import { createHumanFaceEngine } from './analysis/face/human-engine.ts';
import { IdentityAnalyzer } from './analysis/identity/identity-analyzer.ts';
import { createMrzEngines, createOcrEngine } from './analysis/ocr/create-ocr-engine.ts';
import { AddressAnalyzer } from './analysis/address/address-analyzer.ts';
import { FundsAnalyzer } from './analysis/funds/funds-analyzer.ts';
import { PurchaseAnalyzer } from './analysis/purchase/purchase-analyzer.ts';
import type { Deps } from './modules/deps.ts';
import { createJobs, type Jobs } from './modules/jobs.ts';
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

export interface CreateDepsOptions extends OpenDatabaseOptions {
  /** Document analyzers; default: the identity analyzer when `config.analysis` is on. */
  analyzers?: Analyzer[];
  /** The face engine of liveness sessions; default: Human when `config.analysis` is on (shared with the analyzer). */
  faceEngine?: FaceEngine | null;
}

/**
 * The identity analyzer with its engines: Tesseract (legacy engine) for the MRZ, PaddleOCR as the
 * fallback when check digits fail (unless KYCGATE_MRZ_FALLBACK=none), Human for faces; the address, funds
 * and purchase analyzers, which read scans and photos with the same PaddleOCR instance. Models load on
 * first use, so a process that never analyses (an API-only `serve` with WORKERS=0) never loads them.
 */
export function defaultAnalyzers(
  config: Config,
  face: FaceEngine | null = config.analysis ? createHumanFaceEngine() : null,
): Analyzer[] {
  if (!config.analysis) return [];
  // One PaddleOCR for the process: the MRZ fallback and the reading of bills and statements share it
  // (its models take ~0.5 GB; a second copy would break the 1 GB worker budget).
  const paddle = createOcrEngine('paddle');
  const mrz = createMrzEngines({ fast: 'tesseract' });
  if (config.mrzFallback === 'paddle') mrz.fallback = paddle;
  const text = { ocr: paddle, maxPixels: config.maxImagePixels };
  return [
    new IdentityAnalyzer({ mrz, face, maxPixels: config.maxImagePixels }),
    new AddressAnalyzer(text),
    new FundsAnalyzer(text),
    new PurchaseAnalyzer(text),
  ];
}

export async function createDeps(config: Config, options: CreateDepsOptions = {}): Promise<Deps> {
  const dbOptions: OpenDatabaseOptions = options.schema ? { schema: options.schema } : {};
  const db = openDatabase(config.database, dbOptions);
  try {
    await migrateToLatest(db, dbOptions.schema);
  } catch (error) {
    await db.close();
    throw error;
  }
  const jwt = new JwtSigner(resolveJwtSecret(config));
  const faceEngine =
    options.faceEngine !== undefined ? options.faceEngine : config.analysis ? createHumanFaceEngine() : null;
  const deps: Deps = {
    config,
    db,
    blobs: new FsBlobStore(config.storage.dir),
    jwt,
    authenticator: createAuthenticator(db, jwt),
    analyzers: new Map(
      (options.analyzers ?? defaultAnalyzers(config, faceEngine)).map((a) => [a.documentType, a]),
    ),
    faceEngine,
    creditBureau: testBureau,
    jobs: undefined as unknown as Jobs,
    wakeWorker: () => {},
  };
  // Jobs close over the finished deps (their handlers call use cases with them).
  deps.jobs = createJobs(deps);
  return deps;
}

/**
 * Frees what `createDeps` opened, once nothing uses it any more (after the HTTP server and the job loop
 * have stopped): the analyzers' engines, the face engine of liveness sessions (shared with the identity
 * analyzer; closing it twice is harmless), then the database.
 */
export async function closeDeps(deps: Deps): Promise<void> {
  for (const analyzer of deps.analyzers.values()) await analyzer.close?.();
  await deps.faceEngine?.close();
  await deps.db.close();
}
