/** The duplicate rule's effect on a decision (src/modules/kyc-documents/document-duplicates.ts). */
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/analysis/decide.ts';
import {
  applyDuplicates,
  type DuplicateFinding,
} from '../../src/modules/kyc-documents/document-duplicates.ts';

const accepted: Decision = { score: 100, checkList: [], status: 'accepted', rejectionReason: null };
const rejectedTampered: Decision = {
  score: 20,
  checkList: [],
  status: 'rejected',
  rejectionReason: { type: 'tampered-document', message: 'altered' },
};
const none: DuplicateFinding = { detected: false, reason: null, customerIds: [], documentIds: [] };
const byNumber: DuplicateFinding = {
  detected: true,
  reason: 'same-document-number',
  customerIds: ['cus_1'],
  documentIds: ['kyc_doc_1'],
};
const byImage: DuplicateFinding = { ...byNumber, reason: 'same-image' };

describe('applyDuplicates', () => {
  it('leaves a decision alone when nothing matched', () => {
    expect(applyDuplicates(accepted, none)).toBe(accepted);
  });

  it('rejects an acceptance as document-duplicate when the number is another customer’s', () => {
    const decided = applyDuplicates(accepted, byNumber);
    expect(decided.status).toBe('rejected');
    expect(decided.rejectionReason?.type).toBe('document-duplicate');
    expect(decided.score).toBe(100);
  });

  it('keeps a more decisive rejection reason', () => {
    expect(applyDuplicates(rejectedTampered, byNumber)).toBe(rejectedTampered);
  });

  it('sends an acceptance to a person when only the portrait picture matches', () => {
    const decided = applyDuplicates(accepted, byImage);
    expect(decided.status).toBe('pending');
    expect(decided.rejectionReason).toBeNull();
    expect(applyDuplicates(rejectedTampered, byImage)).toBe(rejectedTampered);
  });
});
