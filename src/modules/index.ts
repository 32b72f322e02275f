/** Every area's route plugins, by API surface. app.ts mounts each surface under all of its prefixes. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { apiKeysRoutes } from './api-keys/api-keys.routes.ts';
import { attachmentsRoutes } from './attachments/attachments.routes.ts';
import { customerAuthRoutes, storefrontLogoutRoutes } from './customer-auth/customer-auth.routes.ts';
import { customersRoutes } from './customers/customers.routes.ts';
import type { Deps } from './deps.ts';
import { eventsRoutes } from './events/events.routes.ts';
import { filesRoutes } from './files/files.routes.ts';
import { kycDocumentEvidenceRoutes } from './kyc-documents/evidence.routes.ts';
import { kycDocumentsRoutes, storefrontKycDocumentsRoutes } from './kyc-documents/kyc-documents.routes.ts';
import { kycRequestsRoutes, storefrontKycRequestsRoutes } from './kyc-requests/kyc-requests.routes.ts';
import { storefrontKycLivenessSessionsRoutes } from './kyc-liveness-sessions/kyc-liveness-sessions.routes.ts';
import { kycSettingsRoutes } from './kyc-settings/kyc-settings.routes.ts';
import { reviewQueueRoutes } from './reviewers/review-queue.routes.ts';
import { reviewersRoutes } from './reviewers/reviewers.routes.ts';
import { storefrontAccountRoutes } from './storefront-account/storefront-account.routes.ts';
import { tagsRoutes } from './tags/tags.routes.ts';
import { webhooksRoutes } from './webhooks/webhooks.routes.ts';
import { websitesCoreRoutes, websitesStorefrontRoutes } from './websites/websites.routes.ts';

export const coreRoutes: FastifyPluginAsyncTypebox<Deps>[] = [
  customersRoutes,
  apiKeysRoutes,
  customerAuthRoutes,
  websitesCoreRoutes,
  filesRoutes,
  attachmentsRoutes,
  kycRequestsRoutes,
  kycDocumentsRoutes,
  kycDocumentEvidenceRoutes,
  kycSettingsRoutes,
  eventsRoutes,
  webhooksRoutes,
  reviewersRoutes,
  reviewQueueRoutes,
  tagsRoutes,
];

export const storefrontRoutes: FastifyPluginAsyncTypebox<Deps>[] = [
  storefrontAccountRoutes,
  storefrontLogoutRoutes,
  websitesStorefrontRoutes,
  storefrontKycRequestsRoutes,
  storefrontKycDocumentsRoutes,
  storefrontKycLivenessSessionsRoutes,
];
