/**
 * The body of a delivery: Rebilly's `KycDocumentWebhook` / `KycRequestWebhook` payload (spec §10.2), or
 * the webhook's `body` template rendered against it.
 */
import type { Config } from '../../config.ts';
import type { CustomerRow, EventRow } from '../../db/schema.ts';
import type { Customer } from '../customers/customers.schemas.ts';
import { presentCustomer } from '../customers/present-customer.ts';
import { resourceUrl } from '../deps.ts';

export function buildWebhookPayload(
  config: Config,
  event: EventRow,
  customer: CustomerRow | undefined,
  hasFulfilledKyc: boolean,
): Record<string, unknown> {
  const resource = JSON.parse(event.payload) as Record<string, unknown>;
  const embeddedCustomer: Customer | null = customer
    ? presentCustomer(config, customer, { hasFulfilledKyc })
    : null;
  const link = (rel: string, path: string) => ({
    rel,
    href: resourceUrl(config, event.organizationId, path),
  });
  const customerLink = link('customer', `customers/${event.customerId}`);
  if (event.resourceType === 'kyc-document') {
    const fileIds = Array.isArray(resource.fileIds) ? (resource.fileIds as string[]) : [];
    const fileId = fileIds[0] ?? null;
    return {
      eventType: event.eventType,
      customerId: event.customerId,
      kycDocumentId: event.resourceId,
      fileId,
      _embedded: { customer: embeddedCustomer, kycDocument: resource },
      _links: [
        customerLink,
        ...(fileId ? [link('file', `files/${fileId}`)] : []),
        link('kycDocument', `kyc-documents/${event.resourceId}`),
      ],
    };
  }
  return {
    eventType: event.eventType,
    customerId: event.customerId,
    kycRequestId: event.resourceId,
    _embedded: { customer: embeddedCustomer, kycRequest: resource },
    _links: [customerLink, link('kycRequest', `kyc-requests/${event.resourceId}`)],
  };
}

/**
 * Renders `{{placeholders}}`: dotted paths into the payload, with the `_embedded` resources also at the
 * top level (`{{eventType}}`, `{{kycDocument.status}}`, `{{customer.email}}`). Strings are inserted as
 * they are, other values as JSON; a path that leads nowhere renders as empty (Rebilly's rule).
 */
export function renderTemplate(template: string, payload: Record<string, unknown>): string {
  const context: Record<string, unknown> = {
    ...((payload._embedded as Record<string, unknown> | undefined) ?? {}),
    ...payload,
  };
  return template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_match, path: string) => {
    let value: unknown = context;
    for (const key of path.split('.')) {
      if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return '';
      value = (value as Record<string, unknown>)[key];
    }
    if (value === null || value === undefined) return '';
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}
