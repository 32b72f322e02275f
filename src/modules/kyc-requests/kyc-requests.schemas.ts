/** KYC requests (Rebilly `KycRequest`, `KycRequestDocument`, `StorefrontKycRequest`). */
import Type, { type Static } from 'typebox';
import { REQUEST_STATUSES } from '../../analysis/vocabulary.ts';
import { DateTime, Id, Links, Nullable } from '../../http/schemas.ts';
import {
  DocumentSubtype,
  DocumentType,
  KycDocument,
  MatchLevel,
  StorefrontKycDocument,
} from '../kyc-documents/kyc-documents.schemas.ts';

export const RequestedDocumentInput = Type.Object({
  type: DocumentType,
  subtypes: Type.Optional(Nullable(Type.Array(DocumentSubtype, { maxItems: 30, uniqueItems: true }))),
  maxAttempts: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: '0 means unlimited' })),
  faceProofRequired: Type.Optional(Type.Boolean()),
  faceLivenessRequired: Type.Optional(Type.Boolean()),
});

export const RequestedDocument = Type.Object({
  type: DocumentType,
  subtypes: Nullable(Type.Array(DocumentSubtype)),
  maxAttempts: Type.Integer(),
  faceProofRequired: Type.Boolean(),
  faceLivenessRequired: Type.Boolean(),
});
export type RequestedDocument = Static<typeof RequestedDocument>;

const RequestedDocuments = Type.Array(RequestedDocumentInput, { minItems: 1, maxItems: 5 });

export const KycRequestInput = Type.Object({
  customerId: Id,
  documents: RequestedDocuments,
  redirectUrl: Type.Optional(Nullable(Type.String({ format: 'uri', maxLength: 2048 }))),
  reason: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
  matchLevel: Type.Optional(MatchLevel),
  expirationTime: Type.Optional(DateTime),
});
export type KycRequestInput = Static<typeof KycRequestInput>;

/** PATCH: the writable fields; read-only ones (id, customerId, status, revision, times) are ignored. */
export const KycRequestPatch = Type.Object({
  documents: Type.Optional(RequestedDocuments),
  redirectUrl: Type.Optional(Nullable(Type.String({ format: 'uri', maxLength: 2048 }))),
  reason: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
  matchLevel: Type.Optional(MatchLevel),
  expirationTime: Type.Optional(DateTime),
});
export type KycRequestPatch = Static<typeof KycRequestPatch>;

export const RequestStatus = Type.Enum([...REQUEST_STATUSES]);

export const KycRequest = Type.Object(
  {
    id: Type.String(),
    customerId: Type.String(),
    documents: Type.Array(RequestedDocument),
    status: RequestStatus,
    redirectUrl: Nullable(Type.String()),
    reason: Nullable(Type.String()),
    matchLevel: MatchLevel,
    revision: Type.Integer(),
    expirationTime: DateTime,
    createdTime: DateTime,
    updatedTime: DateTime,
    _links: Links,
    _embedded: Type.Optional(Type.Object({ documents: Type.Optional(Type.Array(KycDocument)) })),
  },
  { title: 'KycRequest' },
);
export type KycRequest = Static<typeof KycRequest>;

export const StorefrontKycRequest = Type.Object(
  {
    id: Type.String(),
    documents: Type.Array(RequestedDocument),
    status: RequestStatus,
    redirectUrl: Nullable(Type.String()),
    expirationTime: DateTime,
    createdTime: DateTime,
    updatedTime: DateTime,
    _links: Links,
    _embedded: Type.Optional(Type.Object({ documents: Type.Optional(Type.Array(StorefrontKycDocument)) })),
  },
  { title: 'StorefrontKycRequest' },
);
export type StorefrontKycRequest = Static<typeof StorefrontKycRequest>;
