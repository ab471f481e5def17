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
 * The phases of an operation, for its overall fraction and its ETA: each phase's relative cost, and
 * how the phases follow one another. `stages` run one after another; the tracks of a stage run at
 * the same time (an encoder worker embedding texts while the page trains models), each track its
 * phases in order. Without `stages` the phases run one after another in the order of `costs`.
 */
export interface PhasePlan {
  costs: Record<string, number>;
  stages?: string[][][];
}

/** A phase's own pace is trusted for its ETA from this fraction on (its first steps are often slower: code warming up). */
const OWN_PACE_FROM = 0.2;
/** A track's pace is trusted for its phases not yet begun once this share of its cost is done; before, the pace of everything so far. */
const TRACK_PACE_FROM = 0.1;

/**
 * Shapes raw counts into monotone Progress events. `plan` (phase costs, and which phases run side
 * by side) gives the overall fraction and the ETA; without it each phase stands alone.
 *
 * Phases one after another: the ETA is the elapsed time × (1 − overall) / overall. Phases side by
 * side: that rule counts their work as if it were done in turn (in a page whose encoder worker
 * embeds while the models train, it said a third of the time actually left), so the ETA adds up
 * what each stage has left, the longer of its tracks: a phase under way at its own pace so far
 * (once a fifth of it is done), the others at their cost times the pace so far of their track (once
 * a tenth of it is done), else of the whole (wall time per unit of cost along the longer tracks).
 */
export function progressReporter(onProgress: ProgressCallback | undefined, plan?: Record<string, number> | PhasePlan, now: () => number = Date.now): ProgressReporter {
  const fractions = new Map<string, number>();
  const last = new Map<string, Progress>();
  const started = now();
  const costs: Record<string, number> | undefined = plan && (isPlan(plan) ? plan.costs : plan);
  const stages = costs ? planStages(costs, plan && isPlan(plan) ? plan.stages : undefined) : [];
  const totalWeight = costs ? Object.values(costs).reduce((a, b) => a + b, 0) : 0;
  const sideBySide = stages.some((tracks) => tracks.length > 1);
  const firstSeen = new Map<string, number>();
  const ended = new Map<string, number>();
  let overall = 0;

  /** When a phase began: when the phase before it in its track ended, or when its stage began. */
  const startOf = (phase: string, stage: number, track: string[]): number => {
    const i = track.indexOf(phase);
    const fallback = firstSeen.get(phase) ?? now();
    if (i > 0) return ended.get(track[i - 1]) ?? fallback;
    if (stage === 0) return started;
    const before = stages[stage - 1].flat().map((q) => ended.get(q));
    return before.every((t) => t !== undefined) ? Math.max(...(before as number[])) : fallback;
  };
  const etaMs = (at: number): number | undefined => {
    // Time spent and cost done per track (a phase from when it began to now or to its end).
    const elapsed = new Map<string, number>();
    const paces = stages.map((tracks, s) => tracks.map((track) => {
      let time = 0;
      let work = 0;
      for (const phase of track) {
        const f = fractions.get(phase) ?? 0;
        if (f <= 0) continue;
        const spent = Math.max(0, (ended.get(phase) ?? at) - startOf(phase, s, track));
        elapsed.set(phase, spent);
        time += spent;
        work += costs![phase] * f;
      }
      return { time, work };
    }));
    // The pace of the whole so far: wall time per unit of cost along the longest track of each stage
    // (side-by-side work is not done twice as fast, nor twice).
    const pathWork = paces.reduce((sum, tracks) => sum + Math.max(...tracks.map((t) => t.work)), 0);
    const wall = at - started;
    if (!(pathWork > 0) || !(wall > 0)) return undefined;
    const overallPace = wall / pathWork;
    const left = (phase: string, perCost: number): number => {
      const f = fractions.get(phase) ?? 0;
      if (f >= 1) return 0;
      const spent = elapsed.get(phase) ?? 0;
      return f >= OWN_PACE_FROM && spent > 0 ? (spent * (1 - f)) / f : costs![phase] * (1 - f) * perCost;
    };
    let total = 0;
    stages.forEach((tracks, s) => {
      // A phase not yet begun goes at the pace of its track so far (the same thread, the same kind of work), else of everything so far.
      total += Math.max(...tracks.map((track, t) => {
        const own = paces[s][t];
        const pace = own.work >= TRACK_PACE_FROM * track.reduce((a, phase) => a + costs![phase], 0) && own.time > 0 ? own.time / own.work : overallPace;
        return track.reduce((a, phase) => a + left(phase, pace), 0);
      }));
    });
    return Math.round(total);
  };

  const emit = (phase: string, loaded: number, total: number, unit: ProgressUnit): void => {
    const fraction = total > 0 ? Math.min(1, Math.max(0, loaded / total)) : 1;
    const previous = fractions.get(phase) ?? -1;
    if (fraction < previous || (fraction === previous && last.get(phase)?.loaded === loaded)) return;
    const at = now();
    if (!firstSeen.has(phase)) firstSeen.set(phase, at);
    if (fraction >= 1 && !ended.has(phase)) ended.set(phase, at);
    fractions.set(phase, fraction);
    if (!onProgress) return;
    const event: Progress = { phase, fraction, loaded: Math.min(loaded, total), total, unit };
    if (costs && phase in costs) {
      let done = 0;
      for (const [name, weight] of Object.entries(costs)) done += weight * (fractions.get(name) ?? 0);
      overall = Math.max(overall, done / totalWeight);
      event.overall = overall;
      // Too early an estimate swings wildly: wait for 2% of the work.
      if (overall >= 0.02) event.etaMs = overall >= 1 ? 0 : sideBySide ? etaMs(at) : Math.round(((at - started) * (1 - overall)) / overall);
    }
    last.set(phase, event);
    onProgress(event);
  };
  return {
    report: emit,
    finish(phase) {
      const previous = last.get(phase);
      if (previous) emit(phase, previous.total, previous.total, previous.unit);
      else {
        fractions.set(phase, 1);
        if (!ended.has(phase)) ended.set(phase, now());
      }
    },
    forward: () => (p) => emit(p.phase, p.loaded, p.total, p.unit),
  };
}

const isPlan = (plan: Record<string, number> | PhasePlan): plan is PhasePlan => typeof (plan as PhasePlan).costs === 'object';

/** The plan's stages, with every costed phase it leaves out as a stage of its own at the end. */
function planStages(costs: Record<string, number>, stages: string[][][] | undefined): string[][][] {
  const given = stages ?? [[Object.keys(costs)]];
  const placed = new Set(given.flat(2));
  return [...given, ...Object.keys(costs).filter((p) => !placed.has(p)).map((p) => [[p]])];
}
