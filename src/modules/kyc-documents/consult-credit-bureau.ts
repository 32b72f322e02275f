/** A credit-file-proof document's decision, from the organization's credit bureau (spec §4.7). */
import type { CustomerRow, KycDocumentRow } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import type { KycSettings } from '../kyc-settings/kyc-settings.schemas.ts';
import { analyzerCustomer } from './analyzer-customer.ts';

export async function consultCreditBureau(
  deps: Pick<Deps, 'creditBureau'>,
  customer: CustomerRow,
  _settings: KycSettings,
  now: Date,
): Promise<Partial<KycDocumentRow>> {
  const matches = await deps.creditBureau.consult(analyzerCustomer(customer), now);
  const accepted = matches.decision === 'single-source' || matches.decision === 'dual-source';
  const documentMatches = {
    version: '2.0',
    score: accepted ? 100 : 0,
    checkList: [{ name: 'decision', failed: !accepted, score: 100, reason: matches.decision }],
    data: matches,
  };
  return {
    status: accepted ? 'accepted' : 'rejected',
    rejectionReason: accepted
      ? null
      : JSON.stringify({
          type: 'document-not-matching',
          message: 'The credit bureau has no file that can confirm this identity.',
        }),
    processedTime: now.toISOString(),
    documentMatches: JSON.stringify(documentMatches),
    parsedData: JSON.stringify(matches),
  };
}
