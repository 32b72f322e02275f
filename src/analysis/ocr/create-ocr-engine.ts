/**
 * The one place that maps a config value to an OCR engine (STYLE practice 7). Engines are cheap to
 * construct: both load their models on first use.
 */
import type { OcrEngine } from './ocr-engine.ts';
import { PaddleEngine } from './paddle-engine.ts';
import { TesseractEngine } from './tesseract-engine.ts';

export const OCR_ENGINE_KINDS = ['tesseract', 'paddle'] as const;
export type OcrEngineKind = (typeof OCR_ENGINE_KINDS)[number];

export interface OcrEngineConfig {
  /** Tesseract worker-pool size; default 1. */
  tesseractWorkers?: number;
  /** onnxruntime threads for PaddleOCR; default 1. */
  paddleThreads?: number;
}

export function createOcrEngine(kind: OcrEngineKind, config: OcrEngineConfig = {}): OcrEngine {
  switch (kind) {
    case 'tesseract':
      return new TesseractEngine({ workers: config.tesseractWorkers ?? 1 });
    case 'paddle':
      return new PaddleEngine({ threads: config.paddleThreads ?? 1 });
  }
}

/** The engines the MRZ reader uses: a fast one first, an accurate one when check digits fail. */
export interface MrzEngines {
  fast: OcrEngine;
  /** Optional: without it a failed check digit is simply reported. */
  fallback?: OcrEngine;
}

/** `fast`/`fallback` by config value, e.g. `{ fast: 'tesseract', fallback: 'paddle' }`. */
export function createMrzEngines(
  kinds: { fast: OcrEngineKind; fallback?: OcrEngineKind | null },
  config: OcrEngineConfig = {},
): MrzEngines {
  const engines: MrzEngines = { fast: createOcrEngine(kinds.fast, config) };
  if (kinds.fallback) engines.fallback = createOcrEngine(kinds.fallback, config);
  return engines;
}
