/**
 * Core: passwordless login tokens and their exchange for customer JWTs.
 * Storefront: `POST /logout` revokes the calling customer JWT.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Acl } from '../../auth/acl.ts';
import type { AuthTokenRow, CustomerJwtRow } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import { principalOf } from '../../http/access.ts';
import { CollectionQuery, DEFAULT_LIMIT, problems, sendPage } from '../../http/schemas.ts';
import { hashSecret } from '../../lib/secrets.ts';
import { resourceUrl, type Deps } from '../deps.ts';
import {
  AuthenticationToken,
  AuthenticationTokenInput,
  CustomerJwt,
  CustomerJwtInput,
  TokenParams,
} from './customer-auth.schemas.ts';
import { findAuthToken, listAuthTokens, revokeCustomerJwt } from './customer-auth.repo.ts';
import { exchangeToken } from './exchange-token.ts';
import { loginPasswordless } from './login-passwordless.ts';

const tags = ['Customer authentication'];

export const customerAuthRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, deps) => {
  const presentToken = (row: AuthTokenRow, token: string | null): AuthenticationToken => ({
    username: null,
    customerId: row.customerId,
    token,
    otpRequired: false,
    credentialId: null,
    expiredTime: row.expiredTime,
    _links: [
      { rel: 'customer', href: resourceUrl(deps.config, row.organizationId, `customers/${row.customerId}`) },
    ],
  });

  const presentJwt = (row: CustomerJwtRow, token: string): CustomerJwt => ({
    id: row.id,
    type: 'customer',
    token,
    customerId: row.customerId,
    acl: JSON.parse(row.acl) as Acl,
    customClaims: row.customClaims ? (JSON.parse(row.customClaims) as Record<string, unknown>) : null,
    createdTime: row.createdTime,
    updatedTime: row.updatedTime,
    expiredTime: row.expiredTime,
    _links: [
      { rel: 'customer', href: resourceUrl(deps.config, row.organizationId, `customers/${row.customerId}`) },
    ],
  });

  /** A live (unused, unexpired) login token of this organization, or a 404. */
  const liveToken = async (organizationId: string, token: string) => {
    const row = await findAuthToken(deps.db.kysely, organizationId, hashSecret(token));
    if (!row || row.usedTime !== null || Date.parse(row.expiredTime) <= Date.now()) {
      throw notFound('Authentication token');
    }
    return row;
  };

  app.get(
    '/authentication-tokens',
    {
      schema: {
        operationId: 'GetAuthenticationTokenCollection',
        tags,
        querystring: Type.Pick(CollectionQuery, ['limit', 'offset']),
        response: { 200: Type.Array(AuthenticationToken), ...problems(401, 403, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const limit = request.query.limit ?? DEFAULT_LIMIT;
      const offset = request.query.offset ?? 0;
      const { rows, total } = await listAuthTokens(deps.db.kysely, organizationId, limit, offset);
      // Tokens are stored hashed: a list can say which are live, never what they are.
      return sendPage(reply, { items: rows.map((row) => presentToken(row, null)), total, limit, offset });
    },
  );

  app.post(
    '/authentication-tokens',
    {
      schema: {
        operationId: 'PostAuthenticationToken',
        tags,
        body: AuthenticationTokenInput,
        response: { 201: AuthenticationToken, ...problems(400, 401, 403, 422) },
      },
      config: { allow: ['secret', 'publishable'] },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.kind === 'publishable' && request.body.mode === 'passwordless') {
        throw new AppError('forbidden', 'Passwordless login needs a secret API key');
      }
      const { row, token } = await loginPasswordless(deps, principal.organizationId, request.body);
      void reply
        .code(201)
        .header(
          'Location',
          resourceUrl(deps.config, principal.organizationId, `authentication-tokens/${token}`),
        );
      return presentToken(row, token);
    },
  );

  app.get(
    '/authentication-tokens/:token',
    {
      schema: {
        operationId: 'GetAuthenticationTokenVerification',
        tags,
        params: TokenParams,
        response: { 200: AuthenticationToken, ...problems(401, 403, 404) },
      },
      config: { allow: ['secret', 'publishable'] },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const row = await liveToken(organizationId, request.params.token);
      return presentToken(row, request.params.token);
    },
  );

  app.delete(
    '/authentication-tokens/:token',
    {
      schema: {
        operationId: 'DeleteAuthenticationToken',
        tags,
        params: TokenParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
      config: { allow: ['secret', 'publishable'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const row = await liveToken(organizationId, request.params.token);
      await deps.db.kysely
        .updateTable('authTokens')
        .set({ usedTime: new Date().toISOString() })
        .where('organizationId', '=', organizationId)
        .where('tokenHash', '=', row.tokenHash)
        .execute();
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/authentication-tokens/:token/exchange',
    {
      schema: {
        operationId: 'PostAuthenticationTokenExchange',
        tags,
        params: TokenParams,
        body: CustomerJwtInput,
        response: { 201: CustomerJwt, ...problems(400, 401, 403, 422) },
      },
      config: { allow: ['secret', 'publishable'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const { row, token } = await exchangeToken(
        deps,
        organizationId,
        request.params.token,
        request.body ?? {},
      );
      return reply.code(201).send(presentJwt(row, token));
    },
  );
};

export const storefrontLogoutRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, deps) => {
  app.post(
    '/logout',
    {
      schema: {
        operationId: 'StorefrontPostLogout',
        tags: ['Storefront'],
        response: { 204: Type.Null(), ...problems(401, 403) },
      },
      config: { allow: ['customer'] },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.kind !== 'customer') throw new AppError('forbidden', 'Only a customer token can log out');
      await revokeCustomerJwt(
        deps.db.kysely,
        principal.organizationId,
        principal.jwtId,
        new Date().toISOString(),
      );
      return reply.code(204).send(null);
    },
  );
};
