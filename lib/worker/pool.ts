import { coreCount, encoderThreadCount } from '../config.js';
import { StorecastError, throwIfAborted } from '../errors.js';
import { progressReporter, type LongTaskOptions, type Progress, type ProgressCallback, type ProgressUnit } from '../progress.js';

/** `workers` of createStorecast as a count: 'auto' is one per core, at most 4 (each worker holds its own copy of the models). */
export function workerCount(setting: number | 'auto' | undefined): number {
  if (setting === undefined) return 1;
  if (setting === 'auto') return Math.max(1, Math.min(4, coreCount()));
  if (!Number.isInteger(setting) || setting < 1 || setting > 64) throw new StorecastError('INVALID_INPUT', `workers must be 'auto' or a whole number from 1 to 64, got ${String(setting)}.`);
  return setting;
}

/** env.encoderThreads for each of `count` workers: 'auto' shares the cores out instead of giving each worker all of them. */
export function encoderThreadsPerWorker(setting: number | 'auto', count: number): number | 'auto' {
  if (setting !== 'auto' || count <= 1) return setting;
  // One thread is all 'auto' gives anywhere without cross-origin isolation (the workers inherit the page's).
  if (encoderThreadCount('auto') === 1) return 1;
  return Math.max(1, Math.min(4, Math.floor(coreCount() / count)));
}

/** How a list is split: into `partsPerCaller` parts per worker; `itemUnit` is the progress unit that counts the list's items, if one does. */
export interface SplitPlan { partsPerCaller: number; itemUnit?: ProgressUnit }

/**
 * Runs `run` over parts of `list` on several callers at once and joins the results in the list's
 * order. Parts are handed out as callers become free, so with more parts than callers one slow part
 * does not leave the others idle. The first failure (or the caller's abort) aborts the parts still
 * running.
 */
export async function splitAcross<C, T, R>(callers: C[], list: T[], plan: SplitPlan, run: (caller: C, part: T[], task: LongTaskOptions) => Promise<R[]>, task: LongTaskOptions = {}): Promise<R[]> {
  throwIfAborted(task.signal);
  if (callers.length <= 1 || list.length <= 1) return run(callers[0], list, task);
  const size = Math.ceil(list.length / (callers.length * plan.partsPerCaller));
  const starts: number[] = [];
  for (let s = 0; s < list.length; s += size) starts.push(s);
  const results: R[][] = new Array(starts.length);
  const controller = new AbortController();
  const forwardAbort = (): void => controller.abort(task.signal?.reason);
  task.signal?.addEventListener('abort', forwardAbort, { once: true });
  const progress = mergedProgress(task.onProgress, list.length, plan.itemUnit);
  let next = 0;
  let finished = 0;
  const drain = async (caller: C): Promise<void> => {
    while (next < starts.length && !controller.signal.aborted) {
      const k = next++;
      results[k] = await run(caller, list.slice(starts[k], starts[k] + size), { signal: controller.signal, onProgress: (p) => progress(k, p) });
      finished++;
    }
  };
  try {
    await Promise.all(callers.map((caller) => drain(caller).catch((error: unknown) => { controller.abort(error); throw error; })));
  } finally {
    task.signal?.removeEventListener('abort', forwardAbort);
  }
  // An abort that came while the running parts were finishing leaves the later ones unstarted: never hand back part of the list.
  if (finished < starts.length) throwIfAborted(controller.signal);
  return results.flat();
}

/**
 * One progress stream from the parts' own: per phase, the parts' counts are summed. A phase counted
 * in the list's items has the whole list as its total from the first event, so the fraction only
 * grows as parts start; other phases sum the totals the parts have reported.
 */
function mergedProgress(onProgress: ProgressCallback | undefined, items: number, itemUnit: ProgressUnit | undefined): (part: number, p: Progress) => void {
  const reporter = progressReporter(onProgress);
  const latest = new Map<string, Map<number, Progress>>();
  return (part, p) => {
    let byPart = latest.get(p.phase);
    if (!byPart) latest.set(p.phase, (byPart = new Map()));
    byPart.set(part, p);
    let loaded = 0;
    let total = 0;
    for (const q of byPart.values()) { loaded += q.loaded; total += q.total; }
    reporter.report(p.phase, loaded, p.unit === itemUnit ? items : total, p.unit);
  };
}
