/**
 * The address-proof analyzer: the matching rules on their own (street spellings, units, postcodes, dates),
 * then the analyzer on generated bills and statements with ground truth — text PDFs in bulk (read from the
 * text layer, fast), a few scanned PDFs and phone photos through PaddleOCR — with the decision floor of
 * issue 8 (≥ 95 % of address proofs decided correctly), and the funds and purchase analyzers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyzerInput } from '../src/analysis/analyzer.ts';
import { AddressAnalyzer } from '../src/analysis/address/address-analyzer.ts';
import { datesIn, documentDate, findCustomer } from '../src/analysis/address/address-extract.ts';
import {
  approximateFind,
  compact,
  normalizePostcode,
  streetPattern,
} from '../src/analysis/address/address-text.ts';
import type { TextLine } from '../src/analysis/address/document-text.ts';
import { decide } from '../src/analysis/decide.ts';
import { FundsAnalyzer } from '../src/analysis/funds/funds-analyzer.ts';
import { createOcrEngine } from '../src/analysis/ocr/create-ocr-engine.ts';
import type { OcrEngine } from '../src/analysis/ocr/ocr-engine.ts';
import { PurchaseAnalyzer } from '../src/analysis/purchase/purchase-analyzer.ts';
import { DEFAULT_KYC_SETTINGS } from '../src/modules/kyc-settings/default-kyc-settings.ts';
import {
  generateAddressDocument,
  REFERENCE_DATE,
  sampleAddressSpecs,
  type AddressSpec,
} from './fixtures/address/index.ts';

const settings = DEFAULT_KYC_SETTINGS.addressProof;
const now = () => new Date(`${REFERENCE_DATE}T12:00:00Z`);
let ocr: OcrEngine;
let analyzer: AddressAnalyzer;

beforeAll(() => {
  ocr = createOcrEngine('paddle');
  analyzer = new AddressAnalyzer({ ocr, maxPixels: 50_000_000, now });
});
afterAll(async () => analyzer.close());

/** Lines as a text layer gives them: one per row, 14 px apart. */
const lines = (...texts: string[]): TextLine[] =>
  texts.map((text, i) => ({ text, x: 50, y: 100 + i * 14, width: text.length * 6, height: 11 }));

const customer = (over: Partial<AnalyzerInput['customer']> = {}): AnalyzerInput['customer'] => ({
  firstName: 'John',
  lastName: 'Miller',
  dateOfBirth: null,
  line1: '310 Sunset Boulevard, Apartment 5',
  city: 'Denver',
  region: 'CO',
  postalCode: '80202',
  country: 'US',
  ...over,
});

function input(spec: AddressSpec, bytes: Buffer, mime: string): AnalyzerInput {
  return {
    documentType: 'address-proof',
    documentSubtype: null,
    matchLevel: 2,
    files: [{ id: spec.id, mime, tags: ['kyc'], bytes }],
    customer: { ...spec.customer, dateOfBirth: null },
    settings,
    requirements: { faceProofRequired: false, faceLivenessRequired: false },
  };
}

