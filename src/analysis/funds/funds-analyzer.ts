/**
 * The proof-of-funds analyzer (`FundsMatches`, spec §5.6): a bank statement, payslip, tax return or similar
 * read for the holder's name, which is checked against the customer; the kind of document; signs of
 * editing. The amounts are not judged: whether the funds suffice is the reviewer's call, which is why these
 * documents go to a person unless the organization turns automatic decisions on.
 */
import type { Analysis, Analyzer, AnalyzerInput } from '../analyzer.ts';
import { holderAnalysis, readHolderProof, type HolderProofOptions } from './holder-proof.ts';

export class FundsAnalyzer implements Analyzer {
  readonly documentType = 'funds-proof' as const;

  constructor(private readonly options: HolderProofOptions) {}

  async close(): Promise<void> {
    await this.options.ocr.close();
  }

  async analyze(input: AnalyzerInput): Promise<Analysis> {
    const reading = await readHolderProof(input, this.options);
    return holderAnalysis(reading, 'kycgate-funds', {}, {});
  }
}
