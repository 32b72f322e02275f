/**
 * kycgate extension — the review console's reading endpoints:
 * - `GET /review-queue`: documents waiting for a person (status `pending` after analysis put them in the
 *   manual band, or with no analyzer for their type), oldest first, with who has claimed each;
 *   `filter` takes `documentType`, `customerId`, `requestId`, `reviewerId` and `createdTime` ranges.
 * - `GET /kyc-documents/{id}/review-actions`: what people did to a document, oldest first.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { selectPage } from '../../db/collection.ts';
import type { KycDocumentRow } from '../../db/schema.ts';
import { notFound } from '../../errors.ts';
import { principalOf } from '../../http/access.ts';
import { CollectionQuery, DEFAULT_LIMIT, IdParams, problems, sendPage } from '../../http/schemas.ts';
import { parseFilter } from '../../lib/collection-query.ts';
import type { Deps } from '../deps.ts';
import {
  findKycDocument,
  KYC_DOCUMENT_FILTERS,
  KYC_DOCUMENT_SORTS,
} from '../kyc-documents/kyc-documents.repo.ts';
import type { ReviewQueueItem as QueueItem } from './reviewers.schemas.ts';
import { ReviewAction, ReviewQueueItem } from './reviewers.schemas.ts';
import { listReviewActions } from './reviewers.repo.ts';

const tags = ['Review console'];

const QUEUE_FILTERS = Object.fromEntries(
  ['documentType', 'customerId', 'requestId', 'reviewerId', 'createdTime', 'processedTime'].map((f) => [
    f,
    KYC_DOCUMENT_FILTERS[f]!,
  ]),
);

interface Matches {
  score?: number | null;
  checkList?: { name: string; failed: boolean }[] | null;
}
interface Thresholds {
  thresholds?: { acceptAbove?: number; rejectBelow?: number };
}

const parse = <T>(json: string | null): T | null => (json ? (JSON.parse(json) as T) : null);

export const reviewQueueRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, deps) => {
  app.get(
    '/review-queue',
    {
      schema: {
        operationId: 'GetReviewQueue',
        tags,
        description:
          'kycgate extension: documents awaiting a person, oldest first. `filter` takes documentType, customerId, requestId, reviewerId and createdTime/processedTime ranges.',
        querystring: Type.Pick(CollectionQuery, ['limit', 'offset', 'filter']),
        response: { 200: Type.Array(ReviewQueueItem), ...problems(401, 403, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const limit = request.query.limit ?? DEFAULT_LIMIT;
      const offset = request.query.offset ?? 0;
      const { rows, total } = await selectPage(
        deps.db.kysely
          .selectFrom('kycDocuments')
          .where('organizationId', '=', organizationId)
          .where('status', '=', 'pending')
          .where('reviewRequired', '=', 1),
        QUEUE_FILTERS,
        KYC_DOCUMENT_SORTS,
        {
          clauses: parseFilter(request.query.filter, QUEUE_FILTERS),
          sort: [{ field: 'createdTime', descending: false }],
          limit,
          offset,
        },
      );
      const customerIds = [...new Set(rows.map((r) => r.customerId))];
      const customers =
        customerIds.length === 0
          ? []
          : await deps.db.kysely
              .selectFrom('customers')
              .select(['id', 'firstName', 'lastName', 'primaryAddress'])
              .where('organizationId', '=', organizationId)
              .where('id', 'in', customerIds)
              .execute();
      const names = new Map(
        customers.map((c) => {
          const address = parse<{ firstName?: string; lastName?: string }>(c.primaryAddress);
          const first = c.firstName ?? address?.firstName ?? '';
          const last = c.lastName ?? address?.lastName ?? '';
          return [c.id, `${first} ${last}`.trim() || null];
        }),
      );
      const items = rows.map((row) => queueItem(row, names.get(row.customerId) ?? null));
      return sendPage(reply, { items, total, limit, offset });
    },
  );

  app.get(
    '/kyc-documents/:id/review-actions',
    {
      schema: {
        operationId: 'GetKycDocumentReviewActions',
        tags,
        description:
          'kycgate extension: what people (reviewers, secret keys) did to the document, oldest first.',
        params: IdParams,
        response: { 200: Type.Array(ReviewAction), ...problems(401, 403, 404) },
      },
      config: { allow: ['secret'] },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const document = await findKycDocument(deps.db.kysely, organizationId, request.params.id);
      if (!document) throw notFound('KYC document');
      const rows = await listReviewActions(deps.db.kysely, organizationId, document.id);
      return rows.map((row) => ({
        id: row.id,
        kycDocumentId: row.kycDocumentId,
        action: row.action,
        actorType: row.actorType,
        actorId: row.actorId,
        actorName: row.actorName,
        detail: parse<Record<string, unknown>>(row.detail),
        createdTime: row.createdTime,
      }));
    },
  );
};

function queueItem(row: KycDocumentRow, customerName: string | null): QueueItem {
  const matches = parse<Matches>(row.documentMatches);
  const settings = parse<Thresholds>(row.settings);
  return {
    id: row.id,
    documentType: row.documentType as QueueItem['documentType'],
    documentSubtype: row.documentSubtype as QueueItem['documentSubtype'],
    customerId: row.customerId,
    customerName,
    requestId: row.requestId,
    score: matches?.score ?? null,
    acceptAbove: settings?.thresholds?.acceptAbove ?? null,
    rejectBelow: settings?.thresholds?.rejectBelow ?? null,
    failedChecks: (matches?.checkList ?? []).filter((c) => c.failed).map((c) => c.name),
    reviewerId: row.reviewStartTime ? row.reviewerId : null,
    reviewerName: row.reviewStartTime ? row.reviewerName : null,
    reviewStartTime: row.reviewStartTime,
    createdTime: row.createdTime,
    processedTime: row.processedTime,
  };
}
