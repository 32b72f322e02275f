/** `GET/PUT /kyc-settings` (secret keys). A PUT merges the parts sent over the current settings. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { invalidField } from '../../errors.ts';
import { principalOf } from '../../http/access.ts';
import { problems } from '../../http/schemas.ts';
import type { Deps } from '../deps.ts';
import { KycSettings, KycSettingsInput, type KycSettingsHolderProof } from './kyc-settings.schemas.ts';
import { loadKycSettings, saveKycSettings } from './kyc-settings.repo.ts';

const tags = ['KYC settings'];

function mergeHolderProof(
  current: KycSettingsHolderProof,
  input: KycSettingsInput['fundsProof'],
): KycSettingsHolderProof {
  return {
    automaticDecision: input?.automaticDecision ?? current.automaticDecision,
    weights: { ...current.weights, ...input?.weights },
    thresholds: input?.thresholds ?? current.thresholds,
  };
}

export function mergeKycSettings(current: KycSettings, input: KycSettingsInput): KycSettings {
  const identity = input.identityProof;
  const address = input.addressProof;
  const merged: KycSettings = {
    identityProof: {
      weights: { ...current.identityProof.weights, ...identity?.weights },
      thresholds: identity?.thresholds ?? current.identityProof.thresholds,
      minimumAgeSettings: {
        ...current.identityProof.minimumAgeSettings,
        ...identity?.minimumAgeSettings,
      },
    },
    addressProof: {
      weights: { ...current.addressProof.weights, ...address?.weights },
      thresholds: address?.thresholds ?? current.addressProof.thresholds,
      maxDocumentAgeDays: address?.maxDocumentAgeDays ?? current.addressProof.maxDocumentAgeDays,
    },
    fundsProof: mergeHolderProof(current.fundsProof, input.fundsProof),
    purchaseProof: mergeHolderProof(current.purchaseProof, input.purchaseProof),
    uiVersion: input.uiVersion === undefined ? current.uiVersion : input.uiVersion,
  };
  for (const part of ['identityProof', 'addressProof', 'fundsProof', 'purchaseProof'] as const) {
    const { rejectBelow, acceptAbove } = merged[part].thresholds;
    if (rejectBelow > acceptAbove) {
      throw invalidField(`${part}.thresholds.rejectBelow`, 'must not be greater than acceptAbove');
    }
  }
  return merged;
}

export const kycSettingsRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, deps) => {
  app.get(
    '/kyc-settings',
    {
      schema: { operationId: 'GetKycSettings', tags, response: { 200: KycSettings, ...problems(401, 403) } },
      config: { allow: ['secret'] },
    },
    async (request) => loadKycSettings(deps.db.kysely, principalOf(request).organizationId),
  );

  app.put(
    '/kyc-settings',
    {
      schema: {
        operationId: 'PutKycSettings',
        tags,
        body: KycSettingsInput,
        response: { 200: KycSettings, ...problems(400, 401, 403, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      return deps.db.transaction(async (trx) => {
        const merged = mergeKycSettings(await loadKycSettings(trx, organizationId), request.body);
        await saveKycSettings(trx, organizationId, merged);
        return merged;
      });
    },
  );
};
