/**
 * Default scoring. Rebilly publishes no defaults; these follow one rule: a document starts at 100, is
 * accepted at 80 or more, rejected below 50, and reviewed by a person in between. So
 * - one disqualifying finding alone rejects: tampering (60), not an identity document (60), expired (55),
 *   underage (55), found published online (55);
 * - one doubtful finding alone sends to review: a name (25 each), the date of birth (25), a missing face on
 *   the document (25), a photocopy (25), a failed MRZ check digit (25), no matching selfie (30);
 * - two doubtful findings together reject (e.g. first name + last name + date of birth = 75 → 25);
 * - cosmetic gaps pass with a lower score: a missing issue date (10), an unexpected subtype (10).
 * Address proofs weigh the name (20 each), the street line (20), the postal code (15) and the document's
 * recency (25) most; tampering alone rejects.
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
      firstName: 20,
      lastName: 20,
      line1: 20,
      city: 10,
      region: 5,
      postalCode: 15,
      date: 25,
      phone: 0,
      documentSubtype: 10,
      isTampered: 60,
    },
    thresholds: { rejectBelow: 50, acceptAbove: 80 },
  },
  uiVersion: '1',
});
