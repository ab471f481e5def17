/**
 * Forecast accuracy metrics as plain functions, defined as in the M4 (sMAPE, MASE, OWA) and M5
 * (RMSSE) competitions. `insample` is the training series; `period` its seasonal period (1 if none).
 */

/** Symmetric MAPE in percent (M4 definition: 200 · mean |y - f| / (|y| + |f|)). */
export function smape(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) {
    const den = Math.abs(actual[i]) + Math.abs(forecast[i]);
    s += den === 0 ? 0 : (2 * Math.abs(actual[i] - forecast[i])) / den;
  }
  return (100 * s) / actual.length;
}

/** Mean absolute seasonal difference of the training series: the scale of MASE. */
export function seasonalNaiveScale(insample: ArrayLike<number>, period: number): number {
  const m = insample.length > period ? period : 1;
  let s = 0;
  for (let t = m; t < insample.length; t++) s += Math.abs(insample[t] - insample[t - m]);
  return s / (insample.length - m);
}

/** Mean absolute scaled error (Hyndman & Koehler 2006), scaled by the in-sample seasonal naive MAE. */
export function mase(actual: ArrayLike<number>, forecast: ArrayLike<number>, insample: ArrayLike<number>, period = 1): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += Math.abs(actual[i] - forecast[i]);
  return s / actual.length / seasonalNaiveScale(insample, period);
}

/** Root mean squared scaled error (M5), scaled by one-step naive squared differences after the first sale. */
export function rmsse(actual: ArrayLike<number>, forecast: ArrayLike<number>, insample: ArrayLike<number>): number {
  let start = 0;
  while (start < insample.length && insample[start] === 0) start++;
  let scale = 0;
  for (let t = start + 1; t < insample.length; t++) scale += (insample[t] - insample[t - 1]) ** 2;
  scale /= Math.max(1, insample.length - start - 1);
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += (actual[i] - forecast[i]) ** 2;
  return Math.sqrt(s / actual.length / scale);
}

/** Overall weighted average (M4): mean of sMAPE and MASE, each relative to Naive2's. */
export function owa(smapeValue: number, maseValue: number, naive2Smape: number, naive2Mase: number): number {
  return (smapeValue / naive2Smape + maseValue / naive2Mase) / 2;
}

/** Share of actual values inside [lower, upper]. */
export function intervalCoverage(actual: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>): number {
  let inside = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] >= lower[i] && actual[i] <= upper[i]) inside++;
  return inside / actual.length;
}

/** Pinball (quantile) loss at quantile q in (0, 1), averaged over points. */
export function pinballLoss(actual: ArrayLike<number>, quantile: ArrayLike<number>, q: number): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) {
    const diff = actual[i] - quantile[i];
    s += diff >= 0 ? q * diff : (q - 1) * diff;
  }
  return s / actual.length;
}

/** Root mean squared logarithmic error, used for prices. */
export function rmsle(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += (Math.log1p(predicted[i]) - Math.log1p(actual[i])) ** 2;
  return Math.sqrt(s / actual.length);
}
