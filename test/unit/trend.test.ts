import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { forecastTrend, forecastTrends, mase, StorecastError, type Progress } from '../../lib/index.js';
import { seasonalNaive } from '../../lib/trend/models/naive.js';
import { backtestLength, backtestOrigins } from '../../lib/trend/engine.js';
import { SHARED, hasShared } from '../helpers.js';

// statistical members only: these tests are about the statistics, the LSTM has its own tests.
const stats = { model: 'ensemble' as const, neural: false };

function seasonalSeries(n: number, period: number, slope = 0.5, noise = 2, seed = 1): number[] {
  let s = seed;
  const rand = (): number => { s = (s * 16807) % 2147483647; return s / 2147483647 - 0.5; };
  return Array.from({ length: n }, (_, t) => 100 + slope * t + 20 * Math.sin((2 * Math.PI * t) / period) + noise * rand());
}

async function expectError(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(StorecastError);
  expect((error as StorecastError).code).toBe(code);
  if (message) expect((error as StorecastError).message).toMatch(message);
}

describe('forecastTrend', () => {
  it('finds the seasonal period, follows the trend and returns ordered intervals', async () => {
    const values = seasonalSeries(120, 12, 1.5);
    const r = await forecastTrend({ values, frequency: 'monthly' }, { horizon: 12, model: 'ets' });
    expect(r.forecast).toHaveLength(12);
    expect(r.seasonality[0].period).toBe(12);
    expect(r.seasonality[0].strength).toBeGreaterThan(0.8);
    expect(r.trend.direction).toBe('up');
    expect(r.intervals.map((i) => i.level)).toEqual([80, 95]);
    const truth = Array.from({ length: 12 }, (_, h) => 100 + 1.5 * (120 + h) + 20 * Math.sin((2 * Math.PI * (120 + h)) / 12));
    r.forecast.forEach((f, h) => {
      expect(Math.abs(f - truth[h])).toBeLessThan(6);
      const [i80, i95] = r.intervals;
      expect(i95.lower[h]).toBeLessThanOrEqual(i80.lower[h]);
      expect(i80.lower[h]).toBeLessThanOrEqual(f);
      expect(f).toBeLessThanOrEqual(i80.upper[h]);
      expect(i80.upper[h]).toBeLessThanOrEqual(i95.upper[h]);
    });
    expect(r.summary).toMatch(/rise/);
  });

  it('weights ensemble members by their backtest and reports them', async () => {
    const r = await forecastTrend({ values: seasonalSeries(200, 7), frequency: 'daily' }, { horizon: 14, ...stats });
    const names = r.model.members!.map((m) => m.name.split(':')[0]);
    expect(names).toEqual(expect.arrayContaining(['ets', 'theta', 'seasonal-naive']));
    expect(r.model.members!.reduce((a, m) => a + m.weight, 0)).toBeCloseTo(1, 3);
  });

  it('backtests on up to three rolling origins while half the series stays', () => {
    expect(backtestOrigins(100, backtestLength(100, 12))).toEqual([88, 76, 64]);
    expect(backtestOrigins(40, backtestLength(40, 10))).toEqual([30, 20]); // a third origin (10) would leave less than half
    expect(backtestOrigins(10, backtestLength(10, 5))).toEqual([8]);
    expect(backtestOrigins(9, backtestLength(9, 5))).toEqual([]); // too short to hold anything out
  });

  it('uses Croston/TSB for intermittent demand and never forecasts below zero', async () => {
    const values = Array.from({ length: 200 }, (_, t) => (t % 5 === 0 ? 3 : t % 11 === 0 ? 1 : 0));
    const r = await forecastTrend(values, { horizon: 28, ...stats });
    expect(r.model.members!.map((m) => m.name)).toEqual(['croston-sba', 'tsb']);
    for (const i of r.intervals) i.lower.forEach((v) => expect(v).toBeGreaterThanOrEqual(0));
    expect(r.forecast[0]).toBeGreaterThan(0.3);
    expect(r.forecast[0]).toBeLessThan(1.2);
  });

  it('regularises dates: sorts, fills missing days and returns future dates', async () => {
    const start = Date.UTC(2024, 0, 1);
    const day = 86_400_000;
    const entries = Array.from({ length: 60 }, (_, t) => ({ date: new Date(start + t * day).toISOString().slice(0, 10), value: 10 + (t % 7) }))
      .filter((_, t) => t !== 20 && t !== 21)
      .reverse();
    const r = await forecastTrend({ values: entries.map((e) => e.value), dates: entries.map((e) => e.date) }, { horizon: 3, model: 'seasonal-naive' });
    expect(r.dates).toEqual(['2024-03-01', '2024-03-02', '2024-03-03']);
    expect(r.model.name).toMatch(/2 missing date\(s\) filled/);
    expect(r.seasonality[0].period).toBe(7);
  });

  it('falls back to naive for 1-3 points and says so', async () => {
    const r = await forecastTrend([5, 6, 7], { horizon: 4 });
    expect(r.model.name).toMatch(/naive \(fallback: only 3 points\)/);
    expect(r.forecast).toEqual([7, 7, 7, 7]);
    const one = await forecastTrend([42], { horizon: 2 });
    expect(one.forecast).toEqual([42, 42]);
    expect(one.intervals[0].upper[0]).toBeGreaterThan(42);
  });

  it('handles constant series without NaN', async () => {
    const r = await forecastTrend(new Array(30).fill(3), { horizon: 5 });
    expect(r.forecast).toEqual([3, 3, 3, 3, 3]);
    expect(r.trend.direction).toBe('flat');
    expect(r.model.name).toBe('constant');
  });

  it('interpolates missing values and accepts a 1M-point series by fitting its recent part', async () => {
    const r = await forecastTrend([1, 2, null, 4, NaN, 6, 7, 8, 9, 10, 11, 12] as number[], { horizon: 2, model: 'ets' });
    expect(r.model.name).toMatch(/2 missing value\(s\) interpolated/);
    expect(r.forecast[0]).toBeGreaterThan(12);
    const big = Array.from({ length: 1_000_000 }, (_, t) => 50 + Math.sin(t / 3));
    const b = await forecastTrend(big, { horizon: 5, model: 'theta' });
    expect(b.model.name).toMatch(/fitted on the last 4000 of 1000000 points/);
    b.forecast.forEach((v) => expect(Number.isFinite(v)).toBe(true));
  });

  it('rejects bad input with typed, actionable errors', async () => {
    await expectError(forecastTrend([]), 'INVALID_INPUT', /empty/);
    await expectError(forecastTrend([NaN, NaN]), 'INVALID_INPUT', /no observed values/);
    await expectError(forecastTrend([1, Infinity, 3]), 'INVALID_INPUT', /values\[1\] is Infinity/);
    await expectError(forecastTrend([1, '2', 3] as unknown as number[]), 'INVALID_INPUT', /values\[1\] is a string/);
    await expectError(forecastTrend('1,2,3' as unknown as number[]), 'INVALID_INPUT');
    await expectError(forecastTrend([1, 2, 3], { horizon: -1 }), 'INVALID_INPUT', /horizon/);
    await expectError(forecastTrend([1, 2, 3], { horizon: 31 }), 'INVALID_INPUT', /10x/);
    await expectError(forecastTrend({ values: [1, 2, 3], dates: ['2024-01-01'] }), 'INVALID_INPUT', /dates has 1 entries but values has 3/);
    await expectError(forecastTrend({ values: [1, 2], dates: ['2024-01-01', 'yesterday'] }), 'INVALID_INPUT', /dates\[1\]/);
    await expectError(forecastTrend({ values: [1, 2, 3], colour: 'red' } as never), 'INVALID_INPUT', /Unknown field 'colour'/);
    await expectError(forecastTrend([1, 2, 3], { model: 'prophet' as never }), 'INVALID_INPUT', /Unknown model/);
    await expectError(forecastTrend([1, 2, 3], { levels: [120] }), 'INVALID_INPUT', /levels/);
    await expectError(forecastTrends([[1, 2, 3], [1, 'x' as never]]), 'INVALID_INPUT', /series 1:/);
  });

  it('refuses magnitudes that would overflow instead of forecasting NaN', async () => {
    await expectError(forecastTrend([1e308, 1.2e308, 0.9e308, 1.1e308, 1e308]), 'INVALID_INPUT', /values\[0\] is 1e\+308; magnitudes above 1000000000000000/);
    await expectError(forecastTrend({ values: [1, 2, 3, 4], covariates: { promo: [0, 0, 1, 0, 1e300] } }, { horizon: 1 }), 'INVALID_INPUT', /covariate 'promo'/);
    const large = await forecastTrend(seasonalSeries(48, 12).map((v) => v * 1e12), { horizon: 6, ...stats });
    expect(large.forecast.every(Number.isFinite)).toBe(true);
    expect(large.summary).not.toMatch(/NaN/);
  });

  it('says when dates are regrouped to a coarser frequency, and refuses a finer one', async () => {
    const day = 86_400_000;
    const dates = Array.from({ length: 140 }, (_, t) => new Date(Date.UTC(2024, 0, 1) + t * day).toISOString().slice(0, 10));
    const values = dates.map((_, t) => 10 + (t % 7));
    const weekly = await forecastTrend({ values, dates, frequency: 'weekly' }, { horizon: 4, ...stats });
    expect(weekly.forecast).toHaveLength(4);
    expect(weekly.warnings.map((w) => w.code)).toContain('INPUT_REGROUPED');
    expect(weekly.warnings.find((w) => w.code === 'INPUT_REGROUPED')!.message).toMatch(/dates are daily but frequency is 'weekly'/);
    const asIs = await forecastTrend({ values, dates }, { horizon: 4, ...stats });
    expect(asIs.warnings).toEqual([]);
    const weeks = dates.filter((_, t) => t % 7 === 0);
    await expectError(forecastTrend({ values: weeks.map(() => 5), dates: weeks, frequency: 'daily' }), 'INVALID_INPUT', /frequency is 'daily' but the dates are weekly/);
  });

  it('stops on an aborted signal and reports progress on batches', async () => {
    const controller = new AbortController();
    controller.abort();
    await expectError(forecastTrends([[1, 2, 3, 4, 5]], { signal: controller.signal }), 'ABORTED');
    const seen: Progress[] = [];
    await forecastTrends([seasonalSeries(40, 4), seasonalSeries(40, 4, 1)], { horizon: 4, ...stats, onProgress: (p) => seen.push(p) });
    expect(seen).toEqual([
      { phase: 'forecast', fraction: 0.5, loaded: 1, total: 2, unit: 'series' },
      { phase: 'forecast', fraction: 1, loaded: 2, total: 2, unit: 'series' },
    ]);
  });

  it('property: finite, ordered, non-negative output for any non-negative series', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.float({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 80 }), fc.integer({ min: 1, max: 10 }), async (values, horizon) => {
        const r = await forecastTrend(values, { horizon, ...stats });
        expect(r.forecast).toHaveLength(horizon);
        for (const i of r.intervals) {
          i.lower.forEach((v, h) => {
            expect(Number.isFinite(v) && Number.isFinite(i.upper[h]) && Number.isFinite(r.forecast[h])).toBe(true);
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(r.forecast[h] + 1e-9 * Math.max(1, r.forecast[h]));
            expect(i.upper[h]).toBeGreaterThanOrEqual(r.forecast[h] - 1e-9 * Math.max(1, r.forecast[h]));
          });
        }
      }),
      { numRuns: 60, seed: 42 },
    );
  });
});

describe.skipIf(!hasShared('r_debian/datasets__AirPassengers.csv'))('on real data (needs ../shared/data)', () => {
  it('AirPassengers: multiplicative season, beats seasonal naive on the last 2 years', async () => {
    const rows = readFileSync(SHARED + 'r_debian/datasets__AirPassengers.csv', 'utf8').trim().split('\n').slice(1);
    const values = rows.map((r) => Number(r.split(',').pop()));
    const train = values.slice(0, -24);
    const test = values.slice(-24);
    const r = await forecastTrend({ values: train, frequency: 'monthly' }, { horizon: 24, ...stats });
    expect(r.seasonality[0].period).toBe(12);
    const ours = mase(test, r.forecast, train, 12);
    const naive = mase(test, seasonalNaive(train, 12, 24).mean, train, 12);
    expect(ours).toBeLessThan(naive);
  });
});
