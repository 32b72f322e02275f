/** Every area's route plugins, by API surface. app.ts mounts each surface under all of its prefixes. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { apiKeysRoutes } from './api-keys/api-keys.routes.ts';
import { customerAuthRoutes, storefrontLogoutRoutes } from './customer-auth/customer-auth.routes.ts';
import { customersRoutes } from './customers/customers.routes.ts';
import type { Deps } from './deps.ts';
import { storefrontAccountRoutes } from './storefront-account/storefront-account.routes.ts';
import { websitesCoreRoutes, websitesStorefrontRoutes } from './websites/websites.routes.ts';

export const coreRoutes: FastifyPluginAsyncTypebox<Deps>[] = [
  customersRoutes,
  apiKeysRoutes,
  customerAuthRoutes,
  websitesCoreRoutes,
];

export const storefrontRoutes: FastifyPluginAsyncTypebox<Deps>[] = [
  storefrontAccountRoutes,
  storefrontLogoutRoutes,
  websitesStorefrontRoutes,
];
