import { croston, empiricalQuantiles, tsb } from '../models/intermittent.js';
import type { ModelForecast, ForecastModel, SeriesContext } from '../model.js';

/**
 * Intermittent members give flat rates; their bands are empirical quantiles of recent per-period
 * demand (never below zero), widened where needed so they hold the rate. Where the central
 * interval's lower bound is the smallest recent demand (zero, for most intermittent items), no
 * demand can fall below it, so the whole miss budget goes to the upper tail: an 80% band is then
 * [lowest, 80th percentile], not [lowest, 90th percentile], which would hold about 90%.
 */
function withEmpiricalBands(series: SeriesContext, label: string, mean: number[]): ModelForecast {
  const q = empiricalQuantiles(series.y);
  const lower = new Map<number, number[]>();
  const upper = new Map<number, number[]>();
  for (const level of series.levels) {
    const low = q(0.5 - level / 200);
    const high = q(low <= q(0) ? level / 100 : 0.5 + level / 200);
    lower.set(level, mean.map((m) => Math.min(low, m)));
    upper.set(level, mean.map((m) => Math.max(high, m)));
  }
  return { label, mean, lower, upper };
}

export const crostonModel: ForecastModel = {
  name: 'croston-sba',
  demand: 'intermittent',
  fit: (series) => ({ forecast: (history, horizon) => withEmpiricalBands(series, 'croston-sba', croston(history, horizon).mean) }),
};

export const tsbModel: ForecastModel = {
  name: 'tsb',
  demand: 'intermittent',
  fit: (series) => ({ forecast: (history, horizon) => withEmpiricalBands(series, 'tsb', tsb(history, horizon).mean) }),
};
