import { centredMovingAverage, variance } from '../seasonality.js';

/**
 * How many differences ARIMA takes, as R's auto.arima() decides (forecast::ndiffs, nsdiffs): the
 * seasonal one by seasonal strength, regular ones by the KPSS test.
 */
/** KPSS level-stationarity statistic with forecast::ndiffs' Newey–West lag, trunc(3√n / 13). */
export function kpss(x: ArrayLike<number>): number {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i] / n;
  const e = Float64Array.from(x as ArrayLike<number>, (v) => v - mean);
  let s = 0;
  let eta = 0;
  for (let i = 0; i < n; i++) { s += e[i]; eta += s * s; }
  const lags = Math.trunc((3 * Math.sqrt(n)) / 13);
  let variance = 0;
  for (let i = 0; i < n; i++) variance += e[i] * e[i];
  variance /= n;
  for (let l = 1; l <= lags; l++) {
    let c = 0;
    for (let i = l; i < n; i++) c += e[i] * e[i - l];
    variance += (2 * (1 - l / (lags + 1)) * c) / n;
  }
  return variance > 0 ? eta / (n * n * variance) : 0;
}

/** 5% critical value of the KPSS level test. */
const KPSS_CRITICAL = 0.463;
/** Seasonal strength above which the seasonal difference is taken (forecast::nsdiffs, test "seas"). */
const SEASONAL_STRENGTH = 0.64;

export function difference(x: ArrayLike<number>, lag: number): Float64Array {
  const out = new Float64Array(Math.max(0, x.length - lag));
  for (let i = lag; i < x.length; i++) out[i - lag] = x[i] - x[i - lag];
  return out;
}

/**
 * Seasonal strength as forecast::nsdiffs measures it, with a seasonal component that may change
 * from year to year (as STL's): around a centred moving average, each position of the cycle is
 * smoothed across cycles by a 7-cycle moving average; strength = 1 − Var(remainder) / Var(detrended).
 * A fixed seasonal pattern (classical decomposition) calls a growing one weak.
 */
export function seasonalStrength(y: ArrayLike<number>, m: number): number {
  const trend = centredMovingAverage(y, m);
  const detrended: number[] = [];
  const remainder: number[] = [];
  for (let k = 0; k < m; k++) {
    const positions: number[] = [];
    for (let t = k; t < y.length; t += m) if (!Number.isNaN(trend[t])) positions.push(t);
    positions.forEach((t, i) => {
      let sum = 0;
      let count = 0;
      for (let j = Math.max(0, i - 3); j <= Math.min(positions.length - 1, i + 3); j++) { sum += y[positions[j]] - trend[positions[j]]; count++; }
      detrended.push(y[t] - trend[t]);
      remainder.push(y[t] - trend[t] - sum / count);
    });
  }
  return Math.max(0, 1 - variance(remainder) / (variance(detrended) || 1));
}

/** The differences auto.arima would take: seasonal by strength, then regular by KPSS (at most 2 in all). */
export function chooseDifferences(y: Float64Array, m: number): { d: number; D: number } {
  let D = 0;
  let x = y;
  if (m > 1 && y.length >= 3 * m && seasonalStrength(y, m) > SEASONAL_STRENGTH) { D = 1; x = difference(y, m); }
  let d = 0;
  while (d < 2 - D && x.length > 10 && !isConstant(x) && kpss(x) > KPSS_CRITICAL) { x = difference(x, 1); d++; }
  return { d, D };
}

function isConstant(x: ArrayLike<number>): boolean {
  for (let i = 1; i < x.length; i++) if (x[i] !== x[0]) return false;
  return true;
}

