import { nelderMead } from '../optimize.js';
import { chooseDifferences, difference } from './differencing.js';
import { crossProducts, leastSquares, solveNormal } from '../linear.js';
import { Polynomials, residuals, toCoordinatesInto } from './arma.js';

export { chooseDifferences, difference, kpss, seasonalStrength } from './differencing.js';

/**
 * Seasonal ARIMA(p,d,q)(P,D,Q)m with automatic order selection after Hyndman & Khandakar (2008),
 * as in R's auto.arima(): the seasonal difference when the seasonal strength exceeds 0.64, regular
 * differences while the KPSS test rejects stationarity (5%), then a stepwise search over
 * (p,q)(P,Q) by AICc, each candidate scored at its Hannan–Rissanen estimate and the best three
 * optimised (the search itself would otherwise cost most of the ensemble's time). Parameters are
 * estimated by conditional sum of squares (CSS), in
 * partial-autocorrelation coordinates (so every candidate is stationary and invertible); with at
 * most one difference a mean (no difference) or drift (one) is included. Forecast intervals come
 * from the ψ-weights of the model with its differences multiplied in (its MA(∞) form).
 */
export interface ArimaOrder { p: number; d: number; q: number; P: number; D: number; Q: number; m: number }

export interface ArimaFit {
  order: ArimaOrder;
  /** AR and MA coefficients of the non-seasonal and seasonal parts (MA with R's sign: 1 + θB). */
  phi: Float64Array;
  theta: Float64Array;
  seasonalPhi: Float64Array;
  seasonalTheta: Float64Array;
  /** Mean of the differenced series (0 when not included). */
  mean: number;
  sigma2: number;
  aicc: number;
  /** The optimiser's point, to resume from. */
  optimum: Float64Array;
}

/** Search bounds: enough for retail series; larger orders cost time and rarely win on AICc. */
const MAX_P = 3;
const MAX_Q = 3;
const MAX_SEASONAL = 1;
const MAX_MODELS = 30;
/** Candidates optimised after the screen, and their optimiser iterations (from the screen's point). */
const SHORTLIST = 3;
/** Only candidates screened within this many AICc units of the best are optimised. */
const SHORTLIST_AICC = 4;
const SEARCH_ITERATIONS = 40;
/**
 * Relative change of the sum of squares at which the optimiser stops: AICc differences that small
 * decide nothing, and stopping there halves the evaluations.
 */
const ARIMA_TOLERANCE = 1e-4;
/** Default iterations when fitting one order directly. */
const FINAL_ITERATIONS = 150;

interface Prepared { w: Float64Array; mean: number; includeMean: boolean; from: number }

function prepare(y: Float64Array, order: ArimaOrder, from: number, includeMean: boolean): Prepared {
  let w = y;
  for (let i = 0; i < order.D; i++) w = difference(w, order.m);
  for (let i = 0; i < order.d; i++) w = difference(w, 1);
  let mean = 0;
  if (includeMean) { for (let i = 0; i < w.length; i++) mean += w[i]; mean /= w.length || 1; }
  return { w: w.map((v) => v - mean), mean, includeMean, from };
}

/**
 * The regressors every candidate of the search draws from: the differenced series and the long-AR
 * residuals at lags 1…MAX_P (MAX_Q) and m, with their cross products over the rows from `from` on
 * made once. A candidate's Hannan–Rissanen regression is then a small submatrix to solve, not a
 * pass over the data per candidate.
 */
class LagPool {
  readonly columns: Float64Array[] = [];
  /** Column of each lag: w's at +lag, the residuals' at -lag (numeric keys: this runs per candidate). */
  private readonly index = new Map<number, number>();
  private readonly xtx: Float64Array;
  private readonly xty: Float64Array;

  constructor(private readonly w: Float64Array, private readonly innovations: Float64Array, readonly from: number, m: number, seasonal: boolean) {
    for (let i = 1; i <= MAX_P; i++) this.add(i);
    for (let i = 1; i <= MAX_Q; i++) this.add(-i);
    if (seasonal) for (let j = 1; j <= MAX_SEASONAL; j++) { this.add(j * m); this.add(-j * m); }
    ({ xtx: this.xtx, xty: this.xty } = crossProducts(this.columns, w, from));
  }

