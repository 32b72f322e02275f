/**
 * The identity-proof analyzer: reads a passport, ID card or other MRZ document the way a careful reviewer
 * would and reports every check of `KycIdentityMatches` (spec §5.6).
 *
 * Per document file (id-front, id-back): normalise → quality gates → MRZ (fast OCR over the located band,
 * the accurate engine only when check digits fail). Then, on the side with the portrait: the face on the
 * document (`containsImage`) and its crop; the selfie (`face-proof` file) against it
 * (`hasMatchingFaceProof`); colour (`isPhotocopy`); editing software in the metadata and impossible dates
 * (`isTampered`); well-known specimens (`isPublishedOnline`); the customer record by `matchLevel` (names
 * with ICAO transliteration, date of birth), expiry, minimum age and subtype.
 *
 * The printed visual zone beside the portrait and the PDF417 barcode of a licence back (src/analysis/viz/,
 * src/analysis/barcode/): checked against the MRZ (a printed name or date that the MRZ contradicts is
 * `isTampered`), and, for documents without an MRZ (driver licences, the front of an ID card), the source
 * of the identity — the barcode first, else the printed zone.
 */
import exifReader from 'exif-reader';
import sharp from 'sharp';
import type { Analysis, Analyzer, AnalyzerFile, AnalyzerInput, Finding } from '../analyzer.ts';
import { correctionFor, CORRECTIONS, type CorrectionCode } from '../corrections.ts';
import type { FaceEngine, DetectedFace } from '../face/face-engine.ts';
import { cropPortrait } from '../face/face-engine.ts';
import { compareFaces } from '../face/compare-faces.ts';
import { faceMatchThreshold } from '../face/face-engine.ts';
import { selfieIssue, type SelfieIssue } from '../face/selfie-quality.ts';
import { editingSoftwareSignal } from '../fraud/editing-software.ts';
import { perceptualHash } from '../fraud/perceptual-hash.ts';
import { colourStats, isPhotocopySignal } from '../fraud/photocopy.ts';
import { signalFinding } from '../fraud/signal.ts';
import { findSpecimen } from '../fraud/specimens.ts';
import {
  limitImageMemory,
  normalizeImage,
  UnreadableImageError,
  type NormalizedImage,
} from '../image/normalize.ts';
import {
  assessQuality,
  BLOCKING_QUALITY_ISSUES,
  type QualityIssue,
  type QualityReport,
} from '../image/quality.ts';
import { toAlpha2 } from '../match/countries.ts';
import {
  dateIsInvalid,
  dateOfBirthFinding,
  expirationFinding,
  issueDateFinding,
  minimalAgeFinding,
  minimumAgeFor,
  type MinimumAgeSettings,
} from '../match/dates.ts';
import { isMrzNameTruncated, matchFullName, matchName, toMrzName } from '../match/names.ts';
import { subtypeFinding, subtypeFromMrzDocumentCode } from '../match/subtype.ts';
import { readMrz, type MrzReading } from '../mrz/read-mrz.ts';
import type { MrzEngines } from '../ocr/create-ocr-engine.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import { MIN_TAMPER_CONFIDENCE, namesDiffer } from '../viz/printed-identity.ts';
import { printedAsMrzFields, printedEvidence, readPrintedData } from '../viz/read-printed-data.ts';
import type { VizReading } from '../viz/read-viz.ts';
import type { DocumentSubtype, RejectionReasonType } from '../vocabulary.ts';

export const IDENTITY_MATCHES_VERSION = '2.0';

/**
 * A document portrait is ≈ 25–35 % of the page width (a passport photo on a data page, ICAO 9303), and the
 * face box Human draws round it measured 0.26–0.30 of the image on 300-dpi scans of TD1 cards and TD3 pages
 * (the document fills the frame) and on phone photos where the document fills ~85 % of it; less when the
 * document is smaller in the frame. A face wider than this share of the image is a selfie, not a document
 * (a photo of several people is told apart by its second face).
 */
const PORTRAIT_MAX_RELATIVE_WIDTH = 0.4;
/**
 * The narrowest face box taken for the portrait, as a share of the document region's width: the main
 * portrait measures 0.2–0.35 of it. A "face" of 2 % (26 px on a 300-dpi card back, found in a photocopy's
 * hard-contrast pattern) is not a portrait.
 */
