/**
 * Everything a document states outside its MRZ, for the identity analyzer: the PDF417 barcode of a
 * licence back (sides without an MRZ only), the printed visual zone beside the portrait, the identity they
 * give, and whether they agree with the MRZ or with each other (`isTampered`).
 *
 * With an MRZ the VIZ is read for the names only (the MRZ's dates and number have check digits; its names
 * have none): a printed surname or given name the MRZ contradicts is `viz-mrz-mismatch`. Names are
 * compared when a label placed them, or — placed by position — when the other name confirms the layout
 * ({@link anchoredPositionNames}).
 *
 * Cost: the barcode search runs on sides without an MRZ (≈ 0.05 s on a flat scan, 0.2–0.8 s when the
 * symbol must be located and straightened, ≈ 0.1–0.3 s when there is none); the VIZ is one OCR call on
 * a crop beside the portrait (see read-viz.ts). Neither runs on a side that is not a document.
 */
import { parseAamva, type AamvaLicence } from '../barcode/aamva.ts';
import { readPdf417, type Pdf417Reading } from '../barcode/read-pdf417.ts';
import type { MrzFields, MrzSex } from '../mrz/mrz-parse.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import {
  anchoredPositionNames,
  confidentVizValues,
  printedIdentity,
  printedMismatch,
  vizIdentifiesDocument,
  type PrintedIdentity,
  type PrintedMismatch,
} from './printed-identity.ts';
import { readViz, type VizReading } from './read-viz.ts';

export interface PrintedDataSide {
  fileId: string;
  /** The upright working image (JPEG) and its size; absent when the file could not be decoded. */
  image?: { encoded: Buffer; width: number; height: number };
  /** An MRZ was read on this side (no barcode is looked for there). */
  hasMrz: boolean;
}

export interface PrintedDataInput {
  sides: PrintedDataSide[];
  /** The document portrait: the side it is on and the face box in that side's working image. */
  portrait: { fileId: string; face: { x: number; y: number; width: number; height: number } } | null;
  /** OCR for the VIZ (PaddleOCR); without it only the barcode is read. */
  engine: OcrEngine | null;
  /** The MRZ the VIZ is checked against, when one was read. */
  mrz: { fields: MrzFields; checksumValid: boolean; truncated: boolean } | null;
  maxPixels: number;
  now: Date;
}

export interface PrintedData {
  viz: VizReading | null;
  barcode: { fileId: string; reading: Pdf417Reading; licence: AamvaLicence | null } | null;
  /** Barcode first, then confident VIZ values. */
  identity: PrintedIdentity;
  /** The barcode or the VIZ identify a document by themselves (for documents without an MRZ). */
  identified: boolean;
  /** VIZ against the MRZ, else against the barcode. */
  mismatch: PrintedMismatch;
  timings: { barcodeMs: number; vizMs: number };
}

