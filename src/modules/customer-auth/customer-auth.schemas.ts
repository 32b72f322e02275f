/** Passwordless login and token exchange (Rebilly `AuthenticationToken*`, `CustomerJWT`). */
import Type, { type Static } from 'typebox';
import { Acl } from '../../auth/acl.ts';
import { DateTime, Id, Links, Nullable } from '../../http/schemas.ts';

export const AuthenticationTokenInput = Type.Object({
  mode: Type.Enum(['passwordless', 'password']),
  customerId: Type.Optional(Id),
  username: Type.Optional(Type.String({ maxLength: 255 })),
  password: Type.Optional(Type.String({ maxLength: 255 })),
  otpRequired: Type.Optional(Type.Boolean()),
  expiredTime: Type.Optional(DateTime),
});
export type AuthenticationTokenInput = Static<typeof AuthenticationTokenInput>;

export const AuthenticationToken = Type.Object(
  {
    username: Nullable(Type.String()),
    customerId: Type.String(),
    token: Nullable(Type.String()),
    otpRequired: Type.Boolean(),
    credentialId: Nullable(Type.String()),
    expiredTime: DateTime,
    _links: Links,
  },
  { title: 'AuthenticationTokenResponse' },
);
export type AuthenticationToken = Static<typeof AuthenticationToken>;

export const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 100 }) });

export const CustomerJwtInput = Type.Object({
  acl: Type.Optional(Acl),
  customClaims: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown(), { maxProperties: 50 }))),
  invalidate: Type.Optional(Type.Boolean({ default: true })),
  oneTimePassword: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
  expiredTime: Type.Optional(DateTime),
});
export type CustomerJwtInput = Static<typeof CustomerJwtInput>;

export const CustomerJwt = Type.Object(
  {
    id: Type.String(),
    type: Type.Literal('customer'),
    token: Type.String(),
    customerId: Type.String(),
    acl: Acl,
    customClaims: Nullable(Type.Record(Type.String(), Type.Unknown())),
    createdTime: DateTime,
    updatedTime: DateTime,
    expiredTime: DateTime,
    _links: Links,
  },
  { title: 'CustomerJWT' },
);
export type CustomerJwt = Static<typeof CustomerJwt>;
