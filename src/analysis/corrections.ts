/**
 * Correction codes: what the customer can do about a finding, in plain English (Login.gov style: say what
 * happened, then what to do, in short words). The codes are stable — the gatherer translates them and
 * clients may key on them — so add codes, never rename them.
 *
 * Each code names the Rebilly rejection reason it implies when the finding causes a rejection, or null for
 * a pure retake or next-step hint. Where it differs from the fallback in `decide.ts` the code is the more
 * specific reading (a selfie of someone else → `third-party-or-mismatch`, contradictory dates →
 * `tampered-document`, a subtype the request does not accept → `document-invalid`).
 */
import type { Finding } from './analyzer.ts';
import type { RejectionReasonType } from './vocabulary.ts';

export interface Correction {
  message: string;
  rejectionReason: RejectionReasonType | null;
}

export const CORRECTIONS = {
  // Capture quality: the customer retakes the photo.
  'photo-too-small': {
    message: 'The photo is too small to read. Move closer so the document fills the frame, then retake it.',
    rejectionReason: 'document-unreadable',
  },
  'photo-blurry': {
    message: 'The photo is blurry — hold the camera still and retake it in good light.',
    rejectionReason: 'document-unreadable',
  },
  'photo-glare': {
    message:
      'Light is reflecting off the document and hides some details. Tilt it away from the light and retake the photo.',
    rejectionReason: 'document-unreadable',
  },
  'photo-too-dark': {
    message: 'The photo is too dark. Move somewhere brighter and retake it.',
    rejectionReason: 'document-unreadable',
  },
  'document-cut-off': {
    message: 'Part of the document is cut off. Make sure all four corners are in the photo, then retake it.',
    rejectionReason: 'document-not-open',
  },
  'not-a-document': {
    message:
      "We couldn't find an identity document in this photo. Take a photo of your passport, ID card or driver's license.",
    rejectionReason: 'document-invalid',
  },
  'mrz-unreadable': {
    message:
      "We couldn't read the lines of letters and numbers at the bottom of the document. Lay it flat and retake the photo straight on.",
    rejectionReason: 'document-unreadable',
  },
  'face-missing': {
    message:
      "We couldn't see the photo of your face on the document. Make sure the whole document is in the photo.",
    rejectionReason: 'document-unreadable',
  },
  'back-side-needed': {
    message: 'Now take a photo of the back of your document.',
    rejectionReason: null,
  },
  // The selfie.
  'selfie-needed': {
    message: 'Take a selfie so we can check that the document is yours.',
    rejectionReason: null,
  },
  'selfie-retake': {
    message:
      "We couldn't check your selfie. Face the camera with your eyes open, in good light, and take it again.",
    rejectionReason: null,
  },
  'selfie-no-face': {
    message:
      "We couldn't find a face in your selfie. Hold the phone at arm's length, face the camera and take it again.",
    rejectionReason: null,
  },
  'selfie-several-faces': {
    message:
      'We can see more than one face in your selfie. Make sure only you are in the picture and take it again.',
    rejectionReason: null,
  },
  'selfie-eyes-closed': {
    message:
      'Your eyes look closed in the selfie. Keep your eyes open and look at the camera, then take it again.',
    rejectionReason: null,
  },
  'selfie-face-too-small': {
    message:
      'Your face is too small in the selfie. Move the camera closer so your face fills the oval, then take it again.',
    rejectionReason: null,
  },
  'selfie-turned-away': {
    message: 'Your face is turned away in the selfie. Look straight at the camera and take it again.',
    rejectionReason: null,
  },
  'selfie-too-dark': {
    message:
      'Your selfie is too dark. Move somewhere brighter, with the light in front of you, and take it again.',
    rejectionReason: null,
  },
  'selfie-mismatch': {
    message:
      "Your selfie doesn't match the photo on your document. Use your own document and take the selfie yourself.",
    rejectionReason: 'third-party-or-mismatch',
  },
  // The liveness check (storefront liveness sessions): what went wrong, and how to try again.
  'liveness-no-frames': {
    message:
      "We didn't receive the video of your face. Start the face check again and follow the instructions.",
    rejectionReason: null,
  },
  'liveness-steps-not-followed': {
    message:
      "We couldn't see you do the moves we asked for, in that order. Start again and follow each instruction as it appears.",
    rejectionReason: null,
  },
  'liveness-face-changed': {
    message:
      'The face in the video changed during the check. Start again, on your own, and keep your face in the frame.',
    rejectionReason: null,
  },
  'liveness-face-mismatch': {
    message:
      "The face in the video doesn't match your selfie or the photo on your document. Do the check yourself, with your own document.",
    rejectionReason: 'third-party-or-mismatch',
  },
  'liveness-spoof-suspected': {
    message:
      'This looks like a photo or a screen rather than a live person. Do the check yourself, in front of the camera, without holding up a picture.',
    rejectionReason: null,
  },
  'liveness-too-slow': {
    message: 'The check took too long. Start again and do each move as soon as you see the instruction.',
    rejectionReason: null,
  },
  'liveness-no-face': {
    message:
      "We couldn't see your face for most of the check. Face the camera in good light and start again.",
    rejectionReason: null,
  },
  'liveness-several-faces': {
    message:
      'We could see more than one face during the check. Make sure only you are in front of the camera and start again.',
    rejectionReason: null,
  },
  // Validity.
  'document-expired': {
    message: 'Your document has expired. Use a document that is still valid.',
    rejectionReason: 'document-expired',
  },
  'document-expired-since-upload': {
    message: 'Your document has expired since you sent it. Send a document that is still valid.',
    rejectionReason: 'document-was-valid-but-expired',
  },
  'expiry-date-missing': {
    message: "We couldn't find the expiry date. Make sure the whole document is in the photo and in focus.",
    rejectionReason: 'expiration-date-missing',
  },
  'issue-date-missing': {
    message: "We couldn't find the issue date. Make sure the whole document is in the photo and in focus.",
    rejectionReason: 'issue-date-missing',
  },
  underage: {
    message: "The date of birth on this document shows you're under the minimum age, so we can't verify you.",
    rejectionReason: 'underage-person',
  },
  'wrong-document-type': {
    message: "This type of document isn't accepted here. Use one of the documents listed.",
    rejectionReason: 'document-invalid',
  },
  'document-type-unknown': {
    message:
      "We couldn't tell what kind of document this is. Take a photo of the whole front of the document.",
    rejectionReason: 'subtype-missing',
  },
  // Matching the customer record.
  'name-mismatch': {
    message:
      "The name on the document doesn't match the name on your account. Check the spelling on your account, or use a document in your own name.",
    rejectionReason: 'name-mismatch',
  },
  'dob-mismatch': {
    message:
      "The date of birth on the document doesn't match the one on your account. Check your account details.",
    rejectionReason: 'dob-mismatch',
  },
  'address-mismatch': {
    message:
      "The address on the document doesn't match the one on your account. Use a document that shows your current address.",
    rejectionReason: 'document-not-matching',
  },
  'document-too-old': {
    message: 'This document is too old to prove your address. Use one dated within the last few months.',
    rejectionReason: 'document-expired',
  },
  // Proof of address.
  'not-an-address-document': {
    message:
      "We couldn't find your name and address on this document. Upload a recent utility bill, bank statement or official letter that shows both.",
    rejectionReason: 'document-invalid',
  },
  'address-document-unreadable': {
    message:
      "We couldn't read this document. Upload the original PDF, or a sharp photo of the whole first page in good light.",
    rejectionReason: 'document-unreadable',
  },
  'address-date-missing': {
    message:
      "We couldn't find the date on this document. Upload the whole first page, where the date is printed.",
    rejectionReason: 'issue-date-missing',
  },
  'old-address-on-id': {
    message:
      'This document shows an address that is not the one on your account. Upload a recent bill or statement that shows your current address.',
    rejectionReason: 'old-address-on-id',
  },
  'pdf-edited': {
    message:
      'This file was changed after it was issued. Download the original from the issuer and upload it without changes.',
    rejectionReason: 'tampered-document',
  },
  // Fraud signals: nothing to retake; say plainly what is needed.
  photocopy: {
    message:
      'This looks like a photocopy or a black-and-white scan. Take a color photo of the original document.',
    rejectionReason: 'document-not-matching',
  },
  'document-edited': {
    message: 'This image has been edited. Take a new photo of your document and send it without editing it.',
    rejectionReason: 'tampered-document',
  },
  'document-tampered': {
    message:
      "Parts of this document don't agree with each other, so we can't accept it. Use a different document.",
    rejectionReason: 'tampered-document',
  },
  'document-duplicate': {
    message: 'This document has already been used for another account. Use your own document.',
    rejectionReason: 'document-duplicate',
  },
  'document-specimen': {
    message: 'This is a sample document published online, not a real one. Use your own document.',
    rejectionReason: 'document-duplicate',
  },
  'document-rejected': {
    message: "We couldn't accept this document. Try again with a different document.",
    rejectionReason: 'other',
  },
} as const satisfies Record<string, Correction>;

