/**
 * `POST /files`: inspect the bytes, store the blob, then the row. The row is never written without its
 * blob, and a blob whose row could not be written is deleted again, so a failed upload leaves nothing.
 */
import type { Principal } from '../../auth/principal.ts';
import type { FileRow, FilesTable } from '../../db/schema.ts';
import { newId } from '../../lib/ids.ts';
import type { Deps } from '../deps.ts';
import type { FileMetadataInput } from './files.schemas.ts';
import { inspectFileContent } from './inspect-file-content.ts';
import { insertFile } from './files.repo.ts';

export interface UploadInput {
  bytes: Buffer;
  /** The client's file name (multipart `filename`), the default `name`. */
  filename?: string | undefined;
  metadata: FileMetadataInput;
}

const NAME_MAX = 255;
// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

/** Trimmed, de-duplicated, without empty tags (rebilly-js-sdk sends `['']` by default). */
export function normalizeTags(tags: readonly string[] | undefined): string[] {
  return [...new Set((tags ?? []).map((tag) => tag.trim()).filter((tag) => tag !== ''))];
}

/** A display name from a client's file name: no folders ("C:\fakepath\…"), no control characters. */
function nameFromFilename(filename: string | undefined, extension: string, isConverted: boolean): string {
  const base = (filename ?? '').split(/[\\/]/).pop()!.replace(CONTROL_CHARACTERS, '').trim();
  if (base === '') return `upload.${extension}`;
  // A converted photo (IMG_0001.HEIC) is now a JPEG: say so in the default name.
  const name = isConverted ? `${base.replace(/\.[^.]*$/, '')}.${extension}` : base;
  return name.slice(0, NAME_MAX);
}

/** Blob keys allow `[\w.-]` segments; the file id (a ULID) alone keeps keys unique. */
export function storageKeyOf(organizationId: string, fileId: string): string {
  const folder = organizationId.replace(/[^\w.-]/g, '_').replace(/^\.+$/, '_');
  return `${folder}/${fileId}`;
}

export async function uploadFile(deps: Deps, principal: Principal, input: UploadInput): Promise<FileRow> {
  const content = await inspectFileContent(input.bytes, {
    maxBytes: deps.config.maxUploadBytes,
    maxPixels: deps.config.maxImagePixels,
  });
  const { metadata } = input;
  const id = newId('file');
  const now = new Date().toISOString();
  const row: FilesTable = {
    organizationId: principal.organizationId,
    id,
    customerId: principal.kind === 'customer' ? principal.customerId : null,
    name: metadata.name ?? nameFromFilename(input.filename, content.extension, content.isConverted),
    extension: content.extension,
    description: metadata.description ?? null,
    sourceType: metadata.sourceType ?? null,
    tags: JSON.stringify(normalizeTags(metadata.tags)),
    mime: content.mime,
    size: content.size,
    width: content.width,
    height: content.height,
    sha1: content.sha1,
    sha256: content.sha256,
    exifData: content.exifData ? JSON.stringify(content.exifData) : null,
    // Publishable keys and customer tokens only ever create private files.
    isPublic: principal.kind === 'secret' && metadata.isPublic === true ? 1 : 0,
    storageKey: storageKeyOf(principal.organizationId, id),
    createdTime: now,
    updatedTime: now,
  };
  await deps.blobs.put(row.storageKey, content.bytes);
  try {
    await insertFile(deps.db.kysely, row);
  } catch (error) {
    await deps.blobs.delete(row.storageKey).catch(() => undefined);
    throw error;
  }
  return row;
}
