import { describe, expect, it } from 'vitest';
import { forecastTrend, forecastTrends, loadTrendModel, fineTuneTrendModel, init, StorecastError } from '../../lib/index.js';
import { loadTf } from '../../lib/runtime/index.js';
import { forward } from '../../lib/trend/neural/index.js';
import { normaliseWindow } from '../../lib/trend/neural/normalise.js';
import { hasShared, readM4 } from '../helpers.js';

const weekly = (n: number, promoEvery = 0): number[] => Array.from({ length: n }, (_, t) => 100 + 10 * Math.sin((2 * Math.PI * t) / 7) + (promoEvery && t % promoEvery === 0 ? 80 : 0));

describe('the pretrained trend LSTM (Node, wasm backend)', () => {
  it('forecasts zero-shot with quantile intervals and leaks no tensors', async () => {
    await init({ backend: 'wasm' });
    const tf = await loadTf();
    await forecastTrend(weekly(120), { horizon: 14, model: 'lstm' }); // loads the model
    const before = tf.memory().numTensors;
    const r = await forecastTrend({ values: weekly(200), frequency: 'daily' }, { horizon: 14, model: 'lstm' });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.model.name).toBe('lstm');
    r.forecast.forEach((v) => expect(v).toBeGreaterThan(50));
    r.forecast.forEach((v) => expect(v).toBeLessThan(200));
    const [i80, i95] = r.intervals;
    i80.lower.forEach((l, h) => expect(i95.lower[h] <= l && l <= r.forecast[h] && r.forecast[h] <= i80.upper[h] && i80.upper[h] <= i95.upper[h]).toBe(true));
  });

  it('forecasts what tools/trend/train_lstm.py computed for the same series (the page normalises as training did)', async () => {
    const model = await loadTrendModel();
    const reference = model.manifest.reference ?? [];
    expect(reference.map((r) => r.frequency)).toEqual(['hourly', 'weekly']);
    // The same formulas as reference_series() in the training script.
    const make = (frequency: string, n: number): number[] => Array.from({ length: n }, (_, t) => (frequency === 'hourly' ? 100 * (1 + 0.3 * Math.sin((2 * Math.PI * t) / 24)) * (1 + 0.002 * t) : 50 + 0.5 * t + 5 * Math.cos(t)));
    for (const r of reference) {
      const result = await forecastTrend({ values: make(r.frequency, r.length), frequency: r.frequency }, { horizon: r.horizon, model: 'lstm', trendModel: model });
      result.forecast.forEach((v, h) => expect(Math.abs(v - r.median[h]) / r.median[h]).toBeLessThan(1e-3));
    }
    model.dispose();
  });

  it('is part of the auto ensemble with a reported weight', async () => {
    const r = await forecastTrend({ values: weekly(200), frequency: 'daily' }, { horizon: 14 });
    expect(r.model.members!.map((m) => m.name)).toContain('lstm');
  });

  it.skipIf(!hasShared('forecast/m4/Weekly-train.csv'))('is weighted by its backtest on a frequency it was trained on, and only where it beat every statistical member on others (M4 Weekly)', async () => {
    const values = readM4('forecast/m4/Weekly-train.csv').series.slice(0, 40);
    const weightOf = (r: Awaited<ReturnType<typeof forecastTrends>>[number]): number => r.model.members?.find((m) => m.name === 'lstm')?.weight ?? 0;
    const admittedAs = async (frequency: 'weekly' | 'monthly'): Promise<number> => {
      const series = values.map((v) => ({ values: v, frequency }));
      const withNetwork = await forecastTrends(series, { horizon: 13 });
      const without = await forecastTrends(series, { horizon: 13, neural: false });
      withNetwork.forEach((r, i) => {
        if (weightOf(r) > 0) expect(r.forecast).not.toEqual(without[i].forecast);
        else expect(r.forecast).toEqual(without[i].forecast); // listed with weight 0, combined without it
      });
      return withNetwork.filter((r) => weightOf(r) > 0).length;
    };
    const model = await loadTrendModel();
    expect(model.manifest.trainedFrequencies).toContain('weekly');
    expect(model.manifest.trainedFrequencies).not.toContain('monthly');
    model.dispose();
    const trained = await admittedAs('weekly');
    const untrained = await admittedAs('monthly');
    expect(trained).toBeGreaterThan(untrained);
  });

  it('moves its forecast when a known-future promotion covariate is set', async () => {
    const history = 140;
    const horizon = 14;
    const values = weekly(history, 10);
    const promo = Array.from({ length: history + horizon }, (_, t) => (t % 10 === 0 ? 1 : 0));
    const none = new Array(history + horizon).fill(0);
    const [withPromo, without] = await forecastTrends([
      { values, frequency: 'daily', covariates: { promotion: promo } },
      { values, frequency: 'daily', covariates: { promotion: none.map((v, t) => (t < history ? promo[t] : 0)) } },
    ], { horizon, model: 'lstm' });
    const promoSteps = promo.slice(history).map((p, h) => (p ? h : -1)).filter((h) => h >= 0);
    expect(promoSteps.length).toBeGreaterThan(0);
    for (const h of promoSteps) expect(withPromo.forecast[h]).toBeGreaterThan(without.forecast[h]);
  });

  it('fine-tunes on the merchant series (loss is finite, the model changes) and rejects bad input', async () => {
    const model = await loadTrendModel();
    const series = [weekly(150), weekly(150, 9), weekly(120).map((v) => v * 3)];
    const before = (await forecastTrend(series[1], { horizon: 7, model: 'lstm', trendModel: model })).forecast;
    const { loss } = await fineTuneTrendModel(model, series, { steps: 10 });
    expect(Number.isFinite(loss)).toBe(true);
    const after = (await forecastTrend(series[1], { horizon: 7, model: 'lstm', trendModel: model })).forecast;
    expect(after).not.toEqual(before);
    await expect(fineTuneTrendModel(model, [])).rejects.toBeInstanceOf(StorecastError);
    await expect(fineTuneTrendModel(model, [[1, 2, 3]])).rejects.toThrow(/≥ 16/);
    model.dispose();
  });

  it("computes what the tf.layers network predicts, before and after fine-tuning (the forward reads the network's weights)", async () => {
    await init({ backend: 'wasm' });
    const tf = await loadTf();
    const model = await loadTrendModel();
    const m = model.manifest;
    const channels = 3 + m.covariates;
    let seed = 7;
    const random = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    // Normalised log-ratios and the observed mask, the first windows partly empty (shorter histories);
    // the period channel and the last cycle set on every other window (0 where a series has no seasonal indices).
    const past = Array.from({ length: 37 }, (_, b) => {
      const p = new Float32Array(m.window * channels);
      for (let t = Math.min(b, m.window - 2); t < m.window; t++) { p[t * channels] = (random() - 0.5) * 2; p[t * channels + 1] = 1; p[t * channels + channels - 1] = b % 2 ? 0.6 : 0; }
      return p;
    });
    const lastCycle = past.map((_, b) => Float32Array.from({ length: m.horizon }, () => (b % 2 ? (random() - 0.5) * 2 : 0)));
    const compare = (): { worst: number; ours: Float32Array } => {
      const before = tf.memory().numTensors;
      const ours = forward(tf, model, past, lastCycle);
      const input = tf.tensor3d(Float32Array.from(past.flatMap((p) => Array.from(p))), [past.length, m.window, channels]);
      const future = tf.zeros([past.length, m.horizon, m.covariates]);
      const cycle = tf.tensor2d(Float32Array.from(lastCycle.flatMap((c) => Array.from(c))), [past.length, m.horizon]);
      const theirs = model.network.predict([input, future, cycle]) as import('@tensorflow/tfjs').Tensor;
      expect(ours.shape).toEqual([past.length, m.horizon * m.quantiles.length]);
      const a = ours.dataSync() as Float32Array;
      const b = theirs.dataSync();
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
      tf.dispose([ours, input, future, cycle, theirs]);
      expect(tf.memory().numTensors).toBe(before);
      return { worst, ours: a };
    };
    const pretrained = compare();
    expect(pretrained.worst).toBeLessThan(1e-5);
    await fineTuneTrendModel(model, [weekly(150), weekly(150, 9)], { steps: 5, learningRate: 3e-2 });
    const tuned = compare();
    expect(tuned.worst).toBeLessThan(1e-5);
    expect(Math.max(...tuned.ours.map((v, i) => Math.abs(v - pretrained.ours[i])))).toBeGreaterThan(1e-3);
    model.dispose();
  });

  it("reads the last cycle per forecast step: the same phase one period back, over its index and the level (nothing without seasonal indices)", () => {
    const spec = { kind: 'seasonal-level-log', levelPoints: 8, maxCycles: 4, clip: 4 } as const;
    const values = Array.from({ length: 24 * 10 }, (_, t) => 100 * (1 + 0.3 * Math.sin((2 * Math.PI * t) / 24)));
    values[values.length - 24 + 5] *= 1.5; // yesterday, hour 5 sold half as much again as usual
    const w = normaliseWindow(spec, 64, 48, values, values.length, 24)!;
    expect(w.period).toBe(24);
    // Steps 5 and 29 are hour 5 of the next two days; the spike also lifts hour 5's index a little (one cycle of four).
    expect(w.lastCycle[5]).toBeGreaterThan(0.2);
    expect(w.lastCycle[5]).toBeLessThan(Math.log(1.5));
    expect(w.lastCycle[29]).toBe(w.lastCycle[5]);
    for (const h of [0, 4, 6, 23, 47]) expect(Math.abs(w.lastCycle[h])).toBeLessThan(0.05);
    const flat = normaliseWindow(spec, 64, 48, values, values.length, 1)!;
    expect(flat.period).toBe(0);
    expect(flat.lastCycle.every((v) => v === 0)).toBe(true);
  });

  it('refuses horizons beyond the model and missing model files with typed errors', async () => {
    await expect(forecastTrend(weekly(100), { horizon: 60, model: 'lstm' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(loadTrendModel('/nonexistent/trend-lstm/')).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED' });
  });
});

describe('the LSTM never leaves a forecast silently', () => {
  it('reports a model that cannot be loaded, and uses it again once the models folder is right', async () => {
    const { env } = await import('../../lib/index.js');
    const before = env.modelBaseUrl;
    env.modelBaseUrl = '/nonexistent/models/';
    try {
      const r = await forecastTrend({ values: weekly(200), frequency: 'daily' }, { horizon: 14 });
      expect(r.model.members!.map((m) => m.name)).not.toContain('lstm');
      const unavailable = r.warnings.find((w) => w.code === 'MODEL_UNAVAILABLE');
      expect(unavailable?.message).toMatch(/LSTM could not be loaded \(.*\/nonexistent\/models\/trend-lstm\/model\.json/);
      const required = await forecastTrend(weekly(200), { horizon: 14, model: 'lstm' }).then(() => undefined, (e: unknown) => e);
      expect(required).toBeInstanceOf(StorecastError);
      expect((required as StorecastError).code).toBe('MODEL_LOAD_FAILED');
    } finally {
      env.modelBaseUrl = before;
    }
    const again = await forecastTrend({ values: weekly(200), frequency: 'daily' }, { horizon: 14 });
    expect(again.model.members!.map((m) => m.name)).toContain('lstm');
    expect(again.warnings).toEqual([]);
  });

  it("says when model 'lstm' cannot answer and when the ensemble leaves it out", async () => {
    const constant = await forecastTrend(new Array(30).fill(7), { horizon: 5, model: 'lstm' });
    expect(constant.forecast).toEqual([7, 7, 7, 7, 7]);
    expect(constant.warnings.map((w) => w.code)).toEqual(['MODEL_SUBSTITUTED']);
    const longHorizon = await forecastTrend({ values: weekly(400), frequency: 'daily' }, { horizon: 90 });
    expect(longHorizon.warnings.find((w) => w.code === 'MEMBER_SKIPPED')?.message).toMatch(/LSTM did not take part: it forecasts at most \d+ steps ahead \(asked for 90\)/);
  });
});