  private add(key: number): void {
    if (this.index.has(key)) return;
    this.index.set(key, this.columns.length);
    this.columns.push(this.shifted(key));
  }

  private shifted(key: number): Float64Array {
    const x = key > 0 ? this.w : this.innovations;
    const lag = Math.abs(key);
    const out = new Float64Array(x.length);
    for (let t = lag; t < x.length; t++) out[t] = x[t - lag];
    return out;
  }

  /** Least squares of w on the given lags, rows from `start` on (the shared products when start is `from`). */
  regress(keys: number[], start: number): Float64Array | undefined {
    const picked = keys.map((key) => this.index.get(key));
    if (start !== this.from || picked.some((k) => k === undefined)) {
      return leastSquares(keys.map((key, i) => (picked[i] !== undefined ? this.columns[picked[i]!] : this.shifted(key))), this.w, start);
    }
    const p = picked.length;
    const K = this.columns.length;
    const xtx = new Float64Array(p * p);
    const xty = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      xty[i] = this.xty[picked[i]!];
      for (let j = 0; j < p; j++) xtx[i * p + j] = this.xtx[picked[i]! * K + picked[j]!];
    }
    return solveNormal(xtx, xty, p);
  }
}

/**
 * Hannan–Rissanen starting values: residuals of a long autoregression stand in for the unobserved
 * errors, and one least-squares regression of the series on its own lags and those residuals gives
 * the ARMA coefficients (seasonal terms on lags m, 2m…; their cross terms left to the optimiser).
 * Cheap enough to score every candidate of the stepwise search by its CSS at this point.
 */
function hannanRissanen(pool: LagPool, order: ArimaOrder, length: number): Float64Array | undefined {
  const { p, q, P, Q, m } = order;
  const count = p + q + P + Q;
  if (!count) return new Float64Array(0);
  const keys: number[] = [];
  for (let i = 1; i <= p; i++) keys.push(i);
  for (let i = 1; i <= q; i++) keys.push(-i);
  for (let j = 1; j <= P; j++) keys.push(j * m);
  for (let j = 1; j <= Q; j++) keys.push(-j * m);
  const start = Math.max(pool.from, p, P * m);
  if (length - start < count + 4) return undefined;
  const beta = pool.regress(keys, start);
  if (!beta) return undefined;
  const out = new Float64Array(count);
  toCoordinatesInto(beta, 0, p, false, out, 0);
  toCoordinatesInto(beta, p, q, true, out, p);
  toCoordinatesInto(beta, p + q, P, false, out, p + q);
  toCoordinatesInto(beta, p + q + P, Q, true, out, p + q + P);
  return out;
}

/**
 * Residuals of a long AR (order about the seasonal period plus a few, at most a quarter of the data).
 * Its lagged columns are shifts of one series, so their cross products follow each other along the
 * diagonals: S(i+1, j+1) = S(i, j) plus the row that enters, minus the row that leaves. That makes
 * the normal equations O(order · n) instead of O(order² · n).
 */
function longAutoregression(w: Float64Array, m: number): Float64Array {
  const order = Math.max(1, Math.min(Math.floor(w.length / 4), (m > 1 ? m : 0) + 4));
  const n = w.length;
  // Column k (lag k + 1) over rows t = order … n-1: w[t - k - 1].
  const xtx = new Float64Array(order * order);
  const xty = new Float64Array(order);
  for (let k = 0; k < order; k++) {
    let s = 0;
    let c = 0;
    for (let t = order; t < n; t++) { s += w[t] * w[t - k - 1]; c += w[t - 1] * w[t - k - 1]; }
    xty[k] = s;
    xtx[k] = c;
    xtx[k * order] = c;
  }
  for (let i = 0; i + 1 < order; i++) {
    for (let j = i; j + 1 < order; j++) {
      // Rows shift by one: row `order - 1` enters at lags (i+2, j+2), row n - 1 leaves.
      const v = xtx[i * order + j] + w[order - 2 - i] * w[order - 2 - j] - w[n - 2 - i] * w[n - 2 - j];
      xtx[(i + 1) * order + j + 1] = v;
      xtx[(j + 1) * order + i + 1] = v;
    }
  }
  const beta = solveNormal(xtx, xty, order);
  const out = new Float64Array(n);
  if (!beta) return out;
  for (let t = order; t < n; t++) {
    let f = 0;
    for (let k = 0; k < order; k++) f += beta[k] * w[t - k - 1];
    out[t] = w[t] - f;
  }
  return out;
}

