/**
 * kycgate extension — reviewers of the review console and their sessions.
 * - `GET/POST /reviewers`, `GET/PATCH /reviewers/{id}`: secret keys and admin reviewers.
 * - `POST /reviewer-sessions` (public: email and password) signs in and returns a session token;
 *   `GET /reviewer-sessions/current` tells who is signed in; `DELETE /reviewer-sessions/current` signs out.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { ROLE_OPERATIONS } from '../../auth/reviewer-roles.ts';
import { AppError, invalidField, notFound } from '../../errors.ts';
import { principalOf } from '../../http/access.ts';
import { CollectionQuery, DEFAULT_LIMIT, IdParams, problems, sendPage } from '../../http/schemas.ts';
import { parseFilter, parseSort } from '../../lib/collection-query.ts';
import { resourceUrl, type Deps } from '../deps.ts';
import { presentReviewer } from './present-reviewer.ts';
import {
  findReviewer,
  findReviewerSession,
  listReviewers,
  REVIEWER_FILTERS,
  REVIEWER_SORTS,
} from './reviewers.repo.ts';
import { Reviewer, ReviewerInput, ReviewerPatch, ReviewerSession, SignInInput } from './reviewers.schemas.ts';
import { createReviewer, updateReviewerFields } from './save-reviewer.ts';
import { createSignInGuard, signInReviewer } from './sign-in-reviewer.ts';

const tags = ['Review console'];

function reviewerSession(request: FastifyRequest) {
  const principal = principalOf(request);
  if (principal.kind !== 'reviewer') throw new AppError('forbidden', 'A reviewer session is required');
  return principal;
}

export const reviewersRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, deps) => {
  const guard = createSignInGuard();

  app.get(
    '/reviewers',
    {
      schema: {
        operationId: 'GetReviewerCollection',
        tags,
        description: 'kycgate extension: the reviewers of the organization.',
        querystring: CollectionQuery,
        response: { 200: Type.Array(Reviewer), ...problems(401, 403, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const limit = request.query.limit ?? DEFAULT_LIMIT;
      const offset = request.query.offset ?? 0;
      const { rows, total } = await listReviewers(deps.db.kysely, organizationId, {
        clauses: parseFilter(request.query.filter, REVIEWER_FILTERS),
        sort: parseSort(request.query.sort, Object.keys(REVIEWER_SORTS), [
          { field: 'name', descending: false },
        ]),
        limit,
        offset,
      });
      return sendPage(reply, {
        items: rows.map((r) => presentReviewer(deps.config, r)),
        total,
        limit,
        offset,
      });
    },
  );

  app.post(
    '/reviewers',
    {
      schema: {
        operationId: 'PostReviewer',
        tags,
        description: 'kycgate extension: adds a reviewer who can sign in to the review console.',
        body: ReviewerInput,
        response: { 201: Reviewer, ...problems(400, 401, 403, 409, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const row = await createReviewer(deps, organizationId, request.body);
      void reply
        .code(201)
        .header('Location', resourceUrl(deps.config, organizationId, `reviewers/${row.id}`));
      return presentReviewer(deps.config, row);
    },
  );

  app.get(
    '/reviewers/:id',
    {
      schema: {
        operationId: 'GetReviewer',
        tags,
        description: 'kycgate extension: one reviewer.',
        params: IdParams,
        response: { 200: Reviewer, ...problems(401, 403, 404) },
      },
      config: { allow: ['secret'] },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const row = await findReviewer(deps.db.kysely, organizationId, request.params.id);
      if (!row) throw notFound('Reviewer');
      return presentReviewer(deps.config, row);
    },
  );

  app.patch(
    '/reviewers/:id',
    {
      schema: {
        operationId: 'PatchReviewer',
        tags,
        description:
          'kycgate extension: changes a reviewer. `status: inactive` deactivates (sessions end at once); a new `password` ends sessions and lifts a lockout.',
        params: IdParams,
        body: ReviewerPatch,
        response: { 200: Reviewer, ...problems(400, 401, 403, 404, 409, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      return presentReviewer(
        deps.config,
        await updateReviewerFields(deps, organizationId, request.params.id, request.body),
      );
    },
  );

  app.post(
    '/reviewer-sessions',
    {
      schema: {
        operationId: 'PostReviewerSession',
        tags,
        description:
          'kycgate extension: a reviewer signs in with email and password. The organization comes from the path or `organizationId`. Repeated failures lock the account for 15 minutes (429).',
        body: SignInInput,
        response: { 201: ReviewerSession, ...problems(400, 401, 422, 429) },
      },
    },
    async (request, reply) => {
      const fromPath = (request.params as { organizationId?: string }).organizationId;
      const { organizationId: fromBody, email, password } = request.body;
      if (fromPath && fromBody && fromPath !== fromBody) {
        throw invalidField('organizationId', 'must equal the organization in the path');
      }
      const organizationId = fromPath ?? fromBody;
      if (!organizationId) throw invalidField('organizationId', 'is required');
      const signedIn = await signInReviewer(deps, guard, {
        organizationId,
        email,
        password,
        address: request.ip,
      });
      const { reviewer } = signedIn;
      return reply.code(201).send({
        id: signedIn.sessionId,
        token: signedIn.token,
        organizationId,
        reviewer: { id: reviewer.id, name: reviewer.name, email: reviewer.email, role: reviewer.role },
        permissions: [...ROLE_OPERATIONS[reviewer.role]],
        createdTime: signedIn.createdTime,
        expiredTime: signedIn.expiredTime,
      });
    },
  );

  app.get(
    '/reviewer-sessions/current',
    {
      schema: {
        operationId: 'GetReviewerSession',
        tags,
        description: 'kycgate extension: the signed-in reviewer and what their role permits.',
        response: { 200: ReviewerSession, ...problems(401, 403) },
      },
      config: { allow: ['reviewer'] },
    },
    async (request) => {
      const principal = reviewerSession(request);
      const session = await findReviewerSession(
        deps.db.kysely,
        principal.organizationId,
        principal.sessionId,
      );
      const reviewer = await findReviewer(deps.db.kysely, principal.organizationId, principal.reviewerId);
      if (!session || !reviewer) throw new AppError('unauthorized', 'The session has ended');
      return {
        id: session.id,
        organizationId: principal.organizationId,
        reviewer: { id: reviewer.id, name: reviewer.name, email: reviewer.email, role: reviewer.role },
        permissions: [...ROLE_OPERATIONS[reviewer.role]],
        createdTime: session.createdTime,
        expiredTime: session.expiredTime,
      };
    },
  );

  app.delete(
    '/reviewer-sessions/current',
    {
      schema: {
        operationId: 'DeleteReviewerSession',
        tags,
        description: 'kycgate extension: signs out; the token stops working at once.',
        response: { 204: Type.Null(), ...problems(401, 403) },
      },
      config: { allow: ['reviewer'] },
    },
    async (request, reply) => {
      const principal = reviewerSession(request);
      await deps.db.kysely
        .updateTable('reviewerSessions')
        .set({ revokedTime: new Date().toISOString() })
        .where('organizationId', '=', principal.organizationId)
        .where('id', '=', principal.sessionId)
        .execute();
      return reply.code(204).send(null);
    },
  );
};
