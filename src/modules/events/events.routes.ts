/**
 * `GET /events` — kycgate extension: the event outbox of the organization, oldest first by default, each
 * with the resource as it was at that revision. Useful to audit what webhooks carry (or will carry). Also
 * lists the organization events (`webhook-deactivated`), which are not sent to webhooks.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { principalOf } from '../../http/access.ts';
import {
  CollectionQuery,
  DateTime,
  DEFAULT_LIMIT,
  Nullable,
  problems,
  sendPage,
} from '../../http/schemas.ts';
import { parseFilter, parseSort } from '../../lib/collection-query.ts';
import type { Deps } from '../deps.ts';
import { EVENT_FILTERS, EVENT_RESOURCE_TYPES, EVENT_TYPES, listEvents } from './events.repo.ts';

const Event = Type.Object(
  {
    id: Type.String(),
    eventType: Type.Enum([...EVENT_TYPES]),
    resourceType: Type.Enum([...EVENT_RESOURCE_TYPES]),
    resourceId: Type.String(),
    customerId: Nullable(Type.String({ description: 'null for organization events (webhook-deactivated)' })),
    revision: Type.Integer(),
    resource: Type.Record(Type.String(), Type.Unknown()),
    createdTime: DateTime,
  },
  { title: 'Event', description: 'kycgate extension: an entry of the event outbox' },
);

export const eventsRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, deps) => {
  app.get(
    '/events',
    {
      schema: {
        operationId: 'GetEventCollection',
        tags: ['Events (kycgate extension)'],
        description: 'kycgate extension: the organization’s KYC events, as written to the outbox.',
        querystring: CollectionQuery,
        response: { 200: Type.Array(Event), ...problems(401, 403, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const limit = request.query.limit ?? DEFAULT_LIMIT;
      const offset = request.query.offset ?? 0;
      const { rows, total } = await listEvents(deps.db.kysely, organizationId, {
        clauses: parseFilter(request.query.filter, EVENT_FILTERS),
        sort: parseSort(request.query.sort, ['id', 'createdTime'], [{ field: 'id', descending: false }]),
        limit,
        offset,
      });
      const items = rows.map((row) => ({
        id: row.id,
        eventType: row.eventType as (typeof EVENT_TYPES)[number],
        resourceType: row.resourceType as (typeof EVENT_RESOURCE_TYPES)[number],
        resourceId: row.resourceId,
        customerId: row.customerId === '' ? null : row.customerId,
        revision: row.revision,
        resource: JSON.parse(row.payload) as Record<string, unknown>,
        createdTime: row.createdTime,
      }));
      return sendPage(reply, { items, total, limit, offset });
    },
  );
};
