/**
 * Organization API: `GET/POST /kyc-documents`, `GET/PUT /kyc-documents/{id}` and the actions
 * `acceptance`, `rejection`, `review`, `start-review`, `stop-review`, `matches`.
 * Storefront: `POST /kyc-documents`, `GET/PATCH /kyc-documents/{id}`, and the legacy list.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { KycDocumentRow, TagRow } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
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
import { findCustomer } from '../customers/customers.repo.ts';
import { presentCustomer } from '../customers/present-customer.ts';
import { findFile } from '../files/files.repo.ts';
import { presentFile } from '../files/present-file.ts';
import { createKycDocument } from './create-kyc-document.ts';
import {
  findKycDocument,
  KYC_DOCUMENT_FILTERS,
  KYC_DOCUMENT_SORTS,
  listKycDocuments,
} from './kyc-documents.repo.ts';
import {
  KYC_DOCUMENT_EXPANDS,
  KycDocument,
  KycDocumentInput,
  MatchesInput,
  RejectionReason,
  StorefrontKycDocument,
  StorefrontKycDocumentInput,
  StorefrontKycDocumentPatch,
} from './kyc-documents.schemas.ts';
import { presentKycDocument, presentStorefrontKycDocument } from './present-kyc-document.ts';
import {
  acceptKycDocument,
  markKycDocumentReviewed,
  rejectKycDocument,
  startKycDocumentReview,
  stopKycDocumentReview,
  type Reviewer,
} from './review-kyc-document.ts';
import { overwriteKycDocumentMatches } from './overwrite-kyc-document-matches.ts';
import { updateKycDocumentFields } from './update-kyc-document.ts';
import { actorOf } from '../reviewers/actor.ts';
import { tagsOfDocuments } from '../tags/tags.repo.ts';

const tags = ['KYC documents'];
/** `_embedded.files` holds at most this many files (spec §3.2). */
const MAX_EMBEDDED_FILES = 3;

