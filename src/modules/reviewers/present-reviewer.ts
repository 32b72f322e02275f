import type { Config } from '../../config.ts';
import type { ReviewerRow } from '../../db/schema.ts';
import { resourceUrl } from '../deps.ts';
import type { Reviewer } from './reviewers.schemas.ts';

/** A reviewer row → its API shape (never the password hash or the failure count). */
export function presentReviewer(config: Config, row: ReviewerRow): Reviewer {
  const locked = row.lockedUntil && Date.parse(row.lockedUntil) > Date.now() ? row.lockedUntil : null;
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    status: row.status,
    lockedUntil: locked,
    lastSignInTime: row.lastSignInTime,
    createdTime: row.createdTime,
    updatedTime: row.updatedTime,
    _links: [{ rel: 'self', href: resourceUrl(config, row.organizationId, `reviewers/${row.id}`) }],
  };
}
