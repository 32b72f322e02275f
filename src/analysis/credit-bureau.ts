/**
 * Credit-file proof: a bureau looks the person up and says whether its file can stand for an identity and
 * address check (`decision`: single-source or dual-source) or not (`other`). Real bureaus (Equifax,
 * Experian, TransUnion) plug in behind this interface; `test-bureau` is the built-in sandbox.
 */
import type { AnalyzerCustomer } from './analyzer.ts';

export type CreditBureauName = 'equifax' | 'experian' | 'transunion' | 'test-bureau';

export interface CreditFileDecisionData {
  lastNameMatch: string;
  firstNameMatch: string;
  civicNumberMatch: string;
  streetNameMatch: string;
  cityMatch: string;
  postalCodeMatch: string;
  provinceMatch: string;
  dateOfBirthMatch: string;
  ageOfCreditFileThreeOrMoreYearsOld: string;
  addressAsReported: string;
  nameAsReported: string;
  dateOfBirthAsReported: string;
}

/** `documentMatches.data` of a credit-file-proof document (Rebilly `CreditFileMatches`). */
export interface CreditFileMatches {
  creditBureau: CreditBureauName;
  creditFileNumber: string | null;
  name: string | null;
  consultedDate: string;
  decision: 'single-source' | 'dual-source' | 'other';
  trades: { name: string; accountNumber: string; dateOpened: string }[];
  referenceData: {
    singleSourceHit: boolean;
    dualSourceHit: boolean;
    waterfallProcess: boolean;
    creditFileCreatedDate: string | null;
    numberOfTradesOnFile: number;
    singleDecision: CreditFileDecisionData | null;
    dualDecision: CreditFileDecisionData[] | null;
  };
}

export interface CreditBureau {
  readonly name: CreditBureauName;
  consult(customer: AnalyzerCustomer, now: Date): Promise<CreditFileMatches>;
}

/**
 * The sandbox bureau (spec §4.7): a customer whose first name is `accept` (any case) has a single-source
 * file that matches; anyone else has no usable file.
 */
export const testBureau: CreditBureau = {
  name: 'test-bureau',
  async consult(customer, now) {
    const accepted = customer.firstName?.trim().toLowerCase() === 'accept';
    const fullName = [customer.firstName, customer.lastName].filter(Boolean).join(' ') || null;
    const yn = (value: boolean) => (value ? 'Y' : 'N');
    const decisionData: CreditFileDecisionData = {
      lastNameMatch: yn(accepted),
      firstNameMatch: yn(accepted),
      civicNumberMatch: yn(accepted),
      streetNameMatch: yn(accepted),
      cityMatch: yn(accepted),
      postalCodeMatch: yn(accepted),
      provinceMatch: yn(accepted),
      dateOfBirthMatch: yn(accepted),
      ageOfCreditFileThreeOrMoreYearsOld: yn(accepted),
      addressAsReported: [customer.line1, customer.city, customer.region, customer.postalCode]
        .filter(Boolean)
        .join(', '),
      nameAsReported: fullName ?? '',
      dateOfBirthAsReported: customer.dateOfBirth ?? '',
    };
    return {
      creditBureau: 'test-bureau',
      creditFileNumber: accepted ? 'TEST-0000000001' : null,
      name: fullName,
      consultedDate: now.toISOString(),
      decision: accepted ? 'single-source' : 'other',
      trades: accepted ? [{ name: 'Test Bank', accountNumber: '****1234', dateOpened: '2015-03-01' }] : [],
      referenceData: {
        singleSourceHit: accepted,
        dualSourceHit: false,
        waterfallProcess: false,
        creditFileCreatedDate: accepted ? '2015-03-01' : null,
        numberOfTradesOnFile: accepted ? 1 : 0,
        singleDecision: decisionData,
        dualDecision: null,
      },
    };
  },
};
