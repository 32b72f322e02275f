/**
 * The address-proof analyzer: reads a utility bill, bank or card statement, tenancy or tax letter (a text
 * PDF, a scanned PDF or a photo) the way a careful reviewer would, and reports every check of
 * `KycAddressMatches` (spec §5.6): the customer's name and address as printed (street spelled any usual way,
 * flat number on the line or the next, postcode formats of the US, Canada, the UK, Germany, France and the
 * Netherlands), the document date against the organization's maximum age (`maxDocumentAgeDays`, default
 * 90), the issuer's phone, the kind of document, and signs of editing.
 *
 * An identity document sent as proof of address (a driver's licence) that shows another address than the
 * customer's is told apart from a bill with another address: the first is `old-address-on-id` (licences
 * keep the address they were issued with; the customer moved), the second `document-not-matching`.
 */
import exifReader from 'exif-reader';
import sharp from 'sharp';
import type { Analysis, Analyzer, AnalyzerFile, AnalyzerInput, Finding } from '../analyzer.ts';
import { CORRECTIONS, type CorrectionCode } from '../corrections.ts';
import { editingSoftwareSignal } from '../fraud/editing-software.ts';
import { UnreadableImageError } from '../image/normalize.ts';
import { assessQuality } from '../image/quality.ts';
import { subtypeFinding } from '../match/subtype.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import type { DocumentSubtype, RejectionReasonType } from '../vocabulary.ts';
import { words } from './address-text.ts';
import {
  detectSubtype,
  documentDate,
  findCustomer,
  issuerPhone,
  recipientBlock,
  type CustomerOnDocument,
  type FieldMatch,
} from './address-extract.ts';
import { readDocumentText, type DocumentText, type TextLine } from './document-text.ts';

export const ADDRESS_MATCHES_VERSION = '2.0';
/** How old a proof of address may be when the settings do not say (days). */
export const DEFAULT_MAX_DOCUMENT_AGE_DAYS = 90;
/** Fewer words than this on a photo or scan: nothing legible was read. */
const MIN_LEGIBLE_WORDS = 12;
/** Only this many files of one document are read (a statement's first pages carry the address). */
const MAX_FILES = 3;

/** PDF and image editors named in a PDF's Producer/Creator: the file was changed after it was issued. */
export const PDF_EDITORS =
  /pdf-?xchange editor|foxit (phantom|pdf editor)|nitro (pro|pdf)|pdfescape|sejda|smallpdf|ilovepdf|pdffiller|dochub|pdf ?candy|pdf expert|pdfelement|wondershare|acrobat (pro|dc|standard)|photoshop|\bgimp\b|\bcanva\b|inkscape|pdf editor|libreoffice draw/i;

const IDENTITY_SUBTYPES: readonly DocumentSubtype[] = ['driver-license', 'id-card', 'passport'];

export interface AddressAnalyzerOptions {
  /** The general-text OCR engine for scans and photos (the PaddleOCR instance the runtime shares). */
  ocr: OcrEngine;
  /** Decompression-bomb bound for every decoded image, in pixels. */
  maxPixels: number;
  now?: () => Date;
}

interface AddressSettings {
  maxDocumentAgeDays?: number;
}

function exifOf(buffer: Buffer | undefined): Record<string, unknown> | null {
  if (!buffer) return null;
  try {
    return exifReader(buffer);
  } catch {
    return null;
  }
}

