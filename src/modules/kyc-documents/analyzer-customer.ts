import type { AnalyzerCustomer } from '../../analysis/analyzer.ts';
import type { CustomerRow } from '../../db/schema.ts';
import { parseContact } from '../customers/present-customer.ts';

/** What the analysis may know of the customer: the fields documents are matched against, nothing more. */
export function analyzerCustomer(customer: CustomerRow): AnalyzerCustomer {
  const contact = parseContact(customer.primaryAddress);
  return {
    firstName: contact?.firstName ?? null,
    lastName: contact?.lastName ?? null,
    dateOfBirth: contact?.dob ?? null,
    // The second address line is the flat or suite (`Apt 5`): the address matcher reads the unit from it.
    line1: [contact?.address, contact?.address2].filter(Boolean).join(', ') || null,
    city: contact?.city ?? null,
    region: contact?.region ?? null,
    postalCode: contact?.postalCode ?? null,
    country: contact?.country ?? null,
  };
}
