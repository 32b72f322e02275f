/**
 * tesseract.js 7 with the **legacy** engine (OEM 0) and the `4.0.0` traineddata of
 * `@tesseract.js-data/eng` (the only one of its data sets that carries the legacy model).
 *
 * Why legacy and not LSTM: on OCR-B MRZ text the LSTM models turn the `<<<<` filler into `K<K…LLLL`
 * (CER 0.17–0.28 on a clean strip, no parse), whatever the whitelist; the legacy classifier honours the
 * `A-Z0-9<` whitelist and read clean and mildly degraded MRZ exactly (CER 0), at 150–300 ms per strip
 * warm (offline-dependencies.md §1–§2). It is the fast first engine; PaddleOCR is the fallback.
 *
 * Offline by construction: `langPath` is the package's local folder (the default is the jsdelivr CDN,
 * which crashes the process offline), `cacheMethod: 'none'` (the default `write` drops a 23 MB
 * traineddata into the process cwd), `gzip: true` (the package ships `eng.traineddata.gz`).
 *
 * Concurrency: a small pool of workers (one wasm instance each, ~100–150 MB RSS apiece) with a FIFO
 * queue of our own rather than tesseract's scheduler, because every call may need different parameters
 * (whitelist, page segmentation) and a worker's parameters must not change under a running job.
 */
import { createRequire } from 'node:module';
import { createWorker, OEM, PSM, type Worker } from 'tesseract.js';
import type { OcrEngine, OcrLine, OcrRecognizeOptions, OcrResult } from './ocr-engine.ts';

const require = createRequire(import.meta.url);

export interface TesseractEngineOptions {
  /** Number of workers; default 1. One per core the process may use is a good upper bound. */
  workers?: number;
}

interface PooledWorker {
  worker: Worker;
  /** The parameter set currently applied, as a cache key. */
  params: string;
}

const TESSERACT_VERSION = (require('tesseract.js/package.json') as { version: string }).version;
const ENG_DATA = require('@tesseract.js-data/eng') as { langPath: string };

export class TesseractEngine implements OcrEngine {
  readonly name = 'tesseract-legacy';
  readonly version = `tesseract.js ${TESSERACT_VERSION}, eng 4.0.0 legacy (OEM 0)`;
  readonly #size: number;
  #starting: Promise<PooledWorker[]> | null = null;
  readonly #idle: PooledWorker[] = [];
  readonly #waiting: ((w: PooledWorker) => void)[] = [];
  #closed = false;

  constructor(options: TesseractEngineOptions = {}) {
    this.#size = Math.max(1, Math.floor(options.workers ?? 1));
  }

  /** Start the workers now instead of on the first `recognize` (0.3–0.7 s each). */
  async warmUp(): Promise<void> {
    await this.#start();
  }

  async #start(): Promise<PooledWorker[]> {
    if (this.#closed) throw new Error('TesseractEngine is closed');
    this.#starting ??= (async () => {
      const workers = await Promise.all(
        Array.from({ length: this.#size }, async () => {
          const worker = await createWorker('eng', OEM.TESSERACT_ONLY, {
            langPath: ENG_DATA.langPath,
            gzip: true,
            cacheMethod: 'none',
            legacyCore: true,
            legacyLang: true,
          });
          return { worker, params: '' };
        }),
      );
      this.#idle.push(...workers);
      return workers;
    })();
    return this.#starting;
  }

  async #acquire(): Promise<PooledWorker> {
    await this.#start();
    const w = this.#idle.pop();
    if (w) return w;
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(w: PooledWorker): void {
    const next = this.#waiting.shift();
    if (next) next(w);
    else this.#idle.push(w);
  }

  async recognize(image: Buffer, options: OcrRecognizeOptions = {}): Promise<OcrResult> {
    const pooled = await this.#acquire();
    try {
      const psm = options.psm === 'line' ? PSM.SINGLE_LINE : PSM.SINGLE_BLOCK;
      const whitelist = options.charset ?? '';
      const key = `${psm}|${whitelist}`;
      if (pooled.params !== key) {
        await pooled.worker.setParameters({
          tessedit_pageseg_mode: psm,
          tessedit_char_whitelist: whitelist,
          // Band PNGs carry no DPI; without this Tesseract warns on every call and guesses 70.
          user_defined_dpi: '300',
        });
        pooled.params = key;
      }
      const { data } = await pooled.worker.recognize(image, {}, { text: true, blocks: true });
      const lines: OcrLine[] = [];
      for (const block of data.blocks ?? []) {
        for (const paragraph of block.paragraphs) {
          for (const line of paragraph.lines) {
            const text = line.text.replace(/\n$/, '');
            if (text.trim() === '') continue;
            const symbols = line.words.flatMap((w) => w.symbols);
            const chars = symbols.map((sym) => ({ text: sym.text, confidence: sym.confidence / 100 }));
            const aligned = chars.map((c) => c.text).join('') === text.replace(/\s+/g, '');
            lines.push({
              text,
              confidence: line.confidence / 100,
              ...(aligned ? { chars } : {}),
              box: {
                x: line.bbox.x0,
                y: line.bbox.y0,
                width: line.bbox.x1 - line.bbox.x0,
                height: line.bbox.y1 - line.bbox.y0,
              },
            });
          }
        }
      }
      return { lines };
    } finally {
      this.#release(pooled);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#starting) return;
    const workers = await this.#starting.catch(() => [] as PooledWorker[]);
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
}