describe('address matching rules', () => {
  it('spells a street line the ways documents print it, with the unit apart', () => {
    const p = streetPattern('310 Sunset Boulevard, Apartment 5');
    expect(p.unit).toBe('5');
    expect(p.spellings).toContain('310sunsetblvd');
    expect(p.spellings).toContain('310sunsetboulevard');
    expect(streetPattern('Hauptstraße 12').spellings).toContain('hauptstr12');
    expect(streetPattern('Kalverstraat 92').spellings).toContain('kalverstr92');
    expect(streetPattern('8 boulevard Saint-Michel').spellings).toContain('8bdstmichel');
    expect(streetPattern('941 King Street West #16A').unit).toBe('16a');
  });

  it('lets letters be misread but never digits', () => {
    expect(approximateFind('juergenmueller', compact('Herrn Juirgen Muiller'))!.distance).toBeLessThanOrEqual(
      3,
    );
    expect(approximateFind('310sunsetblvd', compact('316 Sunset Blvd'))!.distance).toBeGreaterThan(5);
    expect(approximateFind('310sunsetblvd', compact('310SunsetBlvdAPT5'))!.distance).toBe(0);
  });

  it('normalises postcodes of six countries', () => {
    expect(normalizePostcode('62704-1234', 'US')).toBe('62704');
    expect(normalizePostcode('m5h2n2', 'CA')).toBe(normalizePostcode('M5H 2N2', 'CA'));
    expect(normalizePostcode('sw1a2aa', 'GB')).toBe(normalizePostcode('SW1A 2AA', 'GB'));
    // OCR confusions in mixed codes: O/0, I/1, S/5, B/8.
    expect(normalizePostcode('SWIA 2AA', 'GB')).toBe(normalizePostcode('SW1A 2AA', 'GB'));
    expect(normalizePostcode('D-10115', 'DE')).toBe('10115');
    expect(normalizePostcode('1015cj', 'NL')).toBe(normalizePostcode('1015 CJ', 'NL'));
    expect(normalizePostcode('75011', 'FR')).not.toBe(normalizePostcode('75012', 'FR'));
  });

  it('reads dates in each country’s order and language', () => {
    expect(datesIn('Bill date: 03/04/2026', 'US')[0]!.date).toBe('2026-03-04');
    expect(datesIn('Date: 03/04/2026', 'GB')[0]!.date).toBe('2026-04-03');
    expect(datesIn('Datum: 5. März 2026', 'DE')[0]!.date).toBe('2026-03-05');
    expect(datesIn('le 12 février 2026', 'FR')[0]!.date).toBe('2026-02-12');
    expect(datesIn('Factuurdatum 05-11-2026', 'NL')[0]!.date).toBe('2026-11-05');
    expect(datesIn('November23,2026', 'US')[0]!.date).toBe('2026-11-23');
    expect(datesIn('31/02/2026', 'GB')).toEqual([]);
  });

  it('takes the labelled document date, not the due date or the period', () => {
    const found = documentDate(
      lines(
        'Statement period: 01/10/2026 – 31/10/2026',
        'Payment due: 21/11/2026',
        'Statement date: 01/11/2026',
      ),
      'GB',
      now(),
    );
    expect(found).toMatchObject({ date: '2026-11-01', labelled: true });
  });

  it('finds the customer with abbreviations, capitals and the unit on the next line', () => {
    const found = findCustomer(
      lines('MR JOHN MILLER', '310 SUNSET BLVD', '#5', 'DENVER, CO 80202-4410'),
      customer(),
      2,
    );
    expect(Object.values(found).map((f) => f.matched)).toEqual([true, true, true, true, true, true]);
    expect(found.line1.value).toBe('310 SUNSET BLVD');
    expect(found.postalCode.value).toBe('80202-4410');
  });

  it('fails the street line for another flat, and every field for another address', () => {
    const otherFlat = findCustomer(
      lines('John Miller', '310 Sunset Blvd Apt 7', 'Denver, CO 80202'),
      customer(),
      2,
    );
    expect(otherFlat.line1).toMatchObject({ matched: false, reason: 'unit-different' });
    expect(otherFlat.postalCode.matched).toBe(true);
    const elsewhere = findCustomer(lines('John Miller', '12 Oak Ave', 'Austin, TX 78701'), customer(), 2);
    expect([elsewhere.line1, elsewhere.city, elsewhere.postalCode].map((f) => f.matched)).toEqual([
      false,
      false,
      false,
    ]);
    expect(elsewhere.lastName.matched).toBe(true);
  });
});

describe('match levels', () => {
  it('accepts the surname alone only at level 3 (basic)', () => {
    const page = lines('J. Miller', '310 Sunset Blvd Apt 5', 'Denver, CO 80202');
    expect(findCustomer(page, customer(), 2).firstName).toMatchObject({
      matched: false,
      reason: 'different',
    });
    expect(findCustomer(page, customer(), 3).firstName).toMatchObject({
      matched: true,
      reason: 'surname-only',
    });
  });
});

