import { deseasonalise, reseasonalise, type Decomposition } from '../seasonality.js';
import { mapBands, type ModelForecast } from '../model.js';

export type Forecaster = (history: Float64Array, horizon: number) => ModelForecast;

/**
 * Wraps a non-seasonal forecaster: it sees the seasonally adjusted history and its bands get the
 * seasonal pattern back (bounds move with the pattern, so multiplicative indices widen them too).
 */
export function withSeasonality(decompositions: Decomposition[], inner: Forecaster): Forecaster {
  if (!decompositions.length) return inner;
  return (history, horizon) => mapBands(inner(adjusted(history, decompositions), horizon), (v) => toArray(reseasonalise(v, history.length, decompositions)));
}

/** A plain array of a typed one (Array.from goes through the iterator protocol). */
function toArray(values: Float64Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) out.push(values[i]);
  return out;
}

/**
 * The seasonally adjusted history. Every member forecasts each backtest window and the final
 * forecast from prefixes of one series, and the indices run by position from its start: a prefix's
 * adjusted values are the prefix of the longest one adjusted so far (kept per series, by its
 * decompositions), so the series is adjusted about twice instead of once per member and window.
 */
const adjustedCache = new WeakMap<Decomposition[], { source: Float64Array; adjusted: Float64Array }>();
function adjusted(history: Float64Array, decompositions: Decomposition[]): Float64Array {
  const cached = adjustedCache.get(decompositions);
  if (cached && cached.source.buffer === history.buffer && cached.source.byteOffset === history.byteOffset && history.length <= cached.source.length) {
    return cached.adjusted.subarray(0, history.length);
  }
  const out = deseasonalise(history, decompositions);
  if (!cached || history.length >= cached.source.length) adjustedCache.set(decompositions, { source: history, adjusted: out });
  return out;
}

/**
 * The most recent whole cycles of a history holding at least `points` values: windows start on a
 * cycle boundary so seasonal states and lags line up with absolute positions.
 */
export const recentCycles = (history: Float64Array, points: number, period: number): Float64Array =>
  history.subarray(Math.max(0, Math.floor((history.length - points) / period) * period));

/** The primary (first detected) seasonal period, 1 when none. */
export const primaryPeriod = (decompositions: Decomposition[]): number => decompositions[0]?.period ?? 1;
