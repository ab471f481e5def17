import { describe, expect, it } from 'vitest';
import { forecastTrend, holidayDates, type SeriesInput } from '../../lib/index.js';

const stats = { model: 'ensemble' as const, neural: false };

function noise(seed: number): () => number {
  let s = seed;
  return () => { s = (s * 16807) % 2147483647; return s / 2147483647 - 0.5; };
}

/**
 * Two years of weekly sales ending inside the December rush: 4 weeks at 2.5x the usual level at the
 * end of each year, the history stopping in the last of them. What a merchant's admin page sees in
 * late December.
 */
function decemberSpike(): { input: SeriesInput; horizon: number; spikeLevel: number; baseLevel: number } {
  const weeks = 104;
  const horizon = 13;
  const rand = noise(7);
  const start = Date.UTC(2023, 0, 2);
  const isRush = (t: number): boolean => t % 52 >= 48;
  const values = Array.from({ length: weeks }, (_, t) => (isRush(t) ? 250 : 100) + 8 * rand());
  const dates = values.map((_, t) => new Date(start + t * 7 * 86_400_000).toISOString().slice(0, 10));
  const holiday = Array.from({ length: weeks + horizon }, (_, t) => (isRush(t) ? 1 : 0));
  return { input: { values, dates, frequency: 'weekly', covariates: { holiday } }, horizon, spikeLevel: 250, baseLevel: 100 };
}

describe('covariates for every member (dynamic regression)', () => {
  it('a history ending in a December spike: with the holiday covariate, Jan–Mar falls back', async () => {
    const { input, horizon, baseLevel } = decemberSpike();
    const r = await forecastTrend(input, { horizon, ...stats });
    const mean = r.forecast.reduce((a, v) => a + v, 0) / horizon;
    expect(Math.abs(mean - baseLevel) / baseLevel).toBeLessThan(0.15);
    expect(r.trend.direction).toBe('down');
    expect(r.summary).toMatch(/fall/);
    expect(r.model.description).toMatch(/holiday effect \+1[2-7]\d% when it applies/);
    for (const name of ['ets', 'theta', 'arima']) {
      const single = await forecastTrend(input, { horizon, models: [name as 'ets'] });
      const m = single.forecast.reduce((a, v) => a + v, 0) / horizon;
      expect(Math.abs(m - baseLevel) / baseLevel, name).toBeLessThan(0.2);
    }
  });

  it('the same history without the covariate: the spike is not carried forward, the summary does not say "rise"', async () => {
    const { input, horizon, baseLevel } = decemberSpike();
    const r = await forecastTrend({ ...input, covariates: undefined }, { horizon, ...stats });
    const mean = r.forecast.reduce((a, v) => a + v, 0) / horizon;
    expect(Math.abs(mean - baseLevel) / baseLevel).toBeLessThan(0.2);
    expect(r.summary).not.toMatch(/rise/);
    expect(r.model.description).toMatch(/spike at the end of the history treated as one-off/);
  });

  it('a new level without a year-earlier precedent is kept (a level shift is not a pulse)', async () => {
    const rand = noise(13);
    const values = Array.from({ length: 104 }, (_, t) => (t >= 100 ? 180 : 100) + 6 * rand());
    const r = await forecastTrend({ values, frequency: 'weekly' }, { horizon: 8, ...stats });
    expect(r.forecast[0]).toBeGreaterThan(150);
    expect(r.model.description).not.toMatch(/one-off/);
  });

  it('recovers a promotion effect on daily sales and adds it where the promotion is planned', async () => {
    const rand = noise(3);
    const n = 200;
    const horizon = 14;
    const promo = Array.from({ length: n + horizon }, (_, t) => (t % 17 === 5 || t === n + 3 ? 1 : 0));
    const values = Array.from({ length: n }, (_, t) => 50 + 10 * Math.sin((2 * Math.PI * t) / 7) + 30 * promo[t] + 3 * rand());
    const dates = values.map((_, t) => new Date(Date.UTC(2024, 0, 1) + t * 86_400_000).toISOString().slice(0, 10));
    const r = await forecastTrend({ values, dates, covariates: { promotion: promo } }, { horizon, ...stats });
    const without = await forecastTrend({ values, dates }, { horizon, ...stats });
    const lift = r.forecast[3] - r.forecast[10]; // same weekday, a week later, no promotion
    expect(r.forecast[3] - without.forecast[3]).toBeGreaterThan(20);
    expect(lift).toBeGreaterThan(15);
    expect(r.model.description).toMatch(/promotion effect \+\d+% on 22 Jul/);
  });

  it('leaves out a covariate that never changes in the history, and one that is noise', async () => {
    const rand = noise(11);
    const n = 120;
    const values = Array.from({ length: n }, () => 100 + 5 * rand());
    const flat = new Array(n + 7).fill(1);
    const random = Array.from({ length: n + 7 }, () => (rand() > 0 ? 1 : 0));
    const r = await forecastTrend({ values, covariates: { flat, random } }, { horizon: 7, ...stats });
    expect(r.model.description).not.toMatch(/flat effect|random effect/);
  });
});

describe('built-in holiday calendars', () => {
  it('knows moving holidays', () => {
    const us = holidayDates('US', Date.UTC(2024, 0, 1), Date.UTC(2025, 0, 1));
    const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
    expect(us.get('Thanksgiving Day')!.map(day)).toEqual(['2024-11-28']);
    expect(us.get('Black Friday')!.map(day)).toEqual(['2024-11-29']);
    expect(us.get('Memorial Day')!.map(day)).toEqual(['2024-05-27']);
    const gb = holidayDates('GB', Date.UTC(2024, 0, 1), Date.UTC(2025, 0, 1));
    expect(gb.get('Good Friday')!.map(day)).toEqual(['2024-03-29']);
    expect(gb.get('Easter Monday')!.map(day)).toEqual(['2024-04-01']);
    const ca = holidayDates('ca', Date.UTC(2024, 0, 1), Date.UTC(2025, 0, 1));
    expect(ca.get('Victoria Day')!.map(day)).toEqual(['2024-05-20']);
    expect(() => holidayDates('XX', 0, 1)).toThrow(/No built-in holiday calendar for 'XX'/);
  });

  it('turns them into covariates: daily sales that jump on public holidays', async () => {
    const rand = noise(5);
    const start = Date.UTC(2021, 0, 4);
    const n = 965;
    const dates = Array.from({ length: n }, (_, t) => new Date(start + t * 86_400_000).toISOString().slice(0, 10));
    const holidays = holidayDates('US', start, start + (n + 60) * 86_400_000);
    const special = new Set([...holidays.get('Independence Day')!, ...holidays.get('Labor Day')!].map((ms) => new Date(ms).toISOString().slice(0, 10)));
    const values = dates.map((d, t) => 100 + 15 * Math.sin((2 * Math.PI * t) / 7) + (special.has(d) ? 80 : 0) + 4 * rand());
    const r = await forecastTrend({ values, dates }, { horizon: 60, holidays: { country: 'US' }, ...stats });
    expect(r.model.description).toMatch(/Labor Day effect \+\d+% on 4 Sep/);
    const laborDay = r.dates!.indexOf('2023-09-04');
    expect(r.forecast[laborDay]).toBeGreaterThan(r.forecast[laborDay - 7] + 50);
  });

  it('refuses holidays without dates or for monthly data', async () => {
    await expect(forecastTrend([1, 2, 3, 4, 5, 6, 7, 8], { holidays: { country: 'US' } })).rejects.toThrow(/holidays need dates/);
  });
});