const PORTRAIT_MIN_SHARE_OF_DOCUMENT = 0.06;

export interface IdentityAnalyzerOptions {
  mrz: MrzEngines;
  /** Without a face engine `containsImage` and the selfie match cannot pass. */
  face: FaceEngine | null;
  /** Decompression-bomb bound for every decoded image, in pixels. */
  maxPixels: number;
  /**
   * OCR for the printed visual zone; default: the MRZ fallback engine (PaddleOCR, one model set for both).
   * `null` reads no printed zone (only a licence's barcode).
   */
  viz?: OcrEngine | null;
  now?: () => Date;
}

interface Side {
  file: AnalyzerFile;
  image?: NormalizedImage;
  quality?: QualityReport;
  mrz?: MrzReading;
  error?: UnreadableImageError;
}

/** In the order the customer is told (the first is the decision's reason). */
const QUALITY_CORRECTIONS: Record<QualityIssue, CorrectionCode> = {
  'too-small': 'photo-too-small',
  blurry: 'photo-blurry',
  'too-dark': 'photo-too-dark',
  'cut-off': 'document-cut-off',
  glare: 'photo-glare',
};

/**
 * The printed zone spells a name with its national characters (`SØREN`), the MRZ only in ICAO letters
 * (`SOEREN`), which at the strict level cannot be told from another name (`SOEREN` is also a spelling of its
 * own). Where the MRZ name does not match the customer record, the printed name — read with the tamper-check
 * confidence and agreeing with the MRZ (when it does not, that is a tamper signal, not a match) — is the
 * document's own spelling, and a record of `Soren` matches it at the request's level. The finding's reason
 * becomes `printed-name`, for reviewers.
 */
export function printedSpellingFindings(
  findings: Finding[],
  mrz: MrzReading | undefined,
  viz: VizReading | null,
  customer: { firstName: string | null; lastName: string | null },
  matchLevel: number,
): Finding[] {
  if (!mrz?.found || !mrz.fields || !viz) return findings;
  const parts = {
    firstName: { printed: viz.fields.givenNames, mrz: mrz.fields.firstName, customer: customer.firstName },
    lastName: { printed: viz.fields.surname, mrz: mrz.fields.lastName, customer: customer.lastName },
  } as const;
  return findings.map((finding) => {
    if (!finding.failed || finding.reason !== 'mismatch') return finding;
    if (finding.name !== 'firstName' && finding.name !== 'lastName') return finding;
    const part = parts[finding.name];
    if (!part.printed || part.printed.confidence < MIN_TAMPER_CONFIDENCE || !part.mrz) return finding;
    if (namesDiffer(part.printed.value, part.mrz)) return finding;
    const match = matchName(part.printed.value, part.customer, matchLevel, {
      part: finding.name === 'firstName' ? 'given' : 'surname',
    });
    return match.matched ? { name: finding.name, failed: false, reason: 'printed-name' } : finding;
  });
}

/**
 * The document's part of a side's working image (the bright region the quality gates found), so that the
 * colour of a desk around a photographed card does not count as the card's; the whole image for a scan.
 */
