/**
 * Loading @vladmandic/human offline, behind a minimal typed facade of the parts we call.
 *
 * Why by file path: the package's default `require`/`node` entry needs @tensorflow/tfjs-node, whose install
 * downloads libtensorflow (fails offline), and its `exports` subpaths are malformed (no `./`), so
 * `dist/human.node-wasm.js` is required by file path (see shared notes, offline-dependencies §3). Its
 * bundled types describe the package entry, not this file, hence the facade below.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

export interface HumanTensor {
  dispose(): void;
}

export interface HumanTf {
  tensor(values: Uint8Array, shape: number[], dtype: 'int32'): HumanTensor;
  memory(): { numTensors: number; numBytes: number };
  ready(): Promise<void>;
  getBackend(): string;
}

export interface HumanFaceResult {
  score: number;
  boxScore: number;
  faceScore: number;
  /** [x, y, width, height] in pixels of the input tensor. */
  box: [number, number, number, number];
  embedding?: number[];
  real?: number;
  live?: number;
  /** Angles in radians. */
  rotation?: { angle: { roll: number; yaw: number; pitch: number } } | null;
  /** 468 (478 with iris) points [x, y, z] in pixels of the input tensor. */
  mesh?: [number, number, number][];
}

export interface HumanGestureResult {
  face?: number;
  iris?: number;
  gesture: string;
}

export interface HumanResult {
  face: HumanFaceResult[];
  gesture: HumanGestureResult[];
  error?: string | null;
}

/** The subset of Human's config we set; Human deep-merges it into its defaults. */
export interface HumanConfig {
  backend?: 'wasm';
  wasmPath?: string;
  modelBasePath?: string;
  debug?: boolean;
  async?: boolean;
  warmup?: 'none';
  cacheSensitivity?: number;
  filter?: { enabled: boolean };
  gesture?: { enabled: boolean };
  body?: { enabled: boolean };
  hand?: { enabled: boolean };
  object?: { enabled: boolean };
  segmentation?: { enabled: boolean };
  face?: {
    enabled?: boolean;
    detector?: {
      rotation?: boolean;
      maxDetected?: number;
      minConfidence?: number;
      minSize?: number;
      return?: boolean;
      skipFrames?: number;
      skipTime?: number;
    };
    mesh?: { enabled: boolean };
    iris?: { enabled: boolean };
    attention?: { enabled: boolean };
    description?: { enabled: boolean; skipFrames?: number; skipTime?: number };
    emotion?: { enabled: boolean };
    antispoof?: { enabled: boolean; skipFrames?: number; skipTime?: number };
    liveness?: { enabled: boolean; skipFrames?: number; skipTime?: number };
    gear?: { enabled: boolean };
  };
}

interface HumanModel {
  dispose(): void;
}

export interface HumanInstance {
  readonly version: string;
  readonly tf: HumanTf;
  models: { models: Record<string, HumanModel | null | undefined>; reset(): void };
  load(): Promise<void>;
  detect(input: HumanTensor, config?: HumanConfig): Promise<HumanResult>;
}

interface HumanModule {
  Human: new (config: HumanConfig) => HumanInstance;
}

/** Where Human's dist and models are, resolved from node_modules (never the cwd). */
export interface HumanPaths {
  /** The @vladmandic/human package directory. */
  humanDir: string;
  /** `file://…/models/` of the package. */
  modelBaseUrl: string;
  /** The tfjs-backend-wasm `dist/` directory with a trailing slash (Human's default is a CDN URL). */
  wasmPath: string;
}

export function resolveHumanPaths(): HumanPaths {
  // require.resolve gives dist/human.node.js (the `node` condition); resolving does not load it.
  const humanDir = path.resolve(path.dirname(require.resolve('@vladmandic/human')), '..');
  const wasmDist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  return {
    humanDir,
    modelBaseUrl: pathToFileURL(path.join(humanDir, 'models') + path.sep).href,
    wasmPath: wasmDist + path.sep,
  };
}

export function loadHumanModule(paths: HumanPaths): HumanModule {
  return require(path.join(paths.humanDir, 'dist', 'human.node-wasm.js')) as HumanModule;
}

const shimmedDirs = new Set<string>();
let originalFetch: typeof fetch | undefined;

function requestUrl(input: Parameters<typeof fetch>[0]): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

/**
 * Node's fetch cannot read `file://` (“not implemented… yet”), and Human's node-wasm build loads its models
 * with fetch. This wraps `globalThis.fetch` once: a `file://` URL inside one of the registered directories
 * is answered from disk; every other request — including other `file://` URLs, so user-supplied URLs
 * elsewhere in the app cannot read local files — goes to the original fetch untouched.
 */
export function installFileFetchShim(directory: string): void {
  shimmedDirs.add(path.resolve(directory) + path.sep);
  if (originalFetch) return;
  const original = globalThis.fetch;
  originalFetch = original;
  globalThis.fetch = async (input, init) => {
    const url = requestUrl(input);
    if (url.startsWith('file:')) {
      const file = path.resolve(fileURLToPath(url));
      for (const dir of shimmedDirs) {
        if (file.startsWith(dir)) return new Response(await readFile(file));
      }
    }
    return original(input, init);
  };
}
