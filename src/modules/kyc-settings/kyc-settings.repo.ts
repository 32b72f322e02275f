import type { Executor } from '../../db/database.ts';
import { DEFAULT_KYC_SETTINGS } from './default-kyc-settings.ts';
import type { KycSettings } from './kyc-settings.schemas.ts';

/**
 * Saved settings completed with the defaults of parts added since they were saved (`maxDocumentAgeDays`,
 * `fundsProof`, `purchaseProof`), so readers always get the whole shape.
 */
function withDefaults(saved: Partial<KycSettings>): KycSettings {
  const defaults = structuredClone(DEFAULT_KYC_SETTINGS);
  return {
    ...defaults,
    ...saved,
    addressProof: { ...defaults.addressProof, ...saved.addressProof },
    fundsProof: { ...defaults.fundsProof, ...saved.fundsProof },
    purchaseProof: { ...defaults.purchaseProof, ...saved.purchaseProof },
  };
}

/** The organization's settings, or the defaults when it never saved any. */
export async function loadKycSettings(db: Executor, organizationId: string): Promise<KycSettings> {
  const row = await db
    .selectFrom('kycSettings')
    .select('settings')
    .where('organizationId', '=', organizationId)
    .executeTakeFirst();
  return row
    ? withDefaults(JSON.parse(row.settings) as Partial<KycSettings>)
    : structuredClone(DEFAULT_KYC_SETTINGS);
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
