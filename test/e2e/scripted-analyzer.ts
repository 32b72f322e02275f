/**
 * A stand-in analyzer for the browser tests that do not need the real pipeline: it accepts every document
 * except those whose first file has bytes the test marked (by SHA-256) with a correction code; those are
 * rejected with that code, as the real quality gates do.
 */
import { createHash } from 'node:crypto';
import type { Analysis, Analyzer } from '../../src/analysis/analyzer.ts';
import { CORRECTIONS, type CorrectionCode } from '../../src/analysis/corrections.ts';
import type { DocumentType } from '../../src/analysis/vocabulary.ts';

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export function markedAnalyzer(documentType: DocumentType, marks: Map<string, CorrectionCode>): Analyzer {
  return {
    documentType,
    analyze: async (input): Promise<Analysis> => {
      const code = input.files.map((f) => marks.get(sha256(f.bytes))).find((c) => c !== undefined);
      if (!code) {
        return {
          data: { isIdentityDocument: true, containsImage: true },
          findings: [{ name: 'isIdentityDocument', failed: false }],
          parsedData: {},
          evidence: {},
        };
      }
      const correction = CORRECTIONS[code];
      return {
        data: { isIdentityDocument: true, containsImage: true },
        findings: [{ name: 'isIdentityDocument', failed: true, reason: code }],
        parsedData: {},
        evidence: {},
        corrections: [{ code, message: correction.message }],
        retakeReason: correction.rejectionReason ?? 'other',
      };
    },
    close: async () => undefined,
  };
}
