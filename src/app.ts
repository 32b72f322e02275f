/**
 * buildApp(deps) → a ready Fastify instance. It never listens: entry points listen, tests `inject`.
 *
 * Every Rebilly path is served under each prefix the SDKs and the spec use (spec §1.2):
 * core under `/organizations/{organizationId}` and bare; storefront under
 * `/storefront/organizations/{organizationId}`, `/organizations/{organizationId}/storefront` and
 * `/storefront`. The OpenAPI document lists the first form of each; the others are aliases.
 */
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { PrincipalKind } from './auth/principal.ts';
import { REVIEWER_OPERATIONS } from './auth/reviewer-roles.ts';
import { registerAccessControl } from './http/access.ts';
import { registerErrorHandling } from './http/error-handler.ts';
import { registerRateLimit } from './http/rate-limit.ts';
import { validatorCompiler } from './http/validation.ts';
import type { Deps } from './modules/deps.ts';
import { registerGathererPage } from './modules/gatherer/gatherer-page.ts';
import { coreRoutes, storefrontRoutes } from './modules/index.ts';
import { registerConsolePage } from './modules/reviewers/console-page.ts';

export const CORE_PREFIXES = ['/organizations/:organizationId', ''] as const;
export const STOREFRONT_PREFIXES = [
  '/storefront/organizations/:organizationId',
  '/organizations/:organizationId/storefront',
  '/storefront',
] as const;

/** Raw-body uploads (`POST /files` with the bytes as the body). */
const BINARY_TYPES = /^(image\/[\w.+-]+|application\/pdf|application\/octet-stream)\s*(;.*)?$/i;

interface ObjectSchema {
  properties?: Record<string, unknown>;
  required?: string[];
}
const ORGANIZATION_ID_PARAM = { type: 'string', maxLength: 50 };

const SECURITY: Record<PrincipalKind, Record<string, string[]>> = {
  secret: { SecretApiKey: [] },
  publishable: { PublishableApiKey: [] },
  customer: { CustomerJWT: [] },
  reviewer: { ReviewerSession: [] },
};

/** The OpenAPI security of a route: its principal kinds, plus reviewer sessions where a role permits it. */
function securityOf(allow: readonly PrincipalKind[], operationId: string | undefined) {
  const reviewer =
    !allow.includes('reviewer') &&
    allow.includes('secret') &&
    operationId !== undefined &&
    REVIEWER_OPERATIONS.has(operationId);
  return [...allow, ...(reviewer ? (['reviewer'] as const) : [])].map((kind) => SECURITY[kind]);
}

/** Paths that carry secrets (login tokens, gatherer JWTs) are masked before they reach a log line. */
export function redactUrl(url: string): string {
  return url
    .replace(/(\/authentication-tokens\/)[^/?]+/g, '$1[redacted]')
    .replace(/([?&](?:token|jwt)=)[^&]+/g, '$1[redacted]');
}

export async function buildApp(deps: Deps, options: { logger?: FastifyServerOptions['logger'] } = {}) {
  const { config } = deps;
  const app = Fastify({
    logger: options.logger ?? {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers["reb-apikey"]'],
      serializers: {
        req: (req: { method: string; url: string; id: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
        }),
      },
    },
    bodyLimit: config.bodyLimitBytes,
    routerOptions: { ignoreTrailingSlash: true },
    trustProxy: false,
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  registerErrorHandling(app);
  registerAccessControl(app, deps.authenticator);
  registerRateLimit(app, config.rateLimitMax, config.rateLimitWindowMs);

  // Body-less POST actions arrive from rebilly-js-sdk as an empty form body (spec §11.5.3).
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 65_536 },
    (_req, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      done(null, text === '' ? undefined : Object.fromEntries(new URLSearchParams(text)));
    },
  );
  // …and an absent body (that empty form, or none at all) reads as `{}`, so body schemas and their
  // defaults apply instead of a 422 for "body must be object". An explicit JSON `null` is still refused.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && ['POST', 'PUT', 'PATCH'].includes(request.method)) request.body = {};
  });
  app.addContentTypeParser(
    BINARY_TYPES,
    { parseAs: 'buffer', bodyLimit: config.maxUploadBytes },
    (_req, body, done) => done(null, body),
  );
  await app.register(multipart, {
    throwFileSizeLimit: true,
    limits: { fileSize: config.maxUploadBytes, files: 1, fields: 30, fieldSize: 64 * 1024, parts: 40 },
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'kycgate',
        version: '0.1.0',
        description:
          'Self-hosted KYC service, wire-compatible with the Rebilly KYC API. Extensions are marked in their descriptions.',
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          SecretApiKey: { type: 'apiKey', in: 'header', name: 'REB-APIKEY' },
          PublishableApiKey: { type: 'apiKey', in: 'header', name: 'Authorization' },
          CustomerJWT: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          ReviewerSession: {
            type: 'http',
            scheme: 'bearer',
            description:
              'kycgate extension: a review-console session token (`kgr_…`, POST /reviewer-sessions)',
          },
        },
      },
    },
  });
  app.addHook('onRoute', (route) => {
    const allow = route.config?.allow;
    if (allow && route.schema)
      route.schema = { ...route.schema, security: securityOf(allow, route.schema.operationId) };
  });

  const mount = (prefixes: readonly string[], plugins: typeof coreRoutes) => {
    prefixes.forEach((prefix, index) => {
      void app.register(
        async (scope) => {
          if (index > 0) {
            scope.addHook('onRoute', (route) => {
              route.schema = { ...route.schema, hide: true };
            });
          }
          if (prefix.includes(':organizationId')) {
            // A route's own `params` schema names only its own parameters: add the prefix's, or the
            // OpenAPI document leaves `{organizationId}` undeclared (Swagger automatically adds it only to
            // routes without a params schema).
            scope.addHook('onRoute', (route) => {
              const params = route.schema?.params as ObjectSchema | undefined;
              if (!params?.properties || 'organizationId' in params.properties) return;
              route.schema = {
                ...route.schema,
                params: {
                  ...params,
                  properties: { organizationId: ORGANIZATION_ID_PARAM, ...params.properties },
                  required: ['organizationId', ...(params.required ?? [])],
                },
              };
            });
          }
          for (const plugin of plugins) await scope.register(plugin, deps);
        },
        { prefix },
      );
    });
  };
  mount(CORE_PREFIXES, coreRoutes);
  mount(STOREFRONT_PREFIXES, storefrontRoutes);

  app.get('/healthz', { schema: { hide: true } }, () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await deps.db.ping();
      return { status: 'ready' };
    } catch (error) {
      app.log.warn({ err: error }, 'readiness check failed');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });
  registerGathererPage(app, deps);
  registerConsolePage(app);

  await app.ready();
  return app;
}

export type App = FastifyInstance;
