/** Labels and formats shared by the console's screens. */
import { DOCUMENT_TYPES, REJECTION_REASONS } from '../../../src/analysis/vocabulary.ts';

export { DOCUMENT_TYPES, REJECTION_REASONS };

const DOCUMENT_TYPE_LABELS: Record<string, string> = {
  'identity-proof': 'Identity',
  'address-proof': 'Address',
  'funds-proof': 'Funds',
  'purchase-proof': 'Purchase',
  'credit-file-proof': 'Credit file',
};

export const documentTypeLabel = (type: string): string => DOCUMENT_TYPE_LABELS[type] ?? type;

/** `name-and-dob-mismatch` → `Name and dob mismatch`. */
export function humanize(code: string): string {
  const words = code
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[-_]/g, ' ')
    .toLowerCase();
  return (words.charAt(0).toUpperCase() + words.slice(1)).replace(/\b(kyc|mrz)\b/gi, (w) => w.toUpperCase());
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/** How long ago, coarsely: `5 min`, `3 h`, `2 d`. */
export function age(iso: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} d`;
}

export function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return value.slice(0, 10);
  return text(value);
}

/** Any JSON value as text: strings as they are, numbers and booleans printed, the rest as JSON. */
export function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

export function customerName(customer: {
  firstName?: string | null;
  lastName?: string | null;
  primaryAddress?: Record<string, unknown> | null;
}): string {
  const first = customer.firstName ?? (customer.primaryAddress?.firstName as string | undefined) ?? '';
  const last = customer.lastName ?? (customer.primaryAddress?.lastName as string | undefined) ?? '';
  return `${first} ${last}`.trim() || 'Unnamed customer';
}
