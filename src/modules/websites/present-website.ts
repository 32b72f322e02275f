import type { Config } from '../../config.ts';
import type { Website as WebsiteRow } from '../../db/schema.ts';
import { resourceUrl } from '../deps.ts';
import type { Website } from './websites.schemas.ts';

export function presentWebsite(config: Config, row: WebsiteRow): Website {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    serviceEmail: row.serviceEmail,
    servicePhone: row.servicePhone,
    logoId: null,
    logoUrl: null,
    createdTime: row.createdTime,
    updatedTime: row.updatedTime,
    _links: [{ rel: 'self', href: resourceUrl(config, row.organizationId, `websites/${row.id}`) }],
  };
}
