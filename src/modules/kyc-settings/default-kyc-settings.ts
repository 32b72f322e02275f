/**
 * Default scoring. Rebilly publishes no defaults; these follow one rule: a document starts at 100, is
 * accepted at 80 or more, rejected below 50, and reviewed by a person in between. So
 * - one disqualifying finding alone rejects: tampering (60), not an identity document (60), expired (55),
 *   underage (55), found published online (55);
 * - one doubtful finding alone sends to review: a name (25 each), the date of birth (25), a missing face on
 *   the document (25), a photocopy (25), a failed MRZ check digit (25), no matching selfie (30);
 * - two doubtful findings together reject (e.g. first name + last name + date of birth = 75 → 25);
 * - cosmetic gaps pass with a lower score: a missing issue date (10), an unexpected subtype (10).
 * Address proofs follow the same rule: a document too old (55) or edited (60) rejects alone; the first name,
 * the last name or the street line alone (30 each) sends to review, and any two of them reject (a bill in
 * someone else's name, or for another address); the postcode (20), town (10) and region (5) alone pass with
 * a lower score, since the street line already placed the address.
 * A proof of address may be 90 days old (`maxDocumentAgeDays`, an extension).
 * Proofs of funds and of purchase (extension sections `fundsProof`, `purchaseProof`) are analysed and then
 * left to a person (`automaticDecision: false`); when an organization turns automatic decisions on they
 * are scored like address proofs: the name 30 each, an unexpected subtype 10, tampering 60.
 * Minimum age: 18, and 21 in the United States, as Rebilly's match descriptions state.
 */
import type { KycSettings } from './kyc-settings.schemas.ts';

export const DEFAULT_KYC_SETTINGS: KycSettings = Object.freeze({
  identityProof: {
    weights: {
      containsImage: 25,
      isIdentityDocument: 60,
      isPublishedOnline: 55,
      firstName: 25,
      lastName: 25,
      expirationDate: 55,
      dateOfBirth: 25,
      issueDate: 10,
      hasMinimalAge: 55,
      hasMatchingFaceProof: 30,
      nationality: 0,
      documentSubtype: 10,
      isTampered: 60,
      isPhotocopy: 25,
      mrzChecksum: 25,
    },
    thresholds: { rejectBelow: 50, acceptAbove: 80 },
    minimumAgeSettings: { defaultMinimumAge: 18, locationOverrides: [{ country: 'US', minimumAge: 21 }] },
  },
  addressProof: {
    weights: {
      firstName: 30,
      lastName: 30,
      line1: 30,
      city: 10,
      region: 5,
      postalCode: 20,
      date: 55,
      phone: 0,
      documentSubtype: 10,
      isTampered: 60,
    },
    thresholds: { rejectBelow: 50, acceptAbove: 80 },
    maxDocumentAgeDays: 90,
  },
  fundsProof: {
    automaticDecision: false,
    weights: { firstName: 30, lastName: 30, documentSubtype: 10, isTampered: 60 },
    thresholds: { rejectBelow: 50, acceptAbove: 80 },
  },
  purchaseProof: {
    automaticDecision: false,
    weights: { firstName: 30, lastName: 30, documentSubtype: 10, isTampered: 60 },
    thresholds: { rejectBelow: 50, acceptAbove: 80 },
  },
  uiVersion: '1',
});
