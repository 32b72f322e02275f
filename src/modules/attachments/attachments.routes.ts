/**
 * Attachments (spec §8): `GET/POST /attachments`, `GET/PUT/DELETE /attachments/{id}`; secret keys only.
 * An attachment links a file to another resource (`relatedType` + `relatedId`); `expand=file` embeds it.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AttachmentRow } from '../../db/schema.ts';
import { notFound } from '../../errors.ts';
import { principalOf } from '../../http/access.ts';
import {
  CollectionQuery,
  DEFAULT_LIMIT,
  ExpandQuery,
  IdParams,
  problems,
  sendPage,
} from '../../http/schemas.ts';
import { parseExpand, parseFilter, parseSort } from '../../lib/collection-query.ts';
import { resourceUrl, type Deps } from '../deps.ts';
import { findFile } from '../files/files.repo.ts';
import { Attachment, ATTACHMENT_EXPANDS, AttachmentInput } from './attachments.schemas.ts';
import {
  ATTACHMENT_FILTERS,
  ATTACHMENT_SORTS,
  deleteAttachment,
  findAttachment,
  listAttachments,
} from './attachments.repo.ts';
import { presentAttachment } from './present-attachment.ts';
import { createAttachment, upsertAttachment } from './save-attachment.ts';

const tags = ['Attachments'];

export const attachmentsRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, deps) => {
  const present = async (row: AttachmentRow, expand: Set<string>) => {
    const file = expand.has('file')
      ? await findFile(deps.db.kysely, row.organizationId, row.fileId)
      : undefined;
    return presentAttachment(deps.config, row, { file });
  };
  const location = (row: AttachmentRow) =>
    resourceUrl(deps.config, row.organizationId, `attachments/${row.id}`);

  app.get(
    '/attachments',
    {
      schema: {
        operationId: 'GetAttachmentCollection',
        tags,
        querystring: CollectionQuery,
        response: { 200: Type.Array(Attachment), ...problems(401, 403, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const query = request.query;
      const expand = parseExpand(query.expand, ATTACHMENT_EXPANDS);
      const limit = query.limit ?? DEFAULT_LIMIT;
      const offset = query.offset ?? 0;
      const { rows, total } = await listAttachments(deps.db.kysely, organizationId, {
        clauses: parseFilter(query.filter, ATTACHMENT_FILTERS),
        sort: parseSort(query.sort, Object.keys(ATTACHMENT_SORTS), [
          { field: 'createdTime', descending: true },
        ]),
        limit,
        offset,
        q: query.q,
      });
      const items = await Promise.all(rows.map((row) => present(row, expand)));
      return sendPage(reply, { items, total, limit, offset });
    },
  );

  app.post(
    '/attachments',
    {
      schema: {
        operationId: 'PostAttachment',
        tags,
        querystring: ExpandQuery,
        body: AttachmentInput,
        response: { 201: Attachment, ...problems(400, 401, 403, 409, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const expand = parseExpand(request.query.expand, ATTACHMENT_EXPANDS);
      const row = await createAttachment(deps, organizationId, request.body);
      void reply.code(201).header('Location', location(row));
      return present(row, expand);
    },
  );

  app.get(
    '/attachments/:id',
    {
      schema: {
        operationId: 'GetAttachment',
        tags,
        params: IdParams,
        querystring: ExpandQuery,
        response: { 200: Attachment, ...problems(401, 403, 404, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const expand = parseExpand(request.query.expand, ATTACHMENT_EXPANDS);
      const row = await findAttachment(deps.db.kysely, organizationId, request.params.id);
      if (!row) throw notFound('Attachment');
      return present(row, expand);
    },
  );

  app.put(
    '/attachments/:id',
    {
      schema: {
        operationId: 'PutAttachment',
        tags,
        description: 'Creates (201) or replaces (200) the attachment with this id.',
        params: IdParams,
        querystring: ExpandQuery,
        body: AttachmentInput,
        response: { 200: Attachment, 201: Attachment, ...problems(400, 401, 403, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const expand = parseExpand(request.query.expand, ATTACHMENT_EXPANDS);
      const { row, created } = await upsertAttachment(deps, organizationId, request.params.id, request.body);
      if (created) void reply.code(201).header('Location', location(row));
      return present(row, expand);
    },
  );

  app.delete(
    '/attachments/:id',
    {
      schema: {
        operationId: 'DeleteAttachment',
        tags,
        params: IdParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      if (!(await deleteAttachment(deps.db.kysely, organizationId, request.params.id))) {
        throw notFound('Attachment');
      }
      return reply.code(204).send(null);
    },
  );
};
