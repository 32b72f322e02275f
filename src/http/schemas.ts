/** Schemas shared by every area: ids, links, problems, collection queries. */
import Type, { type Static } from 'typebox';
import type { FastifyReply } from 'fastify';
import { ID_MAX_LENGTH, ID_PATTERN } from '../lib/ids.ts';

export const Id = Type.String({ maxLength: ID_MAX_LENGTH, pattern: ID_PATTERN });
export const DateTime = Type.String({ format: 'date-time' });
export const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const IdParams = Type.Object({ id: Id });
export type IdParams = Static<typeof IdParams>;

export const Link = Type.Object({ rel: Type.String(), href: Type.String() });
export const Links = Type.Array(Link);

export const InvalidFieldSchema = Type.Object({ field: Type.String(), message: Type.String() });
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.String(),
    error: Type.Optional(Type.String()),
    invalidFields: Type.Optional(Type.Array(InvalidFieldSchema)),
  },
  { title: 'Problem', description: 'RFC 9457 problem details' },
);

export const CollectionQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  filter: Type.Optional(Type.String({ maxLength: 2000 })),
  sort: Type.Optional(Type.String({ maxLength: 500 })),
  expand: Type.Optional(Type.String({ maxLength: 200 })),
  q: Type.Optional(Type.String({ maxLength: 200 })),
});
export type CollectionQuery = Static<typeof CollectionQuery>;

export const ExpandQuery = Type.Object({ expand: Type.Optional(Type.String({ maxLength: 200 })) });

export const DEFAULT_LIMIT = 100;

/** Problem responses named in every route's schema (for the OpenAPI document). */
export function problems(...statuses: number[]): Record<number, typeof ProblemSchema> {
  return Object.fromEntries(statuses.map((s) => [s, ProblemSchema]));
}

/** Sends a list as Rebilly does: a JSON array with `Pagination-*` headers. */
export function sendPage<T>(
  reply: FastifyReply,
  page: { items: T[]; total: number; limit: number; offset: number },
) {
  void reply
    .header('Pagination-Total', String(page.total))
    .header('Pagination-Limit', String(page.limit))
    .header('Pagination-Offset', String(page.offset));
  return page.items;
}
