/**
 * The organization `kycgate serve` prints on start. With KYCGATE_ORGANIZATION_ID / KYCGATE_SECRET_KEY it
 * is made to match them (automation). Without them, the first start creates one and keeps its generated
 * keys in `DATA_DIR/default-organization.json` (mode 600) so later starts can print them again — a
 * convenience of the embedded mode; production deployments pass KYCGATE_SECRET_KEY instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { hashSecret } from '../../lib/secrets.ts';
import { createApiKey } from '../api-keys/create-api-key.ts';
import { createOrganization, findOrganization, firstOrganization } from './create-organization.ts';

export interface DefaultOrganization {
  organizationId: string;
  /** Null when the key exists but was not generated here (it cannot be shown again). */
  secretKey: string | null;
  publishableKey: string | null;
}

interface SavedCredentials {
  organizationId: string;
  secretKey: string;
  publishableKey: string;
}

function readSaved(file: string): SavedCredentials | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as SavedCredentials;
  } catch {
    return null;
  }
}

export async function ensureDefaultOrganization(db: Db, config: Config): Promise<DefaultOrganization> {
  const savedFile = path.join(config.dataDir, 'default-organization.json');
  const wantedId = config.seedOrganizationId;
  const organization = wantedId ? await findOrganization(db, wantedId) : await firstOrganization(db);

  if (!organization) {
    const created = await createOrganization(db, {
      id: wantedId,
      name: 'Default organization',
      // The demo organization of `npm start`: its webhooks may call a receiver on the developer's machine.
      isSandbox: true,
      secretKey: config.seedSecretKey,
      websiteUrl: config.publicUrl,
    });
    if (!config.seedSecretKey) {
      fs.mkdirSync(config.dataDir, { recursive: true });
      const saved: SavedCredentials = {
        organizationId: created.organization.id,
        secretKey: created.secretKey,
        publishableKey: created.publishableKey,
      };
      fs.writeFileSync(savedFile, JSON.stringify(saved, null, 2), { mode: 0o600 });
    }
    return {
      organizationId: created.organization.id,
      secretKey: created.secretKey,
      publishableKey: created.publishableKey,
    };
  }

  if (config.seedSecretKey) {
    const existing = await db.kysely
      .selectFrom('apiKeys')
      .select(['organizationId'])
      .where('keyHash', '=', hashSecret(config.seedSecretKey))
      .executeTakeFirst();
    if (existing && existing.organizationId !== organization.id) {
      throw new Error('KYCGATE_SECRET_KEY already belongs to another organization');
    }
    if (!existing) {
      await createApiKey(db.kysely, organization.id, {
        description: 'Seeded from KYCGATE_SECRET_KEY',
        type: 'secret',
        key: config.seedSecretKey,
      });
    }
    return { organizationId: organization.id, secretKey: config.seedSecretKey, publishableKey: null };
  }

  const saved = readSaved(savedFile);
  if (saved?.organizationId === organization.id) {
    return {
      organizationId: organization.id,
      secretKey: saved.secretKey,
      publishableKey: saved.publishableKey,
    };
  }
  return { organizationId: organization.id, secretKey: null, publishableKey: null };
}
