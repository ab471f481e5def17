import { deseasonalise, reseasonalise, type Decomposition } from '../seasonality.js';
import { mapBands, type ModelForecast } from '../model.js';

export type Forecaster = (history: Float64Array, horizon: number) => ModelForecast;

/**
 * Wraps a non-seasonal forecaster: it sees the seasonally adjusted history and its bands get the
 * seasonal pattern back (bounds move with the pattern, so multiplicative indices widen them too).
 */
export function withSeasonality(decompositions: Decomposition[], inner: Forecaster): Forecaster {
  if (!decompositions.length) return inner;
  return (history, horizon) => mapBands(inner(deseasonalise(history, decompositions), horizon), (v) => Array.from(reseasonalise(v, history.length, decompositions)));
}

/** The primary (first detected) seasonal period, 1 when none. */
export const primaryPeriod = (decompositions: Decomposition[]): number => decompositions[0]?.period ?? 1;
