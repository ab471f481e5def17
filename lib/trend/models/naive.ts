import { decompose, deseasonalise, isSeasonal, reseasonalise } from '../seasonality.js';
import type { MemberForecast } from '../types.js';

/** Seasonal naive: each future step repeats the same position of the last cycle. Period 1 gives naive. */
export function seasonalNaive(y: ArrayLike<number>, period: number, horizon: number): MemberForecast {
  const n = y.length;
  const m = Math.max(1, Math.min(Math.round(period), n));
  let sse = 0;
  let count = 0;
  for (let t = m; t < n; t++) { sse += (y[t] - y[t - m]) ** 2; count++; }
  const sigma = count ? Math.sqrt(sse / count) : fallbackSigma(y);
  const mean: number[] = [];
  const sd: number[] = [];
  for (let h = 1; h <= horizon; h++) {
    mean.push(y[n - m + ((h - 1) % m)]);
    sd.push(sigma * Math.sqrt(Math.floor((h - 1) / m) + 1));
  }
  return { name: m > 1 ? `seasonal-naive(${m})` : 'naive', mean, sd };
}

/** With one point there is no error to measure: assume a 25% spread so the range is not falsely certain. */
export function fallbackSigma(y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += Math.abs(y[i]);
  return 0.25 * (s / Math.max(1, y.length) || 1);
}

/** M4's Naive2: naive on the series seasonally adjusted by classical multiplicative decomposition (when the seasonality test passes). */
export function naive2(y: ArrayLike<number>, period: number, horizon: number): number[] {
  const seasonal = period > 1 && isSeasonal(y, period);
  const d = seasonal ? decompose(y, period) : undefined;
  const adjusted = d ? deseasonalise(y, [d]) : Float64Array.from(y);
  const flat = new Array<number>(horizon).fill(adjusted[adjusted.length - 1]);
  return d ? Array.from(reseasonalise(flat, y.length, [d])) : flat;
}