async function documentCrop(side: Side): Promise<Buffer> {
  const image = side.image!;
  const box = side.quality?.cutOff.documentBox;
  if (!box || (box.width >= 0.95 && box.height >= 0.95)) return image.encoded;
  const left = Math.floor(box.left * image.width);
  const top = Math.floor(box.top * image.height);
  return sharp(image.encoded)
    .extract({
      left,
      top,
      width: Math.max(1, Math.min(image.width - left, Math.ceil(box.width * image.width))),
      height: Math.max(1, Math.min(image.height - top, Math.ceil(box.height * image.height))),
    })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/**
 * An MRZ band that failed its check digits and reaches the frame edge (within one character height) was
 * cut by it: the document runs out of the frame even when the rest of it looked whole.
 */
function mrzBandCut(side: Side): boolean {
  const band = side.mrz?.band;
  if (!band || !side.image || side.mrz?.checksumValid) return false;
  const rad = (band.angleDeg * Math.PI) / 180;
  const dx = (Math.cos(rad) * band.length) / 2;
  const dy = (Math.sin(rad) * band.length) / 2;
  const margin = band.capHeight;
  return [
    [band.centerX - dx, band.centerY - dy],
    [band.centerX + dx, band.centerY + dy],
  ].some(
    ([x, y]) =>
      x! < margin || y! < margin || x! > side.image!.width - margin || y! > side.image!.height - margin,
  );
}

function exifOf(metadataExif: Buffer | undefined): Record<string, unknown> | null {
  if (!metadataExif) return null;
  try {
    return exifReader(metadataExif);
  } catch {
    return null;
  }
}

const isoDateTime = (date: string | null | undefined) => (date ? `${date}T00:00:00Z` : null);

export class IdentityAnalyzer implements Analyzer {
  readonly documentType = 'identity-proof' as const;
  private readonly now: () => Date;

  constructor(private readonly options: IdentityAnalyzerOptions) {
    this.now = options.now ?? (() => new Date());
    limitImageMemory();
  }

  async close(): Promise<void> {
    await Promise.all([
      this.options.mrz.fast.close(),
      this.options.mrz.fallback?.close(),
      this.options.face?.close(),
    ]);
  }

  private async readSide(
    file: AnalyzerFile,
    now: Date,
    timings: Record<string, number>,
    customer: AnalyzerInput['customer'],
  ): Promise<Side> {
    const side: Side = { file };
    let started = performance.now();
    try {
      side.image = await normalizeImage(file.bytes, file.mime, { maxPixels: this.options.maxPixels });
    } catch (error) {
      if (error instanceof UnreadableImageError) {
        side.error = error;
        return side;
      }
      throw error;
    }
    timings.normalizeMs = (timings.normalizeMs ?? 0) + performance.now() - started;
    side.quality = assessQuality(side.image);
    started = performance.now();
    side.mrz = await readMrz(side.image.encoded, this.options.mrz, {
      now,
      ...(customer.lastName && customer.firstName
        ? {
            expectedNames: {
              surname: toMrzName(customer.lastName),
              givenNames: toMrzName(customer.firstName),
            },
          }
        : {}),
    });
    timings.mrzMs = (timings.mrzMs ?? 0) + performance.now() - started;
    return side;
  }

  async analyze(input: AnalyzerInput): Promise<Analysis> {
    const started = performance.now();
    const now = this.now();
    const timings: Record<string, number> = {};
    const documentFiles = input.files.filter((f) => !f.tags.includes('face-proof'));
    const selfieFile = input.files.find((f) => f.tags.includes('face-proof'));

    const sides: Side[] = [];
    for (const file of documentFiles) {
      if (input.signal?.aborted) throw new Error('analysis aborted');
      sides.push(await this.readSide(file, now, timings, input.customer));
    }
    const withMrz = sides.filter((s) => s.mrz?.found);
    const mrzSide = withMrz.find((s) => s.mrz!.checksumValid) ?? withMrz[0];
    const mrz = mrzSide?.mrz;

    // The portrait: on the front when there is one, else on any readable side (a passport page).
    const readable = sides.filter((s) => s.image);
    const portraitSides = [
      ...readable.filter((s) => s.file.tags.includes('id-front')),
      ...(mrzSide && !mrzSide.file.tags.includes('id-front') ? [mrzSide] : []),
      ...readable,
    ].filter((s, i, all) => all.indexOf(s) === i);
    let portrait: { side: Side; face: DetectedFace; people: boolean } | undefined;
    const faceEngine = this.options.face;
    if (faceEngine) {
      const faceStarted = performance.now();
      for (const side of portraitSides) {
        // The portrait's embedding only serves the selfie comparison below (a liveness session compares
        // against the stored portrait crop); its eyes and anti-spoof scores serve nothing on a print.
        const found = await faceEngine.detect(side.image!.encoded, {
          maxFaces: 2,
          findSmallFaces: true,
          describe: Boolean(selfieFile),
          eyes: false,
          antispoof: false,
        });
        // A face far smaller than a portrait on the document (a pattern, a printed figure) is not one.
        const box = side.quality?.cutOff.documentBox;
        const minWidth = PORTRAIT_MIN_SHARE_OF_DOCUMENT * (box ? box.width : 1) * side.image!.width;
        const faces = found.filter((f) => f.box.width >= minWidth);
        if (faces[0]) {
          // Two faces of about the same size: a photo of people. (A document's ghost portrait is far smaller.)
          const people = faces.length > 1 && faces[1]!.box.width >= 0.6 * faces[0].box.width;
          portrait = { side, face: faces[0], people };
          break;
        }
      }
      timings.faceMs = performance.now() - faceStarted;
    }

    // The printed zone beside a document portrait, and a licence's barcode on sides without an MRZ; not on
    // captures that must be retaken anyway.
    const retake = (s: Side) => s.quality?.issues.some((i) => BLOCKING_QUALITY_ISSUES.includes(i)) ?? false;
    const vizPortrait =
      portrait && !portrait.people && portrait.face.quality.relativeWidth < PORTRAIT_MAX_RELATIVE_WIDTH
        ? portrait
        : undefined;
    const printed = await readPrintedData({
      sides: readable
        .filter((s) => !retake(s))
        .map((s) => ({ fileId: s.file.id, image: s.image!, hasMrz: Boolean(s.mrz?.found) })),
      portrait: vizPortrait ? { fileId: vizPortrait.side.file.id, face: vizPortrait.face.box } : null,
      engine: this.options.viz === undefined ? (this.options.mrz.fallback ?? null) : this.options.viz,
      mrz:
        mrz?.found && mrz.fields
          ? {
              fields: mrz.fields,
              checksumValid: mrz.checksumValid,
              truncated: mrz.format
                ? isMrzNameTruncated(mrz.fields.lastName, mrz.fields.firstName, mrz.format)
                : false,
            }
          : null,
      maxPixels: this.options.maxPixels,
      now,
    });
    timings.barcodeMs = printed.timings.barcodeMs;
    timings.vizMs = printed.timings.vizMs;
    const fields = mrz?.fields ?? (printed.identified ? printedAsMrzFields(printed.identity) : null);

    const findings: Finding[] = [];
    const corrections = new Map<CorrectionCode, string>();
    const correct = (code: CorrectionCode) => corrections.set(code, CORRECTIONS[code].message);

    // Identity document: an MRZ was read, or at least a portrait on a readable page.
    const isIdentityDocument = Boolean(mrz?.found) || printed.identified;
    findings.push({
      name: 'isIdentityDocument',
      failed: !isIdentityDocument,
      reason: isIdentityDocument ? null : 'no-mrz',
    });
    findings.push({ name: 'containsImage', failed: !portrait, reason: portrait ? null : 'face-missing' });
    if (mrz?.found) {
      findings.push({
        name: 'mrzChecksum',
        failed: !mrz.checksumValid,
        reason: mrz.checksumValid ? null : 'mrz-unreadable',
      });
    }

    // The customer record, by match level.
    const customer = input.customer;
    const truncated =
      fields && mrz?.format ? isMrzNameTruncated(fields.lastName, fields.firstName, mrz.format) : false;
    const names = matchFullName(
      { surname: fields?.lastName ?? null, givenNames: fields?.firstName ?? null, truncated },
      { firstName: customer.firstName, lastName: customer.lastName },
      input.matchLevel,
    );
    findings.push(...printedSpellingFindings(names.findings, mrz, printed.viz, customer, input.matchLevel));
    findings.push(dateOfBirthFinding(fields?.dateOfBirth ?? null, customer.dateOfBirth));
    findings.push(expirationFinding(fields?.expirationDate ?? null, now));
    // The MRZ has no issue date and the printed zone is not read yet: not held against the document.
    // The MRZ has no issue date; the printed zone or the barcode may (not held against a document without).
    const issueDate = fields ? printed.identity.issueDate : null;
    findings.push(issueDateFinding(issueDate, now, { required: false }));
    const settings = input.settings as { minimumAgeSettings?: MinimumAgeSettings } | null;
    const minimumAge = settings?.minimumAgeSettings
      ? minimumAgeFor(
          settings.minimumAgeSettings,
          customer.country ?? fields?.issuingState ?? null,
          customer.region ?? printed.identity.region,
        )
      : 18;
    findings.push(minimalAgeFinding(fields?.dateOfBirth ?? null, minimumAge, now));
    const subtype: DocumentSubtype | null =
      subtypeFromMrzDocumentCode(fields?.documentCode) ??
      (fields ? printed.identity.subtype : null) ??
      input.documentSubtype ??
      null;
    if (input.requirements.subtypes?.length || !subtype) {
      findings.push(subtypeFinding(subtype, input.requirements.subtypes ?? null));
    }

    // Fraud signals.
    const specimen = findSpecimen({
      surname: fields?.lastName ?? null,
      givenNames: fields?.firstName ?? null,
      documentNumber: fields?.documentNumber ?? null,
      dateOfBirth: fields?.dateOfBirth ?? null,
      issuingState: fields?.issuingState ?? null,
      nationality: fields?.nationality ?? null,
    });
    findings.push({
      name: 'isPublishedOnline',
      failed: specimen !== null,
      reason: specimen ? 'specimen' : null,
    });
    const invalidDates = dateIsInvalid(
      { dateOfBirth: fields?.dateOfBirth ?? null, expirationDate: fields?.expirationDate ?? null },
      now,
    );
    const colourSide = portrait?.side ?? mrzSide ?? readable[0];
    let photocopy: { detected: boolean; reason: string | null } = { detected: false, reason: null };
    let editing: { detected: boolean; reason: string | null; software?: string | null } = {
      detected: false,
      reason: null,
    };
    // Colour cannot be judged on a photo too dark to show it: that capture is retaken anyway.
    if (colourSide && !colourSide.quality?.issues.includes('too-dark')) {
      photocopy = isPhotocopySignal(await colourStats(await documentCrop(colourSide)));
    }
    if (colourSide) {
      const metadata = await sharp(colourSide.file.bytes, { limitInputPixels: this.options.maxPixels })
        .metadata()
        .catch(() => null);
      editing = editingSoftwareSignal(exifOf(metadata?.exif));
    }
    findings.push(signalFinding('isPhotocopy', photocopy));
    const tampered = editing.detected || invalidDates.failed || printed.mismatch.detected;
    findings.push({
      name: 'isTampered',
      failed: tampered,
      reason: editing.detected
        ? 'document-edited'
        : invalidDates.failed
          ? invalidDates.reason
          : printed.mismatch.reason,
    });

    // The selfie against the portrait.
    let selfie: {
      similarity: number;
      threshold: number;
      matched: boolean;
      faces: number;
      issue: SelfieIssue | null;
    } | null = null;
    if (selfieFile && faceEngine) {
      const selfieStarted = performance.now();
      const selfieFaces = await faceEngine.detect(selfieFile.bytes, { maxFaces: 2 });
      const threshold = faceMatchThreshold(faceEngine, input.matchLevel);
      const issue = selfieIssue(selfieFaces);
      if (portrait && selfieFaces[0] && !issue) {
        const comparison = compareFaces(faceEngine, portrait.face.embedding, selfieFaces[0].embedding, {
          threshold,
        });
        selfie = { ...comparison, faces: selfieFaces.length, issue };
      } else {
        selfie = { similarity: 0, threshold, matched: false, faces: selfieFaces.length, issue };
      }
      timings.selfieMs = performance.now() - selfieStarted;
    }
    if (selfie || input.requirements.faceProofRequired) {
      findings.push({
        name: 'hasMatchingFaceProof',
        failed: !selfie?.matched,
        reason: !selfie
          ? 'missing'
          : (selfie.issue ?? (selfie.matched ? null : portrait ? 'mismatch' : 'selfie-retake')),
      });
    }

    // What the customer can fix, and the most specific reason for a rejection.
    for (const side of sides) {
      if (mrzBandCut(side) && !side.quality?.issues.includes('cut-off')) side.quality?.issues.push('cut-off');
    }
    // A document edge along the frame edge while the MRZ reads whole and valid is a sliver at most (a card
    // corner a few pixels out): nothing a reviewer needs is missing, so it is no finding.
    const mrzValid = Boolean(mrz?.found && mrz.checksumValid);
    const qualityIssues = [
      ...new Set(sides.flatMap((s) => s.quality?.issues ?? []).filter((i) => !(mrzValid && i === 'cut-off'))),
    ].sort(
      (a, b) => Object.keys(QUALITY_CORRECTIONS).indexOf(a) - Object.keys(QUALITY_CORRECTIONS).indexOf(b),
    );
    // A face that fills a good part of the frame is a person, not the portrait of a document.
    const documentPortrait =
      portrait && !portrait.people && portrait.face.quality.relativeWidth < PORTRAIT_MAX_RELATIVE_WIDTH;
    // A face that is no document portrait, and no MRZ: a photo of people (or a selfie), not a document.
    const people = Boolean(!mrz?.found && portrait && !documentPortrait);
    // A capture that must be retaken (cut off, too dark, too small, blurry) is rejected for a retake with the
    // specific correction, whatever could be read from it (decide.ts, `retakeReason`) — unless it shows
    // people rather than a document.
    const blocking = qualityIssues.filter((issue) => BLOCKING_QUALITY_ISSUES.includes(issue));
    // Glare alone does not block: the MRZ or the barcode usually reads through it. But when the printed zone
    // is the only source (no MRZ, no barcode) and a field the decision needs was not found there, or does not
    // match, the glare most likely hides it (`28/04/1`, `NGUY`): a retake, not a document without an expiry
    // date, nor a mismatch for a reviewer.
    const glareHidesField =
      qualityIssues.includes('glare') &&
      !mrz?.found &&
      !printed.barcode?.licence &&
      findings.some(
        (f) =>
          f.failed &&
          (f.reason === 'missing' || f.reason === 'mismatch') &&
          (['firstName', 'lastName', 'dateOfBirth', 'expirationDate'] as const).some((n) => n === f.name),
      );
    if (glareHidesField) blocking.push('glare');
    // Blur, darkness and size are measured for certain; a cut-off is inferred from an edge: the former win.
    const retakeReason: RejectionReasonType | undefined =
      blocking.length === 0 || people
        ? undefined
        : blocking.some((issue) => issue !== 'cut-off')
          ? 'document-unreadable'
          : 'document-not-open';
    if (!people) for (const issue of qualityIssues) correct(QUALITY_CORRECTIONS[issue]);
    let rejectionReason: RejectionReasonType | undefined;
    if (retakeReason && !mrzValid) {
      // What was read from a capture too poor to read (an MRZ failing its check digits, or the printed
      // zone, which has none) is no ground for a mismatch or expiry reason.
      rejectionReason = retakeReason;
    } else if (!mrz?.found && !printed.identified) {
      if (sides.some((s) => s.error)) {
        correct('not-a-document');
        rejectionReason = 'document-unreadable';
      } else if (people) {
        correct('not-a-document');
        rejectionReason = 'document-invalid';
      } else if (qualityIssues.length > 0) {
        rejectionReason = retakeReason ?? 'document-unreadable';
      } else if (!documentPortrait) {
        correct('not-a-document');
        rejectionReason = 'document-invalid';
      } else {
        correct('mrz-unreadable');
        if (documentFiles.length === 1 && documentFiles[0]!.tags.includes('id-front'))
          correct('back-side-needed');
        rejectionReason = 'document-unreadable';
      }
    }
    for (const finding of findings) {
      const correction = correctionFor(finding);
      if (
        correction &&
        !(
          rejectionReason &&
          (!mrz?.found || !mrz.checksumValid) &&
          [
            'name-mismatch',
            'dob-mismatch',
            'expiry-date-missing',
            'face-missing',
            'document-type-unknown',
          ].includes(correction.code)
        )
      ) {
        corrections.set(correction.code, correction.message);
      }
    }

    const data: Record<string, unknown> = {
      containsImage: Boolean(portrait),
      isIdentityDocument,
      isPublishedOnline: specimen !== null,
      matchingImages: [],
      firstName: names.firstName.matched ? (fields?.firstName ?? null) : null,
      lastName: names.lastName.matched ? (fields?.lastName ?? null) : null,
      dateOfBirth: isoDateTime(fields?.dateOfBirth),
      expirationDate: isoDateTime(fields?.expirationDate),
      expiryDate: isoDateTime(fields?.expirationDate),
      issueDate: isoDateTime(issueDate),
      hasMinimalAge: fields?.dateOfBirth ? !findings.find((f) => f.name === 'hasMinimalAge')!.failed : null,
      nationality: fields?.nationality?.replace(/<+$/, '') || null,
      issuanceCountry: toAlpha2(fields?.issuingState ?? null),
      issuanceRegion: fields ? printed.identity.region : null,
      documentNumber: fields?.documentNumber ?? null,
      sex:
        fields?.sex === 'male'
          ? 'M'
          : fields?.sex === 'female'
            ? 'F'
            : fields?.sex === 'unspecified'
              ? 'X'
              : null,
      mrzChecksumValid: mrz?.found ? mrz.checksumValid : null,
      documentSubtype: subtype,
      hasMatchingFaceProof: selfie ? selfie.matched : false,
      isTampered: tampered,
      isDigitallyTampered: editing.detected,
      isPhotocopy: photocopy.detected,
      hasCompletedFaceLiveness: false,
    };
    const parsedData: Record<string, unknown> = {
      ...data,
      firstName: fields?.firstName ?? null,
      lastName: fields?.lastName ?? null,
      mrz: mrz?.found ? { format: mrz.format, lines: mrz.lines } : null,
    };

    const artifacts: Analysis['artifacts'] = [];
    let portraitHash: string | null = null;
    if (portrait) {
      const crop = await cropPortrait(portrait.side.image!.encoded, portrait.face);
      artifacts.push({ name: 'portrait.jpg', mime: 'image/jpeg', bytes: crop });
      // Two people's cards of one design hash alike as a whole; their portraits do not (duplicates.ts).
      if (!portrait.people) portraitHash = await perceptualHash(crop);
    }
    timings.totalMs = performance.now() - started;
    const round = (value: number) => Math.round(value);
    return {
      data,
      findings,
      parsedData,
      corrections: [...corrections].map(([code, message]) => ({ code, message })),
      ...(rejectionReason ? { rejectionReason } : {}),
      ...(retakeReason ? { retakeReason } : {}),
      artifacts,
      fingerprint: {
        documentNumber: isIdentityDocument ? (fields?.documentNumber ?? null) : null,
        issuingState: toAlpha2(fields?.issuingState ?? null),
        imageHash: portraitHash,
      },
      evidence: {
        analyzer: 'kycgate-identity',
        engines: {
          ...(mrz?.engineVersions ?? {}),
          ...(faceEngine ? { [faceEngine.name]: faceEngine.version } : {}),
          ...(printed.viz ? { [printed.viz.engine]: printed.viz.engineVersion } : {}),
        },
        files: sides.map((s) => ({
          fileId: s.file.id,
          tags: s.file.tags,
          error: s.error?.code ?? null,
          size: s.image ? { width: s.image.sourceWidth, height: s.image.sourceHeight } : null,
          quality: s.quality ?? null,
          mrz: s.mrz
            ? {
                found: s.mrz.found,
                format: s.mrz.format,
                lines: s.mrz.lines,
                checks: s.mrz.checks,
                checksumValid: s.mrz.checksumValid,
                repairs: s.mrz.repairs,
                engine: s.mrz.engine,
                attempts: s.mrz.attempts.map((a) => ({
                  engine: a.engine,
                  variant: a.variant,
                  valid: a.valid,
                  ms: round(a.ms),
                })),
                timings: s.mrz.timings,
              }
            : null,
        })),
        printed: printedEvidence(printed),
        face: portrait
          ? { fileId: portrait.side.file.id, box: portrait.face.box, score: portrait.face.score }
          : null,
        selfie,
        specimen: specimen ? { name: specimen.specimen?.id ?? null, matchedBy: specimen.reason } : null,
        editingSoftware: editing.detected ? editing.reason : null,
        minimumAge,
        names: { firstName: names.firstName.reason, lastName: names.lastName.reason, swapped: names.swapped },
        timings: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, round(v)])),
      },
    };
  }
}
