import type { Executor } from '../../db/database.ts';
import { DEFAULT_KYC_SETTINGS } from './default-kyc-settings.ts';
import type { KycSettings } from './kyc-settings.schemas.ts';

/** The organization's settings, or the defaults when it never saved any. */
export async function loadKycSettings(db: Executor, organizationId: string): Promise<KycSettings> {
  const row = await db
    .selectFrom('kycSettings')
    .select('settings')
    .where('organizationId', '=', organizationId)
    .executeTakeFirst();
  return row ? (JSON.parse(row.settings) as KycSettings) : structuredClone(DEFAULT_KYC_SETTINGS);
}

export async function saveKycSettings(
  db: Executor,
  organizationId: string,
  settings: KycSettings,
): Promise<void> {
  const values = {
    organizationId,
    settings: JSON.stringify(settings),
    updatedTime: new Date().toISOString(),
  };
  await db
    .insertInto('kycSettings')
    .values(values)
    .onConflict((oc) =>
      oc.column('organizationId').doUpdateSet({ settings: values.settings, updatedTime: values.updatedTime }),
    )
    .execute();
}
