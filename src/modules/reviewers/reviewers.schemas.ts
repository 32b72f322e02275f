/** Reviewers of the review console, their sessions, the review queue and the review log (kycgate extension). */
import Type, { type Static } from 'typebox';
import { REVIEWER_ROLES } from '../../auth/reviewer-roles.ts';
import { DOCUMENT_SUBTYPES, DOCUMENT_TYPES } from '../../analysis/vocabulary.ts';
import { DateTime, Id, Links, Nullable } from '../../http/schemas.ts';

const Email = Type.String({ minLength: 3, maxLength: 255, pattern: '^[^\\s@]+@[^\\s@]+$' });
/** Long enough to resist guessing once the lockout is in the way; no composition rules (NIST 800-63B). */
const Password = Type.String({ minLength: 12, maxLength: 256 });
const Role = Type.Enum([...REVIEWER_ROLES], {
  description: '`reviewer` works the queue; `admin` also manages reviewers',
});
const Status = Type.Enum(['active', 'inactive']);
const Name = Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' });

export const Reviewer = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: Role,
    status: Status,
    /** Set while repeated failed sign-ins keep the account locked. */
    lockedUntil: Nullable(DateTime),
    lastSignInTime: Nullable(DateTime),
    createdTime: DateTime,
    updatedTime: DateTime,
    _links: Links,
  },
  { title: 'Reviewer', description: 'kycgate extension: a person who works the review console' },
);
export type Reviewer = Static<typeof Reviewer>;

export const ReviewerInput = Type.Object(
  { email: Email, name: Name, role: Type.Optional(Role), password: Password },
  { additionalProperties: false },
);
export type ReviewerInput = Static<typeof ReviewerInput>;

export const ReviewerPatch = Type.Object(
  {
    email: Type.Optional(Email),
    name: Type.Optional(Name),
    role: Type.Optional(Role),
    status: Type.Optional(Status),
    password: Type.Optional(Password),
  },
  {
    additionalProperties: false,
    description:
      '`status: inactive` deactivates the reviewer and ends their sessions; a new password ends them too and lifts a lockout.',
  },
);
export type ReviewerPatch = Static<typeof ReviewerPatch>;

export const SignInInput = Type.Object(
  {
    organizationId: Type.Optional(Id),
    email: Type.String({ minLength: 1, maxLength: 255 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
export type SignInInput = Static<typeof SignInInput>;

export const ReviewerSession = Type.Object(
  {
    id: Type.String(),
    /** Only in the sign-in answer: send it as `Authorization: Bearer <token>`. */
    token: Type.Optional(Type.String()),
    organizationId: Type.String(),
    reviewer: Type.Object({
      id: Type.String(),
      name: Type.String(),
      email: Type.String(),
      role: Role,
    }),
    permissions: Type.Array(Type.String()),
    createdTime: DateTime,
    expiredTime: DateTime,
  },
  { title: 'ReviewerSession', description: 'kycgate extension: a review-console sign-in' },
);
export type ReviewerSession = Static<typeof ReviewerSession>;

export const ReviewQueueItem = Type.Object(
  {
    id: Type.String(),
    documentType: Type.Enum([...DOCUMENT_TYPES]),
    documentSubtype: Nullable(Type.Enum([...DOCUMENT_SUBTYPES])),
    customerId: Type.String(),
    customerName: Nullable(Type.String()),
    requestId: Nullable(Type.String()),
    score: Nullable(Type.Integer()),
    acceptAbove: Nullable(Type.Integer()),
    rejectBelow: Nullable(Type.Integer()),
    /** Names of the checks that failed. */
    failedChecks: Type.Array(Type.String()),
    /** Who has claimed the document (start-review), if anyone. */
    reviewerId: Nullable(Type.String()),
    reviewerName: Nullable(Type.String()),
    reviewStartTime: Nullable(DateTime),
    createdTime: DateTime,
    processedTime: Nullable(DateTime),
  },
  { title: 'ReviewQueueItem', description: 'kycgate extension: a document awaiting a person' },
);
export type ReviewQueueItem = Static<typeof ReviewQueueItem>;

export const ReviewAction = Type.Object(
  {
    id: Type.String(),
    kycDocumentId: Type.String(),
    action: Type.String(),
    actorType: Type.Enum(['reviewer', 'api-key']),
    actorId: Type.String(),
    actorName: Nullable(Type.String()),
    detail: Nullable(Type.Record(Type.String(), Type.Unknown())),
    createdTime: DateTime,
  },
  { title: 'ReviewAction', description: 'kycgate extension: one thing a person did to a document' },
);
export type ReviewAction = Static<typeof ReviewAction>;
