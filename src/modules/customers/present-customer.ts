import { createHash } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { CustomerRow, Website as WebsiteRow } from '../../db/schema.ts';
import { resourceUrl } from '../deps.ts';
import { presentWebsite } from '../websites/present-website.ts';
import type { ContactObject, Customer } from './customers.schemas.ts';

export function parseContact(json: string | null): ContactObject | null {
  return json === null ? null : (JSON.parse(json) as ContactObject);
}

/** The read-only `hash` of a contact: a digest of its content, stable across key order. */
export function contactHash(contact: ContactObject): string {
  const { hash: _hash, ...rest } = contact;
  const canonical = JSON.stringify(
    Object.keys(rest)
      .sort()
      .map((k) => [k, rest[k as keyof typeof rest]]),
  );
  return createHash('sha1').update(canonical).digest('hex');
}

export function presentCustomer(
  config: Config,
  row: CustomerRow,
  extra: { website?: WebsiteRow | undefined; hasFulfilledKyc?: boolean } = {},
): Customer {
  const customer: Customer = {
    id: row.id,
    email: row.email,
    firstName: row.firstName,
    lastName: row.lastName,
    websiteId: row.websiteId,
    organizationId: row.organizationId,
    primaryAddress: parseContact(row.primaryAddress),
    customFields: JSON.parse(row.customFields) as Record<string, unknown>,
    locale: row.locale,
    tags: [],
    hasFulfilledKyc: extra.hasFulfilledKyc ?? false,
    revision: row.revision,
    createdTime: row.createdTime,
    updatedTime: row.updatedTime,
    _links: [
      { rel: 'self', href: resourceUrl(config, row.organizationId, `customers/${row.id}`) },
      {
        rel: 'attachments',
        href: resourceUrl(
          config,
          row.organizationId,
          `attachments?filter=relatedType:customer;relatedId:${row.id}`,
        ),
      },
    ],
  };
  if (extra.website) customer._embedded = { website: presentWebsite(config, extra.website) };
  return customer;
}
