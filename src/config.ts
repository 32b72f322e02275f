/**
 * The only reader of `process.env`. `loadConfig()` parses the environment once, at boot, into a frozen,
 * typed `Config`, and throws a `ConfigError` that lists every bad variable at once.
 */
import path from 'node:path';

export type DatabaseConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
export type StorageConfig = { kind: 'fs'; dir: string };

export interface Config {
  /** TCP port of the HTTP server (default 8080). */
  readonly port: number;
  /** Interface to bind (default 0.0.0.0). */
  readonly host: string;
  /** Folder for the embedded database, files and the generated JWT key (default ./data). */
  readonly dataDir: string;
  readonly database: DatabaseConfig;
  readonly storage: StorageConfig;
  /** Base URL that links (gatherer, Location, _links) are built on; no trailing slash. */
  readonly publicUrl: string;
  /** Seeds the default organization's secret key (automation); when absent one is generated once. */
  readonly seedSecretKey: string | undefined;
  /** Seeds the default organization's id (automation). */
  readonly seedOrganizationId: string | undefined;
  /** HMAC secret that signs customer JWTs; when absent it is read from (or created in) `jwtSecretFile`. */
  readonly jwtSecret: string | undefined;
  readonly jwtSecretFile: string;
  /** In-process worker concurrency (embedded mode). */
  readonly workers: number;
  /**
   * Lease of a claimed job, in ms (`WORKER_LEASE_SECONDS`, default 60): a job whose worker died is run again
   * by another worker after at most this long. Renewed every third of it while the job runs.
   */
  readonly workerLeaseMs: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Largest accepted JSON body, in bytes (default 1 MiB, plus room for a base64 upload). */
  readonly bodyLimitBytes: number;
  /** Largest accepted uploaded file, in bytes (default 15 MB). */
  readonly maxUploadBytes: number;
  /** Largest accepted image, in pixels (width × height; default 50 MP). */
  readonly maxImagePixels: number;
  /** Automated document analysis (`KYCGATE_ANALYSIS`, default on); off leaves every document to a person. */
  readonly analysis: boolean;
  /** The MRZ fallback OCR engine used when check digits fail (`KYCGATE_MRZ_FALLBACK`: paddle | none). */
  readonly mrzFallback: 'paddle' | 'none';
  /** Write requests per organization per window; 0 switches rate limiting off. */
  readonly rateLimitMax: number;
  readonly rateLimitWindowMs: number;
  /**
   * Whether webhooks may target loopback, private and link-local addresses (`WEBHOOKS_ALLOW_PRIVATE_NETWORKS`,
   * default off). Cloud metadata addresses stay refused either way.
   */
  readonly webhooksAllowPrivateNetworks: boolean;
  /** How long a failing delivery is retried, in ms (`WEBHOOKS_RETRY_HORIZON_HOURS`, default 72 h). */
  readonly webhookRetryHorizonMs: number;
  /**
   * A webhook whose deliveries have failed without a single 2xx for this long, in ms, is deactivated
   * (`WEBHOOKS_DEACTIVATE_AFTER_DAYS`, default 5 days; 0 never deactivates).
   */
  readonly webhookDeactivateAfterMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const ID_PATTERN = /^[@~\-.\w]{1,50}$/;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };

  const dataDir = path.resolve(env.DATA_DIR || './data');
  const port = int('PORT', 8080, 0, 65535);
  const host = env.HOST || '0.0.0.0';

  let database: DatabaseConfig = { kind: 'sqlite', file: path.join(dataDir, 'kycgate.sqlite') };
  const dbUrl = env.DATABASE_URL;
  if (dbUrl) {
    if (/^postgres(ql)?:\/\//.test(dbUrl)) database = { kind: 'postgres', url: dbUrl };
    else if (dbUrl.startsWith('sqlite:')) {
      const file = dbUrl.slice('sqlite:'.length).replace(/^\/\//, '');
      database = { kind: 'sqlite', file: file === ':memory:' ? file : path.resolve(file) };
    } else
      problems.push(`DATABASE_URL must start with postgres://, postgresql:// or sqlite: (got "${dbUrl}")`);
  }

  let storage: StorageConfig = { kind: 'fs', dir: path.join(dataDir, 'files') };
  const storageUrl = env.STORAGE_URL;
  if (storageUrl) {
    if (storageUrl.startsWith('file:'))
      storage = { kind: 'fs', dir: path.resolve(storageUrl.slice(5).replace(/^\/\//, '')) };
    else
      problems.push(`STORAGE_URL must be file:<dir> (S3 storage is not available yet; got "${storageUrl}")`);
  }

  let publicUrl = env.PUBLIC_URL || `http://localhost:${port}`;
  try {
    const parsed = new URL(publicUrl);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
    publicUrl = publicUrl.replace(/\/+$/, '');
  } catch {
    problems.push(`PUBLIC_URL must be an http(s) URL (got "${publicUrl}")`);
  }

  const seedSecretKey = env.KYCGATE_SECRET_KEY || undefined;
  if (seedSecretKey !== undefined && !/^[\w-]{16,128}$/.test(seedSecretKey)) {
    problems.push('KYCGATE_SECRET_KEY must be 16 to 128 letters, digits, "_" or "-"');
  }
  const seedOrganizationId = env.KYCGATE_ORGANIZATION_ID || undefined;
  if (seedOrganizationId !== undefined && !ID_PATTERN.test(seedOrganizationId)) {
    problems.push('KYCGATE_ORGANIZATION_ID must be at most 50 characters of letters, digits and @~-._');
  }
  const jwtSecret = env.KYCGATE_JWT_SECRET || undefined;
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    problems.push('KYCGATE_JWT_SECRET must be at least 32 characters');
  }
  const jwtSecretFile = path.resolve(env.KYCGATE_JWT_SECRET_FILE || path.join(dataDir, 'jwt-secret'));

  const logLevel = (env.LOG_LEVEL || 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);

  const maxUploadBytes = int('MAX_UPLOAD_BYTES', 15_000_000, 1024, 200_000_000);
  const analysisValue = (env.KYCGATE_ANALYSIS || 'on').toLowerCase();
  if (!['on', 'off'].includes(analysisValue)) problems.push('KYCGATE_ANALYSIS must be on or off');
  const mrzFallback = (env.KYCGATE_MRZ_FALLBACK || 'paddle').toLowerCase() as Config['mrzFallback'];
  if (!['paddle', 'none'].includes(mrzFallback)) problems.push('KYCGATE_MRZ_FALLBACK must be paddle or none');
  const privateNetworks = (env.WEBHOOKS_ALLOW_PRIVATE_NETWORKS || 'off').toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(privateNetworks)) {
    problems.push('WEBHOOKS_ALLOW_PRIVATE_NETWORKS must be on or off');
  }
  const config: Config = {
    port,
    host,
    dataDir,
    database,
    storage,
    publicUrl,
    seedSecretKey,
    seedOrganizationId,
    jwtSecret,
    jwtSecretFile,
    workers: int('WORKERS', 1, 0, 64),
    workerLeaseMs: int('WORKER_LEASE_SECONDS', 60, 2, 3600) * 1000,
    logLevel,
    // A base64 upload is 4/3 of the file, plus JSON around it.
    bodyLimitBytes: Math.max(1_048_576, Math.ceil((maxUploadBytes * 4) / 3) + 65_536),
    maxUploadBytes,
    maxImagePixels: int('MAX_IMAGE_PIXELS', 50_000_000, 10_000, 500_000_000),
    analysis: analysisValue === 'on',
    mrzFallback,
    rateLimitMax: int('RATE_LIMIT_MAX', 3000, 0, 1_000_000),
    rateLimitWindowMs: int('RATE_LIMIT_WINDOW_MS', 600_000, 1000, 86_400_000),
    webhooksAllowPrivateNetworks: ['on', 'true', '1'].includes(privateNetworks),
    webhookRetryHorizonMs: int('WEBHOOKS_RETRY_HORIZON_HOURS', 72, 1, 720) * 3_600_000,
    webhookDeactivateAfterMs: int('WEBHOOKS_DEACTIVATE_AFTER_DAYS', 5, 0, 365) * 86_400_000,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
