/** KYC documents (Rebilly `KycDocument`, `StorefrontKycDocument`, matches and rejection bodies). */
import Type, { type Static } from 'typebox';
import {
  CHECK_NAMES,
  DOCUMENT_STATUSES,
  DOCUMENT_SUBTYPES,
  DOCUMENT_TYPES,
  REJECTION_REASONS,
  STOREFRONT_DOCUMENT_TYPES,
} from '../../analysis/vocabulary.ts';
import { DateTime, Id, Links, Nullable } from '../../http/schemas.ts';

export const DocumentType = Type.Enum([...DOCUMENT_TYPES]);
export const StorefrontDocumentType = Type.Enum([...STOREFRONT_DOCUMENT_TYPES]);
export const DocumentSubtype = Type.Enum([...DOCUMENT_SUBTYPES]);
export const MatchLevel = Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)], {
  description: '1 moderate, 2 strict (default), 3 basic',
});

export const RejectionReason = Type.Object({
  type: Type.Enum([...REJECTION_REASONS]),
  message: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
});
export type RejectionReason = Static<typeof RejectionReason>;

export const CheckResult = Type.Object({
  name: Type.Enum([...CHECK_NAMES]),
  failed: Type.Boolean(),
  score: Type.Integer({ minimum: 0, maximum: 100 }),
  reason: Nullable(Type.String()),
});

const AnyObject = Type.Record(Type.String(), Type.Unknown());

export const DocumentMatches = Type.Object({
  version: Type.String(),
  score: Nullable(Type.Integer({ minimum: 0, maximum: 100 })),
  checkList: Nullable(Type.Array(CheckResult)),
  data: AnyObject,
});
export type DocumentMatches = Static<typeof DocumentMatches>;

const FileIds = Type.Array(Id, { maxItems: 10, uniqueItems: true });

export const KycDocumentInput = Type.Object({
  id: Type.Optional(Id),
  customerId: Id,
  documentType: DocumentType,
  documentSubtype: Type.Optional(Nullable(DocumentSubtype)),
  fileIds: FileIds,
  reason: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
  notes: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }))),
  matchLevel: Type.Optional(MatchLevel),
});
export type KycDocumentInput = Static<typeof KycDocumentInput>;

export const StorefrontKycDocumentInput = Type.Object({
  documentType: StorefrontDocumentType,
  documentSubtype: Type.Optional(Nullable(DocumentSubtype)),
  fileIds: Type.Array(Id, { minItems: 1, maxItems: 10, uniqueItems: true }),
  reason: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
});
export type StorefrontKycDocumentInput = Static<typeof StorefrontKycDocumentInput>;

export const StorefrontKycDocumentPatch = Type.Object({
  documentSubtype: Type.Optional(Nullable(DocumentSubtype)),
  fileIds: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 10, uniqueItems: true })),
});
export type StorefrontKycDocumentPatch = Static<typeof StorefrontKycDocumentPatch>;

export const KycDocument = Type.Object(
  {
    id: Type.String(),
    customerId: Type.String(),
    requestId: Nullable(Type.String()),
    documentType: DocumentType,
    documentSubtype: Nullable(DocumentSubtype),
    status: Type.Enum([...DOCUMENT_STATUSES]),
    fileIds: Type.Array(Type.String()),
    rejectionReason: Nullable(RejectionReason),
    processedTime: Nullable(DateTime),
    reviewerId: Nullable(Type.String()),
    reviewerName: Nullable(Type.String()),
    reviewStartTime: Nullable(DateTime),
    reviewTime: Nullable(DateTime),
    notes: Nullable(Type.String()),
    tags: Type.Array(AnyObject),
    reason: Nullable(Type.String()),
    matchLevel: MatchLevel,
    revision: Type.Integer(),
    documentMatches: Nullable(DocumentMatches),
    parsedData: Nullable(AnyObject),
    settings: Nullable(AnyObject),
    createdTime: DateTime,
    updatedTime: DateTime,
    _links: Links,
    _embedded: Type.Optional(
      Type.Object({ customer: Type.Optional(AnyObject), files: Type.Optional(Type.Array(AnyObject)) }),
    ),
  },
  { title: 'KycDocument' },
);
export type KycDocument = Static<typeof KycDocument>;

