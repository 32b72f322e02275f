/**
 * Correcting extracted fields (`POST /kyc-documents/{id}/matches`). The body must hold only the fields
 * the type's matches schema allows (read-only findings are refused, and kept by the server), so the
 * form sends the writable fields as they are plus the reviewer's edits.
 */
import { useEffect, useState } from 'preact/hooks';
import type { KycDocument } from './api.ts';
import { humanize, text } from './format.ts';

/** Writable text fields per type (src/modules/kyc-documents/kyc-documents.schemas.ts MATCHES_SCHEMAS). */
const EDITABLE: Record<string, string[]> = {
  'identity-proof': [
    'firstName',
    'lastName',
    'dateOfBirth',
    'expirationDate',
    'issueDate',
    'documentNumber',
    'nationality',
    'issuanceCountry',
    'sex',
  ],
  'address-proof': ['firstName', 'lastName', 'line1', 'city', 'region', 'postalCode', 'phone', 'date'],
  'funds-proof': ['firstName', 'lastName'],
  'purchase-proof': ['firstName', 'lastName', 'paymentInstrumentId'],
};
/** Other writable fields, sent back unchanged. */
const KEPT: Record<string, string[]> = {
  'identity-proof': [
    'containsImage',
    'isIdentityDocument',
    'isPublishedOnline',
    'hasMinimalAge',
    'issuanceRegion',
    'documentSubtype',
    'hasMatchingFaceProof',
    'isTampered',
    'isDigitallyTampered',
    'isPhotocopy',
  ],
  'address-proof': ['wordCount', 'uniqueWords', 'documentSubtype', 'isTampered'],
  'funds-proof': ['documentSubtype'],
  'purchase-proof': ['documentSubtype'],
};
const DATES = new Set(['dateOfBirth', 'expirationDate', 'issueDate', 'date']);

const asInput = (key: string, value: unknown) =>
  value == null ? '' : DATES.has(key) ? text(value).slice(0, 10) : text(value);

export function Corrections(props: {
  doc: KycDocument;
  disabled: boolean;
  onSave: (body: Record<string, unknown>) => Promise<void>;
}) {
  const { doc } = props;
  const fields = EDITABLE[doc.documentType];
  const data = doc.documentMatches?.data ?? {};
  const initial = () => Object.fromEntries((fields ?? []).map((key) => [key, asInput(key, data[key])]));
  const [values, setValues] = useState<Record<string, string>>(initial);
  useEffect(() => setValues(initial()), [doc.documentMatches]);
  if (!fields) return null;

  const changed = fields.filter((key) => values[key] !== asInput(key, data[key]));
  const submit = (event: Event) => {
    event.preventDefault();
    const body: Record<string, unknown> = { type: doc.documentType };
    for (const key of KEPT[doc.documentType] ?? []) if (key in data) body[key] = data[key];
    for (const key of fields) {
      const value = values[key]!.trim();
      if (!changed.includes(key)) {
        if (key in data) body[key] = data[key];
        continue;
      }
      body[key] = value === '' ? null : DATES.has(key) ? `${value}T00:00:00Z` : value;
    }
    void props.onSave(body);
  };

  return (
    <section aria-labelledby="correct-title">
      <h2 id="correct-title">Correct extracted fields</h2>
      <form class="grid" onSubmit={submit}>
        {fields.map((key, index) => (
          <div key={key}>
            <label for={index === 0 ? 'correct-first' : `correct-${key}`}>{humanize(key)}</label>
            {DATES.has(key) ? (
              <input
                id={index === 0 ? 'correct-first' : `correct-${key}`}
                type="date"
                value={values[key]}
                onInput={(e) => setValues({ ...values, [key]: e.currentTarget.value })}
              />
            ) : (
              <input
                id={index === 0 ? 'correct-first' : `correct-${key}`}
                aria-keyshortcuts={index === 0 ? 'e' : undefined}
                value={values[key]}
                onInput={(e) => setValues({ ...values, [key]: e.currentTarget.value })}
              />
            )}
          </div>
        ))}
        <button type="submit" disabled={props.disabled || changed.length === 0}>
          Save{' '}
          {changed.length > 0
            ? `${changed.length} correction${changed.length === 1 ? '' : 's'}`
            : 'corrections'}
        </button>
      </form>
    </section>
  );
}
