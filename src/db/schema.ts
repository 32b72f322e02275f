/**
 * Kysely table types, in camelCase (the CamelCasePlugin maps them to the snake_case columns).
 *
 * Portable column types, chosen once for both engines:
 * - times are ISO-8601 UTC strings with milliseconds (`Date#toISOString`): they sort and compare as text the
 *   same way on SQLite and PostgreSQL, and never pass through a driver's time-zone conversion;
 * - booleans are integers 0/1 (SQLite has no boolean type);
 * - JSON is text, parsed by the repositories (no query filters inside JSON).
 */
import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

type Json = string;
type Bool = number;

export interface OrganizationsTable {
  id: string;
  name: string;
  /** 1: a sandbox organization (its webhooks may target private networks); default 0. */
  isSandbox: ColumnType<Bool, Bool | undefined, Bool>;
  createdTime: string;
  updatedTime: string;
}

export interface WebsitesTable {
  organizationId: string;
  id: string;
  name: string;
  url: string;
  serviceEmail: string | null;
  servicePhone: string | null;
  createdTime: string;
  updatedTime: string;
}

export interface ApiKeysTable {
  organizationId: string;
  id: string;
  description: string;
  type: 'secret' | 'publishable';
  keyHash: string;
  /** The first characters of the key, to recognise it in lists (never enough to use it). */
  keyPreview: string;
  acl: Json | null;
  allowedIps: Json | null;
  createdTime: string;
  updatedTime: string;
}

export interface CustomersTable {
  organizationId: string;
  id: string;
  websiteId: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  primaryAddress: Json | null;
  customFields: Json;
  locale: string | null;
  revision: number;
  createdTime: string;
  updatedTime: string;
}

export interface AuthTokensTable {
  tokenHash: string;
  organizationId: string;
  customerId: string;
  expiredTime: string;
  usedTime: string | null;
  createdTime: string;
}

export interface CustomerJwtsTable {
  organizationId: string;
  id: string;
  customerId: string;
  acl: Json;
  customClaims: Json | null;
  expiredTime: string;
  revokedTime: string | null;
  createdTime: string;
  updatedTime: string;
}

export interface FilesTable {
  organizationId: string;
  id: string;
  /** Set when a customer token uploaded the file: only that customer's tokens may use it. */
  customerId: string | null;
  name: string;
  extension: string;
  description: string | null;
  sourceType: string | null;
  tags: Json;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  sha1: string;
  sha256: string;
  exifData: Json | null;
  isPublic: Bool;
  storageKey: string;
  createdTime: string;
  updatedTime: string;
}

export interface AttachmentsTable {
  organizationId: string;
  id: string;
  fileId: string;
  relatedType: string;
  relatedId: string;
  name: string | null;
  description: string | null;
  createdTime: string;
  updatedTime: string;
}

/** The job queue (src/queue/): one row per job, kept after it finishes for diagnosis. */
export interface JobsTable {
  /** `job_…` */
  id: string;
  name: string;
  payload: Json;
  /** Dedupe key: unique among live (pending or running) jobs. */
  jobKey: string | null;
  status: 'pending' | 'running' | 'done' | 'parked';
  /** Claims so far, including the running one. */
  attempts: number;
  maxAttempts: number;
  /** Not claimed before this time. */
  runAt: string;
  /** The worker holding the lease while `running`. */
  lockedBy: string | null;
  /** The lease: past this time another worker may take the job over. */
  lockedUntil: string | null;
  /** The last failure, truncated. */
  lastError: string | null;
  createdTime: string;
  updatedTime: string;
  finishedTime: string | null;
}

export interface KycSettingsTable {
  organizationId: string;
  settings: Json;
  updatedTime: string;
}

export interface KycRequestsTable {
  organizationId: string;
  id: string;
  customerId: string;
  /** The requested document specs (`KycRequestDocument[]`). */
  documents: Json;
  status: string;
  redirectUrl: string | null;
  reason: string | null;
  matchLevel: number;
  revision: number;
  expirationTime: string;
  /** The customer JWT row behind the gatherer link. */
  gathererJwtId: string | null;
  createdTime: string;
  updatedTime: string;
}

