/**
 * A webhook's `filter` condition: Rebilly's collection filter language (src/lib/collection-query.ts, spec
 * §3.2) applied to the event about to be sent instead of to table rows. `eventType:kyc-document-accepted,
 * kyc-document-rejected;kycDocument.documentType:identity-proof` sends only those events of identity proofs.
 *
 * The fields are the paths of the delivery payload, with the `_embedded` resources also at the top level
 * (the same names as the body template's placeholders): `eventType`, `customerId`, `kycDocument.status`,
 * `customer.primaryAddress.country`… Only the fields listed here, each with its type, so that a typo or a
 * wrong value is a 422 when the webhook is saved, not a webhook that silently never fires. Strings compare
 * case-insensitively, ids and enums exactly, integers and date-times also by range. A field the event does
 * not have (`kycRequest.status` on a document event) equals nothing, so only its negations hold.
 */
import {
  DOCUMENT_STATUSES,
  DOCUMENT_SUBTYPES,
  DOCUMENT_TYPES,
  REJECTION_REASONS,
  REQUEST_STATUSES,
} from '../../analysis/vocabulary.ts';
import {
  parseFilter,
  type FilterClause,
  type FilterField,
  type FilterValue,
} from '../../lib/collection-query.ts';
import { KYC_EVENT_TYPES } from '../events/events.repo.ts';

export const WEBHOOK_FILTER_FIELDS: Record<string, FilterField> = {
  eventType: { type: 'enum', values: KYC_EVENT_TYPES },
  customerId: { type: 'id' },
  kycDocumentId: { type: 'id' },
  kycRequestId: { type: 'id' },
  fileId: { type: 'id' },
  'kycDocument.status': { type: 'enum', values: DOCUMENT_STATUSES },
  'kycDocument.documentType': { type: 'enum', values: DOCUMENT_TYPES },
  'kycDocument.documentSubtype': { type: 'enum', values: DOCUMENT_SUBTYPES },
  'kycDocument.rejectionReason.type': { type: 'enum', values: REJECTION_REASONS },
  'kycDocument.requestId': { type: 'id' },
  'kycDocument.revision': { type: 'integer' },
  'kycDocument.createdTime': { type: 'datetime' },
  'kycDocument.updatedTime': { type: 'datetime' },
  'kycRequest.status': { type: 'enum', values: REQUEST_STATUSES },
  'kycRequest.reason': { type: 'string' },
  'kycRequest.revision': { type: 'integer' },
  'kycRequest.createdTime': { type: 'datetime' },
  'kycRequest.updatedTime': { type: 'datetime' },
  'customer.email': { type: 'string' },
  'customer.websiteId': { type: 'id' },
  'customer.primaryAddress.country': { type: 'string' },
  'customer.primaryAddress.lastName': { type: 'string' },
};

/** Parses a webhook's filter; an unknown field or a value of the wrong type is a 422 on `filter`. */
export function parseWebhookFilter(filter: string | null | undefined): FilterClause[] {
  return parseFilter(filter ?? undefined, WEBHOOK_FILTER_FIELDS);
}

/** The values a filter sees: the payload, with its `_embedded` resources lifted to the top level. */
export function filterContext(payload: Record<string, unknown>): Record<string, unknown> {
  return { ...((payload._embedded as Record<string, unknown> | undefined) ?? {}), ...payload };
}

function lookup(context: Record<string, unknown>, path: string): unknown {
  let value: unknown = context;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A payload value as text when it is a scalar; objects and arrays equal nothing. */
function scalar(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;
}

function same(field: FilterField, actual: unknown, wanted: FilterValue): boolean {
  const text = scalar(actual);
  if (text === undefined) return false;
  if (field.type === 'string') return text.toLowerCase() === String(wanted).toLowerCase();
  if (field.type === 'datetime') return Date.parse(text) === Date.parse(String(wanted));
  return actual === wanted;
}

function within(field: FilterField, actual: unknown, range: { from?: FilterValue; to?: FilterValue }) {
  const text = scalar(actual);
  if (text === undefined) return false;
  const value = field.type === 'datetime' ? Date.parse(text) : Number(text);
  const bound = (b: FilterValue) => (field.type === 'datetime' ? Date.parse(String(b)) : Number(b));
  if (Number.isNaN(value)) return false;
  if (range.from !== undefined && value < bound(range.from)) return false;
  if (range.to !== undefined && value > bound(range.to)) return false;
  return true;
}

/** Whether the event (its payload) passes every clause: `;` is AND, `,` is OR, `!` values all must fail. */
export function matchesWebhookFilter(clauses: FilterClause[], payload: Record<string, unknown>): boolean {
  const context = filterContext(payload);
  return clauses.every((clause) => {
    const field = WEBHOOK_FILTER_FIELDS[clause.field]!;
    const actual = lookup(context, clause.field);
    if (clause.notEquals.some((value) => same(field, actual, value))) return false;
    if (clause.equals.length === 0 && clause.ranges.length === 0) return true;
    return (
      clause.equals.some((value) => same(field, actual, value)) ||
      clause.ranges.some((range) => within(field, actual, range))
    );
  });
}
