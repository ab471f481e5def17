import { autoEts, etsForecast, fitEts, type EtsFit } from '../models/ets.js';
import { deseasonalise } from '../seasonality.js';
import { normalBands, type ForecastModel } from '../model.js';
import { primaryPeriod, recentCycles, withSeasonality, type Forecaster } from './seasonal.js';

/** ETS is fitted on at most this many recent points per period of seasonality: enough to estimate, bounded cost. */
const ETS_FIT_POINTS = 240;
/** Iterations to re-estimate the selected ETS form without the backtest's held-out part, from the full fit's optimum. */
const BACKTEST_REFIT_ITERATIONS = 30;
/** R's ets() refuses longer seasonal periods; beyond it seasonality is handled by decomposition. */
export const MAX_NATIVE_SEASONAL_PERIOD = 24;

/**
 * Automatic ETS. The form is chosen on the whole history (the latest cycles often decide between
 * forms); the backtest re-estimates that form's parameters without the held-out part, so its errors
 * stay out-of-sample in everything but that one discrete choice. Two selections would cost twice as much.
 */
export const etsModel: ForecastModel = {
  name: 'ets',
  fit(series, trainLength) {
    const { y, decompositions, levels } = series;
    const primary = primaryPeriod(decompositions);
    const nativeSeason = decompositions.length === 1 && primary <= MAX_NATIVE_SEASONAL_PERIOD;
    const points = Math.max(ETS_FIT_POINTS, 4 * primary);
    const recent = (history: Float64Array): Float64Array => recentCycles(history, points, primary);
    const input = nativeSeason ? y : deseasonalise(y, decompositions);
    const finalFit = autoEts(recent(input), primary, { allowSeasonal: nativeSeason });
    if (!finalFit) return undefined;
    const backtestFit = trainLength < y.length ? fitEts(recent(input.subarray(0, trainLength)), finalFit.spec, BACKTEST_REFIT_ITERATIONS, finalFit.optimum) ?? finalFit : finalFit;
    const forecastWith = (fit: EtsFit): Forecaster => (history, horizon) => {
      const f = etsForecast(fit, recent(history), horizon);
      return normalBands(f.name, f.mean, f.sd!, levels);
    };
    const seasonal = (f: Forecaster): Forecaster => (nativeSeason ? f : withSeasonality(decompositions, f));
    return { forecast: seasonal(forecastWith(backtestFit)), final: seasonal(forecastWith(finalFit)) };
  },
};
