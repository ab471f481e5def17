import type { StorecastWarning } from '../warnings.js';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface InitOptions {
  /** `auto` (default) tries webgpu → webgl → wasm → cpu and skips software GPUs when wasm is faster. */
  backend?: BackendName | 'auto';
  /** Overrides `env.wasmBaseUrl` for this init. */
  wasmBaseUrl?: string;
}

export interface SkippedBackend {
  backend: BackendName;
  reason: string;
}

export interface RuntimeInfo {
  /** The TF.js backend in use. */
  backend: BackendName;
  /** What was asked for. */
  requested: BackendName | 'auto';
  /** GPU adapter (WebGPU) or renderer (WebGL) description, when a GPU backend was probed. */
  adapter?: string;
  /** Whether the GPU found is a software implementation (SwiftShader, llvmpipe, fallback adapter). */
  softwareGpu?: boolean;
  /** Each backend tried and not chosen, with the reason. */
  skipped: SkippedBackend[];
  environment: 'browser' | 'worker' | 'node';
  wasmThreads: boolean;
  /** Set when the GPU device was lost and storecast fell back. */
  deviceLost?: BackendName;
  /**
   * Backends that should have run but failed (not those skipped by design, like a software GPU
   * or WebGL in Node): results computed on this runtime repeat these.
   */
  warnings: StorecastWarning[];
}
