import type { Acl } from './acl.ts';
import type { ReviewerRole } from './reviewer-roles.ts';

/** Who is calling. Every route decides from this alone what the caller may see and do. */
export type Principal =
  | { kind: 'secret'; organizationId: string; apiKeyId: string; acl: Acl | null }
  | { kind: 'publishable'; organizationId: string; apiKeyId: string }
  | {
      kind: 'customer';
      organizationId: string;
      customerId: string;
      jwtId: string;
      acl: Acl;
      customClaims: Record<string, unknown> | null;
    }
  | {
      /** A person signed in to the review console (src/modules/reviewers). */
      kind: 'reviewer';
      organizationId: string;
      reviewerId: string;
      sessionId: string;
      name: string;
      role: ReviewerRole;
      acl: Acl;
    };

export type PrincipalKind = Principal['kind'];

/** The customer a principal is confined to, or undefined for organization-wide keys. */
export function confinedCustomerId(principal: Principal): string | undefined {
  return principal.kind === 'customer' ? principal.customerId : undefined;
}
