/**
 * The storefront API as the gatherer uses it: every call carries the gatherer token as a bearer token.
 * A 401 (expired, revoked or forged token) becomes `TokenExpiredError`, which the app turns into the
 * `token_expired` ending wherever it happens.
 */

export type DocumentType = 'identity-proof' | 'address-proof' | 'funds-proof' | 'purchase-proof';

export interface RequestedDocument {
  type: DocumentType | 'credit-file-proof';
  subtypes: string[] | null;
  maxAttempts: number;
  faceProofRequired?: boolean;
  faceLivenessRequired?: boolean;
}

export interface Correction {
  code: string;
  message: string;
}

export interface KycDocument {
  id: string;
  documentType: DocumentType;
  documentSubtype: string | null;
  status: 'pending' | 'in-progress' | 'accepted' | 'rejected' | 'archived';
  fileIds: string[];
  rejectionReason: { type: string; message?: string | null } | null;
  corrections?: Correction[];
  awaitingAnalysis?: boolean;
  createdTime: string;
}

export interface KycRequest {
  id: string;
  documents: RequestedDocument[];
  status: string;
  redirectUrl: string | null;
  expirationTime: string;
  _embedded?: { documents?: KycDocument[] };
}

export interface Account {
  id: string;
  websiteId: string | null;
}

export interface Website {
  id: string;
  name: string;
  url: string;
  logoUrl: string | null;
}

export type LivenessStep = 'turn-left' | 'turn-right' | 'blink' | 'open-mouth';

export interface LivenessSession {
  id: string;
  status: 'pending' | 'succeeded' | 'failed' | 'abandoned';
  challenge?: {
    nonce: string;
    steps: LivenessStep[];
    stepMs: number;
    maxDurationMs: number;
    expiresTime: string;
  };
  failureReason?: Correction | null;
}

export class TokenExpiredError extends Error {
  constructor() {
    super('token expired');
    this.name = 'TokenExpiredError';
  }
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

/** The claims the page reads from its token (without verifying it: the server does that on every call). */
export interface TokenClaims {
  kycRequestId: string;
  redirectUrl: string | null;
  exp: number;
  jti: string | null;
}

export function decodeToken(token: string): TokenClaims | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const payload = JSON.parse(decodeURIComponent(escape(json))) as Record<string, unknown>;
    if (typeof payload.kycRequestId !== 'string' || typeof payload.exp !== 'number') return null;
    return {
      kycRequestId: payload.kycRequestId,
      redirectUrl: typeof payload.redirectUrl === 'string' ? payload.redirectUrl : null,
      exp: payload.exp,
      jti: typeof payload.jti === 'string' ? payload.jti : null,
    };
  } catch {
    return null;
  }
}

export class Api {
  constructor(private readonly token: string) {}

  private async call<T>(method: string, path: string, body?: BodyInit, type?: string): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (type) headers['content-type'] = type;
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body: body ?? null, referrerPolicy: 'no-referrer' });
    } catch {
      throw new ApiError(0, 'network');
    }
    if (res.status === 401) throw new TokenExpiredError();
    if (!res.ok) {
      const problem = (await res.json().catch(() => ({}))) as { detail?: string };
      throw new ApiError(res.status, problem.detail ?? res.statusText);
    }
    return (res.status === 204 ? undefined : await res.json()) as T;
  }

  getRequest(id: string) {
    return this.call<KycRequest>(
      'GET',
      `/storefront/kyc-requests/${encodeURIComponent(id)}?expand=documents`,
    );
  }
  getAccount() {
    return this.call<Account>('GET', '/storefront/account');
  }
  getWebsite(id: string) {
    return this.call<Website>('GET', `/storefront/websites/${encodeURIComponent(id)}`);
  }
  getDocument(id: string) {
    return this.call<KycDocument>('GET', `/storefront/kyc-documents/${encodeURIComponent(id)}`);
  }
  /** Uploads one image or PDF with its KYC tags; returns the file id. */
  async uploadFile(blob: Blob, name: string, tags: string[], sourceType: 'camera' | 'upload') {
    const form = new FormData();
    form.append('name', name.slice(0, 200) || 'document');
    for (const tag of tags) form.append('tags', tag);
    form.append('sourceType', sourceType);
    form.append('file', blob, name.slice(0, 200) || 'document');
    const file = await this.call<{ id: string }>('POST', '/files', form);
    return file.id;
  }
  createDocument(documentType: DocumentType, documentSubtype: string | null, fileIds: string[]) {
    return this.call<KycDocument>(
      'POST',
      '/storefront/kyc-documents',
      JSON.stringify({ documentType, documentSubtype, fileIds }),
      'application/json',
    );
  }
  createLiveness(kycRequestId: string) {
    return this.call<LivenessSession>(
      'POST',
      '/storefront/kyc-liveness-sessions',
      JSON.stringify({ kycRequestId }),
      'application/json',
    );
  }
  sendLivenessFrames(id: string, nonce: string, frames: { blob: Blob; t: number }[]) {
    const form = new FormData();
    form.append('nonce', nonce);
    form.append('timestamps', frames.map((f) => Math.round(f.t)).join(','));
    frames.forEach((f, i) => form.append('frame', f.blob, `frame-${i}.jpg`));
    return this.call<{ id: string; frameCount: number }>(
      'POST',
      `/storefront/kyc-liveness-sessions/${encodeURIComponent(id)}/frames`,
      form,
    );
  }
  finishLiveness(id: string) {
    return this.call<LivenessSession>(
      'POST',
      `/storefront/kyc-liveness-sessions/${encodeURIComponent(id)}/finish`,
    );
  }
}
