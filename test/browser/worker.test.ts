import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, startHarness, stopAll, type Harness } from './harness.js';
import { hasShared, readM4 } from '../helpers.js';
import { useTestTexts } from '../use-texts.js';

describe.skipIf(!chromiumAvailable)('worker mode in headless Chromium', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness(); });
  afterAll(async () => { await h?.close(); await stopAll(); });

  it('gives the same forecast in a worker as on the main thread, with progress', async () => {
    const page = await h.newPage();
    const result = await page.evaluate(async () => {
      const sc = await window.load('/lib/index.ts');
      const values = Array.from({ length: 120 }, (_, t) => 50 + 10 * Math.sin((2 * Math.PI * t) / 12) + t * 0.2);
      const series = [{ values, frequency: 'monthly' }, { values: values.map((v) => v * 2), frequency: 'monthly' }];
      const options = { horizon: 6, model: 'ensemble', neural: false };
      const inPage = await sc.createStorecast({ worker: false });
      const inWorker = await sc.createStorecast({ worker: true });
      const progress: number[] = [];
      const a = await inPage.forecastTrends(series, options);
      const b = await inWorker.forecastTrends(series, { ...options, onProgress: (p: { loaded: number }) => progress.push(p.loaded) });
      const info = await inWorker.init({ backend: 'wasm' });
      inWorker.terminate();
      return { a: a.map((r: { forecast: number[] }) => r.forecast), b: b.map((r: { forecast: number[] }) => r.forecast), progress, inWorker: inWorker.inWorker, backend: info.backend, environment: info.environment };
    });
    await page.close();
    expect(result.inWorker).toBe(true);
    expect(result.b).toEqual(result.a);
    expect(result.progress).toEqual([1, 2]);
    expect(result.backend).toBe('wasm');
    expect(result.environment).toBe('worker');
  });

  it('delivers progress to the main thread while it works, and can be aborted', async () => {
    const page = await h.newPage();
    const result = await page.evaluate(async () => {
      const sc = await window.load('/lib/index.ts');
      const storecast = await sc.createStorecast({ worker: true });
      const list = Array.from({ length: 400 }, (_, i) => Array.from({ length: 300 }, (_, t) => 100 + 20 * Math.sin((2 * Math.PI * t) / 24) + ((t * 7919 + i * 104729) % 13)));
      const controller = new AbortController();
      const progress: number[] = [];
      // Aborted from the first progress event: no timer decides when, so no machine is too fast or too slow for it.
      const pending = storecast.forecastTrends(list.map((values) => ({ values, frequency: 'hourly' })), { horizon: 24, neural: false, signal: controller.signal, onProgress: (p: { loaded: number }) => { progress.push(p.loaded); controller.abort(); } });
      const error = await pending.then(() => null, (e: { code: string; name: string }) => ({ code: e.code, name: e.name }));
      // The worker still answers after an abort.
      const after = await storecast.forecastTrend([1, 2, 3, 4, 5, 6, 7, 8], { horizon: 2, model: 'theta' });
      storecast.terminate();
      return { error, progress, after: after.forecast.length };
    });
    await page.close();
    expect(result.error).toEqual({ code: 'ABORTED', name: 'StorecastError' });
    // The page's handler ran while the worker computed (a blocked main thread gets no events), and the abort stopped it early.
    expect(result.progress.length).toBeGreaterThan(0);
    expect(Math.max(...result.progress)).toBeLessThan(400);
    expect(result.after).toBe(2);
  });

  it('fits a demand model in the worker that answers like one fitted on the page', async () => {
    const page = await h.newPage();
    const result = await page.evaluate(async () => {
      const sc = await window.load('/lib/index.ts');
      const { simulateDemand } = await window.load('/test/pricing-sim.ts');
      const sim = simulateDemand({ products: 12, weeks: 104, seed: 7 });
      const options = { frequency: 'weekly', groups: sim.groups, holidays: sim.holidays };
      const product = sim.products[0].product;
      const local = await sc.fitDemand(sim.observations, options);
      const inWorker = await sc.createStorecast({ worker: true });
      const progress: number[] = [];
      const remote = await inWorker.fitDemand(sim.observations, { ...options, onProgress: (p: { fraction: number }) => progress.push(p.fraction) });
      const guardrails = { product, cost: sim.products[0].basePrice * 0.5, maxChange: 0.2 };
      const [a, b] = [await sc.optimizePrice(local, guardrails), await inWorker.optimizePrice(remote, guardrails)];
      inWorker.terminate();
      return { local: local.elasticity(product), remote: remote.elasticity(product), truth: sim.products[0].elasticity, prices: [a.price, b.price], progress };
    });
    await page.close();
    expect(result.remote).toEqual(result.local);
    expect(result.prices[1]).toBe(result.prices[0]);
    expect(result.local.low).toBeLessThan(result.local.high);
    expect(result.progress.at(-1)).toBe(1);
  });

  it('reports bad input from the worker as a typed StorecastError', async () => {
    const page = await h.newPage();
    const error = await page.evaluate(async () => {
      const sc = await window.load('/lib/index.ts');
      const storecast = await sc.createStorecast({ worker: true });
      try { await storecast.forecastTrend([], { horizon: 3 }); return null; } catch (e) {
        const err = e as { code: string; message: string; constructor: { name: string } };
        return { code: err.code, message: err.message, isClass: e instanceof sc.StorecastError };
      } finally { storecast.terminate(); }
    });
    await page.close();
    expect(error).toEqual({ code: 'INVALID_INPUT', message: expect.stringMatching(/empty/), isClass: true });
  });

  it.skipIf(!hasShared('forecast/m4/Hourly-train.csv'))('splits forecastTrends across a pool of workers: the same forecasts in the same order, one progress stream, no leaks', async () => {
    const series = readM4('forecast/m4/Hourly-train.csv').series.slice(0, 9);
    const page = await h.newPage();
    const result = await page.evaluate(async (series) => {
      const sc = await window.load('/lib/index.ts');
      const inputs = series.map((values: number[]) => ({ values, frequency: 'hourly' }));
      const options = { horizon: 24 };
      const inPage = await sc.createStorecast({ worker: false });
      await inPage.init({ backend: 'wasm' });
      const expected = await inPage.forecastTrends(inputs, options);
      const { pool, answers } = await (await window.load('/test/browser/pool-page.ts')).countingPool(sc, 2);
      await pool.init({ backend: 'wasm' });
      const progress: Array<{ phase: string; loaded: number; total: number }> = [];
      const got = await pool.forecastTrends(inputs, { ...options, onProgress: (p: { phase: string; loaded: number; total: number }) => progress.push(p) });
      const answered: number[] = [...answers];
      const tensors = (await pool.memory()).numTensors;
      await pool.forecastTrends(inputs, options);
      const tensorsAfter = (await pool.memory()).numTensors;
      // Aborted from the first progress event (no timer decides when): 9 series make 3 parts on 2 workers, so
      // the third has not started, and the call is ABORTED whether or not the running parts see it in time.
      // The pool answers afterwards.
      const controller = new AbortController();
      const aborted = await pool.forecastTrends(inputs, { ...options, signal: controller.signal, onProgress: () => controller.abort() }).then(() => null, (e: { code: string }) => e.code);
      const afterAbort = (await pool.forecastTrends(inputs.slice(0, 3), options)).length;
      const badCount = await sc.createStorecast({ workers: 0 }).then(() => null, (e: { code: string }) => e.code);
      const conflicting = await sc.createStorecast({ worker: false, workers: 2 }).then(() => null, (e: { code: string }) => e.code);
      pool.terminate();
      const forecasts = (list: Array<{ forecast: number[]; model: { name: string } }>) => list.map((r) => ({ forecast: r.forecast, name: r.model.name }));
      return { expected: forecasts(expected), got: forecasts(got), answers: answered, progress: progress.filter((p) => p.phase === 'forecast'), tensors, tensorsAfter, aborted, afterAbort, badCount, conflicting };
    }, series);
    await page.close();
    expect(result.got.map((r) => r.name)).toEqual(result.expected.map((r) => r.name));
    result.got.forEach((r, i) => r.forecast.forEach((v, h) => expect(v).toBeCloseTo(result.expected[i].forecast[h], 6)));
    // Both workers forecast a part (the first also answered init; forecast results are the arrays).
    expect(result.answers.length).toBe(2);
    expect(result.answers.every((n) => n > 0)).toBe(true);
    expect(result.answers[0] + result.answers[1]).toBe(9);
    const loaded = result.progress.map((p) => p.loaded);
    expect(loaded.at(-1)).toBe(9);
    expect(result.progress.every((p) => p.total === 9)).toBe(true);
    expect(loaded).toEqual([...loaded].sort((a, b) => a - b));
    expect(result.tensorsAfter).toBe(result.tensors);
    expect(result.aborted).toBe('ABORTED');
    expect(result.afterAbort).toBe(3);
    expect(result.badCount).toBe('INVALID_INPUT');
    expect(result.conflicting).toBe('INVALID_INPUT');
  });

  it('splits embedText across a pool of workers: the same vectors in the same order, progress to the end', async () => {
    const texts = useTestTexts(60);
    const page = await h.newPage();
    const result = await page.evaluate(async (texts) => {
      const sc = await window.load('/lib/index.ts');
      const options = { encoder: { device: 'wasm' }, cache: false };
      const expected = await sc.embedText(texts, options);
      const { pool, answers } = await (await window.load('/test/browser/pool-page.ts')).countingPool(sc, 2);
      const fractions: number[] = [];
      const got = await pool.embedText(texts, { ...options, onProgress: (p: { phase: string; fraction: number }) => { if (p.phase === 'embed') fractions.push(p.fraction); } });
      pool.terminate();
      let worst = 1;
      expected.forEach((v: Float32Array, i: number) => {
        let dot = 0; let a = 0; let b = 0;
        for (let k = 0; k < v.length; k++) { dot += v[k] * got[i][k]; a += v[k] * v[k]; b += got[i][k] * got[i][k]; }
        worst = Math.min(worst, a === 0 && b === 0 ? 1 : dot / Math.sqrt(a * b));
      });
      return { count: got.length, worst, answers: answers as number[], fractions };
    }, texts);
    await page.close();
    expect(result.count).toBe(texts.length);
    // Same model, same files, same inputs: only the batch composition differs between the two runs.
    expect(result.worst).toBeGreaterThan(0.9999);
    expect(result.answers.every((n) => n > 0)).toBe(true);
    expect(result.answers[0] + result.answers[1]).toBe(texts.length);
    expect(result.fractions.at(-1)).toBe(1);
    expect(result.fractions).toEqual([...result.fractions].sort((a, b) => a - b));
  });
});
