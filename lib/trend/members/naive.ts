import { seasonalNaive } from '../models/naive.js';
import { normalBands, type ForecastModel } from '../model.js';
import { primaryPeriod, withSeasonality } from './seasonal.js';

/** Steps the drift is averaged over: recent enough to follow a change of direction. */
const DRIFT_WINDOW = 52;

/** Repeats the last cycle of the primary season (the last value when there is none). */
export const seasonalNaiveModel: ForecastModel = {
  name: 'seasonal-naive',
  fit(series) {
    const period = primaryPeriod(series.decompositions);
    return {
      forecast(history, horizon) {
        const f = seasonalNaive(history, period, horizon);
        return normalBands(f.name, f.mean, f.sd!, series.levels);
      },
    };
  },
};

/**
 * Random walk with drift (R's rwf(drift = TRUE)) on the seasonally adjusted series: the last value
 * plus the average step of the recent history. Weekly retail series often move like this.
 */
export const driftModel: ForecastModel = {
  name: 'drift',
  fit(series) {
    return {
      forecast: withSeasonality(series.decompositions, (history, horizon) => {
        const n = history.length;
        const span = Math.min(n - 1, DRIFT_WINDOW);
        const slope = span > 0 ? (history[n - 1] - history[n - 1 - span]) / span : 0;
        let sse = 0;
        for (let t = n - span; t < n; t++) sse += (history[t] - history[t - 1] - slope) ** 2;
        const sigma = span > 1 ? Math.sqrt(sse / (span - 1)) : 0;
        const mean = Array.from({ length: horizon }, (_, h) => history[n - 1] + slope * (h + 1));
        const sd = mean.map((_, h) => sigma * Math.sqrt((h + 1) * (1 + (h + 1) / Math.max(1, span))));
        return normalBands('drift', mean, sd, series.levels);
      }),
    };
  },
};
