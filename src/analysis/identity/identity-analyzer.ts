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
 * What it does not read yet: the printed visual zone (so documents without an MRZ — most driver licences —
 * are not identified and go to a person), and the PDF417 barcode on licence backs.
 */
import exifReader from 'exif-reader';
import sharp from 'sharp';
import type { Analysis, Analyzer, AnalyzerFile, AnalyzerInput, Finding } from '../analyzer.ts';
import { correctionFor, CORRECTIONS, type CorrectionCode } from '../corrections.ts';
import type { FaceEngine, DetectedFace } from '../face/face-engine.ts';
import { cropPortrait } from '../face/face-engine.ts';
import { compareFaces } from '../face/compare-faces.ts';
import { editingSoftwareSignal } from '../fraud/editing-software.ts';
import { perceptualHash } from '../fraud/perceptual-hash.ts';
import { colourStats, isPhotocopySignal } from '../fraud/photocopy.ts';
import { signalFinding } from '../fraud/signal.ts';
import { findSpecimen } from '../fraud/specimens.ts';
import { normalizeImage, UnreadableImageError, type NormalizedImage } from '../image/normalize.ts';
import { assessQuality, type QualityReport } from '../image/quality.ts';
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
import { isMrzNameTruncated, matchFullName } from '../match/names.ts';
import { subtypeFinding, subtypeFromMrzDocumentCode } from '../match/subtype.ts';
import { readMrz, type MrzReading } from '../mrz/read-mrz.ts';
import type { MrzEngines } from '../ocr/create-ocr-engine.ts';
import type { DocumentSubtype, RejectionReasonType } from '../vocabulary.ts';

export const IDENTITY_MATCHES_VERSION = '2.0';

/**
 * A document portrait is ≈ 10–15 % of the page width (a passport photo on a data page, ICAO 9303); in a
 * phone photo of the document, less. A face wider than this share of the image is a selfie or a photo of
 * people, not a document.
 */
const PORTRAIT_MAX_RELATIVE_WIDTH = 0.25;

export interface IdentityAnalyzerOptions {
  mrz: MrzEngines;
  /** Without a face engine `containsImage` and the selfie match cannot pass. */
  face: FaceEngine | null;
  /** Decompression-bomb bound for every decoded image, in pixels. */
  maxPixels: number;
  now?: () => Date;
}

interface Side {
  file: AnalyzerFile;
  image?: NormalizedImage;
  quality?: QualityReport;
  mrz?: MrzReading;
  error?: UnreadableImageError;
}

