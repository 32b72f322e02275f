/**
 * Storefront liveness sessions (spec §7) under every storefront prefix, customer tokens only:
 * `POST /kyc-liveness-sessions`, `GET /kyc-liveness-sessions/{id}`, kycgate's
 * `POST /kyc-liveness-sessions/{id}/frames` (multipart) and `POST /kyc-liveness-sessions/{id}/finish`.
 * A session belongs to the token's customer and to one of their KYC requests; others get 404.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principalOf } from '../../http/access.ts';
import { IdParams, problems } from '../../http/schemas.ts';
import type { Deps } from '../deps.ts';
import { storefrontCaller } from '../kyc-documents/kyc-documents.routes.ts';
import { createKycLivenessSession } from './create-kyc-liveness-session.ts';
import { finishKycLivenessSession } from './finish-kyc-liveness-session.ts';
import {
  LivenessFramesAccepted,
  LivenessFramesForm,
  StorefrontKycLivenessSession,
  StorefrontKycLivenessSessionInput,
} from './kyc-liveness-sessions.schemas.ts';
import { visibleLivenessSession } from './liveness-session-access.ts';
import { presentStorefrontLivenessSession } from './present-kyc-liveness-session.ts';
import { uploadLivenessFrames } from './upload-liveness-frames.ts';

const tags = ['Storefront KYC liveness'];

export const storefrontKycLivenessSessionsRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, deps) => {
  app.post(
    '/kyc-liveness-sessions',
    {
      schema: {
        operationId: 'StorefrontPostKycLivenessSession',
        tags,
        description:
          'Starts a liveness session for a KYC request of the customer. kycgate extension: `challenge` (the moves to make, in order, with a nonce to send back with the frames).',
        body: StorefrontKycLivenessSessionInput,
        response: { 201: StorefrontKycLivenessSession, ...problems(400, 401, 403, 409, 422) },
      },
      config: { allow: ['customer'] },
    },
    async (request, reply) => {
      const row = await createKycLivenessSession(deps, storefrontCaller(request), request.body);
      return reply.code(201).send(presentStorefrontLivenessSession(deps.config, row));
    },
  );

  app.get(
    '/kyc-liveness-sessions/:id',
    {
      schema: {
        operationId: 'StorefrontGetKycLivenessSession',
        tags,
        params: IdParams,
        response: { 200: StorefrontKycLivenessSession, ...problems(401, 403, 404) },
      },
      config: { allow: ['customer'] },
    },
    async (request) =>
      presentStorefrontLivenessSession(
        deps.config,
        await visibleLivenessSession(deps.db.kysely, storefrontCaller(request), request.params.id),
      ),
  );

  app.post(
    '/kyc-liveness-sessions/:id/frames',
    {
      schema: {
        operationId: 'StorefrontPostKycLivenessSessionFrames',
        tags,
        description:
          'kycgate extension: the frames of the capture, as multipart/form-data — `nonce`, `timestamps` (comma-separated milliseconds since the capture started, increasing), then one `frame` file part per frame (JPEG or PNG, in capture order, at most 60, each ≤ 2 MB and ≤ 4 megapixels). Replaces earlier frames while the session is pending; frames already sent to another session are refused.',
        params: IdParams,
        body: { content: { 'multipart/form-data': { schema: LivenessFramesForm } } },
        response: { 202: LivenessFramesAccepted, ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
      },
      config: { allow: ['customer'] },
    },
    async (request, reply) => {
      const accepted = await uploadLivenessFrames(
        deps,
        storefrontCaller(request),
        request.params.id,
        request,
      );
      return reply.code(202).send(accepted);
    },
  );

  app.post(
    '/kyc-liveness-sessions/:id/finish',
    {
      schema: {
        operationId: 'StorefrontPostKycLivenessSessionFinish',
        tags,
        description:
          'Verifies the frames and finalizes a pending session: `succeeded` (with `referenceImage`) or `failed` (with the kycgate extension `failureReason`). A session in any other status is returned as it is.',
        params: IdParams,
        response: { 200: StorefrontKycLivenessSession, ...problems(401, 403, 404, 503) },
      },
      config: { allow: ['customer'] },
    },
    async (request) => {
      const row = await finishKycLivenessSession(
        deps,
        storefrontCaller(request),
        principalOf(request),
        request.params.id,
      );
      return presentStorefrontLivenessSession(deps.config, row);
    },
  );
};
