/**
 * Console sign-in: email and password → a session token (`kgr_…`, shown once, stored as its SHA-256).
 *
 * Guessing is bounded twice:
 * - per account, in the database (so every API process sees it): after MAX_FAILED_SIGN_INS consecutive
 *   failures the account is locked for LOCKOUT_MS, during which even the right password is refused
 *   without being checked;
 * - per client address, in this process: MAX_FAILURES_PER_ADDRESS failures per window, whatever the
 *   emails, so that one client cannot sweep many accounts.
 * An unknown email costs the same scrypt check as a wrong password, and both answer the same 401.
 */
import { AppError } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { hashSecret, randomToken } from '../../lib/secrets.ts';
import { REVIEWER_TOKEN_PREFIX } from '../../auth/authenticate.ts';
import type { ReviewerRow } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import { unknownAccountHash, verifyPassword } from './password.ts';
import { findReviewerByEmail } from './reviewers.repo.ts';

export const MAX_FAILED_SIGN_INS = 5;
export const LOCKOUT_MS = 15 * 60_000;
export const MAX_FAILURES_PER_ADDRESS = 30;
const ADDRESS_WINDOW_MS = 15 * 60_000;
/** A console session lasts a working day; signing out ends it sooner. */
export const REVIEWER_SESSION_TTL_MS = 8 * 3600_000;

export interface SignedIn {
  token: string;
  sessionId: string;
  reviewer: ReviewerRow;
  createdTime: string;
  expiredTime: string;
}

export interface SignInGuard {
  check(address: string): void;
  fail(address: string): void;
}

/** The per-address failure counter (one per app instance). */
export function createSignInGuard(): SignInGuard {
  const failures = new Map<string, { start: number; count: number }>();
  const current = (address: string) => {
    const entry = failures.get(address);
    if (!entry || Date.now() - entry.start >= ADDRESS_WINDOW_MS) return undefined;
    return entry;
  };
  return {
    check(address) {
      const entry = current(address);
      if (entry && entry.count >= MAX_FAILURES_PER_ADDRESS) {
        const retryAfter = Math.ceil((entry.start + ADDRESS_WINDOW_MS - Date.now()) / 1000);
        throw new AppError('too-many-requests', 'Too many failed sign-ins from this address; try later', {
          headers: { 'Retry-After': String(retryAfter) },
        });
      }
    },
    fail(address) {
      const entry = current(address);
      if (entry) entry.count += 1;
      else {
        if (failures.size > 10_000) failures.clear();
        failures.set(address, { start: Date.now(), count: 1 });
      }
    },
  };
}

function invalidCredentials(): AppError {
  return new AppError('unauthorized', 'Invalid email or password');
}

export async function signInReviewer(
  deps: Deps,
  guard: SignInGuard,
  input: { organizationId: string; email: string; password: string; address: string },
): Promise<SignedIn> {
  guard.check(input.address);
  const db = deps.db.kysely;
  const reviewer = await findReviewerByEmail(db, input.organizationId, input.email);
  const now = Date.now();
  if (reviewer?.lockedUntil && Date.parse(reviewer.lockedUntil) > now) {
    const retryAfter = Math.ceil((Date.parse(reviewer.lockedUntil) - now) / 1000);
    throw new AppError('too-many-requests', 'Too many failed sign-ins; the account is locked for a while', {
      headers: { 'Retry-After': String(retryAfter) },
    });
  }
  const usable = reviewer?.status === 'active' ? reviewer : undefined;
  const matches = await verifyPassword(input.password, usable?.passwordHash ?? (await unknownAccountHash()));
  if (!usable || !matches) {
    guard.fail(input.address);
    if (reviewer) await countFailure(deps, reviewer);
    throw invalidCredentials();
  }

  const token = `${REVIEWER_TOKEN_PREFIX}${randomToken(32)}`;
  const createdTime = new Date().toISOString();
  const expiredTime = new Date(Date.now() + REVIEWER_SESSION_TTL_MS).toISOString();
  const sessionId = newId('rvs');
  await deps.db.transaction(async (trx) => {
    await trx
      .insertInto('reviewerSessions')
      .values({
        organizationId: usable.organizationId,
        id: sessionId,
        reviewerId: usable.id,
        tokenHash: hashSecret(token),
        expiredTime,
        revokedTime: null,
        createdTime,
      })
      .execute();
    await trx
      .updateTable('reviewers')
      .set({ failedSignIns: 0, lockedUntil: null, lastSignInTime: createdTime })
      .where('organizationId', '=', usable.organizationId)
      .where('id', '=', usable.id)
      .execute();
  });
  return { token, sessionId, reviewer: usable, createdTime, expiredTime };
}

/** Counts a failure atomically; the one that reaches the limit locks the account and restarts the count. */
async function countFailure(deps: Deps, reviewer: ReviewerRow): Promise<void> {
  await deps.db.transaction(async (trx) => {
    await trx
      .updateTable('reviewers')
      .set((eb) => ({ failedSignIns: eb('failedSignIns', '+', 1) }))
      .where('organizationId', '=', reviewer.organizationId)
      .where('id', '=', reviewer.id)
      .execute();
    const row = await trx
      .selectFrom('reviewers')
      .select('failedSignIns')
      .where('organizationId', '=', reviewer.organizationId)
      .where('id', '=', reviewer.id)
      .executeTakeFirstOrThrow();
    if (row.failedSignIns >= MAX_FAILED_SIGN_INS) {
      await trx
        .updateTable('reviewers')
        .set({ failedSignIns: 0, lockedUntil: new Date(Date.now() + LOCKOUT_MS).toISOString() })
        .where('organizationId', '=', reviewer.organizationId)
        .where('id', '=', reviewer.id)
        .execute();
    }
  });
}
