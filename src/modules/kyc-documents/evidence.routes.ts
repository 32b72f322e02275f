/**
 * kycgate extension — what the analysis saw, for reviewers (secret keys only):
 * `GET /kyc-documents/{id}/evidence` (raw MRZ lines, engines and versions, per-stage timings, quality
 * measures, correction codes, the list of kept images) and `GET /kyc-documents/{id}/evidence/{name}`
 * (one kept image, e.g. the portrait crop). Never exposed to customer tokens.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { notFound } from '../../errors.ts';
import { principalOf } from '../../http/access.ts';
import { Id, problems } from '../../http/schemas.ts';
import { resourceUrl, type Deps } from '../deps.ts';
import { evidenceKey } from './analyze-kyc-document.ts';
import { findKycDocument } from './kyc-documents.repo.ts';

const Artifact = Type.Object({
  name: Type.String(),
  mime: Type.String(),
  size: Type.Integer(),
  href: Type.String(),
});
const Evidence = Type.Object(
  {
    documentId: Type.String(),
    evidence: Type.Record(Type.String(), Type.Unknown()),
    artifacts: Type.Array(Artifact),
  },
  { title: 'KycDocumentEvidence', description: 'kycgate extension: the analysis evidence of a document' },
);

interface StoredEvidence {
  artifacts?: { name: string; mime: string; size: number }[];
  [key: string]: unknown;
}

const tags = ['KYC documents'];

export const kycDocumentEvidenceRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, deps) => {
  const load = async (organizationId: string, id: string) => {
    const row = await findKycDocument(deps.db.kysely, organizationId, id);
    if (!row) throw notFound('KYC document');
    return row.evidence ? (JSON.parse(row.evidence) as StoredEvidence) : {};
  };

  app.get(
    '/kyc-documents/:id/evidence',
    {
      schema: {
        operationId: 'GetKycDocumentEvidence',
        tags,
        description: 'kycgate extension: what the analysis of the document saw, for reviewers.',
        params: Type.Object({ id: Id }),
        response: { 200: Evidence, ...problems(401, 403, 404) },
      },
      config: { allow: ['secret'] },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const { artifacts = [], ...evidence } = await load(organizationId, request.params.id);
      return {
        documentId: request.params.id,
        evidence,
        artifacts: artifacts.map((a) => ({
          ...a,
          href: resourceUrl(
            deps.config,
            organizationId,
            `kyc-documents/${request.params.id}/evidence/${a.name}`,
          ),
        })),
      };
    },
  );

  app.get(
    '/kyc-documents/:id/evidence/:name',
    {
      schema: {
        operationId: 'GetKycDocumentEvidenceArtifact',
        tags,
        description: 'kycgate extension: one image kept by the analysis (e.g. the portrait crop).',
        params: Type.Object({ id: Id, name: Type.String({ pattern: '^[\\w.-]{1,100}$' }) }),
        response: {
          200: {
            description: 'The image',
            content: {
              'image/jpeg': {
                schema: Type.Unsafe<unknown>({ type: 'string', contentMediaType: 'image/jpeg' }),
              },
            },
          },
          ...problems(401, 403, 404),
        },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const { artifacts = [] } = await load(organizationId, request.params.id);
      const artifact = artifacts.find((a) => a.name === request.params.name);
      const bytes = artifact
        ? await deps.blobs.get(evidenceKey(organizationId, request.params.id, artifact.name))
        : null;
      if (!artifact || !bytes) throw notFound('Evidence artifact');
      return reply.type(artifact.mime).header('X-Content-Type-Options', 'nosniff').send(bytes);
    },
  );
};
