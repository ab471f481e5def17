import { describe, expect, it } from 'vitest';
import { backtestTrend, forecastTrend, forecastTrends, normalBands, StorecastError, type ForecastModel } from '../../lib/index.js';
import { intervalCalibration } from '../../lib/trend/combine.js';
import { backtestWeights } from '../../lib/trend/backtest.js';

function seasonalSeries(n: number, period: number, slope = 0.5, noise = 2, seed = 1): number[] {
  let s = seed;
  const rand = (): number => { s = (s * 16807) % 2147483647; return s / 2147483647 - 0.5; };
  return Array.from({ length: n }, (_, t) => 100 + slope * t + 20 * Math.sin((2 * Math.PI * t) / period) + noise * rand());
}

/** A user's own member: the mean of the last 7 points, flat, with a fixed spread. */
const lastWeekMean: ForecastModel = {
  name: 'last-week-mean',
  fit: (series) => ({
    forecast(history, horizon) {
      const recent = history.subarray(-7);
      const level = recent.reduce((a, v) => a + v, 0) / recent.length;
      return normalBands('mean of last 7', new Array(horizon).fill(level), new Array(horizon).fill(0.1), series.levels);
    },
  }),
};

describe('models as values', () => {
  it('picks members by name, lists them, and weights them', async () => {
    const r = await forecastTrend({ values: seasonalSeries(160, 7), frequency: 'daily' }, { horizon: 14, models: ['ets', 'arima', 'theta'] });
    expect(r.model.members!.map((m) => m.name.split(':')[0])).toEqual(['ets', 'arima', 'theta']);
    expect(r.model.members!.reduce((a, m) => a + m.weight, 0)).toBeCloseTo(1, 3);
    expect(r.model.description).toMatch(/weekly pattern/);
  });

  it('takes a model value next to built-in ones, and it goes through the same backtest', async () => {
    const flat = Array.from({ length: 120 }, (_, t) => 50 + ((t * 7) % 5));
    const r = await forecastTrend(flat, { horizon: 7, models: ['seasonal-naive', lastWeekMean] });
    const own = r.model.members!.find((m) => m.name.startsWith('last-week-mean'))!;
    expect(own.name).toBe('last-week-mean:mean of last 7');
    expect(own.weight).toBeGreaterThan(0);
    const alone = await forecastTrend(flat, { horizon: 7, models: [lastWeekMean] });
    expect(alone.forecast.every((v) => Math.abs(v - alone.forecast[0]) < 1e-9)).toBe(true);
  });

  it("keeps model: 'arima' and the presets working, and refuses bad model lists", async () => {
    const r = await forecastTrend({ values: seasonalSeries(60, 4), frequency: 'quarterly' }, { horizon: 8, model: 'arima' });
    expect(r.model.name).toMatch(/^arima:arima\(\d,\d,\d\)/);
    const expectInvalid = async (options: object, message: RegExp): Promise<void> => {
      const error = await forecastTrend([1, 2, 3, 4, 5, 6], options).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(StorecastError);
      expect((error as StorecastError).code).toBe('INVALID_INPUT');
      expect((error as StorecastError).message).toMatch(message);
    };
    await expectInvalid({ models: ['prophet'] }, /Unknown model 'prophet' in models\[0\]/);
    await expectInvalid({ models: [] }, /non-empty/);
    await expectInvalid({ models: ['ets', 'ets'] }, /listed twice/);
    await expectInvalid({ models: [{ name: 'x' }] }, /neither a model name nor a model value/);
    await expectInvalid({ model: 'ets', models: ['ets'] }, /either 'model' or 'models'/);
  });

  it('a batching model value gets every series in one call, for the backtest and then the finals', async () => {
    const calls: number[][] = [];
    const batched: ForecastModel = {
      name: 'batched-naive',
      async batch(requests) {
        calls.push(requests.map((r) => r.series.index));
        return {
          forecasts: requests.map((r) => r.cuts.map((cut) => {
            const last = r.series.observed[cut - 1];
            return normalBands('last value', new Array(r.horizon).fill(last), new Array(r.horizon).fill(0.05), r.series.levels);
          })),
          skipped: requests.map(() => undefined),
        };
      },
    };
    const list = [seasonalSeries(80, 7, 0, 1, 1), seasonalSeries(80, 7, 0, 1, 2), seasonalSeries(80, 7, 0, 1, 3)];
    const results = await forecastTrends(list, { horizon: 7, models: [batched] });
    expect(calls).toEqual([[0, 1, 2], [0, 1, 2]]);
    results.forEach((r, i) => expect(r.forecast[0]).toBeCloseTo(list[i][79], 6));
  });
});

