/**
 * What every long operation reports. Within a phase `fraction` only grows, from 0 to 1;
 * `loaded`/`total` are in the phase's `unit`. Operations of several phases (training) also give
 * `overall` (0–1 across all phases, monotone) and `etaMs`, the estimated time left.
 */
export interface Progress {
  phase: string;
  fraction: number;
  loaded: number;
  total: number;
  unit: ProgressUnit;
  overall?: number;
  etaMs?: number;
}
export type ProgressUnit = 'bytes' | 'files' | 'texts' | 'series' | 'epochs' | 'steps' | 'folds' | 'products';
export type ProgressCallback = (progress: Progress) => void;

/** Options every long operation accepts. */
export interface LongTaskOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

export interface ProgressReporter {
  /** Reports `loaded` of `total` in `phase`; events that would move a phase backwards are dropped. */
  report(phase: string, loaded: number, total: number, unit: ProgressUnit): void;
  /**
   * Marks a phase complete (fraction 1), e.g. training stopped early. A phase that never reported
   * (a model already loaded, texts all cached) counts as done without an event of its own.
   */
  finish(phase: string): void;
  /** A callback for a sub-operation whose own phases are phases of this one. */
  forward(): ProgressCallback;
}

/**
 * Shapes raw counts into monotone Progress events. `phases` (name → relative cost) gives the
 * overall fraction and the ETA; without it each phase stands alone.
 */
export function progressReporter(onProgress: ProgressCallback | undefined, phases?: Record<string, number>, now: () => number = Date.now): ProgressReporter {
  const fractions = new Map<string, number>();
  const last = new Map<string, Progress>();
  const started = now();
  const totalWeight = phases ? Object.values(phases).reduce((a, b) => a + b, 0) : 0;
  let overall = 0;
  const emit = (phase: string, loaded: number, total: number, unit: ProgressUnit): void => {
    if (!onProgress) return;
    const fraction = total > 0 ? Math.min(1, Math.max(0, loaded / total)) : 1;
    const previous = fractions.get(phase) ?? -1;
    if (fraction < previous || (fraction === previous && last.get(phase)?.loaded === loaded)) return;
    fractions.set(phase, fraction);
    const event: Progress = { phase, fraction, loaded: Math.min(loaded, total), total, unit };
    if (phases && phase in phases) {
      let done = 0;
      for (const [name, weight] of Object.entries(phases)) done += weight * (fractions.get(name) ?? 0);
      overall = Math.max(overall, done / totalWeight);
      event.overall = overall;
      const elapsed = now() - started;
      // Too early an estimate swings wildly: wait for 2% of the work.
      if (overall >= 0.02) event.etaMs = Math.round((elapsed * (1 - overall)) / overall);
    }
    last.set(phase, event);
    onProgress(event);
  };
  return {
    report: emit,
    finish(phase) {
      const previous = last.get(phase);
      if (previous) emit(phase, previous.total, previous.total, previous.unit);
      else fractions.set(phase, 1);
    },
    forward: () => (p) => emit(p.phase, p.loaded, p.total, p.unit),
  };
}
