/**
 * `POST /kyc-documents/{id}/matches`: a person overwrites `documentMatches.data`. The body is checked
 * against the matches schema of its `type`, which must be the document's own; unknown fields are refused.
 * Score and checks are kept as the analysis left them (the overwrite is a correction of data, not a
 * decision: decide with acceptance or rejection), and so are the read-only findings the body cannot name.
 */
import { invalidField, notFound } from '../../errors.ts';
import { validateWith } from '../../http/validation.ts';
import type { Deps } from '../deps.ts';
import { afterDocumentChange } from './document-lifecycle.ts';
import { MATCHES_SCHEMAS, type DocumentMatches, type MatchesInput } from './kyc-documents.schemas.ts';
import { findKycDocument, updateKycDocument } from './kyc-documents.repo.ts';
import { recordReviewAction, type Actor } from '../reviewers/reviewers.repo.ts';

export async function overwriteKycDocumentMatches(
  deps: Deps,
  organizationId: string,
  id: string,
  input: MatchesInput,
  actor: Actor,
): Promise<void> {
  validateWith(MATCHES_SCHEMAS[input.type], input);
  await deps.db.transaction(async (trx) => {
    const row = await findKycDocument(trx, organizationId, id);
    if (!row) throw notFound('KYC document');
    if (row.documentType !== input.type)
      throw invalidField('type', `must be ${row.documentType}, the document's type`);
    const { type: _type, ...data } = input;
    const current = row.documentMatches ? (JSON.parse(row.documentMatches) as DocumentMatches) : null;
    // Read-only findings (hasCompletedFaceLiveness, mrzChecksumValid, matchingImages…) cannot be sent, so
    // an overwrite keeps them: a corrected name must not erase the liveness result.
    const writable = Object.keys(MATCHES_SCHEMAS[input.type].properties);
    const kept = Object.fromEntries(
      Object.entries(current?.data ?? {}).filter(([key]) => !writable.includes(key)),
    );
    const matches: DocumentMatches = {
      version: current?.version ?? '2.0',
      score: current?.score ?? null,
      checkList: current?.checkList ?? null,
      data: { ...kept, ...data },
    };
    const updated = await updateKycDocument(trx, row, { documentMatches: JSON.stringify(matches) });
    await afterDocumentChange(deps, trx, updated, 'kyc-document-modified');
    // The log keeps what changed, field by field, so a later reader sees the analysis' value and the fix.
    const before = current?.data ?? {};
    const after = matches.data;
    const changed = Object.fromEntries(
      [...new Set([...Object.keys(before), ...Object.keys(after)])]
        .filter((key) => JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null))
        .map((key) => [key, { from: before[key] ?? null, to: after[key] ?? null }]),
    );
    await recordReviewAction(trx, {
      organizationId,
      kycDocumentId: id,
      customerId: row.customerId,
      action: 'matches',
      actor,
      detail: { changed },
    });
  });
}
