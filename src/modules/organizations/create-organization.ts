/**
 * Creates an organization with its default website, a secret key and a publishable key, in one
 * transaction. Used by `kycgate orgs create` and by the first `serve` (the default organization).
 */
import type { Db } from '../../db/database.ts';
import type { Organization } from '../../db/schema.ts';
import { newId } from '../../lib/ids.ts';
import { createApiKey } from '../api-keys/create-api-key.ts';

export interface CreatedOrganization {
  organization: Organization;
  websiteId: string;
  secretKey: string;
  publishableKey: string;
}

export async function createOrganization(
  db: Db,
  input: {
    id?: string | undefined;
    name: string;
    secretKey?: string | undefined;
    websiteUrl?: string;
    /** A sandbox organization's webhooks may target private networks (see docs/webhooks.md). */
    isSandbox?: boolean;
  },
): Promise<CreatedOrganization> {
  return db.transaction(async (trx) => {
    const now = new Date().toISOString();
    const organization: Organization = {
      id: input.id ?? newId('org'),
      name: input.name,
      isSandbox: input.isSandbox ? 1 : 0,
      createdTime: now,
      updatedTime: now,
    };
    await trx.insertInto('organizations').values(organization).execute();
    const websiteId = newId('web');
    await trx
      .insertInto('websites')
      .values({
        organizationId: organization.id,
        id: websiteId,
        name: input.name,
        url: input.websiteUrl ?? 'http://localhost',
        serviceEmail: null,
        servicePhone: null,
        createdTime: now,
        updatedTime: now,
      })
      .execute();
    const secret = await createApiKey(trx, organization.id, {
      description: 'Default secret key',
      type: 'secret',
      key: input.secretKey,
    });
    const publishable = await createApiKey(trx, organization.id, {
      description: 'Default publishable key',
      type: 'publishable',
    });
    return { organization, websiteId, secretKey: secret.key, publishableKey: publishable.key };
  });
}

export function findOrganization(db: Db, id: string): Promise<Organization | undefined> {
  return db.kysely.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
}

export function firstOrganization(db: Db): Promise<Organization | undefined> {
  return db.kysely
    .selectFrom('organizations')
    .selectAll()
    .orderBy('createdTime')
    .orderBy('id')
    .executeTakeFirst();
}
