/**
 * `POST /previews/webhooks` (Rebilly's `PostPreviewWebhook`): sends one test event to a webhook as the
 * client describes it (a `GlobalWebhook`, saved or not), at once, and answers 204. Nothing is stored: no
 * tracking entry, no retry.
 *
 * The event is the first type of `eventsFilter` (default `kyc-document-created`) with a sample payload of
 * Rebilly's shape whose ids end in `_preview`, rendered through the `body` template when there is one; the
 * `filter` condition is validated but not applied (a preview is always sent). The request carries the same
 * headers as a real delivery, the Basic or Digest credential and the SSRF guard included; it is signed with
 * the saved webhook's secrets when `id` names a webhook of the organization, else it has no
 * `Kycgate-Signature`. kycgate extension: the outcome comes back in `Kycgate-Preview-Status` (the
 * receiver's HTTP status, or `none`) and, when no 2xx came, `Kycgate-Preview-Error`.
 */
import type { Config } from '../../config.ts';
import type { WebhookRow } from '../../db/schema.ts';
import { newId } from '../../lib/ids.ts';
import { SIGNATURE_HEADER } from '../../webhooks-verify.ts';
import { resourceUrl, type Deps } from '../deps.ts';
import type { KycEventType } from '../events/events.repo.ts';
import { checkWebhookInput } from './save-webhook.ts';
import { sendWebhook } from './send-webhook.ts';
import { allowsPrivateNetworks, composeRequest } from './webhook-jobs.ts';
import { findCredential, findWebhook } from './webhooks.repo.ts';
import type { WebhookInput } from './webhooks.schemas.ts';

export interface PreviewOutcome {
  status: number | null;
  error: string | null;
}

/** A sample payload of `eventType`, in Rebilly's shape, with `_preview` ids and no personal data. */
export function samplePayload(config: Config, organizationId: string, eventType: KycEventType) {
  const now = new Date().toISOString();
  const link = (rel: string, path: string) => ({ rel, href: resourceUrl(config, organizationId, path) });
  const customerId = 'cus_preview';
  const customer = {
    id: customerId,
    email: 'preview@example.com',
    firstName: 'Preview',
    lastName: 'Customer',
    createdTime: now,
    updatedTime: now,
  };
  if (eventType.startsWith('kyc-document-')) {
    const status = eventType.slice('kyc-document-'.length);
    const kycDocument = {
      id: 'kyc_doc_preview',
      customerId,
      documentType: 'identity-proof',
      fileIds: ['file_preview'],
      status: ['accepted', 'rejected', 'archived'].includes(status) ? status : 'pending',
      revision: 1,
      createdTime: now,
      updatedTime: now,
    };
    return {
      eventType,
      customerId,
      kycDocumentId: kycDocument.id,
      fileId: 'file_preview',
      _embedded: { customer, kycDocument },
      _links: [
        link('customer', `customers/${customerId}`),
        link('file', 'files/file_preview'),
        link('kycDocument', `kyc-documents/${kycDocument.id}`),
      ],
    };
  }
  const statuses: Record<string, string> = {
    'kyc-request-attempted': 'attempted',
    'kyc-request-partially-fulfilled': 'partial',
    'kyc-request-fulfilled': 'fulfilled',
    'kyc-request-failed': 'failed',
  };
  const kycRequest = {
    id: 'kyc_req_preview',
    customerId,
    documents: [{ type: 'identity-proof' }],
    status: statuses[eventType] ?? 'pending',
    revision: 1,
    createdTime: now,
    updatedTime: now,
  };
  return {
    eventType,
    customerId,
    kycRequestId: kycRequest.id,
    _embedded: { customer, kycRequest },
    _links: [
      link('customer', `customers/${customerId}`),
      link('kycRequest', `kyc-requests/${kycRequest.id}`),
    ],
  };
}

export async function previewWebhook(
  deps: Deps,
  organizationId: string,
  input: WebhookInput,
): Promise<PreviewOutcome> {
  await checkWebhookInput(deps, organizationId, input, input.id, { countActive: false });
  const db = deps.db.kysely;
  const saved = input.id ? await findWebhook(db, organizationId, input.id) : undefined;
  const nowMs = Date.now();
  const webhook: WebhookRow = {
    organizationId,
    id: input.id ?? 'hook_preview',
    eventsFilter: JSON.stringify(input.eventsFilter ?? []),
    status: 'active',
    method: input.method,
    url: input.url,
    headers: JSON.stringify(input.headers ?? []),
    credentialHash: input.credentialHash ?? null,
    body: input.body ?? null,
    filter: input.filter ?? null,
    signingSecret: saved?.signingSecret ?? '',
    previousSigningSecret: saved?.previousSigningSecret ?? null,
    previousSecretExpiresTime: saved?.previousSecretExpiresTime ?? null,
    failingSince: null,
    deactivatedTime: null,
    createdTime: new Date(nowMs).toISOString(),
    updatedTime: new Date(nowMs).toISOString(),
  };
  const credential = input.credentialHash
    ? await findCredential(db, organizationId, input.credentialHash)
    : undefined;
  const eventType = input.eventsFilter?.[0] ?? 'kyc-document-created';
  const payload = samplePayload(deps.config, organizationId, eventType);
  const request = composeRequest(webhook, credential, newId('evt'), payload, nowMs);
  if (!saved) delete request.headers[SIGNATURE_HEADER];
  const result = await sendWebhook({
    method: webhook.method,
    url: webhook.url,
    headers: request.headers,
    body: request.body,
    digest: request.digest,
    allowPrivateNetworks: await allowsPrivateNetworks(deps, organizationId),
  });
  const isDelivered = result.status !== null && result.status >= 200 && result.status < 300;
  return {
    status: result.status,
    error: isDelivered ? null : (result.error ?? `HTTP ${result.status ?? '?'}`),
  };
}