const isoDateTime = (date: string | null) => (date ? `${date}T00:00:00Z` : null);
const daysBetween = (from: string, to: Date) => (to.getTime() - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;

export class AddressAnalyzer implements Analyzer {
  readonly documentType = 'address-proof' as const;
  private readonly now: () => Date;

  constructor(private readonly options: AddressAnalyzerOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async close(): Promise<void> {
    await this.options.ocr.close();
  }

  async analyze(input: AnalyzerInput): Promise<Analysis> {
    const started = performance.now();
    const now = this.now();
    const settings = (input.settings ?? {}) as AddressSettings;
    const maxAgeDays = settings.maxDocumentAgeDays ?? DEFAULT_MAX_DOCUMENT_AGE_DAYS;
    const customer = input.customer;
    const country = customer.country?.toUpperCase() ?? null;

    // Read every file (pages of one document), one below the other.
    const texts: { file: AnalyzerFile; text?: DocumentText; error?: string }[] = [];
    for (const file of input.files.slice(0, MAX_FILES)) {
      if (input.signal?.aborted) throw new Error('analysis aborted');
      try {
        texts.push({
          file,
          text: await readDocumentText(file.bytes, file.mime, {
            ocr: this.options.ocr,
            maxPixels: this.options.maxPixels,
          }),
        });
      } catch (error) {
        if (!(error instanceof UnreadableImageError)) throw error;
        texts.push({ file, error: error.code });
      }
    }
    const lines: TextLine[] = [];
    let offset = 0;
    for (const t of texts) {
      const own = t.text?.lines ?? [];
      for (const l of own) lines.push({ ...l, y: l.y + offset });
      offset += Math.max(0, ...own.map((l) => l.y + l.height)) + 100;
    }
    const fullText = lines.map((l) => l.text).join('\n');
    const allWords = words(fullText);
    const first = texts.find((t) => t.text)?.text ?? null;

    // What the document says.
    const found: CustomerOnDocument = findCustomer(lines, customer, input.matchLevel);
    const block = recipientBlock(lines, country);
    const dated = documentDate(lines, country, now);
    const phone = issuerPhone(lines, new Set(block?.indexes ?? []));
    const detected = detectSubtype(fullText);
    const subtype: DocumentSubtype | null = detected.subtype ?? input.documentSubtype ?? null;

    // Tampering: editors in the PDF metadata or the image's EXIF, text drawn over other text, a future date.
    const tamper: string[] = [];
    for (const t of texts) {
      const pdf = t.text?.pdf;
      if (pdf) {
        if (PDF_EDITORS.test(`${pdf.producer ?? ''} ${pdf.creator ?? ''}`)) tamper.push('pdf-editor');
        if (pdf.overlaps.length > 0) tamper.push('text-covered');
      } else if (t.text?.image) {
        const meta = await sharp(t.file.bytes, { limitInputPixels: this.options.maxPixels })
          .metadata()
          .catch(() => null);
        if (editingSoftwareSignal(exifOf(meta?.exif)).detected) tamper.push('editing-software');
      }
    }
    if (dated.date && daysBetween(dated.date, now) < -2) tamper.push('future-date');
    const tampered = tamper.length > 0;

    // Findings.
    const findings: Finding[] = [];
    const check = (name: Finding['name'], match: FieldMatch, optional = false) => {
      if (match.reason === 'missing') {
        findings.push({ name, failed: !optional, reason: optional ? null : 'no-customer-value' });
        // A pass may carry how it passed (`implied-by-postcode`, `surname-only`), for reviewers.
      } else findings.push({ name, failed: !match.matched, reason: match.reason });
    };
    check('firstName', found.firstName);
    check('lastName', found.lastName);
    check('line1', found.line1);
    check('city', found.city);
    check('region', found.region, true);
    check('postalCode', found.postalCode);
    const age = dated.date ? daysBetween(dated.date, now) : null;
    findings.push({
      name: 'date',
      failed: age === null || age > maxAgeDays,
      reason: age === null ? 'missing' : age > maxAgeDays ? 'too-old' : null,
    });
    findings.push({ name: 'phone', failed: !phone, reason: phone ? null : 'missing' });
    findings.push(subtypeFinding(subtype, input.requirements.subtypes ?? null));
    findings.push({ name: 'isTampered', failed: tampered, reason: tamper[0] ?? null });

    // The most specific reason, and what the customer can do.
    const corrections = new Map<CorrectionCode, string>();
    const correct = (code: CorrectionCode) => corrections.set(code, CORRECTIONS[code].message);
    const failed = (name: Finding['name']) => findings.some((f) => f.name === name && f.failed);
    const legible = allWords.length >= MIN_LEGIBLE_WORDS;
    const nameFailed = failed('firstName') || failed('lastName');
    const addressFailed = failed('line1') || failed('postalCode') || failed('city');
    // What the document itself shows, not what the customer declared it to be.
    const isAddressDocument =
      (detected.subtype !== null || block !== null) && (dated.date !== null || block !== null);
    const identityDocument = detected.subtype !== null && IDENTITY_SUBTYPES.includes(detected.subtype);
    let rejectionReason: RejectionReasonType | undefined;
    if (tampered) {
      rejectionReason = 'tampered-document';
      correct(tamper.includes('editing-software') ? 'document-edited' : 'pdf-edited');
    } else if (texts.every((t) => t.error) || !legible) {
      rejectionReason = 'document-unreadable';
      const image = texts.find((t) => t.text?.image)?.text?.image;
      const issues = image ? assessQuality(image).issues : [];
      const byIssue: Record<string, CorrectionCode> = {
        'too-small': 'photo-too-small',
        blurry: 'photo-blurry',
        'too-dark': 'photo-too-dark',
        glare: 'photo-glare',
      };
      for (const issue of issues) if (byIssue[issue]) correct(byIssue[issue]);
      if (corrections.size === 0) correct('address-document-unreadable');
    } else if (!isAddressDocument && nameFailed && addressFailed) {
      rejectionReason = 'document-invalid';
      correct('not-an-address-document');
    } else if (identityDocument && addressFailed && !nameFailed) {
      rejectionReason = 'old-address-on-id';
      correct('old-address-on-id');
    } else {
      if (nameFailed) {
        rejectionReason = 'name-mismatch';
        correct('name-mismatch');
      }
      if (addressFailed) {
        rejectionReason ??= 'document-not-matching';
        correct('address-mismatch');
      }
      if (failed('date')) {
        rejectionReason ??= age === null ? 'issue-date-missing' : 'document-expired';
        correct(age === null ? 'address-date-missing' : 'document-too-old');
      }
      if (failed('documentSubtype')) {
        const reason = findings.find((f) => f.name === 'documentSubtype')!.reason;
        rejectionReason ??= reason === 'missing' ? 'subtype-missing' : 'document-invalid';
        correct(reason === 'missing' ? 'not-an-address-document' : 'wrong-document-type');
      }
    }

    const value = (m: FieldMatch) => (m.matched ? m.value : null);
    const data: Record<string, unknown> = {
      firstName: value(found.firstName),
      lastName: value(found.lastName),
      line1: value(found.line1),
      city: value(found.city),
      region: value(found.region),
      postalCode: value(found.postalCode),
      wordCount: allWords.length,
      uniqueWords: new Set(allWords).size,
      date: isoDateTime(dated.date),
      phone,
      documentSubtype: subtype,
      isTampered: tampered,
    };
    const parsedData: Record<string, unknown> = {
      ...data,
      firstName: block?.firstName ?? found.firstName.value,
      lastName: block?.lastName ?? found.lastName.value,
      line1: block?.line1 ?? found.line1.value,
      city: block?.city ?? found.city.value,
      region: block?.region ?? found.region.value,
      postalCode: block?.postalCode ?? found.postalCode.value,
      holderName: block?.name ?? null,
      addressLines: block?.lines ?? [],
    };
    const round = (n: number) => Math.round(n);
    return {
      data,
      findings,
      parsedData,
      corrections: [...corrections].map(([code, message]) => ({ code, message })),
      ...(rejectionReason ? { rejectionReason } : {}),
      evidence: {
        analyzer: 'kycgate-address',
        engines: first?.ocrEngine ? { ocr: first.ocrEngine } : {},
        files: texts.map((t) => ({
          fileId: t.file.id,
          tags: t.file.tags,
          error: t.error ?? null,
          source: t.text?.source ?? null,
          lines: t.text?.lines.length ?? 0,
          pdf: t.text?.pdf
            ? {
                pages: t.text.pdf.pages,
                producer: t.text.pdf.producer,
                creator: t.text.pdf.creator,
                creationDate: t.text.pdf.creationDate,
                modificationDate: t.text.pdf.modificationDate,
                overlaps: t.text.pdf.overlaps.length,
              }
            : null,
          timings: Object.fromEntries(Object.entries(t.text?.timings ?? {}).map(([k, v]) => [k, round(v)])),
        })),
        matches: Object.fromEntries(
          (Object.entries(found) as [string, FieldMatch][]).map(([k, m]) => [
            k,
            { matched: m.matched, line: m.line, reason: m.reason },
          ]),
        ),
        date: { ...dated, maxAgeDays, ageDays: age === null ? null : Math.floor(age) },
        subtype: { detected: detected.subtype, declared: input.documentSubtype, keywords: detected.hits },
        tamper,
        identityDocument,
        timings: { totalMs: round(performance.now() - started) },
      },
    };
  }
}
