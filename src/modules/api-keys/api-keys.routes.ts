/** `/api-keys` CRUD (secret keys only). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Acl } from '../../auth/acl.ts';
import type { ApiKeyRow } from '../../db/schema.ts';
import { AppError, invalidField, notFound } from '../../errors.ts';
import { principalOf } from '../../http/access.ts';
import { CollectionQuery, DEFAULT_LIMIT, IdParams, problems, sendPage } from '../../http/schemas.ts';
import { parseFilter, parseSort } from '../../lib/collection-query.ts';
import { resourceUrl, type Deps } from '../deps.ts';
import {
  API_KEY_FILTERS,
  API_KEY_SORTS,
  deleteApiKey,
  findApiKey,
  listApiKeys,
  updateApiKey,
} from './api-keys.repo.ts';
import { ApiKey, ApiKeyInput } from './api-keys.schemas.ts';
import { createApiKey } from './create-api-key.ts';

const tags = ['API keys'];

export const apiKeysRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, deps) => {
  const present = (row: ApiKeyRow, key: string | null = null): ApiKey => ({
    id: row.id,
    description: row.description,
    type: row.type,
    acl: row.acl ? (JSON.parse(row.acl) as Acl) : null,
    allowedIps: row.allowedIps ? (JSON.parse(row.allowedIps) as string[]) : null,
    apiUser: row.keyPreview,
    secretKey: key,
    createdTime: row.createdTime,
    updatedTime: row.updatedTime,
    _links: [{ rel: 'self', href: resourceUrl(deps.config, row.organizationId, `api-keys/${row.id}`) }],
  });

  const create = async (organizationId: string, input: ApiKeyInput) => {
    try {
      return await createApiKey(deps.db.kysely, organizationId, { ...input, type: input.type ?? 'secret' });
    } catch (error) {
      if (deps.db.isUniqueViolation(error))
        throw new AppError('conflict', 'This API key already exists', { cause: error });
      throw error;
    }
  };

  app.get(
    '/api-keys',
    {
      schema: {
        operationId: 'GetApiKeyCollection',
        tags,
        querystring: CollectionQuery,
        response: { 200: Type.Array(ApiKey), ...problems(401, 403, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const limit = request.query.limit ?? DEFAULT_LIMIT;
      const offset = request.query.offset ?? 0;
      const { rows, total } = await listApiKeys(deps.db.kysely, organizationId, {
        clauses: parseFilter(request.query.filter, API_KEY_FILTERS),
        sort: parseSort(request.query.sort, Object.keys(API_KEY_SORTS), [
          { field: 'createdTime', descending: true },
        ]),
        limit,
        offset,
      });
      return sendPage(reply, { items: rows.map((row) => present(row)), total, limit, offset });
    },
  );

  app.post(
    '/api-keys',
    {
      schema: {
        operationId: 'PostApiKey',
        tags,
        body: ApiKeyInput,
        response: { 201: ApiKey, ...problems(400, 401, 403, 409, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const { row, key } = await create(organizationId, request.body);
      void reply.code(201).header('Location', resourceUrl(deps.config, organizationId, `api-keys/${row.id}`));
      return present(row, key);
    },
  );

  app.get(
    '/api-keys/:id',
    {
      schema: {
        operationId: 'GetApiKey',
        tags,
        params: IdParams,
        response: { 200: ApiKey, ...problems(401, 403, 404) },
      },
      config: { allow: ['secret'] },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const row = await findApiKey(deps.db.kysely, organizationId, request.params.id);
      if (!row) throw notFound('API key');
      return present(row);
    },
  );

  app.put(
    '/api-keys/:id',
    {
      schema: {
        operationId: 'PutApiKey',
        tags,
        params: IdParams,
        body: ApiKeyInput,
        response: { 200: ApiKey, 201: ApiKey, ...problems(400, 401, 403, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const { id } = request.params;
      const input = request.body;
      if (input.id !== undefined && input.id !== id)
        throw invalidField('id', 'must equal the id in the path');
      const existing = await findApiKey(deps.db.kysely, organizationId, id);
      if (!existing) {
        const { row, key } = await create(organizationId, { ...input, id });
        void reply
          .code(201)
          .header('Location', resourceUrl(deps.config, organizationId, `api-keys/${row.id}`));
        return present(row, key);
      }
      if (input.type !== undefined && input.type !== existing.type) {
        throw invalidField('type', 'cannot be changed; create a new key instead');
      }
      const changes = {
        description: input.description,
        acl: input.acl ? JSON.stringify(input.acl) : null,
        allowedIps: input.allowedIps ? JSON.stringify(input.allowedIps) : null,
        updatedTime: new Date().toISOString(),
      };
      await updateApiKey(deps.db.kysely, organizationId, id, changes);
      deps.authenticator.forgetKeys();
      return present({ ...existing, ...changes });
    },
  );

  app.delete(
    '/api-keys/:id',
    {
      schema: {
        operationId: 'DeleteApiKey',
        tags,
        params: IdParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId, apiKeyId } = principalOf(request) as {
        organizationId: string;
        apiKeyId: string;
      };
      if (request.params.id === apiKeyId) {
        throw new AppError('conflict', 'A key cannot delete itself; use another secret key');
      }
      if (!(await deleteApiKey(deps.db.kysely, organizationId, request.params.id))) throw notFound('API key');
      deps.authenticator.forgetKeys();
      return reply.code(204).send(null);
    },
  );
};
