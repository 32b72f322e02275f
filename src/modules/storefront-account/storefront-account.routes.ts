/** Storefront `GET/PATCH /account`: the calling customer's own record (customer JWT only). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import type { CustomerRow } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import { principalOf } from '../../http/access.ts';
import { DateTime, Links, Nullable, problems } from '../../http/schemas.ts';
import type { FastifyRequest } from 'fastify';
import { resourceUrl, type Deps } from '../deps.ts';
import { ContactObject } from '../customers/customers.schemas.ts';
import { findCustomer } from '../customers/customers.repo.ts';
import { parseContact } from '../customers/present-customer.ts';
import { upsertCustomer } from '../customers/save-customer.ts';

const StorefrontAccount = Type.Object(
  {
    id: Type.String(),
    websiteId: Nullable(Type.String()),
    username: Nullable(Type.String()),
    primaryAddress: Nullable(ContactObject),
    isVerified: Type.Boolean(),
    createdTime: DateTime,
    updatedTime: DateTime,
    _links: Links,
  },
  { title: 'StorefrontAccount' },
);
type StorefrontAccount = Static<typeof StorefrontAccount>;

const AccountPatch = Type.Object({
  primaryAddress: Type.Optional(Nullable(ContactObject)),
  locale: Type.Optional(
    Nullable(Type.String({ maxLength: 35, pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$' })),
  ),
});

const tags = ['Storefront'];

export const storefrontAccountRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, deps) => {
  const present = (row: CustomerRow): StorefrontAccount => ({
    id: row.id,
    websiteId: row.websiteId,
    username: row.email,
    primaryAddress: parseContact(row.primaryAddress),
    isVerified: false,
    createdTime: row.createdTime,
    updatedTime: row.updatedTime,
    _links: [{ rel: 'self', href: `${resourceUrl(deps.config, row.organizationId, 'storefront/account')}` }],
  });

  const ownCustomer = async (request: FastifyRequest) => {
    const principal = principalOf(request);
    if (principal.kind !== 'customer')
      throw new AppError('forbidden', 'Only a customer token has an account');
    const row = await findCustomer(deps.db.kysely, principal.organizationId, principal.customerId);
    if (!row) throw notFound('Account');
    return row;
  };

  app.get(
    '/account',
    {
      schema: {
        operationId: 'StorefrontGetAccount',
        tags,
        response: { 200: StorefrontAccount, ...problems(401, 403, 404) },
      },
      config: { allow: ['customer'] },
    },
    async (request) => present(await ownCustomer(request)),
  );

  app.patch(
    '/account',
    {
      schema: {
        operationId: 'StorefrontPatchAccount',
        tags,
        body: AccountPatch,
        response: { 200: StorefrontAccount, ...problems(400, 401, 403, 404, 422) },
      },
      config: { allow: ['customer'] },
    },
    async (request) => {
      const current = await ownCustomer(request);
      const { row } = await upsertCustomer(deps, current.organizationId, current.id, {
        websiteId: current.websiteId,
        primaryAddress:
          request.body.primaryAddress === undefined
            ? parseContact(current.primaryAddress)
            : request.body.primaryAddress,
        customFields: JSON.parse(current.customFields) as Record<string, unknown>,
        locale: request.body.locale === undefined ? current.locale : request.body.locale,
      });
      return present(row);
    },
  );
};
