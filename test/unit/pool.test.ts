import { afterEach, describe, expect, it, vi } from 'vitest';
import { encoderThreadsPerWorker, splitAcross, workerCount } from '../../lib/worker/pool.js';
import { StorecastError } from '../../lib/errors.js';
import type { LongTaskOptions, Progress } from '../../lib/progress.js';

/** A caller that squares its part and reports per-item progress, resolving only when the test says so. */
function deferredCaller(name: string, log: string[], gates: Array<() => void>) {
  return async (part: number[], task: LongTaskOptions): Promise<number[]> => {
    log.push(`${name}:${part.join(',')}`);
    await new Promise<void>((resolve, reject) => {
      gates.push(resolve);
      task.signal?.addEventListener('abort', () => reject(new StorecastError('ABORTED', 'aborted')), { once: true });
    });
    part.forEach((_, i) => task.onProgress?.({ phase: 'forecast', fraction: (i + 1) / part.length, loaded: i + 1, total: part.length, unit: 'series' }));
    return part.map((x) => x * x);
  };
}

describe('worker pool', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('workers: a whole number from 1, or auto = one per core up to 4; anything else is INVALID_INPUT', () => {
    expect(workerCount(undefined)).toBe(1);
    expect(workerCount(3)).toBe(3);
    vi.stubGlobal('navigator', { hardwareConcurrency: 16 });
    expect(workerCount('auto')).toBe(4);
    vi.stubGlobal('navigator', { hardwareConcurrency: 2 });
    expect(workerCount('auto')).toBe(2);
    for (const bad of [0, -1, 1.5, Number.NaN, 65]) expect(() => workerCount(bad)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it("shares the cores out for the encoder's threads when 'auto', on a cross-origin isolated page only", () => {
    vi.stubGlobal('navigator', { hardwareConcurrency: 8 });
    vi.stubGlobal('crossOriginIsolated', true);
    expect(encoderThreadsPerWorker('auto', 1)).toBe('auto');
    expect(encoderThreadsPerWorker('auto', 2)).toBe(4);
    expect(encoderThreadsPerWorker('auto', 4)).toBe(2);
    expect(encoderThreadsPerWorker('auto', 16)).toBe(1);
    expect(encoderThreadsPerWorker(3, 4)).toBe(3);
    vi.stubGlobal('crossOriginIsolated', false);
    expect(encoderThreadsPerWorker('auto', 2)).toBe(1);
  });

  it('hands parts out as callers become free, keeps the list order and merges progress into one monotone stream', async () => {
    const log: string[] = [];
    const gates: Array<() => void> = [];
    const callers = [deferredCaller('a', log, gates), deferredCaller('b', log, gates)];
    const events: Progress[] = [];
    const list = [1, 2, 3, 4, 5, 6, 7];
    const pending = splitAcross(callers, list, { partsPerCaller: 2, itemUnit: 'series' }, (caller, part, task) => caller(part, task), { onProgress: (p) => events.push(p) });
    await vi.waitFor(() => expect(log).toEqual(['a:1,2', 'b:3,4']));
    gates[1](); // b finishes first and takes the next part
    await vi.waitFor(() => expect(log).toEqual(['a:1,2', 'b:3,4', 'b:5,6']));
    gates[0]();
    await vi.waitFor(() => expect(log).toHaveLength(4));
    expect(log[3]).toBe('a:7');
    gates[2]();
    gates[3]();
    expect(await pending).toEqual(list.map((x) => x * x));
    const loaded = events.map((e) => e.loaded);
    expect(loaded.at(-1)).toBe(7);
    expect(loaded).toEqual([...loaded].sort((a, b) => a - b));
    expect(events.every((e) => e.total === 7)).toBe(true);
  });

  it('stops every part at the first failure, and at the caller’s abort', async () => {
    const log: string[] = [];
    const gates: Array<() => void> = [];
    const ok = deferredCaller('ok', log, gates);
    const failing = async (): Promise<number[]> => { throw new StorecastError('INVALID_INPUT', 'series 3 is bad'); };
    const error = await splitAcross([ok, failing], [1, 2, 3, 4], { partsPerCaller: 1 }, (caller, part, task) => caller(part, task)).catch((e: StorecastError) => e);
    expect(error).toMatchObject({ code: 'INVALID_INPUT' });
    const controller = new AbortController();
    const pending = splitAcross([ok, ok], [1, 2, 3, 4], { partsPerCaller: 1 }, (caller, part, task) => caller(part, task), { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('is ABORTED, not a shorter list, when the abort comes as the running parts finish and others have not started', async () => {
    const controller = new AbortController();
    // Each part finishes normally, but the caller aborts on the first progress event, before the third part starts.
    const quick = async (part: number[], task: LongTaskOptions): Promise<number[]> => {
      task.onProgress?.({ phase: 'forecast', fraction: 1, loaded: part.length, total: part.length, unit: 'series' });
      return part;
    };
    const pending = splitAcross([quick, quick], [1, 2, 3, 4, 5, 6], { partsPerCaller: 2 }, (caller, part, task) => caller(part, task), { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
