import { croston, empiricalQuantiles, tsb } from '../models/intermittent.js';
import type { ModelForecast, ForecastModel, SeriesContext } from '../model.js';

/**
 * Intermittent members give flat rates; their bands are empirical quantiles of recent per-period
 * demand (never below zero), widened where needed so they hold the rate.
 */
function withEmpiricalBands(series: SeriesContext, label: string, mean: number[]): ModelForecast {
  const q = empiricalQuantiles(series.y, series.levels);
  const lower = new Map<number, number[]>();
  const upper = new Map<number, number[]>();
  for (const level of series.levels) {
    lower.set(level, mean.map((m) => Math.min(q.get(50 - level / 2)!, m)));
    upper.set(level, mean.map((m) => Math.max(q.get(50 + level / 2)!, m)));
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
