import type { ArimaFit, ArimaOrder } from './arima.js';

/**
 * The ARMA machinery of the ARIMA member: coefficients kept stationary and invertible through
 * partial autocorrelations, seasonal and non-seasonal polynomials multiplied out, and the
 * conditional one-step residuals every likelihood evaluation runs.
 */

/** Partial autocorrelations stay inside ±0.99: a unit root is what differencing is for. */
export const PACF_BOUND = 0.99;

/** Partial autocorrelations → AR coefficients by Durbin–Levinson: any values in (-1, 1) give a stationary AR. */
export function pacfToAr(r: ArrayLike<number>, out: Float64Array, work: Float64Array, p = r.length): Float64Array {
  for (let k = 0; k < p; k++) {
    out[k] = r[k];
    for (let j = 0; j < k; j++) work[j] = out[j] - r[k] * out[k - 1 - j];
    for (let j = 0; j < k; j++) out[j] = work[j];
  }
  return out;
}

/** Work buffers of arToPacf (the stepwise search converts every candidate's start): grown, never shrunk. */
let pacfWork = { a: new Float64Array(8), previous: new Float64Array(8) };

/**
 * AR coefficients → partial autocorrelations (the inverse of pacfToAr), written to `out` from
 * `offset`; false when not stationary.
 */
function arToPacfInto(coefficients: ArrayLike<number>, from: number, p: number, negate: boolean, out: Float64Array, offset: number): boolean {
  if (pacfWork.a.length < p) pacfWork = { a: new Float64Array(p), previous: new Float64Array(p) };
  const { a, previous } = pacfWork;
  for (let i = 0; i < p; i++) a[i] = negate ? -coefficients[from + i] : coefficients[from + i];
  for (let k = p - 1; k >= 0; k--) {
    const r = a[k];
    out[offset + k] = r;
    if (!(Math.abs(r) < PACF_BOUND)) return false;
    for (let j = 0; j < k; j++) previous[j] = a[j];
    for (let j = 0; j < k; j++) a[j] = (previous[j] + r * previous[k - 1 - j]) / (1 - r * r);
  }
  return true;
}

/** AR coefficients → partial autocorrelations (the inverse of pacfToAr); undefined when not stationary. */
export function arToPacf(coefficients: ArrayLike<number>): Float64Array | undefined {
  const r = new Float64Array(coefficients.length);
  return arToPacfInto(coefficients, 0, coefficients.length, false, r, 0) ? r : undefined;
}

/**
 * The optimiser's coordinates of `size` coefficients from `from` (0 where they are not
 * stationary/invertible), written to `out` from `offset` (`negate` for MA coefficients: R's sign).
 */
export function toCoordinatesInto(coefficients: ArrayLike<number>, from: number, size: number, negate: boolean, out: Float64Array, offset: number): void {
  if (!arToPacfInto(coefficients, from, size, negate, out, offset)) { out.fill(0, offset, offset + size); return; }
  for (let i = 0; i < size; i++) out[offset + i] = Math.atanh(out[offset + i] / PACF_BOUND);
}

/** The optimiser's coordinates of a coefficient vector (0 where it is not stationary/invertible). */
export function toCoordinates(coefficients: ArrayLike<number>, negate: boolean): number[] {
  const out = new Float64Array(coefficients.length);
  toCoordinatesInto(coefficients, 0, coefficients.length, negate, out, 0);
  return Array.from(out);
}

export interface Lags { lags: Int32Array; coefficients: Float64Array }

/**
 * The multiplied-out polynomials of one order with their lags fixed once: the optimiser calls
 * `set` thousands of times per series, so it fills preallocated buffers instead of allocating.
 * AR:  y_t = Σ c_k y_{t-k} + …  from (1 - Σ φ_i B^i)(1 - Σ Φ_j B^{jm});
 * MA:  … + e_t + Σ c_k e_{t-k}  from (1 + Σ θ_i B^i)(1 + Σ Θ_j B^{jm}).
 */
export class Polynomials {
  readonly ar: Lags;
  readonly ma: Lags;
  readonly phi: Float64Array;
  readonly theta: Float64Array;
  readonly seasonalPhi: Float64Array;
  readonly seasonalTheta: Float64Array;
  private readonly pacf: Float64Array;
  private readonly work: Float64Array;

  constructor(private readonly order: ArimaOrder) {
    const { p, q, P, Q, m } = order;
    this.phi = new Float64Array(p);
    this.theta = new Float64Array(q);
    this.seasonalPhi = new Float64Array(P);
    this.seasonalTheta = new Float64Array(Q);
    this.pacf = new Float64Array(Math.max(p, q, P, Q));
    this.work = new Float64Array(Math.max(p, q, P, Q));
    this.ar = Polynomials.layout(p, P, m);
    this.ma = Polynomials.layout(q, Q, m);
  }

