/**
 * File schemas (Rebilly `File`, `FileCreateFromInline`, `FileCreateFromUrl`, spec §8), defined once for
 * validation, serialization and the OpenAPI document.
 */
import Type, { type Static } from 'typebox';
import { DateTime, Links, Nullable } from '../../http/schemas.ts';

export const FILE_SOURCE_TYPES = [
  'upload',
  'camera',
  'organization-export',
  'organization-closure-export',
] as const;
export type FileSourceType = (typeof FILE_SOURCE_TYPES)[number];

export const FileSourceTypeSchema = Type.Enum(FILE_SOURCE_TYPES);

/** Tag names: free text. Empty strings are dropped (rebilly-js-sdk's `uploadAndUpdate` sends `['']`). */
export const FileTags = Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 });

/** The metadata a client may write, on every way of uploading and on `PUT /files/{id}`. */
export const FileMetadataInput = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  description: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
  tags: Type.Optional(FileTags),
  sourceType: Type.Optional(Nullable(FileSourceTypeSchema)),
  isPublic: Type.Optional(
    Type.Boolean({ description: 'Ignored (always false) for publishable keys and customer tokens' }),
  ),
});
export type FileMetadataInput = Static<typeof FileMetadataInput>;

export const FileCreateFromInline = Type.Object(
  {
    file: Type.String({
      minLength: 1,
      description: 'The bytes of the file, base64 (a `data:…;base64,` prefix is accepted)',
    }),
    ...FileMetadataInput.properties,
  },
  { title: 'FileCreateFromInline' },
);

export const FileCreateFromUrl = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: 2048,
      description: 'Not supported by kycgate: the server never fetches URLs; the request is answered 422',
    }),
    ...FileMetadataInput.properties,
  },
  { title: 'FileCreateFromUrl' },
);

export const FileCreateJson = Type.Union([FileCreateFromInline, FileCreateFromUrl]);
export type FileCreateJson = Static<typeof FileCreateJson>;

/**
 * `multipart/form-data`: one `file` part and text fields named like the JSON properties. This schema is
 * documentation only (the fields are read from the stream and validated as `FileMetadataInput`), so it
 * names no `type`: the multipart body is not an object when Fastify validates it.
 */
const FileMultipartForm = Type.Unsafe<unknown>({
  title: 'FileCreateMultipart',
  description:
    'A `file` part plus optional fields `name`, `description`, `tags` (repeated, `tags[]`, or comma-separated), `sourceType`, `isPublic` (true|false)',
  properties: {
    file: { type: 'string', contentMediaType: 'application/octet-stream' },
    name: { type: 'string', maxLength: 255 },
    description: { type: 'string', maxLength: 255 },
    tags: { type: 'array', items: { type: 'string' } },
    sourceType: { type: 'string', enum: [...FILE_SOURCE_TYPES] },
    isPublic: { type: 'boolean' },
  },
});

/** The raw bytes as the body; no metadata. Documentation only, like the multipart form. */
const RawFileBody = (mediaType: string) =>
  Type.Unsafe<unknown>({ description: 'The bytes of the file', contentMediaType: mediaType });

/** Content types of `POST /files`, for validation (JSON) and the OpenAPI document (all). */
export const FileCreateBody = {
  content: {
    'application/json': { schema: FileCreateJson },
    'multipart/form-data': { schema: FileMultipartForm },
    'image/jpeg': { schema: RawFileBody('image/jpeg') },
    'image/png': { schema: RawFileBody('image/png') },
    'image/gif': { schema: RawFileBody('image/gif') },
    'image/heic': { schema: RawFileBody('image/heic') },
    'application/pdf': { schema: RawFileBody('application/pdf') },
    'application/octet-stream': { schema: RawFileBody('application/octet-stream') },
  },
};

/**
 * `PUT /files/{id}`: metadata only. Read-only fields a client echoes back from a GET (`id`, `mime`,
 * `extension`, …) are ignored; `file` or a non-empty `url` is refused, since content can only be POSTed.
 */
export const FileUpdateInput = Type.Object({
  ...FileMetadataInput.properties,
  file: Type.Optional(Type.Unknown()),
  url: Type.Optional(Type.Unknown()),
});
export type FileUpdateInput = Static<typeof FileUpdateInput>;

/** A few EXIF tags worth showing a reviewer. GPS coordinates are never copied: only whether there were any. */
export const ExifData = Type.Object(
  {
    Make: Type.Optional(Type.String()),
    Model: Type.Optional(Type.String()),
    Software: Type.Optional(Type.String()),
    DateTimeOriginal: Type.Optional(
      Type.String({ description: 'Camera wall-clock time, ISO 8601 without a zone' }),
    ),
    Orientation: Type.Optional(Type.Integer({ minimum: 1, maximum: 8 })),
    GPSPresent: Type.Optional(Type.Boolean({ description: 'kycgate: the photo carried GPS coordinates' })),
  },
  { title: 'ExifData' },
);
export type ExifData = Static<typeof ExifData>;

export const FILE_MIMES = ['image/jpeg', 'image/png', 'image/gif', 'application/pdf'] as const;
export type FileMime = (typeof FILE_MIMES)[number];
export const FILE_EXTENSIONS = ['jpg', 'png', 'gif', 'pdf'] as const;

export const File = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    extension: Type.String(),
    description: Nullable(Type.String()),
    sourceType: Nullable(FileSourceTypeSchema),
    tags: Type.Array(Type.String()),
    mime: Type.String(),
    size: Type.Integer({ description: 'Bytes' }),
    width: Nullable(Type.Integer()),
    height: Nullable(Type.Integer()),
    sha1: Type.String(),
    exifData: Nullable(ExifData),
    isPublic: Type.Boolean(),
    createdTime: DateTime,
    updatedTime: DateTime,
    _links: Links,
  },
  { title: 'File' },
);
export type File = Static<typeof File>;

export const FileDownloadQuery = Type.Object({
  imageSize: Type.Optional(
    Type.String({
      pattern: '^[1-9][0-9]{1,3}x[1-9][0-9]{1,3}$',
      description: 'WxH, each 10..2000: resize an image to fit inside (never enlarged); ignored for PDFs',
    }),
  ),
});

/** The download: the stored bytes (or a resized image). */
const Binary = (mediaType: string) => ({
  schema: Type.Unsafe<unknown>({ type: 'string', contentMediaType: mediaType }),
});
export const FileDownloadResponse = {
  description: 'The bytes of the file',
  content: {
    'image/jpeg': Binary('image/jpeg'),
    'image/png': Binary('image/png'),
    'image/gif': Binary('image/gif'),
    'application/pdf': Binary('application/pdf'),
  },
};
