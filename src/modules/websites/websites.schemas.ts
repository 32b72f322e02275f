/** Website (Rebilly `Website`): the merchant's site a customer belongs to; used by the gatherer for branding. */
import Type, { type Static } from 'typebox';
import { DateTime, Links, Nullable } from '../../http/schemas.ts';

export const Website = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    url: Type.String(),
    serviceEmail: Nullable(Type.String()),
    servicePhone: Nullable(Type.String()),
    logoId: Nullable(Type.String()),
    logoUrl: Nullable(Type.String()),
    createdTime: DateTime,
    updatedTime: DateTime,
    _links: Links,
  },
  { title: 'Website' },
);
export type Website = Static<typeof Website>;
