/**
 * A person's actions on a document (spec §5.1): accept, reject with one of the 19 reasons, acknowledge the
 * automated result (review), and claim / release it while reviewing. Each runs in one transaction with
 * its event, the archiving it implies, the re-evaluation of the request and a line in the review log
 * naming who acted (a console reviewer or a secret key).
 *
 * A document claimed by one reviewer (start-review) cannot be released or decided by another reviewer;
 * an admin reviewer or a secret key may (`mayOverride`).
 */
import type { KycDocumentRow } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import type { Deps } from '../deps.ts';
import type { KycEventType } from '../events/events.repo.ts';
import { recordReviewAction, type Actor } from '../reviewers/reviewers.repo.ts';
import { lockKycRequest } from '../kyc-requests/kyc-requests.repo.ts';
import { afterDocumentChange } from './document-lifecycle.ts';
import type { RejectionReason } from './kyc-documents.schemas.ts';
import { findKycDocument, updateKycDocument } from './kyc-documents.repo.ts';

export type Reviewer = Actor;

type Change = Parameters<typeof updateKycDocument>[2];

async function change(
  deps: Deps,
  organizationId: string,
  id: string,
  reviewer: Reviewer,
  action: string,
  decide: (
    row: KycDocumentRow,
    now: string,
  ) => { changes: Change; event: KycEventType; detail?: Record<string, unknown> },
): Promise<KycDocumentRow> {
  return deps.db.transaction(async (trx) => {
    const found = await findKycDocument(trx, organizationId, id);
    if (!found) throw notFound('KYC document');
    if (found.requestId) await lockKycRequest(trx, organizationId, found.requestId);
    // Lock the document itself too (a no-op update, portable across engines): two reviewers claiming a
    // document that belongs to no request must not both read it unclaimed.
    await trx
      .updateTable('kycDocuments')
      .set((eb) => ({ revision: eb.ref('revision') }))
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .execute();
    const row = (await findKycDocument(trx, organizationId, id))!;
    const { changes, event, detail } = decide(row, new Date().toISOString());
    const updated = await updateKycDocument(trx, row, changes);
    await afterDocumentChange(deps, trx, updated, event);
    await recordReviewAction(trx, {
      organizationId,
      kycDocumentId: id,
      customerId: row.customerId,
      action,
      actor: reviewer,
      detail: detail ?? null,
    });
    return updated;
  });
}

/** Refuses to act on a document another reviewer has claimed, unless the actor may override. */
function refuseClaimedByOther(row: KycDocumentRow, reviewer: Reviewer): void {
  if (row.reviewStartTime && row.reviewerId && row.reviewerId !== reviewer.id && !reviewer.mayOverride) {
    throw new AppError(
      'conflict',
      `Another reviewer (${row.reviewerName ?? row.reviewerId}) is reviewing this document`,
    );
  }
}

function refuseArchived(row: KycDocumentRow): void {
  if (row.status === 'archived') {
    throw new AppError('validation-error', 'An archived document cannot be decided; decide the newer one', {
      invalidFields: [{ field: 'status', message: 'is archived' }],
    });
  }
}

export function acceptKycDocument(deps: Deps, organizationId: string, id: string, reviewer: Reviewer) {
  return change(deps, organizationId, id, reviewer, 'acceptance', (row, now) => {
    refuseArchived(row);
    refuseClaimedByOther(row, reviewer);
    return {
      changes: {
        status: 'accepted',
        rejectionReason: null,
        reviewRequired: 0,
        reviewerId: reviewer.id,
        reviewerName: reviewer.name,
        reviewTime: now,
        processedTime: row.processedTime ?? now,
      },
      event: 'kyc-document-accepted',
    };
  });
}

export function rejectKycDocument(
  deps: Deps,
  organizationId: string,
  id: string,
  reviewer: Reviewer,
  reason: RejectionReason,
) {
  return change(deps, organizationId, id, reviewer, 'rejection', (row, now) => {
    refuseArchived(row);
    refuseClaimedByOther(row, reviewer);
    return {
      detail: { type: reason.type, message: reason.message ?? null },
      changes: {
        status: 'rejected',
        rejectionReason: JSON.stringify({ type: reason.type, message: reason.message ?? null }),
        reviewRequired: 0,
        reviewerId: reviewer.id,
        reviewerName: reviewer.name,
        reviewTime: now,
        processedTime: row.processedTime ?? now,
      },
      event: 'kyc-document-rejected',
    };
  });
}

/** Acknowledges the automated result: the document is reviewed as it stands. */
export function markKycDocumentReviewed(deps: Deps, organizationId: string, id: string, reviewer: Reviewer) {
  return change(deps, organizationId, id, reviewer, 'review', (_row, now) => ({
    changes: { reviewerId: reviewer.id, reviewerName: reviewer.name, reviewTime: now },
    event: 'kyc-document-reviewed',
  }));
}

export function startKycDocumentReview(deps: Deps, organizationId: string, id: string, reviewer: Reviewer) {
  return change(deps, organizationId, id, reviewer, 'start-review', (row, now) => {
    if (row.reviewStartTime && row.reviewerId && row.reviewerId !== reviewer.id) {
      throw new AppError(
        'conflict',
        `Another reviewer (${row.reviewerName ?? row.reviewerId}) is reviewing this document`,
      );
    }
    return {
      changes: { reviewStartTime: now, reviewerId: reviewer.id, reviewerName: reviewer.name },
      event: 'kyc-document-modified',
    };
  });
}

export function stopKycDocumentReview(deps: Deps, organizationId: string, id: string, reviewer: Reviewer) {
  return change(deps, organizationId, id, reviewer, 'stop-review', (row) => {
    refuseClaimedByOther(row, reviewer);
    return {
      changes: { reviewStartTime: null, reviewerId: null, reviewerName: null },
      event: 'kyc-document-modified',
    };
  });
}
