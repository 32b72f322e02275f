/**
 * The official rebilly-js-sdk pointed at a listening test app: the merchant's backend (secret key), the
 * gatherer page (storefront client with the link's customer token) and a browser-held core client (the
 * token as session token, for `files.upload`). Every client gets a fresh `urls` object: the SDK mutates its
 * shared default (spec §11.2).
 */
import RebillyAPI, { RebillyStorefrontAPI } from 'rebilly-js-sdk';
import type { TestOrg } from './app.ts';

export interface SdkClients {
  merchant: () => ReturnType<typeof RebillyAPI>;
  gatherer: (jwt: string) => ReturnType<typeof RebillyStorefrontAPI>;
  browser: (token: string) => ReturnType<typeof RebillyAPI>;
}

export function sdkClients(base: string, org: TestOrg, timeout = 6000): SdkClients {
  const urls = () => ({ live: base, sandbox: base });
  return {
    merchant: () =>
      RebillyAPI({ apiKey: org.secretKey, organizationId: org.id, urls: urls(), sandbox: true, timeout }),
    gatherer: (jwt) =>
      RebillyStorefrontAPI({ jwt, organizationId: org.id, urls: urls(), sandbox: true, timeout }),
    browser: (token) => {
      const client = RebillyAPI({ organizationId: org.id, urls: urls(), sandbox: true, timeout });
      client.setSessionToken(token);
      return client;
    },
  };
}

/** The HTTP status a Member came with (present at runtime, absent from the SDK's types). */
export const statusOf = (result: unknown) => (result as { response: { status: number } }).response.status;
