/**
 * Tagging KYC documents (spec §5.1): `POST`/`DELETE /tags/{tag}/kyc-documents/{kycDocumentId}` and the
 * bulk forms `POST`/`DELETE /tags/{tag}/kyc-documents` with `{kycDocumentIds}`. A tag is created on first
 * use. Rebilly processes the bulk forms asynchronously; kycgate does them at once (every id must exist,
 * or nothing is tagged). Each change is logged with who made it (review log).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { AppError, notFound } from '../../errors.ts';
import { principalOf } from '../../http/access.ts';
import { problems } from '../../http/schemas.ts';
import type { Deps } from '../deps.ts';
import { actorOf } from '../reviewers/actor.ts';
import { recordReviewAction, type Actor } from '../reviewers/reviewers.repo.ts';
import { ensureTag, findTag, tagDocuments, untagDocuments } from './tags.repo.ts';
import { TagDocumentParams, TagDocumentsBody, TagParams } from './tags.schemas.ts';

const tags = ['KYC documents'];

export const tagsRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, deps) => {
  const change = async (
    organizationId: string,
    name: string,
    documentIds: string[],
    actor: Actor,
    tagging: boolean,
  ) => {
    await deps.db.transaction(async (trx) => {
      const documents = await trx
        .selectFrom('kycDocuments')
        .select(['id', 'customerId'])
        .where('organizationId', '=', organizationId)
        .where('id', 'in', documentIds)
        .execute();
      const missing = documentIds.filter((id) => !documents.some((d) => d.id === id));
      if (missing.length > 0) {
        if (documentIds.length === 1) throw notFound('KYC document');
        throw new AppError('validation-error', `Unknown KYC documents: ${missing.slice(0, 5).join(', ')}`, {
          invalidFields: [{ field: 'kycDocumentIds', message: `unknown: ${missing.slice(0, 5).join(', ')}` }],
        });
      }
      const tag = tagging
        ? await ensureTag(trx, organizationId, name)
        : await findTag(trx, organizationId, name);
      if (!tag) return;
      const changed = tagging
        ? await tagDocuments(trx, organizationId, tag.id, documentIds)
        : await untagDocuments(trx, organizationId, tag.id, documentIds);
      for (const document of documents.filter((d) => changed.includes(d.id))) {
        await recordReviewAction(trx, {
          organizationId,
          kycDocumentId: document.id,
          customerId: document.customerId,
          action: tagging ? 'tag' : 'untag',
          actor,
          detail: { tag: tag.name },
        });
      }
    });
  };

  for (const tagging of [true, false]) {
    const verb = tagging ? 'post' : 'delete';
    app[verb](
      '/tags/:tag/kyc-documents/:kycDocumentId',
      {
        schema: {
          operationId: tagging ? 'PostTagKycDocument' : 'DeleteTagKycDocument',
          tags,
          description: tagging
            ? 'Tags one KYC document (the tag is created on first use).'
            : 'Removes a tag from one KYC document.',
          params: TagDocumentParams,
          response: { 204: Type.Null(), ...problems(401, 403, 404, 422) },
        },
        config: { allow: ['secret'] },
      },
      async (request, reply) => {
        const { organizationId } = principalOf(request);
        const { tag, kycDocumentId } = request.params;
        await change(organizationId, tag, [kycDocumentId], await actorOf(deps, request), tagging);
        return reply.code(204).send(null);
      },
    );
    app[verb](
      '/tags/:tag/kyc-documents',
      {
        schema: {
          operationId: tagging ? 'PostTagKycDocumentCollection' : 'DeleteTagKycDocumentCollection',
          tags,
          description: tagging
            ? 'Tags KYC documents (kycgate: at once, all or none).'
            : 'Removes a tag from KYC documents (kycgate: at once, all or none).',
          params: TagParams,
          body: TagDocumentsBody,
          response: { 204: Type.Null(), ...problems(400, 401, 403, 422) },
        },
        config: { allow: ['secret'] },
      },
      async (request, reply) => {
        const { organizationId } = principalOf(request);
        const { kycDocumentIds } = request.body;
        await change(
          organizationId,
          request.params.tag,
          kycDocumentIds,
          await actorOf(deps, request),
          tagging,
        );
        return reply.code(204).send(null);
      },
    );
  }
};
