/**
 * Liveness sessions (Rebilly `StorefrontKycLivenessSession`, spec §7) plus kycgate's extensions: the active
 * challenge (`challenge`) and the reason of a failed check (`failureReason`). kycgate is its own liveness
 * provider, so `sessionId` is the session's own id.
 */
import Type, { type Static } from 'typebox';
import { LIVENESS_STEPS } from '../../analysis/liveness/challenge.ts';
import { DateTime, Id, Links, Nullable } from '../../http/schemas.ts';

export const LIVENESS_STATUSES = ['pending', 'succeeded', 'failed', 'abandoned'] as const;

export const LivenessChallengeSchema = Type.Object(
  {
    nonce: Type.String({ description: 'Send it back with the frames (the `nonce` form field).' }),
    steps: Type.Array(Type.Enum([...LIVENESS_STEPS]), {
      description:
        "The moves to make, in this order. Left and right are the customer's own; frames are sent as the camera delivers them (not mirrored).",
    }),
    stepMs: Type.Integer({ description: 'Suggested time per move, milliseconds.' }),
    maxDurationMs: Type.Integer({
      description: 'Longest capture accepted (first to last frame), milliseconds.',
    }),
    expiresTime: DateTime,
  },
  { title: 'KycLivenessChallenge', description: 'kycgate extension: the active liveness challenge.' },
);

export const StorefrontKycLivenessSession = Type.Object(
  {
    id: Type.String(),
    customerId: Type.String(),
    kycRequestId: Type.String(),
    sessionId: Type.String({ description: 'kycgate is its own liveness provider: the session id.' }),
    status: Type.Enum([...LIVENESS_STATUSES]),
    referenceImage: Nullable(Type.String({ format: 'uri' })),
    createdTime: DateTime,
    updatedTime: DateTime,
    challenge: LivenessChallengeSchema,
    failureReason: Nullable(
      Type.Object({
        code: Type.String({ description: 'A stable correction code (liveness-…).' }),
        message: Type.String({ description: 'What the customer can do, in English.' }),
      }),
    ),
    _links: Links,
  },
  { title: 'StorefrontKycLivenessSession' },
);
export type StorefrontKycLivenessSession = Static<typeof StorefrontKycLivenessSession>;

export const StorefrontKycLivenessSessionInput = Type.Object(
  { kycRequestId: Id },
  { additionalProperties: false, title: 'StorefrontKycLivenessSessionInput' },
);
export type StorefrontKycLivenessSessionInput = Static<typeof StorefrontKycLivenessSessionInput>;

export const LivenessFramesAccepted = Type.Object(
  { id: Type.String(), frameCount: Type.Integer() },
  { title: 'KycLivenessFramesAccepted' },
);

/**
 * The multipart body of `…/frames`. Documentation only (the parts are read from the stream and checked by
 * the use case), so it names no `type`: a multipart body is not an object when Fastify validates it.
 */
export const LivenessFramesForm = Type.Unsafe<unknown>({
  title: 'KycLivenessFramesForm',
  properties: {
    nonce: { type: 'string', description: 'The challenge nonce.' },
    timestamps: {
      type: 'string',
      description:
        'Comma-separated integer milliseconds since the capture started, one per frame, increasing.',
    },
    frame: {
      type: 'array',
      items: { type: 'string', contentMediaType: 'image/jpeg' },
      description: 'The frames, JPEG or PNG, in capture order: at most 60, each ≤ 2 MB and ≤ 4 megapixels.',
    },
  },
});
