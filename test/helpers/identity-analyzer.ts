/**
 * The identity analyzer as the tests build it: Tesseract for the MRZ band, PaddleOCR as the fallback (and
 * the printed-zone reader) unless a test leaves it out to stay fast, Human for faces, and a fixed "today"
 * when the fixtures were generated for one.
 */
import type { FaceEngine } from '../../src/analysis/face/face-engine.ts';
import { createHumanFaceEngine } from '../../src/analysis/face/human-engine.ts';
import { IdentityAnalyzer } from '../../src/analysis/identity/identity-analyzer.ts';
import { createMrzEngines } from '../../src/analysis/ocr/create-ocr-engine.ts';

export interface TestAnalyzerOptions {
  /** `paddle` (production) or null (Tesseract only: no fallback, no printed zone). */
  fallback: 'paddle' | null;
  /** `YYYY-MM-DD` taken as today; the real date when absent. */
  referenceDate?: string;
  face?: FaceEngine;
  maxPixels?: number;
}

export function testIdentityAnalyzer(options: TestAnalyzerOptions): IdentityAnalyzer {
  const { referenceDate } = options;
  return new IdentityAnalyzer({
    mrz: createMrzEngines({ fast: 'tesseract', fallback: options.fallback }),
    face: options.face ?? createHumanFaceEngine(),
    maxPixels: options.maxPixels ?? 50_000_000,
    ...(referenceDate ? { now: () => new Date(`${referenceDate}T12:00:00Z`) } : {}),
  });
}