describe('backtestTrend (rolling-origin cross-validation)', () => {
  it('refits at each origin and returns per-window forecasts, members and metrics', async () => {
    const values = seasonalSeries(150, 7, 0.2);
    const result = await backtestTrend({ values, frequency: 'daily' }, { horizon: 14, windows: 3, models: ['ets', 'seasonal-naive'] });
    expect(result.windows.map((w) => w.origin)).toEqual([108, 122, 136]);
    for (const w of result.windows) {
      expect(w.actual).toEqual(values.slice(w.origin, w.origin + 14));
      expect(w.forecast).toHaveLength(14);
      expect(w.members.map((m) => m.name)).toEqual(expect.arrayContaining(['ets']));
    }
    expect(result.metrics.mase).toBeGreaterThan(0);
    expect(result.metrics.mase).toBeLessThan(result.members['seasonal-naive']?.mase ?? Infinity);
    expect(result.metrics.coverage[80]).toBeGreaterThan(0.5);
    expect(Object.keys(result.members)).toContain('ets');
  });

  it('takes covariates for the observed history only', async () => {
    const values = seasonalSeries(100, 7);
    const promo = values.map((_, t) => (t % 9 === 0 ? 1 : 0));
    const result = await backtestTrend({ values: values.map((v, t) => v + 20 * promo[t]), covariates: { promo } }, { horizon: 7, windows: 2, model: 'ensemble', neural: false });
    expect(result.windows).toHaveLength(2);
    await expect(backtestTrend({ values, covariates: { promo: [...promo, 0] } }, { horizon: 7 })).rejects.toThrow(/one per observation/);
  });
});

describe('ensemble weights from backtest errors', () => {
  // Mean absolute errors per window (latest first) of two fitted members and a zero-shot one.
  const weights = (zeroShotErrors: number[]): number[] => backtestWeights([[1, 1.2, zeroShotErrors[0]], [1, 1.1, zeroShotErrors[1]], [1, 1, zeroShotErrors[2]]], [false, false, true]);

  it('admits a zero-shot member on its record over every window, not on one lucky window', () => {
    // Best on the latest window, worse than the best fitted member over the three: left out.
    expect(weights([0.9, 1.5, 1.5])[2]).toBe(0);
    // Best over the three: it joins, with the largest weight.
    const joined = weights([0.8, 0.9, 0.8]);
    expect(joined[2]).toBeGreaterThan(joined[0]);
    expect(joined[0]).toBeGreaterThan(joined[1]);
    expect(joined.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  it('gives no weight to a member more than twice as wrong as the best', () => {
    expect(backtestWeights([[1, 2.5], [1, 2.5]], [false, false])).toEqual([1, 0]);
  });
});

describe('interval calibration', () => {
  // Three backtest windows of 10 steps, latest first; one member whose 80% band is ±10 around 0.
  const band = { mean: new Array(10).fill(0), lower: new Map([[80, new Array(10).fill(-10)]]), upper: new Map([[80, new Array(10).fill(10)]]) };
  const origins = [20, 10, 0];
  const observedWith = (errors: number[]): Float64Array => {
    const y = new Float64Array(30);
    origins.forEach((origin, w) => { for (let i = 0; i < 10; i++) y[origin + i] = (i % 2 ? 1 : -1) * errors[w] * (0.5 + i / 20); });
    return y;
  };
  const calibrate = (errors: number[]): number => intervalCalibration(observedWith(errors), origins, origins.map(() => [band]), [1]);

  it('narrows bands that are too wide and widens bands that are too narrow', () => {
    expect(calibrate([3, 3, 3])).toBeLessThan(0.6);
    expect(calibrate([30, 30, 30])).toBeGreaterThan(1.5);
  });

  it('lets a turbulent latest window count more than a turbulent old one', () => {
    expect(calibrate([30, 3, 3])).toBeGreaterThan(1.5);
    expect(calibrate([3, 3, 30])).toBeLessThan(1);
  });

  it('is set by the latest window, the only one out of sample: turbulent earlier windows hardly widen it', () => {
    // A calm latest window after two turbulent ones (a holiday season): narrow, as after three calm ones.
    expect(calibrate([3, 30, 30])).toBeLessThan(0.6);
    expect(calibrate([3, 30, 30])).toBeCloseTo(calibrate([3, 3, 3]), 1);
  });

  it('reads the 80% point of normal errors from their median', () => {
    // |N(0, 1)| errors, evenly spread over its distribution (median 0.674, 80% point z(0.9) = 1.28), in every window.
    const quantiles = [0.063, 0.189, 0.319, 0.454, 0.674, 0.674, 0.935, 1.15, 1.44, 1.96];
    const y = new Float64Array(30);
    origins.forEach((origin) => quantiles.forEach((q, i) => { y[origin + i] = (i % 2 ? 1 : -1) * 10 * q; }));
    // The band (±10) should be ±12.8: widened by 1.28, three quarters of the way in log terms.
    expect(intervalCalibration(y, origins, origins.map(() => [band]), [1])).toBeCloseTo(1.2816 ** 0.75, 2);
  });
});

describe('intermittent demand bands', () => {
  it("an 80% band holds about 80% of new demand, not 90%, when it starts at zero", async () => {
    let s = 3;
    const rand = (): number => { s = (s * 16807) % 2147483647; return s / 2147483647; };
    // 35% of days sell, 1–20 units: the central band's lower bound is zero, which nothing falls below.
    const draw = (): number => (rand() < 0.35 ? 1 + Math.floor(rand() * 20) : 0);
    const history = Array.from({ length: 400 }, draw);
    const r = await forecastTrend({ values: history, frequency: 'daily' }, { horizon: 7, models: ['tsb'] });
    const band = r.intervals.find((b) => b.level === 80)!;
    expect(band.lower[0]).toBe(0);
    const future = Array.from({ length: 2000 }, draw);
    const inside = future.filter((v) => v >= band.lower[0] && v <= band.upper[0]).length / future.length;
    expect(inside).toBeGreaterThan(0.72);
    expect(inside).toBeLessThan(0.865);
  });
});