export const kycDocumentsRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, deps) => {
  const present = async (row: KycDocumentRow, expand: Set<string>, tagMap?: Map<string, TagRow[]>) => {
    const embedded: Parameters<typeof presentKycDocument>[2] = {};
    if (expand.has('customer')) {
      const customer = await findCustomer(deps.db.kysely, row.organizationId, row.customerId);
      if (customer) embedded.customer = presentCustomer(deps.config, customer);
    }
    if (expand.has('files')) {
      embedded.files = [];
      for (const fileId of (JSON.parse(row.fileIds) as string[]).slice(0, MAX_EMBEDDED_FILES)) {
        const file = await findFile(deps.db.kysely, row.organizationId, fileId);
        if (file) embedded.files.push(presentFile(deps.config, file));
      }
    }
    const tags = tagMap ?? (await tagsOfDocuments(deps.db.kysely, row.organizationId, [row.id]));
    return presentKycDocument(deps.config, row, embedded, tags.get(row.id));
  };

  /** A secret key or a console reviewer (src/modules/reviewers), recorded on the document and in its log. */
  const reviewer = (request: FastifyRequest): Promise<Reviewer> => actorOf(deps, request);

  const existing = async (organizationId: string, id: string) => {
    const row = await findKycDocument(deps.db.kysely, organizationId, id);
    if (!row) throw notFound('KYC document');
    return row;
  };

  app.get(
    '/kyc-documents',
    {
      schema: {
        operationId: 'GetKycDocumentCollection',
        tags,
        querystring: CollectionQuery,
        response: { 200: Type.Array(KycDocument), ...problems(401, 403, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const expand = parseExpand(request.query.expand, KYC_DOCUMENT_EXPANDS);
      const limit = request.query.limit ?? DEFAULT_LIMIT;
      const offset = request.query.offset ?? 0;
      const { rows, total } = await listKycDocuments(deps.db.kysely, organizationId, {
        clauses: parseFilter(request.query.filter, KYC_DOCUMENT_FILTERS),
        sort: parseSort(request.query.sort, Object.keys(KYC_DOCUMENT_SORTS), [
          { field: 'createdTime', descending: true },
        ]),
        limit,
        offset,
      });
      const tagMap = await tagsOfDocuments(
        deps.db.kysely,
        organizationId,
        rows.map((row) => row.id),
      );
      const items = await Promise.all(rows.map((row) => present(row, expand, tagMap)));
      return sendPage(reply, { items, total, limit, offset });
    },
  );

  app.post(
    '/kyc-documents',
    {
      schema: {
        operationId: 'PostKycDocument',
        tags,
        querystring: ExpandQuery,
        body: KycDocumentInput,
        response: { 201: KycDocument, ...problems(400, 401, 403, 409, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const expand = parseExpand(request.query.expand, KYC_DOCUMENT_EXPANDS);
      const { customerId, ...input } = request.body;
      const row = await createKycDocument(deps, { organizationId, customerId, via: 'api' }, input);
      void reply
        .code(201)
        .header('Location', resourceUrl(deps.config, organizationId, `kyc-documents/${row.id}`));
      return present(row, expand);
    },
  );

  app.get(
    '/kyc-documents/:id',
    {
      schema: {
        operationId: 'GetKycDocument',
        tags,
        params: IdParams,
        querystring: ExpandQuery,
        response: { 200: KycDocument, ...problems(401, 403, 404, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const expand = parseExpand(request.query.expand, KYC_DOCUMENT_EXPANDS);
      return present(await existing(organizationId, request.params.id), expand);
    },
  );

  app.put(
    '/kyc-documents/:id',
    {
      schema: {
        operationId: 'PutKycDocument',
        tags,
        params: IdParams,
        querystring: ExpandQuery,
        body: KycDocumentInput,
        response: { 200: KycDocument, 201: KycDocument, ...problems(400, 401, 403, 409, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const { id } = request.params;
      const expand = parseExpand(request.query.expand, KYC_DOCUMENT_EXPANDS);
      const { customerId, id: bodyId, ...input } = request.body;
      if (bodyId !== undefined && bodyId !== id) {
        throw new AppError('validation-error', 'id: must equal the id in the path', {
          invalidFields: [{ field: 'id', message: 'must equal the id in the path' }],
        });
      }
      if (await findKycDocument(deps.db.kysely, organizationId, id)) {
        const row = await updateKycDocumentFields(
          deps,
          organizationId,
          id,
          { ...input, customerId },
          { kind: 'api', actor: await reviewer(request) },
        );
        return present(row, expand);
      }
      const row = await createKycDocument(deps, { organizationId, customerId, via: 'api' }, { ...input, id });
      void reply
        .code(201)
        .header('Location', resourceUrl(deps.config, organizationId, `kyc-documents/${row.id}`));
      return present(row, expand);
    },
  );

  const action = (
    path: string,
    operationId: string,
    run: (organizationId: string, id: string, request: FastifyRequest) => Promise<KycDocumentRow>,
  ) =>
    app.post(
      `/kyc-documents/:id/${path}`,
      {
        schema: {
          operationId,
          tags,
          params: IdParams,
          response: { 201: KycDocument, ...problems(401, 403, 404, 409, 422) },
        },
        config: { allow: ['secret'] },
      },
      async (request, reply) => {
        const { organizationId } = principalOf(request);
        const row = await run(organizationId, request.params.id, request);
        return reply.code(201).send(await present(row, new Set()));
      },
    );

  action('acceptance', 'PostKycDocumentAcceptance', async (org, id, request) =>
    acceptKycDocument(deps, org, id, await reviewer(request)),
  );
  action('review', 'PostKycDocumentReview', async (org, id, request) =>
    markKycDocumentReviewed(deps, org, id, await reviewer(request)),
  );
  action('start-review', 'PostKycDocumentStartReview', async (org, id, request) =>
    startKycDocumentReview(deps, org, id, await reviewer(request)),
  );
  action('stop-review', 'PostKycDocumentStopReview', async (org, id, request) =>
    stopKycDocumentReview(deps, org, id, await reviewer(request)),
  );

  app.post(
    '/kyc-documents/:id/rejection',
    {
      schema: {
        operationId: 'PostKycDocumentRejection',
        tags,
        params: IdParams,
        body: RejectionReason,
        response: { 201: KycDocument, ...problems(400, 401, 403, 404, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const row = await rejectKycDocument(
        deps,
        organizationId,
        request.params.id,
        await reviewer(request),
        request.body,
      );
      return reply.code(201).send(await present(row, new Set()));
    },
  );

  app.post(
    '/kyc-documents/:id/matches',
    {
      schema: {
        operationId: 'PostKycDocumentMatches',
        tags,
        description:
          'Overwrites documentMatches.data. The body is the matches object of the document type, with `type`; unknown fields are refused.',
        params: IdParams,
        body: MatchesInput,
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      await overwriteKycDocumentMatches(
        deps,
        organizationId,
        request.params.id,
        request.body,
        await reviewer(request),
      );
      return reply.code(204).send(null);
    },
  );
};

/** The calling customer, and the request its token is bound to (gatherer links), if any. */
export function storefrontCaller(request: FastifyRequest) {
  const principal = principalOf(request);
  if (principal.kind !== 'customer') throw new AppError('forbidden', 'A customer token is required');
  const bound = principal.customClaims?.kycRequestId;
  return {
    organizationId: principal.organizationId,
    customerId: principal.customerId,
    boundRequestId: typeof bound === 'string' ? bound : undefined,
  };
}

export const storefrontKycDocumentsRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, deps) => {
  const sfTags = ['Storefront KYC'];

  const visible = async (request: FastifyRequest, id: string) => {
    const caller = storefrontCaller(request);
    const row = await findKycDocument(deps.db.kysely, caller.organizationId, id);
    if (!row || row.customerId !== caller.customerId) throw notFound('KYC document');
    if (caller.boundRequestId && row.requestId !== caller.boundRequestId) throw notFound('KYC document');
    return row;
  };

  app.post(
    '/kyc-documents',
    {
      schema: {
        operationId: 'StorefrontPostKycDocument',
        tags: sfTags,
        body: StorefrontKycDocumentInput,
        response: { 201: StorefrontKycDocument, ...problems(400, 401, 403, 404, 422) },
      },
      config: { allow: ['customer'] },
    },
    async (request, reply) => {
      const caller = storefrontCaller(request);
      const row = await createKycDocument(
        deps,
        { ...caller, via: 'storefront' },
        { ...request.body, documentType: request.body.documentType },
      );
      return reply.code(201).send(presentStorefrontKycDocument(deps.config, row));
    },
  );

  app.get(
    '/kyc-documents/:id',
    {
      schema: {
        operationId: 'StorefrontGetKycDocument',
        tags: sfTags,
        params: IdParams,
        response: { 200: StorefrontKycDocument, ...problems(401, 403, 404) },
      },
      config: { allow: ['customer'] },
    },
    async (request) => presentStorefrontKycDocument(deps.config, await visible(request, request.params.id)),
  );

  app.patch(
    '/kyc-documents/:id',
    {
      schema: {
        operationId: 'StorefrontPatchKycDocument',
        tags: sfTags,
        params: IdParams,
        body: StorefrontKycDocumentPatch,
        response: { 200: StorefrontKycDocument, ...problems(400, 401, 403, 404, 422) },
      },
      config: { allow: ['customer'] },
    },
    async (request) => {
      const caller = storefrontCaller(request);
      const row = await updateKycDocumentFields(
        deps,
        caller.organizationId,
        request.params.id,
        request.body,
        {
          kind: 'storefront',
          customerId: caller.customerId,
          boundRequestId: caller.boundRequestId,
        },
      );
      return presentStorefrontKycDocument(deps.config, row);
    },
  );

  app.get(
    '/kyc-documents',
    {
      schema: {
        operationId: 'StorefrontGetKycDocumentCollection',
        tags: sfTags,
        description: 'Legacy: removed from the Rebilly spec in 2026-08; kept for older clients.',
        querystring: Type.Pick(CollectionQuery, ['limit', 'offset']),
        response: { 200: Type.Array(StorefrontKycDocument), ...problems(401, 403, 422) },
      },
      config: { allow: ['customer'] },
    },
    async (request, reply) => {
      const caller = storefrontCaller(request);
      const limit = request.query.limit ?? DEFAULT_LIMIT;
      const offset = request.query.offset ?? 0;
      const clauses = [{ field: 'customerId', equals: [caller.customerId], notEquals: [], ranges: [] }];
      if (caller.boundRequestId) {
        clauses.push({ field: 'requestId', equals: [caller.boundRequestId], notEquals: [], ranges: [] });
      }
      const { rows, total } = await listKycDocuments(deps.db.kysely, caller.organizationId, {
        clauses,
        sort: [{ field: 'createdTime', descending: true }],
        limit,
        offset,
      });
      const items = rows.map((row) => presentStorefrontKycDocument(deps.config, row));
      return sendPage(reply, { items, total, limit, offset });
    },
  );
};
