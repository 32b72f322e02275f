/**
 * Kysely table types, in camelCase (the CamelCasePlugin maps them to the snake_case columns).
 *
 * Portable column types, chosen once for both engines:
 * - times are ISO-8601 UTC strings with milliseconds (`Date#toISOString`): they sort and compare as text the
 *   same way on SQLite and PostgreSQL, and never pass through a driver's time-zone conversion;
 * - booleans are integers 0/1 (SQLite has no boolean type);
 * - JSON is text, parsed by the repositories (no query filters inside JSON).
 */
import type { Insertable, Selectable, Updateable } from 'kysely';

type Json = string;
type Bool = number;

export interface OrganizationsTable {
  id: string;
  name: string;
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
  events: EventsTable;
  jobs: JobsTable;
  webhookCredentials: WebhookCredentialsTable;
  webhooks: WebhooksTable;
  webhookTracking: WebhookTrackingTable;
  kycDocumentFingerprints: KycDocumentFingerprintsTable;
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
export type EventRow = Selectable<EventsTable>;
export type WebhookCredentialRow = Selectable<WebhookCredentialsTable>;
export type WebhookRow = Selectable<WebhooksTable>;
export type WebhookTrackingRow = Selectable<WebhookTrackingTable>;
