import type { BackendName } from './runtime/types.js';

/**
 * Global configuration, in the spirit of transformers.js' `env`. Change it before the first call
 * that loads a model. Every URL defaults to the page's own origin: storecast never contacts a CDN
 * unless you point it at one.
 */
export interface StorecastEnv {
  /** Where `public/models/` is served. Default `/models/` (same origin). */
  modelBaseUrl: string;
  /** Where the TF.js and onnxruntime .wasm files are served. Default `/wasm/` (same origin). */
  wasmBaseUrl: string;
  /** Backend `init()` uses when none is passed. */
  backend: BackendName | 'auto';
  /** TF.js: use multi-threaded wasm when the page is cross-origin isolated. Off by default (see runtime/README.md). */
  wasmThreads: boolean;
  /**
   * onnxruntime-web threads for the text encoder on wasm. `'auto'` (default): min(4, cores) on a
   * cross-origin isolated page (COOP `same-origin` + COEP `require-corp`), else 1. A number forces
   * that many (more than 1 still needs isolation). Read when the encoder loads.
   */
  encoderThreads: number | 'auto';
  /**
   * Browsers: run the text encoder's onnxruntime-web session in its own worker (onnxruntime's proxy
   * worker) so the page's thread stays free while it encodes; trainPriceModel fits its text members
   * in the meantime. Default true. Read when the first encoder loads; Node runs it natively either way.
   */
  encoderWorker: boolean;
}

export const env: StorecastEnv = {
  modelBaseUrl: '/models/',
  wasmBaseUrl: '/wasm/',
  backend: 'auto',
  wasmThreads: false,
  encoderThreads: 'auto',
  encoderWorker: true,
};

/** Logical cores the browser reports (1 where it reports none). */
export const coreCount = (): number => (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;

/** The onnxruntime-web thread count that `env.encoderThreads` asks for in this context. */
export function encoderThreadCount(setting: number | 'auto' = env.encoderThreads): number {
  if (setting !== 'auto') return Number.isInteger(setting) && setting >= 1 ? Math.min(setting, 64) : 1;
  // Threads share memory (SharedArrayBuffer), which only a cross-origin isolated page has.
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== true) return 1;
  return Math.max(1, Math.min(4, coreCount()));
}

export const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined' && typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined';

/** Joins a base URL (or directory path in Node) and a relative path without doubling slashes. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, '');
}
