/** API keys (Rebilly `ApiKey`). The key itself (`secretKey`) is shown once, in the create response. */
import Type, { type Static } from 'typebox';
import { Acl } from '../../auth/acl.ts';
import { DateTime, Links, Nullable } from '../../http/schemas.ts';

const IP_OR_CIDR =
  '^((\\d{1,3}\\.){3}\\d{1,3}(/(3[0-2]|[12]?\\d))?|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*(/(12[0-8]|1[01]\\d|[1-9]?\\d))?)$';

export const ApiKeyType = Type.Enum(['secret', 'publishable']);

export const ApiKeyInput = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 50, pattern: '^[@~\\-\\.\\w]+$' })),
  description: Type.String({ minLength: 1, maxLength: 255 }),
  type: Type.Optional(ApiKeyType),
  acl: Type.Optional(Nullable(Acl)),
  allowedIps: Type.Optional(Nullable(Type.Array(Type.String({ pattern: IP_OR_CIDR }), { maxItems: 100 }))),
});
export type ApiKeyInput = Static<typeof ApiKeyInput>;

export const ApiKey = Type.Object(
  {
    id: Type.String(),
    description: Type.String(),
    type: ApiKeyType,
    acl: Nullable(Acl),
    allowedIps: Nullable(Type.Array(Type.String())),
    apiUser: Type.String({ description: 'The first characters of the key, to recognise it' }),
    secretKey: Nullable(Type.String({ description: 'The key; only in the response that created it' })),
    createdTime: DateTime,
    updatedTime: DateTime,
    _links: Links,
  },
  { title: 'ApiKey' },
);
export type ApiKey = Static<typeof ApiKey>;
