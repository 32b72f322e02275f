/** Attachment schemas (Rebilly `Attachment`, spec §8), defined once. */
import Type, { type Static } from 'typebox';
import { DateTime, Id, Links, Nullable } from '../../http/schemas.ts';
import { File } from '../files/files.schemas.ts';

export const ATTACHMENT_RELATED_TYPES = [
  'customer',
  'customer-timeline-comment',
  'dispute',
  'gateway-timeline-comment',
  'invoice',
  'invoice-timeline-comment',
  'order-timeline-comment',
  'organization',
  'payment',
  'plan',
  'product',
  'subscription',
  'transaction',
  'transaction-timeline-comment',
] as const;
export type AttachmentRelatedType = (typeof ATTACHMENT_RELATED_TYPES)[number];

/** What a client may write on POST and PUT. Read-only fields sent back are ignored. */
export const AttachmentInput = Type.Object({
  id: Type.Optional(Id),
  fileId: Id,
  relatedType: Type.Enum(ATTACHMENT_RELATED_TYPES),
  relatedId: Id,
  name: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
  description: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
});
export type AttachmentInput = Static<typeof AttachmentInput>;

export const Attachment = Type.Object(
  {
    id: Type.String(),
    fileId: Type.String(),
    relatedType: Type.Enum(ATTACHMENT_RELATED_TYPES),
    relatedId: Type.String(),
    name: Nullable(Type.String()),
    description: Nullable(Type.String()),
    createdTime: DateTime,
    updatedTime: DateTime,
    _links: Links,
    _embedded: Type.Optional(Type.Object({ file: Type.Optional(File) })),
  },
  { title: 'Attachment' },
);
export type Attachment = Static<typeof Attachment>;

export const ATTACHMENT_EXPANDS = ['file'] as const;
