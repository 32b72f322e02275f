/** KYC settings (Rebilly `KycSettings`): the weights and thresholds of the scoring, minimum ages, UI version. */
import Type, { type Static } from 'typebox';
import { Nullable } from '../../http/schemas.ts';

const Weight = Type.Integer({ minimum: 0, maximum: 100 });

export const Thresholds = Type.Object({
  rejectBelow: Type.Integer({ minimum: 0, maximum: 100 }),
  acceptAbove: Type.Integer({ minimum: 0, maximum: 100 }),
});

export const IDENTITY_WEIGHTS = [
  'containsImage',
  'isIdentityDocument',
  'isPublishedOnline',
  'firstName',
  'lastName',
  'expirationDate',
  'dateOfBirth',
  'issueDate',
  'hasMinimalAge',
  'hasMatchingFaceProof',
  'nationality',
  'documentSubtype',
  'isTampered',
  'isPhotocopy',
  'mrzChecksum',
] as const;

export const ADDRESS_WEIGHTS = [
  'firstName',
  'lastName',
  'line1',
  'city',
  'region',
  'postalCode',
  'date',
  'phone',
  'documentSubtype',
  'isTampered',
] as const;

const weights = <K extends string>(names: readonly K[]) =>
  Type.Object(Object.fromEntries(names.map((n) => [n, Weight])) as Record<K, typeof Weight>);
/** Unknown weight names are refused: they would be stored and shown in every document's `settings`. */
const STRICT = { additionalProperties: false } as const;

export const LocationOverride = Type.Object({
  country: Type.String({ pattern: '^[A-Z]{2}$' }),
  state: Type.Optional(Nullable(Type.String({ maxLength: 45 }))),
  minimumAge: Type.Integer({ minimum: 1, maximum: 100 }),
});

export const MinimumAgeSettings = Type.Object({
  defaultMinimumAge: Type.Integer({ minimum: 1, maximum: 100 }),
  locationOverrides: Type.Array(LocationOverride, { maxItems: 500 }),
});

export const KycSettingsIdentity = Type.Object({
  weights: weights(IDENTITY_WEIGHTS),
  thresholds: Thresholds,
  minimumAgeSettings: MinimumAgeSettings,
});
export type KycSettingsIdentity = Static<typeof KycSettingsIdentity>;

/** Extension: how old a proof of address may be, in days (default 90). */
const MaxDocumentAgeDays = Type.Integer({
  minimum: 1,
  maximum: 3650,
  description:
    'kycgate extension: the oldest a proof of address may be, in days from its date (default 90). An older document fails the `date` check.',
});

export const KycSettingsAddress = Type.Object({
  weights: weights(ADDRESS_WEIGHTS),
  thresholds: Thresholds,
  maxDocumentAgeDays: MaxDocumentAgeDays,
});
export type KycSettingsAddress = Static<typeof KycSettingsAddress>;

/** Checks of a proof of funds or of purchase (`FundsMatches`, `PurchaseMatches`). */
export const HOLDER_PROOF_WEIGHTS = ['firstName', 'lastName', 'documentSubtype', 'isTampered'] as const;

const AutomaticDecision = Type.Boolean({
  description:
    'kycgate extension: decide these documents by score and thresholds like address proofs. When false (the default) every one goes to manual review after analysis, with its checks filled in.',
});

/** Extension: scoring of proofs of funds and of purchase, which a person reviews unless told otherwise. */
export const KycSettingsHolderProof = Type.Object({
  automaticDecision: AutomaticDecision,
  weights: weights(HOLDER_PROOF_WEIGHTS),
  thresholds: Thresholds,
});
export type KycSettingsHolderProof = Static<typeof KycSettingsHolderProof>;

const HolderProofInput = Type.Object({
  automaticDecision: Type.Optional(AutomaticDecision),
  weights: Type.Optional(Type.Partial(weights(HOLDER_PROOF_WEIGHTS), STRICT)),
  thresholds: Type.Optional(Thresholds),
});

export const KycSettings = Type.Object(
  {
    identityProof: KycSettingsIdentity,
    addressProof: KycSettingsAddress,
    fundsProof: KycSettingsHolderProof,
    purchaseProof: KycSettingsHolderProof,
    uiVersion: Nullable(Type.Enum(['1', '2'])),
  },
  { title: 'KycSettings' },
);
export type KycSettings = Static<typeof KycSettings>;

/** PUT body: every part optional; what is sent replaces that part, the rest keeps its value. */
export const KycSettingsInput = Type.Object({
  identityProof: Type.Optional(
    Type.Object({
      weights: Type.Optional(Type.Partial(weights(IDENTITY_WEIGHTS), STRICT)),
      thresholds: Type.Optional(Thresholds),
      minimumAgeSettings: Type.Optional(
        Type.Object({
          defaultMinimumAge: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
          locationOverrides: Type.Optional(Type.Array(LocationOverride, { maxItems: 500 })),
        }),
      ),
    }),
  ),
  addressProof: Type.Optional(
    Type.Object({
      weights: Type.Optional(Type.Partial(weights(ADDRESS_WEIGHTS), STRICT)),
      thresholds: Type.Optional(Thresholds),
      maxDocumentAgeDays: Type.Optional(MaxDocumentAgeDays),
    }),
  ),
  fundsProof: Type.Optional(HolderProofInput),
  purchaseProof: Type.Optional(HolderProofInput),
  uiVersion: Type.Optional(Nullable(Type.Enum(['1', '2']))),
});
export type KycSettingsInput = Static<typeof KycSettingsInput>;