const QUALITY_CORRECTIONS: Record<string, CorrectionCode> = {
  'too-small': 'photo-too-small',
  blurry: 'photo-blurry',
  'too-dark': 'photo-too-dark',
  glare: 'photo-glare',
};

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
  }

  async close(): Promise<void> {
    await Promise.all([
      this.options.mrz.fast.close(),
      this.options.mrz.fallback?.close(),
      this.options.face?.close(),
    ]);
  }

  private async readSide(file: AnalyzerFile, now: Date, timings: Record<string, number>): Promise<Side> {
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
    side.mrz = await readMrz(side.image.jpeg, this.options.mrz, { now });
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
      sides.push(await this.readSide(file, now, timings));
    }
    const withMrz = sides.filter((s) => s.mrz?.found);
    const mrzSide = withMrz.find((s) => s.mrz!.checksumValid) ?? withMrz[0];
    const mrz = mrzSide?.mrz;
    const fields = mrz?.fields ?? null;

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
        const faces = await faceEngine.detect(side.image!.jpeg, { maxFaces: 2, findSmallFaces: true });
        if (faces[0]) {
          // Two faces of about the same size: a photo of people. (A document's ghost portrait is far smaller.)
          const people = faces.length > 1 && faces[1]!.box.width >= 0.6 * faces[0].box.width;
          portrait = { side, face: faces[0], people };
          break;
        }
      }
      timings.faceMs = performance.now() - faceStarted;
    }

    const findings: Finding[] = [];
    const corrections = new Map<CorrectionCode, string>();
    const correct = (code: CorrectionCode) => corrections.set(code, CORRECTIONS[code].message);

    // Identity document: an MRZ was read, or at least a portrait on a readable page.
    const isIdentityDocument = Boolean(mrz?.found);
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
    findings.push(...names.findings);
    findings.push(dateOfBirthFinding(fields?.dateOfBirth ?? null, customer.dateOfBirth));
    findings.push(expirationFinding(fields?.expirationDate ?? null, now));
    // The MRZ has no issue date and the printed zone is not read yet: not held against the document.
    findings.push(issueDateFinding(null, now, { required: false }));
    const settings = input.settings as { minimumAgeSettings?: MinimumAgeSettings } | null;
    const minimumAge = settings?.minimumAgeSettings
      ? minimumAgeFor(
          settings.minimumAgeSettings,
          customer.country ?? fields?.issuingState ?? null,
          customer.region,
        )
      : 18;
    findings.push(minimalAgeFinding(fields?.dateOfBirth ?? null, minimumAge, now));
    const subtype: DocumentSubtype | null =
      subtypeFromMrzDocumentCode(fields?.documentCode) ?? input.documentSubtype ?? null;
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
    if (colourSide) {
      photocopy = isPhotocopySignal(
        await colourStats(
          colourSide.file.mime === 'application/pdf' ? colourSide.image!.jpeg : colourSide.file.bytes,
        ),
      );
      const metadata = await sharp(colourSide.file.bytes, { limitInputPixels: this.options.maxPixels })
        .metadata()
        .catch(() => null);
      editing = editingSoftwareSignal(exifOf(metadata?.exif));
    }
    findings.push(signalFinding('isPhotocopy', photocopy));
    const tampered = editing.detected || invalidDates.failed;
    findings.push({
      name: 'isTampered',
      failed: tampered,
      reason: editing.detected ? 'document-edited' : invalidDates.failed ? invalidDates.reason : null,
    });

    // The selfie against the portrait.
    let selfie: { similarity: number; threshold: number; matched: boolean; faces: number } | null = null;
    if (selfieFile && faceEngine) {
      const selfieStarted = performance.now();
      const selfieFaces = await faceEngine.detect(selfieFile.bytes, { maxFaces: 2 });
      if (portrait && selfieFaces[0]) {
        const comparison = compareFaces(faceEngine, portrait.face.embedding, selfieFaces[0].embedding);
        selfie = { ...comparison, faces: selfieFaces.length };
      } else {
        selfie = {
          similarity: 0,
          threshold: faceEngine.matchThreshold,
          matched: false,
          faces: selfieFaces.length,
        };
      }
      timings.selfieMs = performance.now() - selfieStarted;
    }
    if (selfie || input.requirements.faceProofRequired) {
      findings.push({
        name: 'hasMatchingFaceProof',
        failed: !selfie?.matched,
        reason: !selfie
          ? 'missing'
          : selfie.faces === 0
            ? 'selfie-retake'
            : selfie.matched
              ? null
              : 'mismatch',
      });
    }

    // What the customer can fix, and the most specific reason for a rejection.
    const qualityIssues = [...new Set(sides.flatMap((s) => s.quality?.issues ?? []))];
    let rejectionReason: RejectionReasonType | undefined;
    if (!mrz?.found) {
      for (const issue of qualityIssues) correct(QUALITY_CORRECTIONS[issue]!);
      // A face that fills a good part of the frame is a person, not the portrait of a document.
      const documentPortrait =
        portrait && !portrait.people && portrait.face.quality.relativeWidth < PORTRAIT_MAX_RELATIVE_WIDTH;
      if (sides.some((s) => s.error)) {
        correct('not-a-document');
        rejectionReason = 'document-unreadable';
      } else if (qualityIssues.length > 0) {
        rejectionReason = 'document-unreadable';
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
          !mrz?.found &&
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
      issueDate: null,
      hasMinimalAge: fields?.dateOfBirth ? !findings.find((f) => f.name === 'hasMinimalAge')!.failed : null,
      nationality: fields?.nationality?.replace(/<+$/, '') || null,
      issuanceCountry: toAlpha2(fields?.issuingState ?? null),
      issuanceRegion: null,
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
      const crop = await cropPortrait(portrait.side.image!.jpeg, portrait.face);
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
