import type { EtsParams, EtsSpec } from '../trend/models/ets.js';
import { filtered } from './baseline.js';
import { cholesky as choleskyFactor, choleskyInverse, choleskySolve } from '../linalg.js';

/** A tiny ridge on the diagonal: the prior penalty does the real regularising. */
const cholesky = (a: Float64Array, k: number): Float64Array | undefined => choleskyFactor(a, k, 1e-10);

/**
 * The price/promotion regression of one product given its baseline's smoothing parameters:
 * least squares of the baseline filter's one-step errors of log units on those of each feature,
 * with the filter's initial level (and slope) as free coefficients. The coefficients of the
 * features get a normal prior (mean, precision) from their group; the initial states get none.
 */
export interface Design {
  /** Filtered feature columns, then the initial-state columns; rows are grid slots. */
  columns: Float64Array[];
  target: Float64Array;
  observed: Uint8Array;
  features: number;
  /** Degrees of freedom the baseline uses besides the coefficients (its smoothing parameters). */
  smoothing: number;
}

export function buildDesign(target: Float64Array, features: Float64Array[], observed: Uint8Array, spec: EtsSpec, params: EtsParams): Design {
  const n = target.length;
  const zeros = new Float64Array(n);
  const columns = features.map((x) => filtered(x, spec, params));
  // Errors of the filter are linear in the initial states: e = errors(z | 0) + level0 · errors(0 | level0 = 1).
  columns.push(filtered(zeros, spec, params, 1, 0).map((v) => -v));
  if (spec.trend !== 'N') columns.push(filtered(zeros, spec, params, 0, 1).map((v) => -v));
  return { columns, target: filtered(target, spec, params), observed, features: features.length, smoothing: spec.trend === 'N' ? 1 : 3 };
}

/**
 * How much wider the price coefficient's variance is when the errors are autocorrelated (a baseline
 * that misses a slow drift) and prices persistent: the Newey–West (Bartlett kernel) sandwich over the
 * plain least-squares variance, for the price column. The noise variance is scaled by it (never
 * narrowed), so that the pooled fit and every interval after it inherit the correction.
 */
function autocorrelationInflation(d: Design, coefficients: Float64Array, inverse: Float64Array, sigma2: number): number {
  const p = d.columns.length;
  const n = d.target.length;
  const u = new Float64Array(n);
  let count = 0;
  for (let t = 0; t < n; t++) {
    if (!d.observed[t]) continue;
    count++;
    let fitted = 0;
    let influence = 0;
    for (let i = 0; i < p; i++) { fitted += coefficients[i] * d.columns[i][t]; influence += inverse[i] * d.columns[i][t]; }
    u[t] = influence * (d.target[t] - fitted);
  }
  const lags = Math.max(1, Math.floor(4 * (count / 100) ** (2 / 9)));
  let v = 0;
  for (let t = 0; t < n; t++) v += u[t] * u[t];
  for (let l = 1; l <= lags; l++) {
    let s = 0;
    for (let t = l; t < n; t++) s += u[t] * u[t - l];
    v += 2 * (1 - l / (lags + 1)) * s;
  }
  const plain = sigma2 * inverse[0];
  return plain > 0 && v > 0 ? Math.min(MAX_INFLATION, Math.max(1, v / plain)) : 1;
}
const MAX_INFLATION = 4;

export interface RegressionFit {
  coefficients: Float64Array;
  /** Posterior covariance, row-major over all columns (features first). */
  covariance: Float64Array;
  sigma2: number;
  observations: number;
}

/** `precision[j]`, `priorMean[j]` for the feature columns; pass tiny precisions for an (almost) unpooled fit. */
interface Sums { xtx: Float64Array; xty: Float64Array; yy: number; count: number }
/** Cross-products of a design, computed once: the pooled fit solves it again for every point of the τ grid. */
const sumsCache = new WeakMap<Design, Sums>();

function designSums(d: Design): Sums {
  const cached = sumsCache.get(d);
  if (cached) return cached;
  const p = d.columns.length;
  const xtx = new Float64Array(p * p);
  const xty = new Float64Array(p);
  let yy = 0;
  let count = 0;
  const n = d.target.length;
  for (let t = 0; t < n; t++) {
    if (!d.observed[t]) continue;
    count++;
    const y = d.target[t];
    yy += y * y;
    for (let i = 0; i < p; i++) {
      const xi = d.columns[i][t];
      xty[i] += xi * y;
      for (let j = 0; j <= i; j++) xtx[i * p + j] += xi * d.columns[j][t];
    }
  }
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) xtx[j * p + i] = xtx[i * p + j];
  const sums = { xtx, xty, yy, count };
  sumsCache.set(d, sums);
  return sums;
}

export function solveDesign(d: Design, precision: ArrayLike<number>, priorMean: ArrayLike<number>, sigma2?: number): RegressionFit {
  const p = d.columns.length;
  const { xtx, xty, yy, count } = designSums(d);
  // The noise variance comes from the unpooled fit (passed back in for the pooled one).
  let s2 = sigma2;
  if (s2 === undefined) {
    const raw = solve(xtx, xty, p, new Float64Array(p).map((_, j) => (j < d.features ? 1e-6 : 0)), new Float64Array(p), 1);
    let rss = yy;
    for (let i = 0; i < p; i++) rss -= raw.coefficients[i] * xty[i];
    const df = Math.max(1, count - p - d.smoothing);
    s2 = Math.max(1e-8, rss / df);
    s2 *= autocorrelationInflation(d, raw.coefficients, raw.covariance, s2);
  }
  const prec = new Float64Array(p);
  const mean = new Float64Array(p);
  for (let j = 0; j < d.features; j++) { prec[j] = precision[j]; mean[j] = priorMean[j]; }
  const fit = solve(xtx, xty, p, prec, mean, s2);
  return { ...fit, sigma2: s2, observations: count };
}

function solve(xtx: Float64Array, xty: Float64Array, p: number, precision: Float64Array, priorMean: Float64Array, sigma2: number): { coefficients: Float64Array; covariance: Float64Array } {
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) a[i * p + j] = xtx[i * p + j] / sigma2;
    a[i * p + i] += precision[i];
    b[i] = xty[i] / sigma2 + precision[i] * priorMean[i];
  }
  let l = cholesky(a, p);
  // Exactly collinear columns (a driver constant over the whole history and the initial level): a ridge makes them solvable.
  for (let ridge = 1e-8; !l && ridge < 1e6; ridge *= 100) {
    for (let i = 0; i < p; i++) a[i * p + i] += ridge * (1 + a[i * p + i]);
    l = cholesky(a, p);
  }
  if (!l) return { coefficients: new Float64Array(p).fill(NaN), covariance: new Float64Array(p * p).fill(NaN) };
  return { coefficients: choleskySolve(l, p, b), covariance: choleskyInverse(l, p) };
}