describe('address proofs from generated documents', () => {
  it('decides ≥ 95 % of 48 text-PDF address proofs correctly, accepting none of the negatives', async () => {
    const specs = sampleAddressSpecs(48, 11, { formats: ['text-pdf'] });
    const results: { spec: AddressSpec; got: string; data: Record<string, unknown> }[] = [];
    for (const spec of specs) {
      const doc = await generateAddressDocument(spec);
      const analysis = await analyzer.analyze(input(spec, doc.bytes, doc.mime));
      const d = decide(analysis.findings, settings.weights, settings.thresholds, analysis.rejectionReason);
      const got =
        d.status === 'accepted' ? 'accept' : d.status === 'pending' ? 'review' : d.rejectionReason!.type;
      results.push({ spec, got, data: analysis.data });
    }
    const wrong = results.filter((r) => r.got !== r.spec.expected).map((r) => `${r.spec.id}: ${r.got}`);
    expect(results.length - wrong.length, wrong.join('\n')).toBeGreaterThanOrEqual(
      Math.ceil(0.95 * results.length),
    );
    expect(results.filter((r) => r.spec.case !== 'valid' && r.got === 'accept')).toEqual([]);
    // Every case is in the set, and the fields of accepted documents are the printed ones.
    expect(new Set(results.map((r) => r.spec.case)).size).toBe(7);
    for (const r of results.filter((x) => x.got === 'accept')) {
      expect(r.data.date).toBe(`${r.spec.printed.date}T00:00:00Z`);
      expect(r.data.documentSubtype).toBe(r.spec.subtype);
      expect(r.data.phone).toBe(r.spec.printed.phone);
      expect(String(r.data.line1).toLowerCase()).toContain(r.spec.printed.line1.toLowerCase());
    }
  });

  it('reads scanned PDFs and phone photos through OCR', async () => {
    // Three documents: OCR costs seconds each; `npm run bench:address` measures more.
    const wanted = [
      'valid-lease-DE-scanned-pdf-3-0',
      'valid-card-FR-photo-3-1',
      'wrong-address-bank-CA-scanned-pdf-3-4',
    ];
    const specs = sampleAddressSpecs(10, 3, { formats: ['scanned-pdf', 'photo'] }).filter((s) =>
      wanted.includes(s.id),
    );
    expect(specs.map((s) => s.id)).toEqual(wanted);
    for (const spec of specs) {
      const doc = await generateAddressDocument(spec);
      const analysis = await analyzer.analyze(input(spec, doc.bytes, doc.mime));
      const d = decide(analysis.findings, settings.weights, settings.thresholds, analysis.rejectionReason);
      const got =
        d.status === 'accepted' ? 'accept' : d.status === 'pending' ? 'review' : d.rejectionReason!.type;
      expect(got, `${spec.id} ${JSON.stringify(analysis.data)}`).toBe(spec.expected);
      expect((analysis.evidence.files as { source: string }[])[0]!.source).toMatch(/ocr$/);
      expect(analysis.data.date).toBe(`${spec.printed.date}T00:00:00Z`);
      // OCR may drop the spaces of a phone number; the digits must be the issuer's.
      expect(String(analysis.data.phone).replace(/\D/g, '')).toBe(spec.printed.phone!.replace(/\D/g, ''));
    }
  }, 240_000);

  it('answers bytes that are no document with document-unreadable, not an error', async () => {
    const [spec] = sampleAddressSpecs(1, 9, { formats: ['photo'], cases: ['valid'] });
    const analysis = await analyzer.analyze(input(spec!, Buffer.from('not a jpeg at all'), 'image/jpeg'));
    expect(analysis.rejectionReason).toBe('document-unreadable');
    expect(analysis.corrections!.map((c) => c.code)).toEqual(['address-document-unreadable']);
    expect(analysis.data).toMatchObject({ firstName: null, line1: null, date: null, wordCount: 0 });
    expect((analysis.evidence.files as { error: string }[])[0]!.error).toBe('unreadable');
  });

  it('tells an edited PDF, an old address on a licence and a non-bill apart, with customer messages', async () => {
    const [edited, licence, flyer] = sampleAddressSpecs(3, 5, {
      formats: ['text-pdf'],
      cases: ['edited-pdf', 'old-address-on-id', 'not-a-bill'],
    });
    const run = async (spec: AddressSpec) => {
      const doc = await generateAddressDocument(spec);
      return analyzer.analyze(input(spec, doc.bytes, doc.mime));
    };
    const e = await run(edited!);
    expect(e.data.isTampered).toBe(true);
    expect((e.evidence.tamper as string[]).sort()).toEqual(['pdf-editor', 'text-covered']);
    expect(e.corrections!.map((c) => c.code)).toEqual(['pdf-edited']);
    const l = await run(licence!);
    expect(l.rejectionReason).toBe('old-address-on-id');
    expect(l.data).toMatchObject({ documentSubtype: 'driver-license', line1: null, postalCode: null });
    expect(l.corrections![0]!.message).toMatch(/not the one on your account/);
    const f = await run(flyer!);
    expect(f.rejectionReason).toBe('document-invalid');
    // Declaring it a utility bill does not make it one.
    const doc = await generateAddressDocument(flyer!);
    const declared = await analyzer.analyze({
      ...input(flyer!, doc.bytes, doc.mime),
      documentSubtype: 'utility-bill',
    });
    expect(declared.rejectionReason).toBe('document-invalid');
    expect(f.data).toMatchObject({ documentSubtype: null, firstName: null, date: null });
  });

  it('honours maxDocumentAgeDays', async () => {
    const [spec] = sampleAddressSpecs(1, 7, { formats: ['text-pdf'], cases: ['valid'] });
    const doc = await generateAddressDocument(spec!);
    const age = Math.round((now().getTime() - Date.parse(`${spec!.printed.date}T00:00:00Z`)) / 86_400_000);
    const strict = await analyzer.analyze({
      ...input(spec!, doc.bytes, doc.mime),
      settings: { ...settings, maxDocumentAgeDays: age - 1 },
    });
    expect(strict.findings.find((f) => f.name === 'date')).toEqual({
      name: 'date',
      failed: true,
      reason: 'too-old',
    });
    const lenient = await analyzer.analyze({
      ...input(spec!, doc.bytes, doc.mime),
      settings: { ...settings, maxDocumentAgeDays: age + 1 },
    });
    expect(lenient.findings.find((f) => f.name === 'date')!.failed).toBe(false);
  });
});

