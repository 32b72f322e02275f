/**
 * Creating and changing reviewers (secret key or admin reviewer). Deactivating a reviewer or setting a new
 * password ends their open sessions in the same transaction; a new password also lifts a lockout.
 */
import type { ReviewerRow } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Deps } from '../deps.ts';
import { hashPassword } from './password.ts';
import type { ReviewerInput, ReviewerPatch } from './reviewers.schemas.ts';
import {
  findReviewer,
  findReviewerByEmail,
  revokeReviewerSessions,
  updateReviewer,
} from './reviewers.repo.ts';

function emailTaken(): AppError {
  return new AppError('conflict', 'A reviewer with this email already exists in the organization', {
    invalidFields: [{ field: 'email', message: 'is already used by another reviewer' }],
  });
}

export async function createReviewer(
  deps: Pick<Deps, 'db'>,
  organizationId: string,
  input: ReviewerInput,
): Promise<ReviewerRow> {
  // Hash outside the transaction: it takes tens of milliseconds and needs no lock.
  const passwordHash = await hashPassword(input.password);
  return deps.db.transaction(async (trx) => {
    if (await findReviewerByEmail(trx, organizationId, input.email)) throw emailTaken();
    const now = new Date().toISOString();
    const row: ReviewerRow = {
      organizationId,
      id: newId('usr'),
      email: input.email.trim(),
      emailKey: input.email.trim().toLowerCase(),
      name: input.name.trim(),
      role: input.role ?? 'reviewer',
      status: 'active',
      passwordHash,
      failedSignIns: 0,
      lockedUntil: null,
      lastSignInTime: null,
      createdTime: now,
      updatedTime: now,
    };
    await trx.insertInto('reviewers').values(row).execute();
    return row;
  });
}

export async function updateReviewerFields(
  deps: Deps,
  organizationId: string,
  id: string,
  patch: ReviewerPatch,
): Promise<ReviewerRow> {
  const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password);
  return deps.db.transaction(async (trx) => {
    const row = await findReviewer(trx, organizationId, id);
    if (!row) throw notFound('Reviewer');
    if (patch.email !== undefined && patch.email.trim().toLowerCase() !== row.emailKey) {
      if (await findReviewerByEmail(trx, organizationId, patch.email)) throw emailTaken();
    }
    const now = new Date().toISOString();
    const deactivated = patch.status === 'inactive' && row.status !== 'inactive';
    if (deactivated || passwordHash !== undefined) {
      await revokeReviewerSessions(trx, organizationId, id, now);
    }
    return updateReviewer(trx, row, {
      ...(patch.email !== undefined
        ? { email: patch.email.trim(), emailKey: patch.email.trim().toLowerCase() }
        : {}),
      ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
      ...(patch.role !== undefined ? { role: patch.role } : {}),
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      ...(passwordHash !== undefined ? { passwordHash, failedSignIns: 0, lockedUntil: null } : {}),
      updatedTime: now,
    });
  });
}
