/**
 * Organization API: `GET/POST /kyc-requests`, `GET/PATCH/DELETE /kyc-requests/{id}`.
 * Storefront: `GET /kyc-requests/{id}` (`expand=documents`).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
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
import { documentsOfRequest } from '../kyc-documents/kyc-documents.repo.ts';
import { storefrontCaller } from '../kyc-documents/kyc-documents.routes.ts';
import { createKycRequest } from './create-kyc-request.ts';
import {
  deleteKycRequest,
  findKycRequest,
  KYC_REQUEST_FILTERS,
  KYC_REQUEST_SORTS,
  listKycRequests,
  lockKycRequest,
} from './kyc-requests.repo.ts';
import {
  KycRequest,
  KycRequestInput,
  KycRequestPatch,
  StorefrontKycRequest,
} from './kyc-requests.schemas.ts';
import { presentKycRequest, presentStorefrontKycRequest } from './present-kyc-request.ts';
import { updateKycRequestFields } from './update-kyc-request.ts';
import type { KycRequestRow } from '../../db/schema.ts';

const tags = ['KYC requests'];
const EXPANDS = ['documents'] as const;

export const kycRequestsRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, deps) => {
  const present = async (row: KycRequestRow, expand: Set<string>) => {
    const documents = expand.has('documents')
      ? await documentsOfRequest(deps.db.kysely, row.organizationId, row.id)
      : undefined;
    return presentKycRequest(deps, deps.db.kysely, row, documents);
  };

  app.get(
    '/kyc-requests',
    {
      schema: {
        operationId: 'GetKycRequestCollection',
        tags,
        querystring: CollectionQuery,
        response: { 200: Type.Array(KycRequest), ...problems(401, 403, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const expand = parseExpand(request.query.expand, EXPANDS);
      const limit = request.query.limit ?? DEFAULT_LIMIT;
      const offset = request.query.offset ?? 0;
      const { rows, total } = await listKycRequests(deps.db.kysely, organizationId, {
        clauses: parseFilter(request.query.filter, KYC_REQUEST_FILTERS),
        sort: parseSort(request.query.sort, Object.keys(KYC_REQUEST_SORTS), [
          { field: 'createdTime', descending: true },
        ]),
        limit,
        offset,
      });
      const items = await Promise.all(rows.map((row) => present(row, expand)));
      return sendPage(reply, { items, total, limit, offset });
    },
  );

  app.post(
    '/kyc-requests',
    {
      schema: {
        operationId: 'PostKycRequest',
        tags,
        querystring: ExpandQuery,
        body: KycRequestInput,
        response: { 201: KycRequest, ...problems(400, 401, 403, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const expand = parseExpand(request.query.expand, EXPANDS);
      const { request: row, gathererJwt } = await createKycRequest(deps, organizationId, request.body);
      void reply
        .code(201)
        .header('Location', resourceUrl(deps.config, organizationId, `kyc-requests/${row.id}`));
      const documents = expand.has('documents')
        ? await documentsOfRequest(deps.db.kysely, row.organizationId, row.id)
        : undefined;
      return presentKycRequest(deps, deps.db.kysely, row, documents, gathererJwt);
    },
  );

  app.get(
    '/kyc-requests/:id',
    {
      schema: {
        operationId: 'GetKycRequest',
        tags,
        params: IdParams,
        querystring: ExpandQuery,
        response: { 200: KycRequest, ...problems(401, 403, 404, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const expand = parseExpand(request.query.expand, EXPANDS);
      const row = await findKycRequest(deps.db.kysely, organizationId, request.params.id);
      if (!row) throw notFound('KYC request');
      return present(row, expand);
    },
  );

  app.patch(
    '/kyc-requests/:id',
    {
      schema: {
        operationId: 'PatchKycRequest',
        tags,
        params: IdParams,
        querystring: ExpandQuery,
        body: KycRequestPatch,
        response: { 200: KycRequest, ...problems(400, 401, 403, 404, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const expand = parseExpand(request.query.expand, EXPANDS);
      const row = await updateKycRequestFields(deps, organizationId, request.params.id, request.body);
      return present(row, expand);
    },
  );

  app.delete(
    '/kyc-requests/:id',
    {
      schema: {
        operationId: 'DeleteKycRequest',
        tags,
        description: 'Deletes the request and revokes its gatherer link; its documents stay, unlinked.',
        params: IdParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      await deps.db.transaction(async (trx) => {
        const row = await lockKycRequest(trx, organizationId, request.params.id);
        if (!row) throw notFound('KYC request');
        if (row.gathererJwtId) {
          const now = new Date().toISOString();
          await trx
            .updateTable('customerJwts')
            .set({ revokedTime: now, updatedTime: now })
            .where('organizationId', '=', organizationId)
            .where('id', '=', row.gathererJwtId)
            .execute();
        }
        await deleteKycRequest(trx, organizationId, row.id);
      });
      return reply.code(204).send(null);
    },
  );
};

export const storefrontKycRequestsRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, deps) => {
  app.get(
    '/kyc-requests/:id',
    {
      schema: {
        operationId: 'StorefrontGetKycRequest',
        tags: ['Storefront KYC'],
        params: IdParams,
        querystring: ExpandQuery,
        response: { 200: StorefrontKycRequest, ...problems(401, 403, 404, 422) },
      },
      config: { allow: ['customer'] },
    },
    async (request) => {
      const caller = storefrontCaller(request);
      const expand = parseExpand(request.query.expand, EXPANDS);
      const row = await findKycRequest(deps.db.kysely, caller.organizationId, request.params.id);
      const visible =
        row &&
        row.customerId === caller.customerId &&
        (!caller.boundRequestId || caller.boundRequestId === row.id);
      if (!row || !visible) throw notFound('KYC request');
      const documents = expand.has('documents')
        ? await documentsOfRequest(deps.db.kysely, row.organizationId, row.id)
        : undefined;
      return presentStorefrontKycRequest(deps, row, documents);
    },
  );
};
