/**
 * Rebilly ACLs: a list of `{scope, permissions}`. Permissions are operationIds (`PostFile`,
 * `StorefrontGetKycRequest`, …) or `*`; a scope may narrow an entry to some organizations.
 */
import Type, { type Static } from 'typebox';

export const AclScope = Type.Object({
  organizationId: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 100 })),
  productId: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 100 })),
  planId: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 100 })),
  customFieldName: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 })),
});

export const AclEntry = Type.Object({
  scope: AclScope,
  permissions: Type.Array(Type.String({ minLength: 1, maxLength: 100, pattern: '^(\\*|[A-Za-z]+)$' }), {
    minItems: 1,
    maxItems: 500,
  }),
});

export const Acl = Type.Array(AclEntry, { maxItems: 50 });
export type Acl = Static<typeof Acl>;

export function isAllowed(acl: Acl, organizationId: string, operationId: string): boolean {
  return acl.some((entry) => {
    const orgs = entry.scope.organizationId;
    if (orgs && orgs.length > 0 && !orgs.includes(organizationId)) return false;
    return entry.permissions.includes('*') || entry.permissions.includes(operationId);
  });
}

/** What a customer token gets when the exchange names no ACL: its own storefront and uploads. */
export function defaultCustomerAcl(organizationId: string): Acl {
  return [{ scope: { organizationId: [organizationId] }, permissions: ['*'] }];
}