/**
 * Fits one order by CSS. `from`: the first differenced point in the sum of squares, the same for
 * every candidate so their AICc compare like with like.
 */
export function fitArima(y: Float64Array, order: ArimaOrder, options: { from: number; includeMean: boolean; maxIterations?: number; start?: Float64Array; data?: Prepared; scratch?: Float64Array }): ArimaFit | undefined {
  const data = options.data ?? prepare(y, order, options.from, options.includeMean);
  const n = data.w.length;
  const count = order.p + order.q + order.P + order.Q;
  const effective = n - options.from;
  const k = count + (options.includeMean ? 1 : 0) + 1;
  if (effective < Math.max(8, k + 3)) return undefined;
  // The search passes one buffer for all its candidates (each fit is done before the next starts).
  const scratch = options.scratch?.length === n ? options.scratch : new Float64Array(n);
  const polys = polynomialsFor(order);
  const objective = (x: Float64Array): number => {
    polys.set(x);
    return residuals(data.w, polys.ar, polys.ma, options.from, scratch);
  };
  const start = options.start ?? new Float64Array(count);
  // No iterations: the sum of squares at the given point (the stepwise search's screen).
  const iterations = options.maxIterations ?? FINAL_ITERATIONS;
  const result = count && iterations > 0 ? nelderMead(objective, start, { maxIterations: iterations, step: options.start ? 0.15 : 0.4, tolerance: ARIMA_TOLERANCE }) : atPoint(objective, Float64Array.from(start));
  const sse = result.value;
  if (!Number.isFinite(sse) || sse <= 0) return undefined;
  const sigma2 = sse / effective;
  const logLik = -0.5 * effective * (Math.log(2 * Math.PI * sigma2) + 1);
  const aicc = -2 * logLik + 2 * k + (2 * k * (k + 1)) / Math.max(1, effective - k - 1);
  polys.set(result.x);
  return { order, phi: polys.phi.slice(), theta: polys.theta.slice(), seasonalPhi: polys.seasonalPhi.slice(), seasonalTheta: polys.seasonalTheta.slice(), mean: data.mean, sigma2: sse / Math.max(1, effective - count), aicc, optimum: result.x };
}

function atPoint(objective: (x: Float64Array) => number, x: Float64Array): { x: Float64Array; value: number } {
  return { x, value: objective(x) };
}

/**
 * Work polynomials per order, made once: a fit fills them for every evaluation and copies the
 * coefficients out before it returns, so consecutive fits (the search's candidates, every series'
 * backtest refit) can share them.
 */
const workPolynomials = new Map<number, Polynomials>();
function polynomialsFor(order: ArimaOrder): Polynomials {
  const { p, q, P, Q, m } = order;
  if (p > 15 || q > 15 || P > 15 || Q > 15 || m > 1023) return new Polynomials(order);
  const id = ((((p * 16 + q) * 16 + P) * 16 + Q) * 1024) + m;
  let polys = workPolynomials.get(id);
  if (!polys) { polys = new Polynomials(order); workPolynomials.set(id, polys); }
  return polys;
}

const key = (o: ArimaOrder): string => `${o.p},${o.q},${o.P},${o.Q}`;

/**
 * Hyndman–Khandakar stepwise search: four starting models, then ±1 on each of p, q, P, Q (and on
 * p and q, P and Q together) around the best so far, until no neighbour improves the AICc.
 */