  /** Lags 1..a, then for each seasonal j: jm and jm+1..jm+a (the cross terms). */
  private static layout(a: number, A: number, m: number): Lags {
    const lags: number[] = [];
    for (let i = 1; i <= a; i++) lags.push(i);
    for (let j = 1; j <= A; j++) { lags.push(j * m); for (let i = 1; i <= a; i++) lags.push(j * m + i); }
    return { lags: Int32Array.from(lags), coefficients: new Float64Array(lags.length) };
  }

  private static fill(target: Lags, a: Float64Array, A: Float64Array, sign: number): void {
    let k = 0;
    for (let i = 0; i < a.length; i++) target.coefficients[k++] = a[i];
    for (let j = 0; j < A.length; j++) {
      target.coefficients[k++] = A[j];
      for (let i = 0; i < a.length; i++) target.coefficients[k++] = sign * a[i] * A[j];
    }
  }

  private transform(x: ArrayLike<number>, start: number, out: Float64Array, negate: boolean): void {
    const r = this.pacf;
    for (let i = 0; i < out.length; i++) r[i] = PACF_BOUND * Math.tanh(x[start + i]);
    pacfToAr(r, out, this.work, out.length);
    if (negate) for (let i = 0; i < out.length; i++) out[i] = -out[i];
  }

  /** Coefficients from the optimiser's unconstrained point (partial autocorrelations through tanh). */
  set(x: ArrayLike<number>): this {
    const { p, q, P } = this.order;
    this.transform(x, 0, this.phi, false);
    this.transform(x, p, this.theta, true);
    this.transform(x, p + q, this.seasonalPhi, false);
    this.transform(x, p + q + P, this.seasonalTheta, true);
    Polynomials.fill(this.ar, this.phi, this.seasonalPhi, -1);
    Polynomials.fill(this.ma, this.theta, this.seasonalTheta, 1);
    return this;
  }

  /** Coefficients given directly (a fitted model's). */
  static of(fit: ArimaFit): Polynomials {
    const polys = new Polynomials(fit.order);
    polys.phi.set(fit.phi);
    polys.theta.set(fit.theta);
    polys.seasonalPhi.set(fit.seasonalPhi);
    polys.seasonalTheta.set(fit.seasonalTheta);
    Polynomials.fill(polys.ar, polys.phi, polys.seasonalPhi, -1);
    Polynomials.fill(polys.ma, polys.theta, polys.seasonalTheta, 1);
    return polys;
  }
}

/**
 * One-step residuals of the demeaned differenced series z (conditional on zero errors before the
 * AR lags are available); the sum of squares from `from` on.
 *
 * It runs for every likelihood evaluation and is latency-bound through the MA part: e_t waits for
 * e_{t-lag} of the shortest MA lag. That term is subtracted last, so only one multiply and one
 * subtraction per step sit on the chain; the other terms are ready by then. The steps where some MA
 * lag still reaches before the start (e taken as 0 there) run in a loop of their own.
 */
export function residuals(z: Float64Array, ar: Lags, ma: Lags, from: number, out: Float64Array): number {
  const n = z.length;
  const arLags = ar.lags;
  const arC = ar.coefficients;
  const maLags = ma.lags;
  const maC = ma.coefficients;
  const arCount = arLags.length;
  const maCount = maLags.length;
  const arStart = arCount ? arLags[arCount - 1] : 0;
  let sse = 0;
  for (let t = 0; t < arStart && t < n; t++) out[t] = 0;
  if (!maCount) {
    for (let t = arStart; t < n; t++) {
      let e = z[t];
      for (let k = 0; k < arCount; k++) e -= arC[k] * z[t - arLags[k]];
      out[t] = e;
      if (t >= from) sse += e * e;
    }
    return sse;
  }
  // Layout (see Polynomials): the MA lags ascend, so the first is the shortest, the last the longest.
  const firstLag = maLags[0];
  const firstC = maC[0];
  const maFull = Math.max(arStart, maLags[maCount - 1]);
  let t = arStart;
  for (; t < n && t < maFull; t++) {
    let e = z[t];
    for (let k = 0; k < arCount; k++) e -= arC[k] * z[t - arLags[k]];
    for (let k = 1; k < maCount; k++) {
      const lag = maLags[k];
      if (t >= lag) e -= maC[k] * out[t - lag];
    }
    if (t >= firstLag) e -= firstC * out[t - firstLag];
    out[t] = e;
    if (t >= from) sse += e * e;
  }
  for (; t < n; t++) {
    let e = z[t];
    for (let k = 0; k < arCount; k++) e -= arC[k] * z[t - arLags[k]];
    for (let k = 1; k < maCount; k++) e -= maC[k] * out[t - maLags[k]];
    e -= firstC * out[t - firstLag];
    out[t] = e;
    if (t >= from) sse += e * e;
  }
  return sse;
}
