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
  /** Use multi-threaded wasm when the page is cross-origin isolated. Off by default (see runtime/README.md). */
  wasmThreads: boolean;
}

export const env: StorecastEnv = {
  modelBaseUrl: '/models/',
  wasmBaseUrl: '/wasm/',
  backend: 'auto',
  wasmThreads: false,
};

export const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined' && typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined';

/** Joins a base URL (or directory path in Node) and a relative path without doubling slashes. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, '');
}
