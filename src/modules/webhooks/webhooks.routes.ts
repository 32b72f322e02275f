/**
 * Webhooks (secret keys only): `/webhooks` CRUD, signing-secret rotation, `/previews/webhooks`,
 * `/service-credentials/webhook`, and the delivery log `/tracking/webhooks` with re-send. See
 * docs/webhooks.md.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { notFound } from '../../errors.ts';
import { principalOf } from '../../http/access.ts';
import { CollectionQuery, DEFAULT_LIMIT, IdParams, problems, sendPage } from '../../http/schemas.ts';
import { parseFilter, parseSort } from '../../lib/collection-query.ts';
import { enqueue } from '../../queue/queue.ts';
import { resourceUrl, type Deps } from '../deps.ts';
import { presentCredential, presentTracking, presentWebhook } from './present-webhook.ts';
import { createWebhookCredential, updateWebhookCredential } from './save-webhook-credential.ts';
import { previewWebhook } from './preview-webhook.ts';
import { createWebhook, rotateSigningSecret, upsertWebhook } from './save-webhook.ts';
import {
  deleteWebhook,
  findCredential,
  findTracking,
  findWebhook,
  listCredentials,
  listTracking,
  listWebhooks,
  TRACKING_FILTERS,
  TRACKING_SORTS,
  WEBHOOK_FILTERS,
  WEBHOOK_SORTS,
} from './webhooks.repo.ts';
import {
  CredentialParams,
  CredentialTypeParams,
  Webhook,
  WebhookCredential,
  WebhookCredentialInput,
  WebhookCredentialPatch,
  WebhookInput,
  WebhookTracking,
} from './webhooks.schemas.ts';

const tags = ['Webhooks'];

export const webhooksRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, deps) => {
  app.get(
    '/webhooks',
    {
      schema: {
        operationId: 'GetWebhookCollection',
        tags,
        querystring: CollectionQuery,
        response: { 200: Type.Array(Webhook), ...problems(401, 403, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const limit = request.query.limit ?? DEFAULT_LIMIT;
      const offset = request.query.offset ?? 0;
      const { rows, total } = await listWebhooks(deps.db.kysely, organizationId, {
        clauses: parseFilter(request.query.filter, WEBHOOK_FILTERS),
        sort: parseSort(request.query.sort, Object.keys(WEBHOOK_SORTS), [
          { field: 'createdTime', descending: true },
        ]),
        limit,
        offset,
      });
      const items = rows.map((row) => presentWebhook(deps.config, row));
      return sendPage(reply, { items, total, limit, offset });
    },
  );

  app.post(
    '/webhooks',
    {
      schema: {
        operationId: 'PostWebhook',
        tags,
        body: WebhookInput,
        response: { 201: Webhook, ...problems(400, 401, 403, 409, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const row = await createWebhook(deps, organizationId, request.body);
      void reply.code(201).header('Location', resourceUrl(deps.config, organizationId, `webhooks/${row.id}`));
      return { ...presentWebhook(deps.config, row), signingSecret: row.signingSecret };
    },
  );

  app.get(
    '/webhooks/:id',
    {
      schema: {
        operationId: 'GetWebhook',
        tags,
        params: IdParams,
        response: { 200: Webhook, ...problems(401, 403, 404) },
      },
      config: { allow: ['secret'] },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const row = await findWebhook(deps.db.kysely, organizationId, request.params.id);
      if (!row) throw notFound('Webhook');
      return presentWebhook(deps.config, row);
    },
  );

  app.put(
    '/webhooks/:id',
    {
      schema: {
        operationId: 'PutWebhook',
        tags,
        params: IdParams,
        body: WebhookInput,
        response: { 200: Webhook, 201: Webhook, ...problems(400, 401, 403, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const { row, created } = await upsertWebhook(deps, organizationId, request.params.id, request.body);
      if (!created) return presentWebhook(deps.config, row);
      void reply.code(201).header('Location', resourceUrl(deps.config, organizationId, `webhooks/${row.id}`));
      return { ...presentWebhook(deps.config, row), signingSecret: row.signingSecret };
    },
  );

  app.delete(
    '/webhooks/:id',
    {
      schema: {
        operationId: 'DeleteWebhook',
        tags,
        params: IdParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      if (!(await deleteWebhook(deps.db.kysely, organizationId, request.params.id)))
        throw notFound('Webhook');
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/webhooks/:id/signing-secret',
    {
      schema: {
        operationId: 'PostWebhookSigningSecret',
        tags,
        summary: 'Rotate the signing secret (kycgate extension)',
        description:
          "kycgate extension: replaces the webhook's signing secret and returns the new one, once, in " +
          '`signingSecret`. The previous secret keeps signing deliveries for 24 hours (a second `v1=` in ' +
          '`Kycgate-Signature`, until `previousSecretExpiresTime`), so receivers can switch over without ' +
          'rejecting events.',
        params: IdParams,
        response: { 200: Webhook, ...problems(401, 403, 404) },
      },
      config: { allow: ['secret'] },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const row = await rotateSigningSecret(deps, organizationId, request.params.id);
      if (!row) throw notFound('Webhook');
      return { ...presentWebhook(deps.config, row), signingSecret: row.signingSecret };
    },
  );

  app.post(
    '/previews/webhooks',
    {
      schema: {
        operationId: 'PostPreviewWebhook',
        tags,
        summary: 'Trigger a test webhook',
        description:
          'Sends a sample event (the first type of `eventsFilter`, default `kyc-document-created`) to the ' +
          'webhook described in the body, now, and answers 204. Nothing is saved or retried. kycgate ' +
          "extension: `Kycgate-Preview-Status` carries the receiver's HTTP status (or `none`) and " +
          '`Kycgate-Preview-Error` why no 2xx came. Signed only when `id` names a saved webhook.',
        body: WebhookInput,
        response: { 204: Type.Null(), ...problems(400, 401, 403, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const outcome = await previewWebhook(deps, organizationId, request.body);
      void reply.header('kycgate-preview-status', outcome.status === null ? 'none' : String(outcome.status));
      if (outcome.error) void reply.header('kycgate-preview-error', outcome.error.replace(/[\r\n]+/g, ' '));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/service-credentials/:type',
    {
      schema: {
        operationId: 'GetServiceCredentialCollection',
        tags,
        params: CredentialTypeParams,
        querystring: CollectionQuery,
        response: { 200: Type.Array(WebhookCredential), ...problems(401, 403, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const limit = request.query.limit ?? DEFAULT_LIMIT;
      const offset = request.query.offset ?? 0;
      const { rows, total } = await listCredentials(deps.db.kysely, organizationId, { limit, offset });
      const items = rows.map((row) => presentCredential(deps.config, row));
      return sendPage(reply, { items, total, limit, offset });
    },
  );

  app.post(
    '/service-credentials/:type',
    {
      schema: {
        operationId: 'PostServiceCredential',
        tags,
        params: CredentialTypeParams,
        body: WebhookCredentialInput,
        response: { 201: WebhookCredential, ...problems(400, 401, 403, 409, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const row = await createWebhookCredential(deps, organizationId, request.body);
      void reply
        .code(201)
        .header(
          'Location',
          resourceUrl(deps.config, organizationId, `service-credentials/webhook/${row.id}`),
        );
      return presentCredential(deps.config, row);
    },
  );

  app.get(
    '/service-credentials/:type/:id',
    {
      schema: {
        operationId: 'GetServiceCredential',
        tags,
        params: CredentialParams,
        response: { 200: WebhookCredential, ...problems(401, 403, 404) },
      },
      config: { allow: ['secret'] },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const row = await findCredential(deps.db.kysely, organizationId, request.params.id);
      if (!row) throw notFound('Credential');
      return presentCredential(deps.config, row);
    },
  );

  app.patch(
    '/service-credentials/:type/:id',
    {
      schema: {
        operationId: 'PatchServiceCredential',
        tags,
        params: CredentialParams,
        body: WebhookCredentialPatch,
        response: { 200: WebhookCredential, ...problems(400, 401, 403, 404, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const row = await updateWebhookCredential(deps, organizationId, request.params.id, request.body);
      if (!row) throw notFound('Credential');
      return presentCredential(deps.config, row);
    },
  );

  app.get(
    '/tracking/webhooks',
    {
      schema: {
        operationId: 'GetWebhookTrackingLogCollection',
        tags,
        querystring: CollectionQuery,
        response: { 200: Type.Array(WebhookTracking), ...problems(401, 403, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const limit = request.query.limit ?? DEFAULT_LIMIT;
      const offset = request.query.offset ?? 0;
      const { rows, total } = await listTracking(deps.db.kysely, organizationId, {
        clauses: parseFilter(request.query.filter, TRACKING_FILTERS),
        sort: parseSort(request.query.sort, Object.keys(TRACKING_SORTS), [
          { field: 'createdTime', descending: true },
        ]),
        limit,
        offset,
      });
      const items = rows.map((row) => presentTracking(deps.config, row));
      return sendPage(reply, { items, total, limit, offset });
    },
  );

  app.get(
    '/tracking/webhooks/:id',
    {
      schema: {
        operationId: 'GetWebhookTrackingLog',
        tags,
        params: IdParams,
        response: { 200: WebhookTracking, ...problems(401, 403, 404) },
      },
      config: { allow: ['secret'] },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const row = await findTracking(deps.db.kysely, organizationId, request.params.id);
      if (!row) throw notFound('Webhook tracking log');
      return presentTracking(deps.config, row);
    },
  );

  app.post(
    '/tracking/webhooks/:id/resend',
    {
      schema: {
        operationId: 'PostWebhookResend',
        tags,
        description:
          'Queues the delivery of the logged event to its webhook again, with a fresh retry horizon. While ' +
          'a delivery of the same event to the same webhook is still queued, that one stands for it.',
        params: IdParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const log = await findTracking(deps.db.kysely, organizationId, request.params.id);
      if (!log) throw notFound('Webhook tracking log');
      if (!(await findWebhook(deps.db.kysely, organizationId, log.webhookId))) throw notFound('Webhook');
      await enqueue(
        deps.db.kysely,
        deps.jobs.deliverWebhook,
        { organizationId, eventId: log.eventId, webhookId: log.webhookId, since: new Date().toISOString() },
        { jobKey: `${log.eventId}:${log.webhookId}` },
      );
      deps.wakeWorker();
      return reply.code(204).send(null);
    },
  );
};
