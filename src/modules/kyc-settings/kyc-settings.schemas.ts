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

export const KycSettingsAddress = Type.Object({
  weights: weights(ADDRESS_WEIGHTS),
  thresholds: Thresholds,
});
export type KycSettingsAddress = Static<typeof KycSettingsAddress>;

export const KycSettings = Type.Object(
  {
    identityProof: KycSettingsIdentity,
    addressProof: KycSettingsAddress,
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
    }),
  ),
  uiVersion: Type.Optional(Nullable(Type.Enum(['1', '2']))),
});
export type KycSettingsInput = Static<typeof KycSettingsInput>;
