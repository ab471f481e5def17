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

/**
 * The most recent whole cycles of a history holding at least `points` values: windows start on a
 * cycle boundary so seasonal states and lags line up with absolute positions.
 */
export const recentCycles = (history: Float64Array, points: number, period: number): Float64Array =>
  history.subarray(Math.max(0, Math.floor((history.length - points) / period) * period));

/** The primary (first detected) seasonal period, 1 when none. */
export const primaryPeriod = (decompositions: Decomposition[]): number => decompositions[0]?.period ?? 1;
