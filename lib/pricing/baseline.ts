import { filter, fitEts, type EtsFit, type EtsParams, type EtsSpec } from '../trend/models/ets.js';
import { centredMovingAverage, seasonalIndices } from '../trend/seasonality.js';

/**
 * The baseline of log units is the forecasting engine's exponential smoothing (lib/trend ETS with
 * additive errors: a local level, or a damped local trend, chosen by AICc) on price-adjusted log
 * units, plus a seasonal profile pooled over the product's group. Both the level filter and the
 * profile come from lib/trend; this file only lines them up on a regular grid.
 */

/** A product's history on its regular grid (first..last period); gaps and 0-unit periods are not observed. */
export interface Grid {
  first: number;
  length: number;
  observed: Uint8Array;
}

/** Values at observed grid slots, linearly interpolated across the others (the filter needs a regular series). */
export function onGrid(grid: Grid, periods: Int32Array, values: ArrayLike<number>, skip?: ArrayLike<number>): Float64Array {
  const out = new Float64Array(grid.length).fill(NaN);
  for (let k = 0; k < periods.length; k++) if (!skip || !Number.isNaN(skip[k])) out[periods[k] - grid.first] = values[k];
  let previous = -1;
  for (let t = 0; t < out.length; t++) {
    if (Number.isNaN(out[t])) continue;
    if (previous < 0) for (let s = 0; s < t; s++) out[s] = out[t];
    else for (let s = previous + 1; s < t; s++) out[s] = out[previous] + ((out[t] - out[previous]) * (s - previous)) / (t - previous);
    previous = t;
  }
  for (let s = previous + 1; s < out.length; s++) out[s] = out[previous];
  return out;
}

export const LOCAL_LEVEL: EtsSpec = { error: 'A', trend: 'N', season: 'N', period: 1 };
const DAMPED_TREND: EtsSpec = { error: 'A', trend: 'Ad', season: 'N', period: 1 };

/** Where the regression starts before any baseline was fitted: a slowly moving level. */
export function defaultParams(): EtsParams {
  return { alpha: 0.2, beta: 0, gamma: 0, phi: 1, level: 0, slope: 0, seasonal: new Float64Array(1) };
}

/**
 * One-step-ahead errors of the ETS filter with fixed smoothing parameters. With additive errors and
 * no season the filter is linear in its input and its initial states, so the errors of
 * (log units − effects) are the errors of log units minus those of each feature column: the price
 * regression given the baseline is an exact least-squares problem, not an alternation.
 */
export function filtered(values: Float64Array, spec: EtsSpec, params: EtsParams, level = 0, slope = 0): Float64Array {
  return filter(values, spec, { ...params, level, slope }, true).residuals!;
}

/** Chooses and fits the baseline (local level or damped trend, by AICc) on price-adjusted, deseasonalised log units. */
export function fitBaseline(z: Float64Array): EtsFit | undefined {
  const candidates = z.length >= 10 ? [LOCAL_LEVEL, DAMPED_TREND] : [LOCAL_LEVEL];
  let best: EtsFit | undefined;
  for (const spec of candidates) {
    const fit = fitEts(z, spec, 60);
    if (fit && (!best || fit.aicc < best.aicc)) best = fit;
  }
  return best;
}

/**
 * A product's seasonal indices (additive, on log units) at global calendar positions, from the
 * engine's classical decomposition; undefined when its grid holds less than two full cycles.
 */
export function productSeason(z: Float64Array, first: number, period: number): Float64Array | undefined {
  if (!period || z.length < 2 * period) return undefined;
  const local = seasonalIndices(z, period, false);
  const out = new Float64Array(period);
  for (let k = 0; k < period; k++) out[(((first + k) % period) + period) % period] = local[k];
  return out;
}

/**
 * The group's profile: the mean of its products' indices, shrunk towards zero by how noisy it is
 * (positive-part James–Stein: the spread between products at each position estimates that noise).
 * Fewer than three products say nothing reliable about the noise, so then there is no profile.
 */
export function poolSeason(indices: Float64Array[], period: number): Float64Array | undefined {
  const count = indices.length;
  if (count < 3) return undefined;
  const mean = new Float64Array(period);
  for (const s of indices) for (let k = 0; k < period; k++) mean[k] += s[k] / count;
  let signal = 0;
  let noise = 0;
  for (let k = 0; k < period; k++) {
    let spread = 0;
    for (const s of indices) spread += (s[k] - mean[k]) ** 2;
    noise += spread / (count - 1) / count;
    signal += mean[k] ** 2;
  }
  const shrink = signal > 0 ? Math.max(0, 1 - noise / signal) : 0;
  return shrink > 0 ? mean.map((v) => v * shrink) : undefined;
}

/**
 * A lone product's own season, when nothing can be pooled: its cycles are the replicates. The
 * detrended values (the engine's centred moving average) at each position are averaged over the
 * cycles and shrunk by their cycle-to-cycle spread, as poolSeason does across products. Needs
 * three cycles (two replicates of every position after the moving average's edges).
 */
export function ownSeason(z: Float64Array, first: number, period: number): Float64Array | undefined {
  if (!period || z.length < 3 * period) return undefined;
  const trend = centredMovingAverage(z, period);
  const sums = new Float64Array(period);
  const squares = new Float64Array(period);
  const counts = new Float64Array(period);
  for (let t = 0; t < z.length; t++) {
    if (Number.isNaN(trend[t])) continue;
    const k = (((first + t) % period) + period) % period;
    const d = z[t] - trend[t];
    sums[k] += d;
    squares[k] += d * d;
    counts[k]++;
  }
  const mean = new Float64Array(period);
  let signal = 0;
  let noise = 0;
  for (let k = 0; k < period; k++) {
    if (counts[k] < 2) return undefined;
    mean[k] = sums[k] / counts[k];
    noise += (squares[k] - counts[k] * mean[k] ** 2) / (counts[k] - 1) / counts[k];
  }
  const centre = mean.reduce((a, b) => a + b, 0) / period;
  for (let k = 0; k < period; k++) { mean[k] -= centre; signal += mean[k] ** 2; }
  const shrink = signal > 0 ? Math.max(0, 1 - noise / signal) : 0;
  return shrink > 0 ? mean.map((v) => v * shrink) : undefined;
}
