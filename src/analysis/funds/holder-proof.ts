/**
 * What proofs of funds and of purchase share: read the document (text PDF, scan or photo, as proofs of
 * address are read), find the customer's name on it, tell the kind of document, and look for signs of
 * editing. Whether the result decides the document or goes to a person is the organization's setting
 * (`fundsProof.automaticDecision`, `purchaseProof.automaticDecision`), applied by the analysis job.
 */
import type { Analysis, AnalyzerInput, Finding } from '../analyzer.ts';
import { CORRECTIONS, type CorrectionCode } from '../corrections.ts';
import { detectSubtype, findCustomer } from '../address/address-extract.ts';
import { words } from '../address/address-text.ts';
import { readDocumentText, type DocumentText, type TextLine } from '../address/document-text.ts';
import { PDF_EDITORS } from '../address/address-analyzer.ts';
import { UnreadableImageError } from '../image/normalize.ts';
import { subtypeFinding } from '../match/subtype.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import type { DocumentSubtype, RejectionReasonType } from '../vocabulary.ts';

export interface HolderProofOptions {
  /** The general-text OCR engine for scans and photos (shared with the address analyzer). */
  ocr: OcrEngine;
  maxPixels: number;
}

export interface HolderProofReading {
  lines: TextLine[];
  texts: { fileId: string; text?: DocumentText; error?: string }[];
  findings: Finding[];
  data: { firstName: string | null; lastName: string | null; documentSubtype: DocumentSubtype | null };
  parsed: { firstName: string | null; lastName: string | null };
  corrections: { code: string; message: string }[];
  rejectionReason?: RejectionReasonType;
  evidence: Record<string, unknown>;
}

const MIN_LEGIBLE_WORDS = 8;

export async function readHolderProof(
  input: AnalyzerInput,
  options: HolderProofOptions,
): Promise<HolderProofReading> {
  const started = performance.now();
  const texts: HolderProofReading['texts'] = [];
  for (const file of input.files.slice(0, 3)) {
    if (input.signal?.aborted) throw new Error('analysis aborted');
    try {
      texts.push({ fileId: file.id, text: await readDocumentText(file.bytes, file.mime, options) });
    } catch (error) {
      if (!(error instanceof UnreadableImageError)) throw error;
      texts.push({ fileId: file.id, error: error.code });
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
  const found = findCustomer(
    lines,
    { ...input.customer, line1: null, city: null, region: null, postalCode: null },
    input.matchLevel,
  );
  const detected = detectSubtype(fullText);
  const subtype = detected.subtype ?? input.documentSubtype ?? null;
  const tamper: string[] = [];
  for (const t of texts) {
    const pdf = t.text?.pdf;
    if (pdf && PDF_EDITORS.test(`${pdf.producer ?? ''} ${pdf.creator ?? ''}`)) tamper.push('pdf-editor');
    if (pdf && pdf.overlaps.length > 0) tamper.push('text-covered');
  }
  const findings: Finding[] = [
    {
      name: 'firstName',
      failed: !found.firstName.matched,
      reason: found.firstName.matched
        ? null
        : found.firstName.reason === 'missing'
          ? 'no-customer-value'
          : found.firstName.reason,
    },
    {
      name: 'lastName',
      failed: !found.lastName.matched,
      reason: found.lastName.matched
        ? null
        : found.lastName.reason === 'missing'
          ? 'no-customer-value'
          : found.lastName.reason,
    },
    subtypeFinding(subtype, input.requirements.subtypes ?? null),
    { name: 'isTampered', failed: tamper.length > 0, reason: tamper[0] ?? null },
  ];
  const corrections = new Map<CorrectionCode, string>();
  const correct = (code: CorrectionCode) => corrections.set(code, CORRECTIONS[code].message);
  let rejectionReason: RejectionReasonType | undefined;
  const legible = words(fullText).length >= MIN_LEGIBLE_WORDS;
  if (tamper.length) {
    rejectionReason = 'tampered-document';
    correct('pdf-edited');
  } else if (!legible) {
    rejectionReason = 'document-unreadable';
    correct('address-document-unreadable');
  } else if (!found.firstName.matched || !found.lastName.matched) {
    rejectionReason = 'name-mismatch';
    correct('name-mismatch');
  } else if (!subtype) {
    rejectionReason = 'subtype-missing';
  }
  return {
    lines,
    texts,
    findings,
    data: {
      firstName: found.firstName.matched ? found.firstName.value : null,
      lastName: found.lastName.matched ? found.lastName.value : null,
      documentSubtype: subtype,
    },
    parsed: { firstName: found.firstName.value, lastName: found.lastName.value },
    corrections: [...corrections].map(([code, message]) => ({ code, message })),
    ...(rejectionReason ? { rejectionReason } : {}),
    evidence: {
      files: texts.map((t) => ({
        fileId: t.fileId,
        error: t.error ?? null,
        source: t.text?.source ?? null,
        lines: t.text?.lines.length ?? 0,
        pdf: t.text?.pdf
          ? {
              producer: t.text.pdf.producer,
              creator: t.text.pdf.creator,
              overlaps: t.text.pdf.overlaps.length,
            }
          : null,
      })),
      engines: texts.find((t) => t.text?.ocrEngine)?.text?.ocrEngine ?? null,
      subtype: { detected: detected.subtype, declared: input.documentSubtype, keywords: detected.hits },
      tamper,
      names: { firstName: found.firstName.reason, lastName: found.lastName.reason },
      timings: { totalMs: Math.round(performance.now() - started) },
    },
  };
}

/** The common part of an `Analysis` from a reading; the caller adds its type's own data. */
export function holderAnalysis(
  reading: HolderProofReading,
  analyzer: string,
  data: Record<string, unknown>,
  parsed: Record<string, unknown>,
): Analysis {
  return {
    data: { ...reading.data, ...data },
    findings: reading.findings,
    parsedData: { ...reading.data, ...reading.parsed, ...parsed },
    corrections: reading.corrections,
    ...(reading.rejectionReason ? { rejectionReason: reading.rejectionReason } : {}),
    evidence: { analyzer, ...reading.evidence },
  };
}