describe('funds and purchase proofs', () => {
  it('reads the holder name of a bank statement and the card digits of a card statement', async () => {
    const funds = new FundsAnalyzer({ ocr, maxPixels: 50_000_000 });
    const purchase = new PurchaseAnalyzer({ ocr, maxPixels: 50_000_000 });
    const [bank] = sampleAddressSpecs(40, 13, { formats: ['text-pdf'], cases: ['valid'] }).filter(
      (s) => s.layout === 'bank',
    );
    const [card] = sampleAddressSpecs(40, 13, { formats: ['text-pdf'], cases: ['valid'] }).filter(
      (s) => s.layout === 'card',
    );
    const bankDoc = await generateAddressDocument(bank!);
    const f = await funds.analyze({
      ...input(bank!, bankDoc.bytes, bankDoc.mime),
      documentType: 'funds-proof',
    });
    expect(f.data).toMatchObject({ documentSubtype: 'bank-statement' });
    expect(String(f.data.lastName).toLowerCase()).toBe(bank!.printed.lastName.toLowerCase());
    expect(f.findings.filter((x) => x.failed)).toEqual([]);
    const cardDoc = await generateAddressDocument(card!);
    const p = await purchase.analyze({
      ...input(card!, cardDoc.bytes, cardDoc.mime),
      documentType: 'purchase-proof',
    });
    expect(p.data).toMatchObject({
      documentSubtype: 'credit-card-statement',
      paymentInstrumentId: null,
      cardLast4: card!.printed.cardLast4,
    });
    // Someone else's statement: both names fail.
    const other = await purchase.analyze({
      ...input(card!, cardDoc.bytes, cardDoc.mime),
      documentType: 'purchase-proof',
      customer: { ...card!.customer, firstName: 'Zelda', lastName: 'Quartermaine', dateOfBirth: null },
    });
    expect(other.findings.filter((x) => x.failed).map((x) => x.name)).toEqual(['firstName', 'lastName']);
    expect(other.rejectionReason).toBe('name-mismatch');
  });
});
