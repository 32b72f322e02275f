/**
 * Files (spec §8): `POST /files` (three ways of uploading), `GET /files`, `GET/PUT/DELETE /files/{id}`,
 * `GET /files/{id}/download`.
 *
 * Who may call what:
 * - secret keys: everything, on every file of their organization;
 * - customer tokens (the gatherer): `PostFile`, and `GetFile` / `GetFileDownload` of the files that the
 *   same customer uploaded (any other file is a 404, as if it did not exist); their uploads are private;
 * - publishable keys: `PostFile` only, and the file is private (spec: PostFile security).
 * Listing, changing and deleting files is for secret keys only: a customer never learns what else exists.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { confinedCustomerId, type Principal } from '../../auth/principal.ts';
import { notFound } from '../../errors.ts';
import { principalOf } from '../../http/access.ts';
import { CollectionQuery, DEFAULT_LIMIT, IdParams, problems, sendPage } from '../../http/schemas.ts';
import { parseFilter, parseSort } from '../../lib/collection-query.ts';
import { resourceUrl, type Deps } from '../deps.ts';
import { deleteFile } from './delete-file.ts';
import { downloadFile } from './download-file.ts';
import {
  File,
  FileCreateBody,
  FileDownloadQuery,
  FileDownloadResponse,
  FileUpdateInput,
} from './files.schemas.ts';
import { FILE_FILTER_FIELDS, FILE_SORTS, findFile, listFiles } from './files.repo.ts';
import { presentFile } from './present-file.ts';
import { readUploadRequest } from './read-upload-request.ts';
import { updateFileMetadata } from './update-file.ts';
import { uploadFile } from './upload-file.ts';

const tags = ['Files'];

export const filesRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, deps) => {
  /** The file if this principal may see it: customer tokens see only their own uploads. */
  const visibleFile = async (principal: Principal, id: string) => {
    const row = await findFile(deps.db.kysely, principal.organizationId, id);
    const customerId = confinedCustomerId(principal);
    if (!row || (customerId !== undefined && row.customerId !== customerId)) {
      throw notFound('File');
    }
    return row;
  };

  app.get(
    '/files',
    {
      schema: {
        operationId: 'GetFileCollection',
        tags,
        querystring: Type.Omit(CollectionQuery, ['expand']),
        response: { 200: Type.Array(File), ...problems(401, 403, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const query = request.query;
      const limit = query.limit ?? DEFAULT_LIMIT;
      const offset = query.offset ?? 0;
      const { rows, total } = await listFiles(deps.db.kysely, organizationId, {
        clauses: parseFilter(query.filter, FILE_FILTER_FIELDS),
        sort: parseSort(query.sort, Object.keys(FILE_SORTS), [{ field: 'createdTime', descending: true }]),
        limit,
        offset,
        q: query.q,
      });
      const items = rows.map((row) => presentFile(deps.config, row));
      return sendPage(reply, { items, total, limit, offset });
    },
  );

  app.post(
    '/files',
    {
      schema: {
        operationId: 'PostFile',
        tags,
        description:
          'Upload a JPEG, PNG, GIF, PDF or HEIC file (HEIC is stored as JPEG) as multipart/form-data, as the raw body, or as base64 in JSON. The type is read from the bytes. JSON `{url}` is refused: kycgate never fetches URLs.',
        body: FileCreateBody,
        response: { 201: File, ...problems(400, 401, 403, 413, 415, 422) },
      },
      config: { allow: ['secret', 'publishable', 'customer'] },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const upload = await readUploadRequest(request, deps.config.maxUploadBytes);
      const row = await uploadFile(deps, principal, upload);
      request.log.info({ fileId: row.id, mime: row.mime, size: row.size }, 'file uploaded');
      void reply
        .code(201)
        .header('Location', resourceUrl(deps.config, row.organizationId, `files/${row.id}`));
      return presentFile(deps.config, row);
    },
  );

  app.get(
    '/files/:id',
    {
      schema: {
        operationId: 'GetFile',
        tags,
        params: IdParams,
        response: { 200: File, ...problems(401, 403, 404) },
      },
      config: { allow: ['secret', 'customer'] },
    },
    async (request) => {
      const row = await visibleFile(principalOf(request), request.params.id);
      return presentFile(deps.config, row);
    },
  );

  app.put(
    '/files/:id',
    {
      schema: {
        operationId: 'PutFile',
        tags,
        description:
          'Changes the metadata (name, description, tags, sourceType, isPublic); fields left out keep their value. Content can only be uploaded with POST; an unknown id is a 404.',
        params: IdParams,
        body: FileUpdateInput,
        response: { 200: File, ...problems(400, 401, 403, 404, 422) },
      },
      config: { allow: ['secret'] },
    },
    async (request) => {
      const { organizationId } = principalOf(request);
      const row = await updateFileMetadata(deps, organizationId, request.params.id, request.body);
      return presentFile(deps.config, row);
    },
  );

  app.delete(
    '/files/:id',
    {
      schema: {
        operationId: 'DeleteFile',
        tags,
        description: 'Deletes the file and its attachments.',
        params: IdParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
      config: { allow: ['secret'] },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      const { blobError } = await deleteFile(deps, organizationId, request.params.id);
      if (blobError) {
        request.log.warn({ err: blobError, fileId: request.params.id }, 'file deleted; its blob was not');
      }
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/files/:id/download',
    {
      schema: {
        operationId: 'GetFileDownload',
        tags,
        params: IdParams,
        querystring: FileDownloadQuery,
        response: { 200: FileDownloadResponse, ...problems(401, 403, 404, 422) },
      },
      config: { allow: ['secret', 'customer'] },
    },
    async (request, reply) => {
      const row = await visibleFile(principalOf(request), request.params.id);
      const download = await downloadFile(deps, row, request.query.imageSize);
      const disposition = row.mime === 'application/pdf' ? 'attachment' : 'inline';
      return reply
        .type(download.mime)
        .header('Content-Disposition', `${disposition}; filename="${download.filename}"`)
        .header('X-Content-Type-Options', 'nosniff')
        .header('Cache-Control', 'private, no-store')
        .send(download.bytes);
    },
  );
};
