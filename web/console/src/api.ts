/**
 * The organization API as the console uses it: the same routes as a secret key, authorized by the
 * reviewer's session token (`Authorization: Bearer kgr_…`). A 401 ends the session in the page.
 */

export interface Reviewer {
  id: string;
  name: string;
  email: string;
  role: 'reviewer' | 'admin';
}

export interface Session {
  token: string;
  organizationId: string;
  reviewer: Reviewer;
  permissions: string[];
  expiredTime: string;
}

export interface Check {
  name: string;
  failed: boolean;
  score: number;
  reason: string | null;
}

export interface KycDocument {
  id: string;
  customerId: string;
  requestId: string | null;
  documentType: string;
  documentSubtype: string | null;
  status: 'pending' | 'in-progress' | 'accepted' | 'rejected' | 'archived';
  fileIds: string[];
  rejectionReason: { type: string; message?: string | null } | null;
  processedTime: string | null;
  reviewerId: string | null;
  reviewerName: string | null;
  reviewStartTime: string | null;
  reviewTime: string | null;
  notes: string | null;
  tags: { id: string; name: string }[];
  documentMatches: {
    version: string;
    score: number | null;
    checkList: Check[] | null;
    data: Record<string, unknown>;
  } | null;
  settings: {
    thresholds?: { acceptAbove: number; rejectBelow: number };
    weights?: Record<string, number>;
  } | null;
  createdTime: string;
  updatedTime: string;
}

export interface QueueItem {
  id: string;
  documentType: string;
  documentSubtype: string | null;
  customerId: string;
  customerName: string | null;
  requestId: string | null;
  score: number | null;
  acceptAbove: number | null;
  rejectBelow: number | null;
  failedChecks: string[];
  reviewerId: string | null;
  reviewerName: string | null;
  reviewStartTime: string | null;
  createdTime: string;
  processedTime: string | null;
}

export interface Customer {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  primaryAddress: Record<string, unknown> | null;
  hasFulfilledKyc: boolean;
  createdTime: string;
}

export interface KycRequest {
  id: string;
  customerId: string;
  status: string;
  documents: { type: string; maxAttempts?: number }[];
  reason: string | null;
  expirationTime: string;
  createdTime: string;
}

export interface Evidence {
  documentId: string;
  evidence: Record<string, unknown> & {
    duplicates?: { reason: string; customerIds: string[]; documentIds: string[] };
    corrections?: { code: string; message: string }[];
  };
  artifacts: { name: string; mime: string; size: number }[];
}

export interface ReviewAction {
  id: string;
  action: string;
  actorType: 'reviewer' | 'api-key';
  actorId: string;
  actorName: string | null;
  detail: Record<string, unknown> | null;
  createdTime: string;
}

export interface KycEvent {
  id: string;
  eventType: string;
  resourceType?: string;
  resourceId?: string;
  createdTime: string;
}

export interface FileInfo {
  id: string;
  name: string;
  extension: string;
  mime: string;
  tags: string[];
}

export interface Problem {
  status: number;
  title: string;
  detail: string;
  invalidFields?: { field: string; message: string }[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(problem?.detail ?? `HTTP ${status}`);
  }
}

let token: string | null = null;
let onUnauthorized: () => void = () => {};

export function useToken(value: string | null, unauthorized: () => void = () => {}): void {
  token = value;
  onUnauthorized = unauthorized;
}

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  if (init.body && typeof init.body === 'string') headers.set('content-type', 'application/json');
  const res = await fetch(path, { ...init, headers, credentials: 'omit', cache: 'no-store' });
  if (res.ok) return res;
  const problem = (await res.json().catch(() => null)) as Problem | null;
  if (res.status === 401 && token) onUnauthorized();
  throw new ApiError(res.status, problem);
}

export async function get<T>(path: string): Promise<T> {
  return (await (await call(path)).json()) as T;
}

export async function getPage<T>(path: string): Promise<{ items: T[]; total: number }> {
  const res = await call(path);
  return { items: (await res.json()) as T[], total: Number(res.headers.get('pagination-total') ?? 0) };
}

export async function send<T = unknown>(method: string, path: string, body?: unknown): Promise<T | null> {
  const res = await call(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return res.status === 204 ? null : ((await res.json()) as T);
}

/** A file's bytes as an object URL for <img> (an <img> cannot send the bearer token itself). */
export async function blobUrl(path: string): Promise<{ url: string; type: string }> {
  const blob = await (await call(path)).blob();
  return { url: URL.createObjectURL(blob), type: blob.type };
}

export async function signIn(organizationId: string, email: string, password: string): Promise<Session> {
  const res = await fetch('/reviewer-sessions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ organizationId, email, password }),
    credentials: 'omit',
  });
  if (!res.ok) throw new ApiError(res.status, (await res.json().catch(() => null)) as Problem | null);
  const body = (await res.json()) as Session & { token: string };
  return {
    token: body.token,
    organizationId: body.organizationId,
    reviewer: body.reviewer,
    permissions: body.permissions,
    expiredTime: body.expiredTime,
  };
}

export const q = encodeURIComponent;
