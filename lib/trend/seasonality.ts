import type { Frequency } from './types.js';

/** Seasonal periods worth testing for each frequency, most important first. */
export const CANDIDATE_PERIODS: Record<Frequency, number[]> = {
  hourly: [24, 168],
  daily: [7, 365],
  weekly: [52],
  monthly: [12],
  quarterly: [4],
  yearly: [],
};
const UNKNOWN_FREQUENCY_PERIODS = [7, 12, 24, 4, 52];

/** The periods to test for a frequency (a guess list when it is unknown). */
export function candidatePeriods(frequency: Frequency | undefined): number[] {
  return frequency ? CANDIDATE_PERIODS[frequency] : UNKNOWN_FREQUENCY_PERIODS;
}

/**
 * Sample autocorrelations up to `maxLag`. Four lags share one pass over the centred values: each
 * keeps its own sum, added in the same order as a lag-by-lag loop (the same result to the bit), but
 * the four additions do not wait for each other (the seasonality test asks for 168 lags of hourly data).
 */
export function autocorrelation(values: ArrayLike<number>, maxLag: number): Float64Array {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  let denominator = 0;
  for (let i = 0; i < n; i++) denominator += (values[i] - mean) ** 2;
  const acf = new Float64Array(maxLag + 1);
  if (denominator === 0) return acf;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = values[i] - mean;
  let lag = 0;
  for (; lag + 3 <= maxLag; lag += 4) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    // The first three terms of the shorter lags, then all four together.
    for (let i = lag; i < Math.min(lag + 3, n); i++) {
      s0 += d[i] * d[i - lag];
      if (i >= lag + 1) s1 += d[i] * d[i - lag - 1];
      if (i >= lag + 2) s2 += d[i] * d[i - lag - 2];
    }
    for (let i = lag + 3; i < n; i++) {
      const di = d[i];
      s0 += di * d[i - lag];
      s1 += di * d[i - lag - 1];
      s2 += di * d[i - lag - 2];
      s3 += di * d[i - lag - 3];
    }
    acf[lag] = s0 / denominator;
    acf[lag + 1] = s1 / denominator;
    acf[lag + 2] = s2 / denominator;
    acf[lag + 3] = s3 / denominator;
  }
  for (; lag <= maxLag; lag++) {
    let s = 0;
    for (let i = lag; i < n; i++) s += d[i] * d[i - lag];
    acf[lag] = s / denominator;
  }
  return acf;
}

/**
 * The M4 competition's seasonality test (its benchmark code, quirk included: the lag-1 term enters
 * unsquared), so Naive2/Theta reproduce the official numbers. Needs three full seasons.
 */
export function isSeasonal(values: ArrayLike<number>, period: number): boolean {
  const m = Math.round(period);
  if (m < 2 || values.length < 3 * m) return false;
  const acf = autocorrelation(values, m);
  let sum = acf[1];
  for (let k = 2; k < m; k++) sum += acf[k] ** 2;
  const limit = 1.645 * Math.sqrt((1 + 2 * sum) / values.length);
  return Math.abs(acf[m]) > limit;
}

export interface Decomposition {
  period: number;
  multiplicative: boolean;
  /** One index per position in the cycle; position 0 is the first observation's. */
  indices: Float64Array;
  strength: number;
}

export function centredMovingAverage(values: ArrayLike<number>, m: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n).fill(NaN);
  const half = Math.floor(m / 2);
  for (let t = half; t < n - half; t++) {
    let s = 0;
    if (m % 2 === 1) {
      for (let k = -half; k <= half; k++) s += values[t + k];
      out[t] = s / m;
    } else {
      for (let k = -half + 1; k < half; k++) s += values[t + k];
      s += 0.5 * (values[t - half] + values[t + half]);
      out[t] = s / m;
    }
  }
  return out;
}

/**
 * Classical decomposition as in the M4 benchmarks (Naive2, Theta): multiplicative when the data are
 * positive, unless `additive` (ARIMA's differencing test measures the additive pattern it removes).
 */