export type CorrectionCode = keyof typeof CORRECTIONS;

export const CORRECTION_CODES = Object.keys(CORRECTIONS) as CorrectionCode[];

/**
 * Short finding reasons from the quality gates and the face stage, mapped to their codes; a finding's reason
 * may also be a correction code itself.
 */
const REASON_CODES: Record<string, CorrectionCode> = {
  'too-small': 'photo-too-small',
  blurry: 'photo-blurry',
  glare: 'photo-glare',
  'too-dark': 'photo-too-dark',
  'cut-off': 'document-cut-off',
  'not-open': 'document-cut-off',
  'back-side-needed': 'back-side-needed',
  'editing-software': 'document-edited',
  duplicate: 'document-duplicate',
  'same-document-number': 'document-duplicate',
  'same-image': 'document-duplicate',
  specimen: 'document-specimen',
  closed_eyes: 'selfie-retake',
  no_face: 'selfie-retake',
  multiple_faces: 'selfie-retake',
};

function isCorrectionCode(value: string): value is CorrectionCode {
  return Object.hasOwn(CORRECTIONS, value);
}

/** The correction code for a finding: null when it did not fail. */
export function correctionCodeFor(finding: Finding): CorrectionCode | null {
  if (!finding.failed) return null;
  const reason = finding.reason ?? '';
  if (isCorrectionCode(reason)) return reason;
  const byReason = REASON_CODES[reason];
  if (byReason) return byReason;
  switch (finding.name) {
    case 'containsImage':
      return 'face-missing';
    case 'isIdentityDocument':
      return 'not-a-document';
    case 'isPublishedOnline':
      return 'document-specimen';
    case 'firstName':
    case 'lastName':
      return 'name-mismatch';
    case 'dateOfBirth':
    case 'matchesDateOfBirth':
      return 'dob-mismatch';
    case 'expirationDate':
      if (reason === 'missing') return 'expiry-date-missing';
      return reason === 'expired-after-upload' ? 'document-expired-since-upload' : 'document-expired';
    case 'issueDate':
      return reason === 'future' ? 'document-tampered' : 'issue-date-missing';
    case 'hasMinimalAge':
      return 'underage';
    case 'hasMatchingFaceProof':
      return reason === 'missing' ? 'selfie-needed' : 'selfie-mismatch';
    case 'documentSubtype':
      return reason === 'missing' ? 'document-type-unknown' : 'wrong-document-type';
    case 'isTampered':
    case 'dateIsInvalid':
      return 'document-tampered';
    case 'isPhotocopy':
      return 'photocopy';
    case 'mrzChecksum':
      return 'mrz-unreadable';
    case 'date':
      return 'document-too-old';
    case 'line1':
    case 'city':
    case 'region':
    case 'postalCode':
      return 'address-mismatch';
    default:
      return 'document-rejected';
  }
}

/** The correction for a failed finding — its code, the message for the customer and the implied reason. */
export function correctionFor(finding: Finding): ({ code: CorrectionCode } & Correction) | null {
  const code = correctionCodeFor(finding);
  return code ? { code, ...CORRECTIONS[code] } : null;
}
