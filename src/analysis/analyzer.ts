/**
 * The analyzer contract: bytes, the customer record and the settings in; findings and evidence out.
 * Knows no HTTP and no database, so the worker, the CLI and a future re-scoring job call the same code.
 */
import type { CheckName, DocumentSubtype, DocumentType, RejectionReasonType } from './vocabulary.ts';

export interface AnalyzerFile {
  id: string;
  mime: string;
  tags: string[];
  bytes: Buffer;
}

export interface AnalyzerCustomer {
  firstName: string | null;
  lastName: string | null;
  dateOfBirth: string | null;
  line1: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
}

export interface AnalyzerInput {
  documentType: DocumentType;
  documentSubtype: DocumentSubtype | null;
  /** 1 moderate, 2 strict, 3 basic (spec §4.6). */
  matchLevel: number;
  files: AnalyzerFile[];
  customer: AnalyzerCustomer;
  /** The part of the organization's KYC settings for this document type. */
  settings: unknown;
  /** What the request demands of this document type (selfie, liveness, allowed subtypes). */
  requirements: {
    faceProofRequired: boolean;
    faceLivenessRequired: boolean;
    /** The subtypes the request allows; null or empty for any. */
    subtypes?: DocumentSubtype[] | null;
  };
  signal?: AbortSignal;
}

/** One finding: `failed` checks subtract their weight from the score. */
export interface Finding {
  name: CheckName;
  failed: boolean;
  /** A machine-readable detail (e.g. `expired`, `missing`, `closed_eyes`). */
  reason?: string | null;
}

export interface Analysis {
  /** `documentMatches.data` for the document type (spec §5.6). */
  data: Record<string, unknown>;
  findings: Finding[];
  /** The raw extraction, same shape as `data` (`parsedData`). */
  parsedData: Record<string, unknown>;
  /** What the analyzer saw and how long each stage took; for reviewers, never for the customer. */
  evidence: Record<string, unknown>;
  /** Images kept for reviewers (portrait crop, MRZ band…), served by the evidence extension endpoint. */
  artifacts?: { name: string; mime: string; bytes: Buffer }[];
  /** What the customer can fix, most important first (codes of src/analysis/corrections.ts). */
  corrections?: { code: string; message: string }[];
  /** The most specific rejection reason the analyzer knows, used when the score rejects the document. */
  rejectionReason?: RejectionReasonType;
  /**
   * Set when the capture must be retaken before the document can be judged (too dark, too small, blurry,
   * cut off): `decide` rejects with this reason a document the score would accept or send to review.
   */
  retakeReason?: RejectionReasonType;
  /**
   * What identifies this document across customers, for duplicate detection by the caller (which knows the
   * organization's other documents): the number as read, its issuing state, and the perceptual hash of the
   * portrait crop (src/analysis/fraud/perceptual-hash.ts).
   */
  fingerprint?: { documentNumber: string | null; issuingState: string | null; imageHash: string | null };
}

export interface Analyzer {
  readonly documentType: DocumentType;
  analyze(input: AnalyzerInput): Promise<Analysis>;
  /** Frees models and workers (on shutdown). */
  close?(): Promise<void>;
}
