/**
 * The three ways a `POST /files` arrives (spec §8), turned into bytes plus validated metadata:
 * - `multipart/form-data`: one file part and text fields named like the JSON properties. `tags` may come
 *   as repeated fields, `tags[]`/`tags[0]`, or one comma-separated value; `isPublic` as true|false|1|0;
 * - a raw body (`image/*`, `application/pdf`, `application/octet-stream`), already a Buffer: no metadata;
 * - JSON `{file: <base64>, …}`. JSON `{url, …}` is refused: kycgate never fetches anything.
 */
import type { FastifyRequest } from 'fastify';
import { AppError, invalidField } from '../../errors.ts';
import { toInvalidFields, validatorCompiler } from '../../http/validation.ts';
import { FileMetadataInput, type FileCreateJson } from './files.schemas.ts';
import { tooLarge } from './inspect-file-content.ts';
import type { UploadInput } from './upload-file.ts';

const validateMetadata = validatorCompiler({
  schema: FileMetadataInput,
  httpPart: 'body',
  method: 'POST',
  url: '/files',
}) as (data: unknown) => {
  value?: unknown;
  error?: Error & { validation?: Parameters<typeof toInvalidFields>[0] };
};

function checkedMetadata(candidate: Record<string, unknown>): FileMetadataInput {
  const result = validateMetadata(candidate);
  if (result.error) {
    const invalidFields = toInvalidFields(result.error.validation ?? []);
    const detail = invalidFields.map((f) => `${f.field} ${f.message}`).join('; ');
    throw new AppError('validation-error', detail || 'The form fields are invalid', { invalidFields });
  }
  return candidate;
}

const BASE64 = /^[A-Za-z0-9+/\-_]*={0,2}$/;

function decodeBase64(text: string, maxBytes: number): Buffer {
  const payload = text.replace(/^data:[^,]*;base64,/i, '').replace(/\s+/g, '');
  // Refuse before decoding: every 4 characters are 3 bytes.
  if (Math.floor((payload.length * 3) / 4) - 2 > maxBytes) throw tooLarge(maxBytes);
  if (!BASE64.test(payload)) throw invalidField('file', 'must be the bytes of the file in base64');
  return Buffer.from(payload, 'base64');
}

function readJson(body: FileCreateJson, maxBytes: number): UploadInput {
  const { name, description, tags, sourceType, isPublic } = body;
  const metadata = { name, description, tags, sourceType, isPublic };
  if (!('file' in body) || typeof body.file !== 'string') {
    throw invalidField(
      'url',
      'kycgate does not download files from URLs; send the bytes instead (multipart/form-data, the raw body, or base64 in "file")',
    );
  }
  return { bytes: decodeBase64(body.file, maxBytes), metadata };
}

const TRUE = new Set(['true', '1', 'on', 'yes']);
const FALSE = new Set(['false', '0', 'off', 'no', '']);

function metadataFromFields(fields: Map<string, string[]>): FileMetadataInput {
  const last = (name: string) => fields.get(name)?.at(-1);
  const lastNonEmpty = (name: string) =>
    fields
      .get(name)
      ?.filter((v) => v.trim() !== '')
      .at(-1);
  const candidate: Record<string, unknown> = {};
  const name = lastNonEmpty('name');
  if (name !== undefined) candidate.name = name.trim();
  const description = last('description');
  if (description !== undefined) candidate.description = description;
  const sourceType = lastNonEmpty('sourceType');
  if (sourceType !== undefined) candidate.sourceType = sourceType.trim();
  const isPublic = last('isPublic');
  if (isPublic !== undefined) {
    const flag = isPublic.trim().toLowerCase();
    candidate.isPublic = TRUE.has(flag) ? true : FALSE.has(flag) ? false : isPublic;
  }
  const tags = fields.get('tags');
  if (tags !== undefined) {
    candidate.tags = tags.flatMap((value) => value.split(',')).map((tag) => tag.trim());
  }
  return checkedMetadata(candidate);
}

/** `tags[]` and `tags[3]` are `tags`. */
function fieldName(raw: string): string {
  return raw.replace(/\[\d*\]$/, '');
}

async function readMultipart(request: FastifyRequest, maxBytes: number): Promise<UploadInput> {
  const fields = new Map<string, string[]>();
  let file: { bytes: Buffer; filename: string } | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        // The part must be read to the end either way, or the request stalls.
        const bytes = await part.toBuffer();
        if (file) throw invalidField('file', 'send one file per request');
        file = { bytes, filename: part.filename };
      } else {
        const name = fieldName(part.fieldname);
        const value = typeof part.value === 'string' ? part.value : String(part.value);
        fields.set(name, [...(fields.get(name) ?? []), value]);
      }
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(maxBytes);
    if (code === 'FST_FILES_LIMIT') throw invalidField('file', 'send one file per request');
    throw error;
  }
  if (!file) throw invalidField('file', 'is required: send the file as a part named "file"');
  return { ...file, metadata: metadataFromFields(fields) };
}

export async function readUploadRequest(request: FastifyRequest, maxBytes: number): Promise<UploadInput> {
  if (request.isMultipart()) return readMultipart(request, maxBytes);
  const body: unknown = request.body;
  if (Buffer.isBuffer(body)) return { bytes: body, metadata: {} };
  if (body !== null && typeof body === 'object') return readJson(body as FileCreateJson, maxBytes);
  throw invalidField('file', 'is required');
}
