/** The document subtype against what the request allows (`KycRequestDocument.subtypes`, spec §4.3). */
import type { Finding } from '../analyzer.ts';
import type { DocumentSubtype } from '../vocabulary.ts';

/**
 * The subtype an MRZ document code names (ICAO 9303: `P…` passport, `I…`, `A…`, `C…` identity card, `V…`
 * visa). ISO 18013 driving-licence MRZs start with `D`. Null for codes we cannot place.
 */
export function subtypeFromMrzDocumentCode(code: string | null | undefined): DocumentSubtype | null {
  const first = code?.trim().toUpperCase()[0];
  switch (first) {
    case 'P':
      return 'passport';
    case 'I':
    case 'A':
    case 'C':
      return 'id-card';
    case 'D':
      return 'driver-license';
    case 'V':
      return 'other';
    default:
      return null;
  }
}

/**
 * `documentSubtype` finding. Fails with `missing` when the subtype could not be determined (→
 * `subtype-missing`), or with `not-allowed` when the request lists subtypes and this one is not among them.
 * An empty or absent list allows any subtype.
 */
export function subtypeFinding(
  subtype: DocumentSubtype | null | undefined,
  allowed: readonly DocumentSubtype[] | null | undefined,
): Finding {
  if (!subtype) return { name: 'documentSubtype', failed: true, reason: 'missing' };
  if (allowed && allowed.length > 0 && !allowed.includes(subtype)) {
    return { name: 'documentSubtype', failed: true, reason: 'not-allowed' };
  }
  return { name: 'documentSubtype', failed: false, reason: null };
}