export function autoArima(y: Float64Array, m: number): ArimaFit | undefined {
  const seasonal = m > 1 && y.length >= 2 * m + 8;
  const period = seasonal ? m : 1;
  const { d, D } = chooseDifferences(y, period);
  const includeMean = d + D <= 1;
  const differenced = y.length - d - D * period;
  // The sum of squares starts where the largest candidate's AR part can: comparable AICc.
  const from = Math.min(MAX_P + (seasonal ? MAX_SEASONAL * period : 0), Math.floor(differenced / 3));
  const base = { p: 0, d, q: 0, P: 0, D, Q: 0, m: period };
  const data = prepare(y, base, from, includeMean);
  const innovations = longAutoregression(data.w, period);
  const pool = new LagPool(data.w, innovations, from, period, seasonal);
  const scratch = new Float64Array(data.w.length);
  const screened = new Map<string, { fit: ArimaFit; start: Float64Array } | undefined>();
  let best: { fit: ArimaFit; start: Float64Array } | undefined;
  // Every candidate is scored at its Hannan–Rissanen point; only the best few are optimised.
  const tryOrder = (p: number, q: number, P: number, Q: number): boolean => {
    if (p < 0 || q < 0 || P < 0 || Q < 0 || p > MAX_P || q > MAX_Q || P > MAX_SEASONAL || Q > MAX_SEASONAL) return false;
    if (!seasonal && (P || Q)) return false;
    if (p > from || (P && P * period > from)) return false;
    const order = { ...base, p, q, P, Q };
    if (screened.has(key(order)) || screened.size >= MAX_MODELS) return false;
    const start = hannanRissanen(pool, order, data.w.length);
    const fit = start && fitArima(y, order, { from, includeMean, maxIterations: 0, start, data, scratch });
    const entry = fit && start ? { fit, start } : undefined;
    screened.set(key(order), entry);
    if (entry && (!best || entry.fit.aicc < best.fit.aicc - 1e-9)) { best = entry; return true; }
    return false;
  };
  tryOrder(2, 2, seasonal ? 1 : 0, seasonal ? 1 : 0);
  tryOrder(0, 0, 0, 0);
  tryOrder(1, 0, seasonal ? 1 : 0, 0);
  tryOrder(0, 1, 0, seasonal ? 1 : 0);
  for (let improved = true; improved && best;) {
    improved = false;
    const { p, q, P, Q } = best.fit.order;
    const moves: Array<[number, number, number, number]> = [
      [p - 1, q, P, Q], [p + 1, q, P, Q], [p, q - 1, P, Q], [p, q + 1, P, Q],
      [p - 1, q - 1, P, Q], [p + 1, q + 1, P, Q], [p + 1, q - 1, P, Q], [p - 1, q + 1, P, Q],
      [p, q, P - 1, Q], [p, q, P + 1, Q], [p, q, P, Q - 1], [p, q, P, Q + 1], [p, q, P - 1, Q - 1], [p, q, P + 1, Q + 1],
    ];
    for (const [a, b, c, e] of moves) if (tryOrder(a, b, c, e)) { improved = true; break; }
  }
  // Candidates whose screen is far behind the best rarely overtake it once optimised.
  const shortlist = [...screened.values()].filter((e): e is NonNullable<typeof e> => !!e && e.fit.aicc <= best!.fit.aicc + SHORTLIST_AICC).sort((a, b) => a.fit.aicc - b.fit.aicc).slice(0, SHORTLIST);
  let winner: ArimaFit | undefined;
  for (const { fit, start } of shortlist) {
    const refined = fitArima(y, fit.order, { from, includeMean, maxIterations: SEARCH_ITERATIONS, start, data, scratch }) ?? fit;
    if (!winner || refined.aicc < winner.aicc) winner = refined;
  }
  return winner;
}

/** Re-estimates a chosen order on another stretch of the series (the backtest's training part). */
export function refitArima(y: Float64Array, fit: ArimaFit, maxIterations: number): ArimaFit | undefined {
  const differenced = y.length - fit.order.d - fit.order.D * fit.order.m;
  const from = Math.min(MAX_P + (fit.order.m > 1 ? MAX_SEASONAL * fit.order.m : 0), Math.floor(differenced / 3));
  if (fit.order.p > from || fit.order.P * fit.order.m > from) return undefined;
  return fitArima(y, fit.order, { from, includeMean: fit.order.d + fit.order.D <= 1, maxIterations, start: fit.optimum });
}

/** A fit's multiplied-out polynomials, made once: a fit forecasts every backtest window and the final one. */
const polynomialCache = new WeakMap<ArimaFit, Polynomials>();
function polynomialsOf(fit: ArimaFit): Polynomials {
  let polys = polynomialCache.get(fit);
  if (!polys) { polys = Polynomials.of(fit); polynomialCache.set(fit, polys); }
  return polys;
}

