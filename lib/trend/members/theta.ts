import { fitTheta, thetaForecast } from '../models/theta.js';
import { deseasonalise } from '../seasonality.js';
import { normalBands, type ForecastModel } from '../model.js';
import { withSeasonality } from './seasonal.js';

/** Optimised Theta on the seasonally adjusted series, fitted before the backtest windows. */
export const thetaModel: ForecastModel = {
  name: 'theta',
  fit(series, trainLength) {
    const { y, decompositions, levels } = series;
    const fit = fitTheta(deseasonalise(y.subarray(0, trainLength), decompositions));
    return {
      forecast: withSeasonality(decompositions, (history, horizon) => {
        const f = thetaForecast(fit, history, horizon);
        return normalBands(f.name, f.mean, f.sd!, levels);
      }),
    };
  },
};