export function decompose(values: ArrayLike<number>, period: number, additive = false): Decomposition {
  const m = Math.round(period);
  const n = values.length;
  let positive = !additive;
  for (let i = 0; i < n && positive; i++) if (values[i] <= 0) positive = false;
  const trend = centredMovingAverage(values, m);
  const indices = seasonalIndices(values, m, positive, trend);
  // Strength of seasonality (Wang, Smith & Hyndman 2006): 1 - Var(remainder) / Var(seasonal + remainder).
  const detrended = new Float64Array(n);
  const remainder = new Float64Array(n);
  let count = 0;
  for (let t = 0; t < n; t++) {
    if (Number.isNaN(trend[t])) continue;
    const d = positive ? values[t] / trend[t] - 1 : values[t] - trend[t];
    const s = positive ? indices[t % m] - 1 : indices[t % m];
    detrended[count] = d;
    remainder[count++] = d - s;
  }
  const strength = Math.max(0, Math.min(1, 1 - variance(remainder.subarray(0, count)) / (variance(detrended.subarray(0, count)) || 1)));
  return { period: m, multiplicative: positive, indices, strength };
}

/**
 * Seasonal indices of a classical decomposition (one per position in the cycle, position 0 the first
 * observation's), ratios to a centred moving average or differences from it; normalised.
 */
export function seasonalIndices(values: ArrayLike<number>, m: number, multiplicative: boolean, trend = centredMovingAverage(values, m)): Float64Array {
  const sums = new Float64Array(m);
  const counts = new Float64Array(m);
  for (let t = 0; t < values.length; t++) {
    if (Number.isNaN(trend[t])) continue;
    sums[t % m] += multiplicative ? values[t] / trend[t] : values[t] - trend[t];
    counts[t % m]++;
  }
  const indices = new Float64Array(m);
  for (let k = 0; k < m; k++) indices[k] = counts[k] ? sums[k] / counts[k] : multiplicative ? 1 : 0;
  const centre = indices.reduce((a, b) => a + b, 0) / m;
  for (let k = 0; k < m; k++) indices[k] = multiplicative ? indices[k] / centre : indices[k] - centre;
  return indices;
}

export function variance(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (values[i] - mean) ** 2;
  return s / (n - 1);
}

/** Seasonal periods found in the series: the given one, or the significant candidates for its frequency. */
export function detectSeasonality(values: ArrayLike<number>, frequency: Frequency | undefined, given?: number): Decomposition[] {
  if (given !== undefined) {
    if (given < 2 || values.length < 2 * Math.round(given)) return [];
    return [decompose(values, given)];
  }
  const candidates = candidatePeriods(frequency);
  const found: Decomposition[] = [];
  let working: ArrayLike<number> = values;
  for (const period of candidates) {
    if (!isSeasonal(working, period)) continue;
    // Without a known frequency only the strongest candidate is kept: several guesses would overfit.
    const decomposition = decompose(working, period);
    if (!frequency && found.length) {
      if (decomposition.strength > found[0].strength) found[0] = decomposition;
      continue;
    }
    found.push(decomposition);
    working = deseasonalise(working, [decomposition]);
  }
  return found;
}

export function deseasonalise(values: ArrayLike<number>, decompositions: Decomposition[]): Float64Array {
  const out = Float64Array.from(values as ArrayLike<number>);
  for (const d of decompositions) {
    for (let t = 0; t < out.length; t++) out[t] = d.multiplicative ? out[t] / d.indices[t % d.period] : out[t] - d.indices[t % d.period];
  }
  return out;
}

/** Puts the seasonal pattern back on `future`, whose first step follows an `historyLength`-point history. */
export function reseasonalise(future: ArrayLike<number>, historyLength: number, decompositions: Decomposition[], scaleOnly = false): Float64Array {
  // A copy by index: Float64Array.from(array) goes through the iterator protocol.
  const out = new Float64Array(future.length);
  for (let h = 0; h < out.length; h++) out[h] = future[h];
  for (const d of decompositions) {
    for (let h = 0; h < out.length; h++) {
      const index = d.indices[(historyLength + h) % d.period];
      if (d.multiplicative) out[h] *= index;
      else if (!scaleOnly) out[h] += index;
    }
  }
  return out;
}
