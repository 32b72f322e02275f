/**
 * The proof-of-purchase analyzer (`PurchaseMatches`, spec §5.6): a card statement, receipt or a copy of the
 * card, read for the holder's name (checked against the customer) and the card's last four digits where
 * they are printed (`**** 1234`, `ending in 1234`). kycgate keeps no payment instruments, so
 * `paymentInstrumentId` stays null and the last four digits are reported as the `cardLast4` extension for
 * the reviewer to compare with the payment. Only the last four digits are ever kept: a full card number on
 * the document is neither stored nor logged.
 */
import type { Analysis, Analyzer, AnalyzerInput } from '../analyzer.ts';
import { fold } from '../address/address-text.ts';
import type { TextLine } from '../address/document-text.ts';
import { holderAnalysis, readHolderProof, type HolderProofOptions } from '../funds/holder-proof.ts';

const MASKED = /(?:[*x•·#]{2,}[\s*x•·#-]*)+(\d{4})(?!\d)/;
const ENDING =
  /(?:ending(?: in)?|ends in|endet auf|endend auf|eindigend op|eindigt op|se terminant par|terminant par|finissant par)\s*:?\s*(?:[*x•·#]+\s*)?(\d{4})(?!\d)/;

/** The last four digits of a card shown masked on the document, or null. */
export function cardLastFour(lines: TextLine[]): string | null {
  for (const line of lines) {
    const text = fold(line.text);
    const m = ENDING.exec(text) ?? MASKED.exec(text);
    if (m) return m[1]!;
  }
  return null;
}

export class PurchaseAnalyzer implements Analyzer {
  readonly documentType = 'purchase-proof' as const;

  constructor(private readonly options: HolderProofOptions) {}

  async close(): Promise<void> {
    await this.options.ocr.close();
  }

  async analyze(input: AnalyzerInput): Promise<Analysis> {
    const reading = await readHolderProof(input, this.options);
    const last4 = cardLastFour(reading.lines);
    return holderAnalysis(
      reading,
      'kycgate-purchase',
      { paymentInstrumentId: null, cardLast4: last4 },
      { cardLast4: last4 },
    );
  }
}
