/** Creates an API key. The key is returned once; only its SHA-256 digest is stored. */
import type { Acl } from '../../auth/acl.ts';
import type { Executor } from '../../db/database.ts';
import type { ApiKeyRow } from '../../db/schema.ts';
import { newId } from '../../lib/ids.ts';
import { hashSecret, randomToken } from '../../lib/secrets.ts';
import { insertApiKey } from './api-keys.repo.ts';

export interface NewApiKey {
  id?: string | undefined;
  description: string;
  type: 'secret' | 'publishable';
  acl?: Acl | null | undefined;
  allowedIps?: string[] | null | undefined;
  /** Use this key instead of generating one (seeding from KYCGATE_SECRET_KEY). */
  key?: string | undefined;
}

export function generateKey(type: 'secret' | 'publishable'): string {
  return `${type === 'secret' ? 'sk' : 'pk'}_sandbox_${randomToken(24)}`;
}

export async function createApiKey(
  db: Executor,
  organizationId: string,
  input: NewApiKey,
): Promise<{ row: ApiKeyRow; key: string }> {
  const key = input.key ?? generateKey(input.type);
  const now = new Date().toISOString();
  const row: ApiKeyRow = {
    organizationId,
    id: input.id ?? newId('api_key'),
    description: input.description,
    type: input.type,
    keyHash: hashSecret(key),
    keyPreview: key.slice(0, Math.min(16, Math.floor(key.length / 2))),
    acl: input.acl ? JSON.stringify(input.acl) : null,
    allowedIps: input.allowedIps ? JSON.stringify(input.allowedIps) : null,
    createdTime: now,
    updatedTime: now,
  };
  await insertApiKey(db, row);
  return { row, key };
}