export interface KycDocumentsTable {
  organizationId: string;
  id: string;
  customerId: string;
  requestId: string | null;
  documentType: string;
  documentSubtype: string | null;
  status: string;
  /** 1 while the document waits for a person (no analyzer, manual band, or analysis parked). */
  reviewRequired: Bool;
  fileIds: Json;
  rejectionReason: Json | null;
  processedTime: string | null;
  reviewerId: string | null;
  reviewerName: string | null;
  reviewStartTime: string | null;
  reviewTime: string | null;
  notes: string | null;
  reason: string | null;
  matchLevel: number;
  revision: number;
  documentMatches: Json | null;
  parsedData: Json | null;
  settings: Json | null;
  /** Internal: what the analyzer saw (never serialized to clients as is). */
  evidence: Json | null;
  createdTime: string;
  updatedTime: string;
}

export interface EventsTable {
  organizationId: string;
  id: string;
  eventType: string;
  resourceType: string;
  resourceId: string;
  customerId: string;
  revision: number;
  /** The resource as the API showed it at this revision. */
  payload: Json;
  createdTime: string;
}

export interface WebhookCredentialsTable {
  organizationId: string;
  /** `crd_…` */
  id: string;
  status: 'active' | 'inactive';
  host: string;
  authType: 'none' | 'basic' | 'digest';
  username: string | null;
  /** Kept as given: it is sent (Basic auth). Never returned. */
  password: string | null;
  createdTime: string;
  updatedTime: string;
}

export interface WebhooksTable {
  organizationId: string;
  /** `hook_…` */
  id: string;
  /** Event types; `[]` means all. */
  eventsFilter: Json;
  status: 'active' | 'inactive';
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** `[{name, value, status}]` */
  headers: Json;
  credentialHash: string | null;
  /** Template with `{{placeholders}}`; null sends the default payload. */
  body: string | null;
  /** HMAC key of `Kycgate-Signature`; shown once. */
  signingSecret: string;
  /** Rebilly filter expression checked against each event; null sends every event of `eventsFilter`. */
  filter: string | null;
  /** The secret before the last rotation: it signs too until `previousSecretExpiresTime`. */
  previousSigningSecret: string | null;
  previousSecretExpiresTime: string | null;
  /** First failed attempt with no 2xx since; null while deliveries succeed. */
  failingSince: string | null;
  /** When kycgate deactivated the webhook because deliveries kept failing. */
  deactivatedTime: string | null;
  createdTime: string;
  updatedTime: string;
}

/** One row per delivery attempt. */
export interface WebhookTrackingTable {
  organizationId: string;
  /** `hook_log_…` */
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  entityId: string;
  attempt: number;
  deliveryStatus: 'delivered' | 'retrying' | 'failed' | 'skipped';
  /** The HTTP status answered; null when none came (refused, timeout, connection error). */
  status: number | null;
  error: string | null;
  url: string;
  method: string;
  request: string;
  requestHeaders: Json;
  response: string | null;
  responseHeaders: Json;
  /** Milliseconds. */
  duration: number;
  initiatedTime: string;
  sentTime: string | null;
  createdTime: string;
}

/** One analysed document's identifying marks, for duplicate detection across customers. */
export interface KycDocumentFingerprintsTable {
  organizationId: string;
  documentId: string;
  customerId: string;
  /** Upper-case letters and digits only. */
  documentNumber: string | null;
  /** Alpha-2 when known. */
  issuingState: string | null;
  /** Perceptual hash of the portrait crop (16 hex digits). */
  imageHash: string | null;
  createdTime: string;
}

/** A person of an organization who works the review console. */
export interface ReviewersTable {
  organizationId: string;
  /** `usr_…` */
  id: string;
  email: string;
  /** Lower-cased email, unique within the organization. */
  emailKey: string;
  name: string;
  role: 'reviewer' | 'admin';
  status: 'active' | 'inactive';
  /** `scrypt$N$r$p$salt$digest` (src/modules/reviewers/password.ts). */
  passwordHash: string;
  /** Consecutive failed sign-ins; reset by a successful one. */
  failedSignIns: number;
  lockedUntil: string | null;
  lastSignInTime: string | null;
  createdTime: string;
  updatedTime: string;
}

/** A console sign-in: the token is shown once and stored as its SHA-256 digest. */
export interface ReviewerSessionsTable {
  organizationId: string;
  /** `rvs_…` */
  id: string;
  reviewerId: string;
  tokenHash: string;
  expiredTime: string;
  revokedTime: string | null;
  createdTime: string;
}

