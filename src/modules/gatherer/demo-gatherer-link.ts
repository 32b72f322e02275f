/**
 * The demo visit `kycgate serve` prints: a customer `demo-customer` (Ada Lovelace) of the default
 * organization and an open KYC request for an identity proof with a selfie and a proof of address, valid
 * for 24 hours — the open one is reused on the next start, a new one is made when it has ended. Returns the
 * gatherer link a developer opens in a browser.
 */
import type { Deps } from '../deps.ts';
import { upsertCustomer } from '../customers/save-customer.ts';
import { createKycRequest } from '../kyc-requests/create-kyc-request.ts';
import { gathererUrl, signGathererToken } from '../kyc-requests/gatherer-token.ts';
import { openRequestsOfCustomer } from '../kyc-requests/kyc-requests.repo.ts';
import { shortGathererCode } from './gatherer-page.ts';

export const DEMO_CUSTOMER_ID = 'demo-customer';
const DEMO_REQUEST_TTL_MS = 24 * 3_600_000;

export async function demoGathererLink(
  deps: Deps,
  organizationId: string,
): Promise<{ url: string; shortUrl: string | null; requestId: string }> {
  const db = deps.db.kysely;
  const customer = await upsertCustomer(deps, organizationId, DEMO_CUSTOMER_ID, {
    primaryAddress: { firstName: 'Ada', lastName: 'Lovelace' },
  });
  const open = (
    await openRequestsOfCustomer(db, organizationId, customer.row.id, new Date().toISOString())
  ).find((r) => r.gathererJwtId !== null);
  const request =
    open ??
    (
      await createKycRequest(deps, organizationId, {
        customerId: customer.row.id,
        documents: [{ type: 'identity-proof', faceProofRequired: true }, { type: 'address-proof' }],
        expirationTime: new Date(Date.now() + DEMO_REQUEST_TTL_MS).toISOString(),
      })
    ).request;
  const jwt = await db
    .selectFrom('customerJwts')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('id', '=', request.gathererJwtId!)
    .executeTakeFirstOrThrow();
  const token = await signGathererToken(deps, jwt, request.id);
  const code = shortGathererCode(token, jwt.id);
  return {
    url: gathererUrl(deps.config.publicUrl, token),
    shortUrl: code ? `${deps.config.publicUrl}/g/${code}` : null,
    requestId: request.id,
  };
}
