import { seasonalNaive } from '../models/naive.js';
import { normalBands, type ForecastModel } from '../model.js';
import { primaryPeriod } from './seasonal.js';

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