/**
 * Forecast from `history` with the fitted coefficients: residuals by the CSS recursion, the ARMA
 * part forecast forward, differences undone; the standard deviation of each step's error from the
 * ψ-weights of the integrated model.
 */
export function arimaForecast(fit: ArimaFit, history: Float64Array, horizon: number): { mean: number[]; sd: number[] } {
  const { order } = fit;
  const { ar, ma } = polynomialsOf(fit);
  // Each differencing stage of the history, to be extended into the future.
  const stages: Float64Array[] = [history];
  const lagsUsed: number[] = [];
  for (let i = 0; i < order.D; i++) { stages.push(difference(stages[stages.length - 1], order.m)); lagsUsed.push(order.m); }
  for (let i = 0; i < order.d; i++) { stages.push(difference(stages[stages.length - 1], 1)); lagsUsed.push(1); }
  const w = stages[stages.length - 1];
  const n = w.length;
  const z = new Float64Array(n + horizon);
  for (let t = 0; t < n; t++) z[t] = w[t] - fit.mean;
  const e = new Float64Array(n + horizon);
  residuals(z.subarray(0, n), ar, ma, n, e);
  for (let t = n; t < n + horizon; t++) {
    let v = 0;
    for (let k = 0; k < ar.lags.length; k++) { const s = t - ar.lags[k]; if (s >= 0) v += ar.coefficients[k] * z[s]; }
    for (let k = 0; k < ma.lags.length; k++) { const s = t - ma.lags[k]; if (s >= 0 && s < n) v += ma.coefficients[k] * e[s]; }
    z[t] = v;
  }
  // Undo the differences, innermost first: x_t = diff_t + x_{t-lag}.
  let future = Array.from(z.subarray(n), (v) => v + fit.mean);
  for (let s = stages.length - 2; s >= 0; s--) {
    const base = stages[s];
    const lag = lagsUsed[s];
    const next = new Array<number>(horizon);
    for (let h = 0; h < horizon; h++) next[h] = future[h] + (h - lag >= 0 ? next[h - lag] : base[base.length + h - lag]);
    future = next;
  }
  // ψ-weights of AR(B)(1-B)^d(1-B^m)^D against MA(B), the polynomials as dense coefficient arrays
  // (index = lag): this runs for every backtest window and final forecast.
  let phiStar = new Float64Array((ar.lags.length ? ar.lags[ar.lags.length - 1] : 0) + 1);
  ar.lags.forEach((lag, k) => { phiStar[lag] += ar.coefficients[k]; });
  for (const lag of lagsUsed) {
    // Multiply the polynomial 1 - Σ c_k B^k by (1 - B^lag).
    const next = new Float64Array(phiStar.length + lag);
    next.set(phiStar);
    next[lag] += 1;
    for (let l = 1; l < phiStar.length; l++) next[l + lag] -= phiStar[l];
    phiStar = next;
  }
  const arLags: number[] = [];
  for (let l = 1; l < phiStar.length; l++) if (phiStar[l] !== 0) arLags.push(l);
  const maAt = new Float64Array(horizon);
  ma.lags.forEach((lag, k) => { if (lag < horizon) maAt[lag] += ma.coefficients[k]; });
  const psi = new Float64Array(horizon);
  psi[0] = 1;
  for (let j = 1; j < horizon; j++) {
    let v = maAt[j];
    for (const lag of arLags) if (lag <= j) v += phiStar[lag] * psi[j - lag];
    psi[j] = v;
  }
  // Residual scale re-estimated on this history so frozen coefficients still get honest intervals.
  let sse = 0;
  let count = 0;
  const arStart = ar.lags.length ? ar.lags[ar.lags.length - 1] : 0;
  for (let t = arStart; t < n; t++) { sse += e[t] * e[t]; count++; }
  const sigma2 = count > 5 ? sse / count : fit.sigma2;
  const sd: number[] = [];
  let cumulative = 0;
  for (let h = 0; h < horizon; h++) { cumulative += psi[h] * psi[h]; sd.push(Math.sqrt(sigma2 * cumulative)); }
  return { mean: future, sd };
}

export function arimaLabel(order: ArimaOrder): string {
  const seasonal = order.m > 1 && (order.P || order.D || order.Q) ? `(${order.P},${order.D},${order.Q})${order.m}` : '';
  return `arima(${order.p},${order.d},${order.q})${seasonal}`;
}