/** Who did what to a document, by hand (reviewer session or secret key). */
export interface ReviewActionsTable {
  organizationId: string;
  /** `rva_…` */
  id: string;
  kycDocumentId: string;
  customerId: string;
  action: string;
  actorType: 'reviewer' | 'api-key';
  actorId: string;
  actorName: string | null;
  detail: Json | null;
  createdTime: string;
}

export interface TagsTable {
  organizationId: string;
  /** `tag_…` */
  id: string;
  name: string;
  nameKey: string;
  type: 'kyc-document';
  createdTime: string;
  updatedTime: string;
}

export interface KycDocumentTagsTable {
  organizationId: string;
  kycDocumentId: string;
  tagId: string;
  createdTime: string;
}

export interface KycLivenessSessionsTable {
  organizationId: string;
  /** `kyc_liv_…` */
  id: string;
  customerId: string;
  kycRequestId: string;
  status: 'pending' | 'succeeded' | 'failed' | 'abandoned';
  /** The challenge nonce: binds a frames upload to this session (not a credential: GET shows it). */
  nonce: string;
  /** The challenge's moves, in order (`LivenessStep[]`). */
  steps: Json;
  stepMs: number;
  maxDurationMs: number;
  expiresTime: string;
  /** `[{key, sha256, ms}]`: the uploaded frames in capture order; bytes in the blob store. */
  frames: Json;
  /** Correction code of a failed check. */
  failureCode: string | null;
  /** The File kept as `referenceImage` on success. */
  referenceFileId: string | null;
  /** What the check measured (never serialized to clients as is). */
  evidence: Json | null;
  revision: number;
  createdTime: string;
  updatedTime: string;
}

/** One row per frame hash ever uploaded to a liveness session: a frame is never accepted twice. */
export interface KycLivenessFramesTable {
  sha256: string;
  organizationId: string;
  sessionId: string;
  createdTime: string;
}

export interface Database {
  organizations: OrganizationsTable;
  websites: WebsitesTable;
  apiKeys: ApiKeysTable;
  customers: CustomersTable;
  authTokens: AuthTokensTable;
  customerJwts: CustomerJwtsTable;
  files: FilesTable;
  attachments: AttachmentsTable;
  kycSettings: KycSettingsTable;
  kycRequests: KycRequestsTable;
  kycDocuments: KycDocumentsTable;
  kycLivenessSessions: KycLivenessSessionsTable;
  kycLivenessFrames: KycLivenessFramesTable;
  events: EventsTable;
  jobs: JobsTable;
  webhookCredentials: WebhookCredentialsTable;
  webhooks: WebhooksTable;
  webhookTracking: WebhookTrackingTable;
  kycDocumentFingerprints: KycDocumentFingerprintsTable;
  reviewers: ReviewersTable;
  reviewerSessions: ReviewerSessionsTable;
  reviewActions: ReviewActionsTable;
  tags: TagsTable;
  kycDocumentTags: KycDocumentTagsTable;
}

export type Organization = Selectable<OrganizationsTable>;
export type Website = Selectable<WebsitesTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type CustomerRow = Selectable<CustomersTable>;
export type NewCustomerRow = Insertable<CustomersTable>;
export type CustomerUpdate = Updateable<CustomersTable>;
export type AuthTokenRow = Selectable<AuthTokensTable>;
export type CustomerJwtRow = Selectable<CustomerJwtsTable>;
export type FileRow = Selectable<FilesTable>;
export type AttachmentRow = Selectable<AttachmentsTable>;
export type KycRequestRow = Selectable<KycRequestsTable>;
export type KycDocumentRow = Selectable<KycDocumentsTable>;
export type KycLivenessSessionRow = Selectable<KycLivenessSessionsTable>;
export type EventRow = Selectable<EventsTable>;
export type WebhookCredentialRow = Selectable<WebhookCredentialsTable>;
export type WebhookRow = Selectable<WebhooksTable>;
export type WebhookTrackingRow = Selectable<WebhookTrackingTable>;
export type ReviewerRow = Selectable<ReviewersTable>;
export type ReviewActionRow = Selectable<ReviewActionsTable>;
export type TagRow = Selectable<TagsTable>;
