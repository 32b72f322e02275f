/** Customer and ContactObject schemas (Rebilly `Customer`, `ContactObject`), defined once. */
import Type, { type Static } from 'typebox';
import { DateTime, Id, Links, Nullable } from '../../http/schemas.ts';
import { Website } from '../websites/websites.schemas.ts';

const LabeledValue = <T extends Type.TSchema>(value: T) =>
  Type.Object({
    label: Type.String({ minLength: 1, maxLength: 45 }),
    value,
    primary: Type.Optional(Type.Boolean()),
  });

export const ContactObject = Type.Object(
  {
    firstName: Type.Optional(Nullable(Type.String({ maxLength: 45 }))),
    lastName: Type.Optional(Nullable(Type.String({ maxLength: 45 }))),
    organization: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
    address: Type.Optional(Nullable(Type.String({ maxLength: 60 }))),
    address2: Type.Optional(Nullable(Type.String({ maxLength: 60 }))),
    city: Type.Optional(Nullable(Type.String({ maxLength: 45 }))),
    region: Type.Optional(Nullable(Type.String({ maxLength: 45 }))),
    country: Type.Optional(Nullable(Type.String({ pattern: '^[A-Z]{2}$' }))),
    postalCode: Type.Optional(Nullable(Type.String({ maxLength: 10, pattern: '^[\\w\\s\\-]+$' }))),
    phoneNumbers: Type.Optional(
      Type.Array(LabeledValue(Type.String({ minLength: 1, maxLength: 30 })), { maxItems: 10 }),
    ),
    emails: Type.Optional(
      Type.Array(LabeledValue(Type.String({ format: 'email', maxLength: 255 })), { maxItems: 10 }),
    ),
    dob: Type.Optional(Nullable(Type.String({ format: 'date' }))),
    jobTitle: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    hash: Type.Optional(Type.String({ description: 'Read-only digest of the contact' })),
  },
  { title: 'ContactObject' },
);
export type ContactObject = Static<typeof ContactObject>;

export const CustomFields = Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), {
  maxProperties: 100,
});

/** What a client may write on POST and PUT. Read-only fields sent back are ignored. */
export const CustomerInput = Type.Object({
  id: Type.Optional(Id),
  websiteId: Type.Optional(Nullable(Id)),
  primaryAddress: Type.Optional(Nullable(ContactObject)),
  customFields: Type.Optional(CustomFields),
  locale: Type.Optional(
    Nullable(Type.String({ maxLength: 35, pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$' })),
  ),
});
export type CustomerInput = Static<typeof CustomerInput>;

export const Customer = Type.Object(
  {
    id: Type.String(),
    email: Nullable(Type.String()),
    firstName: Nullable(Type.String()),
    lastName: Nullable(Type.String()),
    websiteId: Nullable(Type.String()),
    organizationId: Type.String(),
    primaryAddress: Nullable(ContactObject),
    customFields: CustomFields,
    locale: Nullable(Type.String()),
    tags: Type.Array(Type.Unknown()),
    hasFulfilledKyc: Type.Boolean(),
    revision: Type.Integer(),
    createdTime: DateTime,
    updatedTime: DateTime,
    _links: Links,
    _embedded: Type.Optional(Type.Object({ website: Type.Optional(Website) })),
  },
  { title: 'Customer' },
);
export type Customer = Static<typeof Customer>;

export const CUSTOMER_EXPANDS = ['website'] as const;
