/** What every long operation reports; `loaded`/`total` are in the phase's own unit (bytes, epochs, series). */
export interface Progress {
  phase: string;
  loaded: number;
  total: number;
}
export type ProgressCallback = (progress: Progress) => void;

/** Options every long operation accepts. */
export interface LongTaskOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}
