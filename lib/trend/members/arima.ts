import { arimaForecast, arimaLabel, autoArima, refitArima, type ArimaFit } from '../models/arima.js';
import { deseasonalise } from '../seasonality.js';
import { normalBands, type ForecastModel } from '../model.js';
import { MAX_NATIVE_SEASONAL_PERIOD } from './ets.js';
import { primaryPeriod, recentCycles, withSeasonality, type Forecaster } from './seasonal.js';

/** ARIMA is fitted on at most this many recent points (or six cycles): enough to estimate, bounded cost. */
const ARIMA_FIT_POINTS = 240;
/**
 * Iterations to re-estimate the chosen order without the backtest's held-out part: it starts at the
 * full fit's optimum, a few points away, so a short polish is enough.
 */
const BACKTEST_REFIT_ITERATIONS = 20;

/**
 * Automatic seasonal ARIMA (see models/arima.ts). One season up to period 24 is modelled natively
 * (seasonal differences and seasonal AR/MA terms); several, or a longer one, are taken out by
 * decomposition first, as for ETS. The order is chosen on the whole history and re-estimated
 * without the backtest's held-out part, like ETS's form.
 */
export const arimaModel: ForecastModel = {
  name: 'arima',
  fit(series, trainLength) {
    const { y, decompositions, levels } = series;
    const primary = primaryPeriod(decompositions);
    const native = decompositions.length === 1 && primary <= MAX_NATIVE_SEASONAL_PERIOD;
    const period = native ? primary : 1;
    const points = Math.max(ARIMA_FIT_POINTS, 6 * period);
    const recent = (history: Float64Array): Float64Array => recentCycles(history, points, period);
    const input = native ? y : deseasonalise(y, decompositions);
    const finalFit = autoArima(recent(input), period);
    if (!finalFit) return undefined;
    const backtestFit = trainLength < y.length ? refitArima(recent(input.subarray(0, trainLength)), finalFit, BACKTEST_REFIT_ITERATIONS) ?? finalFit : finalFit;
    const forecastWith = (fit: ArimaFit): Forecaster => (history, horizon) => {
      const f = arimaForecast(fit, recent(history), horizon);
      return normalBands(arimaLabel(fit.order), f.mean, f.sd, levels);
    };
    const seasonal = (f: Forecaster): Forecaster => (native ? f : withSeasonality(decompositions, f));
    return { forecast: seasonal(forecastWith(backtestFit)), final: seasonal(forecastWith(finalFit)) };
  },
};
