/** Customers: `GET/POST /customers`, `GET/PUT /customers/{id}` (secret keys only). */
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
import type { CustomerRow } from '../../db/schema.ts';
import { resourceUrl, type Deps } from '../deps.ts';
import { customersWithFulfilledKyc } from '../kyc-documents/kyc-documents.repo.ts';
import { findWebsite } from '../websites/websites.repo.ts';
import { Customer, CUSTOMER_EXPANDS, CustomerInput } from './customers.schemas.ts';
import { CUSTOMER_FILTERS, CUSTOMER_SORTS, findCustomer, listCustomers } from './customers.repo.ts';
import { presentCustomer } from './present-customer.ts';
import { createCustomer, upsertCustomer } from './save-customer.ts';

const tags = ['Customers'];

export const customersRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, deps) => {
  /** `fulfilled`: the customers with fulfilled KYC among a page, looked up once for the whole page. */
  const present = async (row: CustomerRow, expand: Set<string>, fulfilled?: Set<string>) => {
    const website =
      expand.has('website') && row.websiteId
        ? await findWebsite(deps.db.kysely, row.organizationId, row.websiteId)
        : undefined;
    const withKyc =
      fulfilled ?? (await customersWithFulfilledKyc(deps.db.kysely, row.organizationId, [row.id]));
    return presentCustomer(deps.config, row, { website, hasFulfilledKyc: withKyc.has(row.id) });
  };

  app.get(
    '/customers',
    {
      schema: {
        operationId: 'GetCustomerCollection',
        tags,
        querystring: CollectionQuery,
        response: { 200: Type.Array(Customer), ...problems(401, 403, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const query = request.query;
      const expand = parseExpand(query.expand, CUSTOMER_EXPANDS);
      const limit = query.limit ?? DEFAULT_LIMIT;
      const offset = query.offset ?? 0;
      const { rows, total } = await listCustomers(deps.db.kysely, organizationId, {
        clauses: parseFilter(query.filter, CUSTOMER_FILTERS),
        sort: parseSort(query.sort, Object.keys(CUSTOMER_SORTS), [
          { field: 'createdTime', descending: true },
        ]),
        limit,
        offset,
        q: query.q,
      });
      const fulfilled = await customersWithFulfilledKyc(
        deps.db.kysely,
        organizationId,
        rows.map((row) => row.id),
      );
      const items = await Promise.all(rows.map((row) => present(row, expand, fulfilled)));
      return sendPage(reply, { items, total, limit, offset });
    },
  );

  app.post(
    '/customers',
    {
      schema: {
        operationId: 'PostCustomer',
        tags,
        querystring: ExpandQuery,
        body: CustomerInput,
        response: { 201: Customer, ...problems(400, 401, 403, 409, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const expand = parseExpand(request.query.expand, CUSTOMER_EXPANDS);
      const row = await createCustomer(deps, organizationId, request.body);
      void reply
        .code(201)
        .header('Location', resourceUrl(deps.config, organizationId, `customers/${row.id}`));
      return present(row, expand);
    },
  );

  app.get(
    '/customers/:id',
    {
      schema: {
        operationId: 'GetCustomer',
        tags,
        params: IdParams,
        querystring: ExpandQuery,
        response: { 200: Customer, ...problems(401, 403, 404) },
      },
      config: { allow: ['secret'] },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const expand = parseExpand(request.query.expand, CUSTOMER_EXPANDS);
      const row = await findCustomer(deps.db.kysely, organizationId, request.params.id);
      if (!row) throw notFound('Customer');
      return present(row, expand);
    },
  );

  app.put(
    '/customers/:id',
    {
      schema: {
        operationId: 'PutCustomer',
        tags,
        params: IdParams,
        querystring: ExpandQuery,
        body: CustomerInput,
        response: { 200: Customer, 201: Customer, ...problems(400, 401, 403, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const expand = parseExpand(request.query.expand, CUSTOMER_EXPANDS);
      const { row, created } = await upsertCustomer(deps, organizationId, request.params.id, request.body);
      if (created) {
        void reply
          .code(201)
          .header('Location', resourceUrl(deps.config, organizationId, `customers/${row.id}`));
      }
      return present(row, expand);
    },
  );
};
