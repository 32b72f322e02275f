/**
 * Authentication and authorization for every route that declares `config.allow`: who may call it (secret
 * key, publishable key, customer JWT, reviewer session), under which organization, and with which ACL
 * permission (the route's operationId). Routes without `allow` (health, docs) are public.
 *
 * A reviewer session may call a route open to secret keys when its role's ACL names the operation
 * (src/auth/reviewer-roles.ts): the console goes through the same routes as the API, never around them.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isAllowed } from '../auth/acl.ts';
import type { Authenticator } from '../auth/authenticate.ts';
import type { Principal, PrincipalKind } from '../auth/principal.ts';
import { AppError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Which kinds of principal may call the route; absent means public. */
    allow?: readonly PrincipalKind[];
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const KIND_LABELS: Record<PrincipalKind, string> = {
  secret: 'A secret API key',
  publishable: 'A publishable API key',
  customer: 'A customer token',
  reviewer: 'A reviewer session',
};

function kindAllowed(allow: readonly PrincipalKind[], kind: PrincipalKind): boolean {
  return allow.includes(kind) || (kind === 'reviewer' && allow.includes('secret'));
}

export function registerAccessControl(app: FastifyInstance, authenticator: Authenticator): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const allow = request.routeOptions.config.allow;
    if (!allow) return;
    const operationId = request.routeOptions.schema?.operationId ?? 'unknown';
    const principal = await authenticator.authenticate(request.headers, request.ip);
    if (!principal) {
      throw new AppError('unauthorized', 'A valid API key (REB-APIKEY) or bearer token is required');
    }
    const organizationId = (request.params as { organizationId?: string } | undefined)?.organizationId;
    if (organizationId !== undefined && organizationId !== principal.organizationId) {
      throw new AppError('forbidden', `This credential has no access to organization ${organizationId}`);
    }
    if (!kindAllowed(allow, principal.kind)) {
      throw new AppError('forbidden', `${KIND_LABELS[principal.kind]} cannot call ${operationId}`);
    }
    const acl = principal.kind === 'publishable' ? null : principal.acl;
    if (acl && !isAllowed(acl, principal.organizationId, operationId)) {
      throw new AppError('forbidden', `This credential's ACL does not permit ${operationId}`);
    }
    request.principal = principal;
  });
}

/** The authenticated principal of a route that declares `allow`. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthorized', 'Authentication is required');
  return request.principal;
}
