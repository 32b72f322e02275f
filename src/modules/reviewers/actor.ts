/** Who is acting on a document by hand: a reviewer session, or a secret key named by its description. */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../errors.ts';
import { principalOf } from '../../http/access.ts';
import type { Deps } from '../deps.ts';
import type { Actor } from './reviewers.repo.ts';

export async function actorOf(deps: Pick<Deps, 'db'>, request: FastifyRequest): Promise<Actor> {
  const principal = principalOf(request);
  if (principal.kind === 'reviewer') {
    return {
      type: 'reviewer',
      id: principal.reviewerId,
      name: principal.name,
      mayOverride: principal.role === 'admin',
    };
  }
  if (principal.kind !== 'secret') {
    throw new AppError('forbidden', 'Only a secret key or a reviewer can review documents');
  }
  const key = await deps.db.kysely
    .selectFrom('apiKeys')
    .select('description')
    .where('organizationId', '=', principal.organizationId)
    .where('id', '=', principal.apiKeyId)
    .executeTakeFirst();
  return { type: 'api-key', id: principal.apiKeyId, name: key?.description ?? null, mayOverride: true };
}
