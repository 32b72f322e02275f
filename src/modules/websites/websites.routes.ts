/** `GET /websites/{id}` (core) and `GET /storefront/websites/{id}` (the gatherer's branding). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { notFound } from '../../errors.ts';
import { principalOf } from '../../http/access.ts';
import { IdParams, problems } from '../../http/schemas.ts';
import type { Deps } from '../deps.ts';
import { presentWebsite } from './present-website.ts';
import { findWebsite } from './websites.repo.ts';
import { Website } from './websites.schemas.ts';

function routes(operationId: string, allow: ('secret' | 'customer')[]): FastifyPluginAsyncTypebox<Deps> {
  return async (app, deps) => {
    app.get(
      '/websites/:id',
      {
        schema: {
          operationId,
          tags: ['Websites'],
          params: IdParams,
          response: { 200: Website, ...problems(401, 403, 404) },
        },
        config: { allow },
      },
      async (request) => {
        const { organizationId } = principalOf(request);
        const row = await findWebsite(deps.db.kysely, organizationId, request.params.id);
        if (!row) throw notFound('Website');
        return presentWebsite(deps.config, row);
      },
    );
  };
}

export const websitesCoreRoutes = routes('GetWebsite', ['secret']);
export const websitesStorefrontRoutes = routes('StorefrontGetWebsite', ['customer']);
