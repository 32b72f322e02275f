/**
 * `POST /storefront/kyc-liveness-sessions/{id}/frames` (multipart): the frames of one capture, replacing
 * any sent before while the session is pending. Checked before anything is stored: the challenge nonce,
 * one increasing timestamp per frame, each frame a JPEG or PNG of at most 2 MB and 4 megapixels, at most
 * 60 frames, and no frame already sent to another session (a replayed capture). Bad input is a 4xx
 * problem with `invalidFields`; nothing is half-written (blobs first, then the row and hashes in one
 * transaction).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

import type { FastifyRequest } from 'fastify';
import sharp from 'sharp';

import type { KycLivenessSessionRow } from '../../db/schema.ts';
import { AppError, invalidField } from '../../errors.ts';
import type { Deps } from '../deps.ts';
import {
  framesOf,
  framesUsedElsewhere,
  recordFrameHashes,
  updateLivenessSession,
  type StoredFrame,
} from './kyc-liveness-sessions.repo.ts';
import { visibleLivenessSession, type LivenessCaller } from './liveness-session-access.ts';

export const MAX_LIVENESS_FRAMES = 60;
export const MAX_FRAME_BYTES = 2 * 1024 * 1024;
export const MAX_FRAME_PIXELS = 4_000_000;

interface FramesUpload {
  nonce: string | undefined;
  timestamps: string | undefined;
  frames: Buffer[];
}

async function readFramesForm(request: FastifyRequest): Promise<FramesUpload> {
  if (!request.isMultipart()) {
    throw new AppError('unsupported-media-type', 'Send the frames as multipart/form-data');
  }
  const upload: FramesUpload = { nonce: undefined, timestamps: undefined, frames: [] };
  try {
    for await (const part of request.parts({
      limits: {
        fileSize: MAX_FRAME_BYTES,
        files: MAX_LIVENESS_FRAMES,
        fields: 10,
        fieldSize: 16 * 1024,
        parts: MAX_LIVENESS_FRAMES + 10,
      },
    })) {
      if (part.type === 'file') {
        // Read every part to its end, or the request stalls.
        const bytes = await part.toBuffer();
        if (part.fieldname !== 'frame') {
          throw invalidField(part.fieldname, 'unexpected file part: send the frames as parts named "frame"');
        }
        upload.frames.push(bytes);
      } else if (part.fieldname === 'nonce' || part.fieldname === 'timestamps') {
        upload[part.fieldname] = typeof part.value === 'string' ? part.value : String(part.value);
      }
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new AppError('payload-too-large', 'A frame is larger than 2 MB', {
        invalidFields: [{ field: 'frame', message: 'each frame must be at most 2 MB' }],
        cause: error,
      });
    }
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') {
      throw invalidField('frame', `send at most ${MAX_LIVENESS_FRAMES} frames`);
    }
    throw error;
  }
  return upload;
}

function parseTimestamps(text: string | undefined, frameCount: number): number[] {
  if (text === undefined || text.trim() === '') {
    throw invalidField('timestamps', 'is required: comma-separated milliseconds, one per frame');
  }
  const parts = text.split(',').map((t) => t.trim());
  if (!parts.every((t) => /^\d{1,7}$/.test(t))) {
    throw invalidField('timestamps', 'must be comma-separated integer milliseconds (0 to 9999999)');
  }
  const values = parts.map(Number);
  if (values.length !== frameCount) {
    throw invalidField('timestamps', `has ${values.length} values for ${frameCount} frames`);
  }
  for (let i = 1; i < values.length; i++) {
    if (values[i]! <= values[i - 1]!) {
      throw invalidField(
        'timestamps',
        `must increase: value ${i + 1} (${values[i]}) follows ${values[i - 1]}`,
      );
    }
  }
  return values;
}

async function checkFrame(bytes: Buffer, index: number): Promise<'jpg' | 'png'> {
  const field = `frame[${index}]`;
  const isJpeg = bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  const isPng = bytes.length > 8 && bytes.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'));
  if (!isJpeg && !isPng) throw invalidField(field, 'must be a JPEG or PNG image');
  const meta = await sharp(bytes)
    .metadata()
    .catch(() => null);
  if (!meta?.width || !meta.height) throw invalidField(field, 'is not a readable image');
  if (meta.width * meta.height > MAX_FRAME_PIXELS) {
    throw invalidField(field, `must be at most 4 megapixels (got ${meta.width}×${meta.height})`);
  }
  // Decode it whole (at a small size): a truncated or corrupt frame is refused now, not at finish.
  const decoded = await sharp(bytes, { limitInputPixels: MAX_FRAME_PIXELS })
    .resize(32, 32, { fit: 'fill' })
    .raw()
    .toBuffer()
    .catch(() => null);
  if (!decoded) throw invalidField(field, 'is not a readable image (truncated or corrupt)');
  return isJpeg ? 'jpg' : 'png';
}

function sameNonce(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

export function frameKey(
  organizationId: string,
  sessionId: string,
  index: number,
  extension: string,
): string {
  const folder = organizationId.replace(/[^\w.-]/g, '_');
  return `${folder}/liveness/${sessionId}/${String(index).padStart(2, '0')}.${extension}`;
}

export async function uploadLivenessFrames(
  deps: Pick<Deps, 'db' | 'blobs'>,
  caller: LivenessCaller,
  id: string,
  request: FastifyRequest,
): Promise<{ id: string; frameCount: number }> {
  const session = await visibleLivenessSession(deps.db.kysely, caller, id);
  const upload = await readFramesForm(request);
  if (session.status !== 'pending') {
    throw new AppError('conflict', `The liveness session is ${session.status}; start a new one`);
  }
  if (!sameNonce(session.nonce, upload.nonce)) {
    throw invalidField('nonce', "must be this session's challenge nonce");
  }
  if (upload.frames.length === 0) throw invalidField('frame', 'send at least one frame');
  const timestamps = parseTimestamps(upload.timestamps, upload.frames.length);
  const extensions: string[] = [];
  for (const [index, bytes] of upload.frames.entries()) extensions.push(await checkFrame(bytes, index));
  const hashes = upload.frames.map((bytes) => createHash('sha256').update(bytes).digest('hex'));
  const reused = await framesUsedElsewhere(deps.db.kysely, session.id, hashes);
  if (reused.length > 0) {
    throw invalidField('frame', 'these frames were already sent to another liveness session');
  }

  const previous = framesOf(session);
  const stored: StoredFrame[] = [];
  for (const [index, bytes] of upload.frames.entries()) {
    const key = frameKey(session.organizationId, session.id, index, extensions[index]!);
    await deps.blobs.put(key, bytes);
    stored.push({ key, sha256: hashes[index]!, ms: timestamps[index]! });
  }
  let updated: KycLivenessSessionRow | undefined;
  try {
    updated = await deps.db.transaction(async (trx) => {
      const row = await updateLivenessSession(trx, session, { frames: JSON.stringify(stored) });
      if (row) await recordFrameHashes(trx, session.organizationId, session.id, hashes);
      return row;
    });
  } catch (error) {
    // Another session recorded one of these frames between the check above and this insert.
    if (deps.db.isUniqueViolation(error)) {
      throw new AppError('validation-error', 'These frames were already sent to another liveness session', {
        invalidFields: [
          { field: 'frame', message: 'these frames were already sent to another liveness session' },
        ],
        cause: error,
      });
    }
    throw error;
  }
  if (!updated) {
    throw new AppError('conflict', 'The liveness session changed meanwhile (finished or sent other frames)');
  }
  const kept = new Set(stored.map((f) => f.key));
  for (const old of previous) if (!kept.has(old.key)) await deps.blobs.delete(old.key).catch(() => undefined);
  return { id: session.id, frameCount: stored.length };
}