export const StorefrontKycDocument = Type.Object(
  {
    id: Type.String(),
    fileIds: Type.Array(Type.String()),
    documentType: DocumentType,
    documentSubtype: Nullable(DocumentSubtype),
    status: Type.Enum([...DOCUMENT_STATUSES]),
    rejectionReason: Nullable(RejectionReason),
    requestId: Nullable(Type.String()),
    processedTime: Nullable(DateTime),
    documentMatches: Nullable(Type.Object({ version: Type.String(), data: AnyObject })),
    awaitingAnalysis: Type.Boolean({
      description:
        'kycgate extension: true while the automated analysis has not finished (the gatherer waits for it); false once decided, or when a person will review the document',
    }),
    corrections: Type.Array(Type.Object({ code: Type.String(), message: Type.String() }), {
      description:
        'kycgate extension: what the customer can do about the analysis findings, most important first — a stable correction code (translated by the gatherer) and an English message',
    }),
    createdTime: DateTime,
    updatedTime: DateTime,
    _links: Links,
  },
  { title: 'StorefrontKycDocument' },
);
export type StorefrontKycDocument = Static<typeof StorefrontKycDocument>;

export const KYC_DOCUMENT_EXPANDS = ['customer', 'files'] as const;

// ---- matches overwrite (POST /kyc-documents/{id}/matches): one schema per type, unknown fields refused ----

const NullableString = (max = 255) => Type.Optional(Nullable(Type.String({ maxLength: max })));
const NullableDate = Type.Optional(Nullable(DateTime));
const Subtype = Type.Optional(Nullable(DocumentSubtype));

export const MATCHES_SCHEMAS = {
  'identity-proof': Type.Object(
    {
      type: Type.Literal('identity-proof'),
      containsImage: Type.Optional(Type.Boolean()),
      isIdentityDocument: Type.Optional(Type.Boolean()),
      isPublishedOnline: Type.Optional(Type.Boolean()),
      firstName: NullableString(),
      lastName: NullableString(),
      dateOfBirth: NullableDate,
      expirationDate: NullableDate,
      expiryDate: NullableDate,
      issueDate: NullableDate,
      hasMinimalAge: Type.Optional(Nullable(Type.Boolean())),
      nationality: NullableString(3),
      issuanceCountry: Type.Optional(Nullable(Type.String({ minLength: 2, maxLength: 2 }))),
      issuanceRegion: NullableString(),
      documentNumber: NullableString(),
      sex: Type.Optional(Nullable(Type.String({ pattern: '^[MFX]$' }))),
      documentSubtype: Subtype,
      hasMatchingFaceProof: Type.Optional(Nullable(Type.Boolean())),
      isTampered: Type.Optional(Type.Boolean()),
      isDigitallyTampered: Type.Optional(Type.Boolean()),
      isPhotocopy: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  'address-proof': Type.Object(
    {
      type: Type.Literal('address-proof'),
      firstName: NullableString(),
      lastName: NullableString(),
      line1: NullableString(),
      city: NullableString(),
      region: NullableString(),
      postalCode: NullableString(),
      wordCount: Type.Optional(Type.Integer({ minimum: 0 })),
      uniqueWords: Type.Optional(Type.Integer({ minimum: 0 })),
      date: NullableDate,
      phone: NullableString(),
      documentSubtype: Subtype,
      isTampered: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  'funds-proof': Type.Object(
    {
      type: Type.Literal('funds-proof'),
      firstName: NullableString(),
      lastName: NullableString(),
      documentSubtype: Subtype,
    },
    { additionalProperties: false },
  ),
  'purchase-proof': Type.Object(
    {
      type: Type.Literal('purchase-proof'),
      firstName: NullableString(),
      lastName: NullableString(),
      paymentInstrumentId: NullableString(50),
      documentSubtype: Subtype,
    },
    { additionalProperties: false },
  ),
} as const;

/** The route's body schema: only the discriminator is checked there; the use case checks the rest. */
export const MatchesInput = Type.Object(
  { type: Type.Enum(['identity-proof', 'address-proof', 'funds-proof', 'purchase-proof']) },
  { additionalProperties: true },
);
export type MatchesInput = Static<typeof MatchesInput> & Record<string, unknown>;