export async function readPrintedData(input: PrintedDataInput): Promise<PrintedData> {
  let started = performance.now();
  let barcode: PrintedData['barcode'] = null;
  for (const side of input.sides) {
    if (side.hasMrz || !side.image) continue;
    const reading = await readPdf417(side.image.encoded, { maxPixels: input.maxPixels });
    if (reading) {
      barcode = { fileId: side.fileId, reading, licence: parseAamva(reading.text) };
      if (barcode.licence) break;
    }
  }
  const barcodeMs = performance.now() - started;

  started = performance.now();
  let viz: VizReading | null = null;
  const portraitSide = input.portrait && input.sides.find((s) => s.fileId === input.portrait!.fileId);
  if (input.engine && input.portrait && portraitSide?.image) {
    const licence = barcode?.licence;
    viz = await readViz(
      portraitSide.image.encoded,
      portraitSide.image,
      { face: input.portrait.face },
      input.engine,
      {
        now: input.now,
        // With an MRZ only the names need the printed zone: the MRZ has no check digit over them.
        part: input.mrz ? 'names' : 'all',
        ...(licence?.country === 'USA' ? { dateOrder: 'mdy' as const } : {}),
        ...(licence?.country === 'CAN' ? { dateOrder: 'dmy' as const } : {}),
      },
    );
  }
  const vizMs = performance.now() - started;

  const identity = printedIdentity(viz, barcode?.licence ?? null);
  const licence = barcode?.licence ?? null;
  const identified = Boolean(licence && licence.surname && licence.dateOfBirth) || vizIdentifiesDocument(viz);
  const printed = confidentVizValues(viz, { forTamperCheck: true, licence: Boolean(licence) });
  let mismatch: PrintedMismatch = { detected: false, reason: null, fields: [], compared: [] };
  if (input.mrz) {
    const f = input.mrz.fields;
    // A reading whose check digits fail may hold misread dates and numbers: then only names are compared
    // (and with an MRZ the VIZ crop holds only the names anyway).
    mismatch = printedMismatch(
      { ...anchoredPositionNames(viz, { surname: f.lastName, givenNames: f.firstName }), ...printed },
      {
        surname: f.lastName,
        givenNames: f.firstName,
        ...(input.mrz.checksumValid
          ? { dateOfBirth: f.dateOfBirth, expirationDate: f.expirationDate, documentNumber: f.documentNumber }
          : {}),
      },
      'viz-mrz-mismatch',
      { referenceTruncated: input.mrz.truncated },
    );
  } else if (licence) {
    mismatch = printedMismatch(
      printed,
      {
        surname: licence.surname,
        givenNames: licence.givenNames,
        dateOfBirth: licence.dateOfBirth,
        expirationDate: licence.expirationDate,
        documentNumber: licence.documentNumber,
      },
      'viz-barcode-mismatch',
      { referenceTruncated: licence.truncated.firstName || licence.truncated.middleName },
    );
  }
  return { viz, barcode, identity, identified, mismatch, timings: { barcodeMs, vizMs } };
}

const MRZ_SEX: Record<'M' | 'F' | 'X', MrzSex> = { M: 'male', F: 'female', X: 'unspecified' };

/**
 * The printed identity in the shape of MRZ fields, for a document without an MRZ: what the rest of the
 * analyzer reads (names, dates, number, issuing state, sex). No document code, nationality or optional data:
 * a licence states none of them.
 */
export function printedAsMrzFields(identity: PrintedIdentity): MrzFields {
  return {
    documentCode: '',
    issuingState: identity.issuingCountry ?? '',
    lastName: identity.surname ?? '',
    firstName: identity.givenNames ?? '',
    documentNumber: identity.documentNumber ?? '',
    nationality: '',
    dateOfBirth: identity.dateOfBirth,
    sex: identity.sex ? MRZ_SEX[identity.sex] : null,
    expirationDate: identity.expirationDate,
    personalNumber: null,
    optionalData: null,
  };
}

/** What reviewers see of the printed zone and the barcode (the evidence endpoint). */
export function printedEvidence(printed: PrintedData): Record<string, unknown> {
  const round = (v: number) => Math.round(v);
  return {
    identified: printed.identified,
    sources: printed.identity.sources,
    mismatch: printed.mismatch.detected ? printed.mismatch.fields : [],
    compared: printed.mismatch.compared,
    viz: printed.viz
      ? {
          crop: printed.viz.crop,
          tiltDeg: printed.viz.tiltDeg,
          documentKind: printed.viz.documentKind,
          labels: printed.viz.labels,
          fields: printed.viz.fields,
          text: printed.viz.segments.map((s) => ({
            text: s.text,
            confidence: Math.round(s.confidence * 100) / 100,
          })),
          ms: round(printed.viz.ms),
        }
      : null,
    barcode: printed.barcode
      ? {
          fileId: printed.barcode.fileId,
          format: 'PDF417',
          method: printed.barcode.reading.method,
          angleDeg: printed.barcode.reading.angleDeg,
          aamva: printed.barcode.licence
            ? {
                iin: printed.barcode.licence.iin,
                version: printed.barcode.licence.version,
                subfile: printed.barcode.licence.subfile,
                elements: printed.barcode.licence.elements,
              }
            : null,
          ms: round(printed.barcode.reading.ms),
        }
      : null,
    timings: { barcodeMs: round(printed.timings.barcodeMs), vizMs: round(printed.timings.vizMs) },
  };
}
