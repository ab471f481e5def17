import type { Decomposition } from './seasonality.js';
import { cholesky, solve } from './linear.js';

/**
 * Dynamic regression on known-future covariates (promotions, prices, holidays, events): their
 * effect is estimated by least squares next to a smooth baseline (level, a bending trend and a few
 * harmonics of each detected season, so a holiday is not credited with the season around it), with
 * Huber reweighting so unexplained spikes do not drag the coefficients. Members then model the
 * history with the effect taken out (their errors are the "ETS/ARIMA errors" of a regression with
 * time-series errors) and the effect is added back with the future covariates.
 */
export interface CovariateEffects {
  /** Summed effect per step over history + horizon, in the series' scaled units. */
  effect: Float64Array;
  /** Each kept covariate's effect per step (history + horizon), for the description. */
  parts: { name: string; effect: Float64Array; coefficient: number; tValue: number; values: Float64Array; usual: number }[];
  /** Covariates dropped because they never change in the history. */
  constant: string[];
}

/** Harmonics per season in the baseline: enough for its shape, too few to absorb a one-week event. */
const HARMONICS = 3;
/** A covariate whose coefficient is smaller than this many standard errors is left out (noise costs accuracy). */
const MIN_T_VALUE = 2;
/** Points the coefficients are estimated on (the most recent). */
const REGRESSION_POINTS = 1000;
/** Huber's tuning constant in robust standard deviations. */
const HUBER = 2;

export function estimateEffects(history: Float64Array, covariates: Record<string, Float64Array>, decompositions: Decomposition[]): CovariateEffects | undefined {
  const names = Object.keys(covariates);
  if (!names.length || history.length < 8) return undefined;
  // The coefficients come from the recent part (the cost grows with points × columns²); the
  // effects then apply to the whole history and the horizon.
  const skip = Math.max(0, history.length - REGRESSION_POINTS);
  const y = history.subarray(skip);
  const n = y.length;
  const constant: string[] = [];
  const centred: { name: string; values: Float64Array; raw: Float64Array }[] = [];
  for (const name of names) {
    const full = covariates[name];
    const c = full.subarray(skip);
    let lo = Infinity;
    let hi = -Infinity;
    let mean = 0;
    for (let t = 0; t < n; t++) { lo = Math.min(lo, c[t]); hi = Math.max(hi, c[t]); mean += c[t] / n; }
    if (hi - lo <= 1e-12 * Math.max(1, Math.abs(hi))) { constant.push(name); continue; }
    centred.push({ name, values: full.map((v) => v - mean), raw: full });
  }
  if (!centred.length) return { effect: new Float64Array(covariates[names[0]].length), parts: [], constant };
  const baseline = baselineColumns(n, decompositions);
  let kept = centred;
  let fit = robustFit(y, kept.map((c) => c.values.subarray(skip)), baseline);
  if (!fit) return undefined;
  const significant = kept.filter((_, j) => Math.abs(fit!.tValues[j]) >= MIN_T_VALUE);
  if (significant.length < kept.length) {
    kept = significant;
    fit = kept.length ? robustFit(y, kept.map((c) => c.values.subarray(skip)), baseline) : undefined;
  }
  const total = covariates[names[0]].length;
  const effect = new Float64Array(total);
  const parts = kept.map((c, j) => {
    const part = c.values.map((v) => v * fit!.coefficients[j]);
    for (let t = 0; t < total; t++) effect[t] += part[t];
    // The covariate's usual value (0 for a flag that is mostly off): effects are told relative to it.
    const sorted = c.raw.slice(0, history.length).sort();
    return { name: c.name, effect: part, coefficient: fit!.coefficients[j], tValue: fit!.tValues[j], values: c.raw, usual: sorted[history.length >> 1] };
  });
  return { effect, parts, constant };
}

function baselineColumns(n: number, decompositions: Decomposition[]): Float64Array[] {
  const columns: Float64Array[] = [new Float64Array(n).fill(1), Float64Array.from({ length: n }, (_, t) => t / n)];
  for (const knot of [1 / 3, 2 / 3]) columns.push(Float64Array.from({ length: n }, (_, t) => Math.max(0, t / n - knot)));
  for (const d of decompositions) {
    for (let k = 1; k <= Math.min(HARMONICS, Math.floor(d.period / 2)); k++) {
      columns.push(Float64Array.from({ length: n }, (_, t) => Math.sin((2 * Math.PI * k * t) / d.period)));
      if (2 * k !== d.period) columns.push(Float64Array.from({ length: n }, (_, t) => Math.cos((2 * Math.PI * k * t) / d.period)));
    }
  }
  return columns;
}

/** Huber-weighted least squares (least squares, then one reweighted pass); coefficients and t-values of the first `covariates.length` columns. */
function robustFit(y: Float64Array, covariates: Float64Array[], baseline: Float64Array[]): { coefficients: number[]; tValues: number[] } | undefined {
  const columns = [...covariates, ...baseline];
  const n = y.length;
  const p = columns.length;
  if (n <= p + 2) return undefined;
  const weights = new Float64Array(n).fill(1);
  let beta: Float64Array | undefined;
  let chol: Float64Array | undefined;
  let scale = 0;
  for (let pass = 0; pass < 2; pass++) {
    const xtx = new Float64Array(p * p);
    const xty = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      const ci = columns[i];
      for (let t = 0; t < n; t++) xty[i] += weights[t] * ci[t] * y[t];
      for (let j = 0; j <= i; j++) {
        const cj = columns[j];
        let s = 0;
        for (let t = 0; t < n; t++) s += weights[t] * ci[t] * cj[t];
        xtx[i * p + j] = s;
        xtx[j * p + i] = s;
      }
    }
    // A tiny ridge keeps collinear columns (a covariate that is almost the trend) solvable.
    let trace = 0;
    for (let i = 0; i < p; i++) trace += xtx[i * p + i];
    for (let i = 0; i < p; i++) xtx[i * p + i] += 1e-9 * (trace / p) + 1e-12;
    chol = cholesky(xtx, p);
    if (!chol) return undefined;
    beta = solve(chol, p, xty);
    const residuals = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      let f = 0;
      for (let i = 0; i < p; i++) f += beta[i] * columns[i][t];
      residuals[t] = y[t] - f;
    }
    const abs = residuals.map(Math.abs).sort();
    scale = 1.4826 * abs[Math.floor(n / 2)] || Math.sqrt(abs.reduce((a, r) => a + r * r, 0) / n) || 1e-12;
    for (let t = 0; t < n; t++) weights[t] = Math.min(1, (HUBER * scale) / (Math.abs(residuals[t]) || 1e-300));
  }
  const tValues = covariates.map((_, j) => {
    const unit = new Float64Array(p);
    unit[j] = 1;
    const variance = solve(chol!, p, unit)[j] * scale * scale;
    return beta![j] / Math.sqrt(Math.max(variance, 1e-300));
  });
  return { coefficients: Array.from(beta!.subarray(0, covariates.length)), tValues };
}
