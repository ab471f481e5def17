import { nelderMead, sigmoid, logit } from '../optimize.js';
import type { MemberForecast } from '../types.js';
import { seasonalIndices } from '../seasonality.js';

/**
 * Exponential smoothing in state-space form (Hyndman, Koehler, Ord & Snyder 2008): error A/M,
 * trend N/A/Ad, season N/A/M. Smoothing parameters and the initial level/trend are estimated by
 * maximum likelihood; seasonal initial states come from a classical decomposition of the first
 * seasons (estimating them too costs time and rarely helps). Selection is by AICc, as in R's ets().
 */
export type ErrorType = 'A' | 'M';
export type TrendType = 'N' | 'A' | 'Ad';
export type SeasonType = 'N' | 'A' | 'M';
export interface EtsSpec { error: ErrorType; trend: TrendType; season: SeasonType; period: number }
export interface EtsParams { alpha: number; beta: number; gamma: number; phi: number; level: number; slope: number; seasonal: Float64Array }

interface FilterResult { sse: number; logSumForecast: number; level: number; slope: number; seasonal: Float64Array; ok: boolean; residuals?: Float64Array }

function initialSeasonal(y: ArrayLike<number>, spec: EtsSpec): Float64Array {
  const m = spec.period;
  if (spec.season === 'N') return new Float64Array(m).fill(1);
  // As R's ets(): a classical decomposition (centred moving average) of the first three cycles, so a
  // trend within a cycle is not mistaken for season.
  if (y.length >= 3 * m) return seasonalIndices(Array.prototype.slice.call(y, 0, 3 * m), m, spec.season === 'M');
  const s = new Float64Array(m).fill(spec.season === 'M' ? 1 : 0);
  const cycles = Math.floor(y.length / m);
  for (let c = 0; c < cycles; c++) {
    let mean = 0;
    for (let k = 0; k < m; k++) mean += y[c * m + k] / m;
    for (let k = 0; k < m; k++) s[k] += (spec.season === 'M' ? y[c * m + k] / (mean || 1) : y[c * m + k] - mean) / cycles;
  }
  return s;
}

/**
 * The state-space recursion. It runs ~1,500 times per series during fitting, so the spec is turned
 * into flags once and log|forecast| is accumulated as a running product (one Math.log per 32 steps).
 * The optimiser passes `out` to be filled instead of a new result object per call.
 *
 * The recursion is latency-bound: each step's level and slope wait for the previous ones. With
 * q = level + φ·slope and z the observation with the season taken out (y, y − s or y/s), every form's
 * updates are level' = q + α(z − q) and slope' = φ·slope + β(z − q) (multiplicative error:
 * α·forecast·e = α(y − forecast), q(1 + αe) = q + α(y − qs)/s; the same algebra), and they are
 * computed as linear combinations of level, slope and z: one multiply and two adds on the chain,
 * no division. The errors and the seasonal updates, which the next step does not wait for, take
 * the divisions.
 */
export function filter(y: Float64Array, spec: EtsSpec, p: EtsParams, keepResiduals = false, scratch?: Float64Array, out?: FilterResult): FilterResult {
  const additiveError = spec.error === 'A';
  const seasonKind = spec.season === 'N' ? 0 : spec.season === 'A' ? 1 : 2;
  const positiveOnly = !additiveError || seasonKind === 2;
  const m = seasonKind === 0 ? 1 : spec.period;
  // The optimiser passes one scratch buffer for the seasonal states instead of a fresh copy per call.
  const seasonal = scratch ? (scratch.set(p.seasonal), scratch) : Float64Array.from(p.seasonal);
  const { alpha, beta, gamma } = p;
  let level = p.level;
  let slope = spec.trend === 'N' ? 0 : p.slope;
  const phi = spec.trend === 'Ad' ? p.phi : 1;
  // level' = (1-α)·level + (1-α)φ·slope + α·z;  slope' = φ(1-β)·slope − β·level + β·z.
  const levelFromLevel = 1 - alpha;
  const levelFromSlope = (1 - alpha) * phi;
  const slopeFromSlope = phi * (1 - beta);
  let sse = 0;
  let logSumForecast = 0;
  let product = 1;
  const residuals = keepResiduals ? new Float64Array(y.length) : undefined;
  const n = y.length;
  let sIndex = 0;
  // One loop per season kind: each stays small and branch-free for the compiler.
  if (seasonKind === 0) {
    for (let t = 0; t < n; t++) {
      const q = level + phi * slope;
      const z = y[t];
      if (positiveOnly && !(q > 1e-10)) return filled(out, Infinity, 0, level, slope, seasonal, false, undefined);
      const nextLevel = levelFromLevel * level + levelFromSlope * slope + alpha * z;
      slope = slopeFromSlope * slope - beta * level + beta * z;
      level = nextLevel;
      let e = z - q;
      if (!additiveError) {
        e /= q;
        product *= q;
        if ((t & 31) === 31) { logSumForecast += Math.log(product); product = 1; }
      }
      if (residuals) residuals[t] = e;
      sse += e * e;
    }
  } else if (seasonKind === 1) {
    for (let t = 0; t < n; t++) {
      const q = level + phi * slope;
      const s = seasonal[sIndex];
      const yt = y[t];
      const forecast = q + s;
      const z = yt - s;
      if (positiveOnly && (!(forecast > 1e-10) || !(q > 1e-10))) return filled(out, Infinity, 0, level, slope, seasonal, false, undefined);
      const nextLevel = levelFromLevel * level + levelFromSlope * slope + alpha * z;
      slope = slopeFromSlope * slope - beta * level + beta * z;
      level = nextLevel;
      const diff = yt - forecast;
      seasonal[sIndex] = s + gamma * diff;
      let e = diff;
      if (!additiveError) {
        e = diff / forecast;
        product *= forecast;
        if ((t & 31) === 31) { logSumForecast += Math.log(product); product = 1; }
      }
      if (residuals) residuals[t] = e;
      sse += e * e;
      if (++sIndex === m) sIndex = 0;
    }
  } else {
    for (let t = 0; t < n; t++) {
      const q = level + phi * slope;
      const s = seasonal[sIndex];
      const yt = y[t];
      const forecast = q * s;
      const z = yt / s;
      if (!(forecast > 1e-10) || !(q > 1e-10)) return filled(out, Infinity, 0, level, slope, seasonal, false, undefined);
      const nextLevel = levelFromLevel * level + levelFromSlope * slope + alpha * z;
      slope = slopeFromSlope * slope - beta * level + beta * z;
      level = nextLevel;
      const diff = yt - forecast;
      seasonal[sIndex] = s + (gamma * diff) / q;
      let e = diff;
      if (!additiveError) {
        e = diff / forecast;
        product *= forecast;
        if ((t & 31) === 31) { logSumForecast += Math.log(product); product = 1; }
      }
      if (residuals) residuals[t] = e;
      sse += e * e;
      if (++sIndex === m) sIndex = 0;
    }
  }
  if (!additiveError) logSumForecast += Math.log(product);
  if (spec.trend === 'N') slope = 0;
  return filled(out, sse, logSumForecast, level, slope, seasonal, Number.isFinite(sse), residuals);
}

function filled(out: FilterResult | undefined, sse: number, logSumForecast: number, level: number, slope: number, seasonal: Float64Array, ok: boolean, residuals: Float64Array | undefined): FilterResult {
  if (!out) return { sse, logSumForecast, level, slope, seasonal, ok, residuals };
  out.sse = sse;
  out.logSumForecast = logSumForecast;
  out.level = level;
  out.slope = slope;
  out.seasonal = seasonal;
  out.ok = ok;
  out.residuals = residuals;
  return out;
}

export function parameterCount(spec: EtsSpec): number {
  let k = 2; // alpha + initial level
  if (spec.trend !== 'N') k += 2;
  if (spec.trend === 'Ad') k += 1;
  if (spec.season !== 'N') k += spec.period; // gamma + (period - 1) initial states
  return k + 1; // the error variance
}

export interface EtsFit { spec: EtsSpec; params: EtsParams; aicc: number; sigma: number; /** the optimiser's point, to resume from */ optimum: Float64Array }

/**
 * `resumeFrom`: the optimum of an earlier fit of the same spec, to start from. Its smoothing
 * parameters are a good start on any window of the series; its initial level and slope only on the
 * same window (`sameWindow`), otherwise they start afresh.
 */
export function fitEts(y: Float64Array, spec: EtsSpec, maxIterations = 100, resumeFrom?: Float64Array, sameWindow = false, seasonalStarts?: Map<SeasonType, Float64Array>): EtsFit | undefined {
  const n = y.length;
  // autoEts fits every form on one window: their seasonal starts depend on the season type only
  // (never written: the filter copies them).
  let seasonal = seasonalStarts?.get(spec.season);
  if (!seasonal) { seasonal = initialSeasonal(y, spec); seasonalStarts?.set(spec.season, seasonal); }
  const m = spec.season === 'N' ? 1 : spec.period;
  let first = 0;
  for (let i = 0; i < Math.min(n, m); i++) first += (spec.season === 'M' ? y[i] / seasonal[i] : spec.season === 'A' ? y[i] - seasonal[i] : y[i]) / Math.min(n, m);
  const slope0 = n >= 2 * m ? (mean(y, m, 2 * m) - mean(y, 0, m)) / m : 0;
  const scale = Math.abs(first) || 1;
  // Only the parameters the spec uses are optimised: a dead dimension slows Nelder-Mead for nothing.
  // Unconstrained coordinates, in this order when present: alpha, level, beta, slope, phi, gamma.
  const hasTrend = spec.trend !== 'N';
  const hasPhi = spec.trend === 'Ad';
  const hasSeason = spec.season !== 'N';
  // The objective runs hundreds of times per fit: it decodes into one parameter object and has the
  // filter fill one result object, rather than allocating two per evaluation.
  const decode = (x: Float64Array, target: EtsParams = { alpha: 0, beta: 0, gamma: 0, phi: 1, level: 0, slope: 0, seasonal }): EtsParams => {
    const alpha = 0.0001 + 0.9998 * sigmoid(x[0]);
    let i = 2;
    target.alpha = alpha;
    target.beta = hasTrend ? alpha * sigmoid(x[i++]) * 0.9999 : 0;
    target.slope = hasTrend ? slope0 + x[i++] * scale * 0.01 : 0;
    target.phi = hasPhi ? 0.8 + 0.18 * sigmoid(x[i++]) : 1;
    target.gamma = hasSeason ? (1 - alpha) * sigmoid(x[i++]) * 0.9999 : 0;
    target.level = first + x[1] * scale * 0.1;
    return target;
  };
  const scratch = new Float64Array(seasonal.length);
  const working: EtsParams = { alpha: 0, beta: 0, gamma: 0, phi: 1, level: 0, slope: 0, seasonal };
  const state: FilterResult = { sse: 0, logSumForecast: 0, level: 0, slope: 0, seasonal: scratch, ok: true, residuals: undefined };
  const objective = (x: Float64Array): number => {
    const r = filter(y, spec, decode(x, working), false, scratch, state);
    if (!r.ok || r.sse <= 0) return r.sse === 0 ? -1e300 : Infinity;
    return n * Math.log(r.sse) + 2 * r.logSumForecast;
  };
  const start = [logit(0.3), 0];
  if (hasTrend) start.push(logit(0.1), 0);
  if (hasPhi) start.push(logit(0.7));
  if (hasSeason) start.push(logit(0.1));
  // Level is coordinate 1 and slope coordinate 3 (see decode); both are offsets, so 0 is a fresh start.
  const resume = resumeFrom && Float64Array.from(resumeFrom, (v, i) => (!sameWindow && (i === 1 || (hasTrend && i === 3)) ? 0 : v));
  // No iterations: only the likelihood at the given point (see autoEts's screen).
  const result = maxIterations > 0 || !resume ? nelderMead(objective, resume ?? start, { maxIterations, step: resume ? 0.2 : 0.6 }) : { x: resume };
  const params = decode(result.x);
  const r = filter(y, spec, params);
  if (!r.ok) return undefined;
  const k = parameterCount(spec);
  const sigma2 = r.sse / Math.max(1, n - k);
  const logLik = -0.5 * n * Math.log((2 * Math.PI * Math.E * r.sse) / n) - r.logSumForecast;
  const aic = -2 * logLik + 2 * k;
  const aicc = n - k - 1 > 0 ? aic + (2 * k * (k + 1)) / (n - k - 1) : Infinity;
  return { spec, params, aicc, sigma: Math.sqrt(sigma2), optimum: result.x };
}

function mean(y: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += y[i];
  return s / (to - from);
}

/** Forecast from a fitted model after running its filter over `history` (parameters frozen). */
export function etsForecast(fit: EtsFit, history: Float64Array, horizon: number): MemberForecast {
  const { spec, params } = fit;
  const state = filter(history, spec, params, true);
  const m = spec.season === 'N' ? 1 : spec.period;
  const phi = spec.trend === 'Ad' ? params.phi : 1;
  const mean = new Array<number>(horizon);
  const sd = new Array<number>(horizon);
  let phiSum = 0;
  let varianceSum = 0;
  // Residual scale re-estimated on this history so frozen parameters still get honest intervals.
  let sse = 0;
  for (const e of state.residuals ?? []) sse += e * e;
  const sigma = Math.sqrt(sse / Math.max(1, history.length - parameterCount(spec)));
  for (let h = 1; h <= horizon; h++) {
    phiSum += phi ** h;
    const trendPart = state.level + (spec.trend === 'N' ? 0 : phiSum * state.slope);
    const s = state.seasonal[(history.length + h - 1) % m];
    const point = spec.season === 'A' ? trendPart + s : spec.season === 'M' ? trendPart * s : trendPart;
    mean[h - 1] = point;
    // Class-1 variance (Hyndman et al. 2008, ch. 6): sigma^2 (1 + sum c_j^2); used as an approximation for multiplicative forms.
    const j = h - 1;
    if (j >= 1) {
      const damped = spec.trend === 'N' ? 0 : spec.trend === 'A' ? j : (phi * (1 - phi ** j)) / (1 - phi);
      const c = params.alpha + params.beta * damped + (spec.season !== 'N' && j % m === 0 ? params.gamma : 0);
      varianceSum += c * c;
    }
    const unit = spec.error === 'M' ? Math.abs(point) : 1;
    sd[h - 1] = sigma * unit * Math.sqrt(1 + varianceSum);
  }
  return { name: `ets(${spec.error},${spec.trend},${spec.season}${spec.season === 'N' ? '' : spec.period})`, mean, sd };
}

/**
 * Iterations every candidate gets before the AICc shortlist, how many candidates are then fitted
 * further, and for how many more iterations (they resume from the screen's point on the same window).
 */
const SCREEN_ITERATIONS = 30;
const SHORTLIST = 3;
const SHORTLIST_ITERATIONS = 50;

/**
 * Automatic ETS: every admissible combination, best AICc wins. Candidates are screened with a short
 * optimisation and only the shortlist is optimised fully: the filter is latency-bound, so fewer
 * likelihood evaluations are the only way to make this several times faster. The screen sees the
 * whole window: on a part of it, the AICc penalty for m seasonal states misranked the seasonal forms
 * (on monthly data the choice then agreed with R's ets() on a third of the series, and forecast worse).
 */
export function autoEts(y: Float64Array, period: number, options: { allowSeasonal: boolean; maxIterations?: number }): EtsFit | undefined {
  let positive = true;
  for (let i = 0; i < y.length; i++) if (y[i] <= 0) { positive = false; break; }
  const seasons: SeasonType[] = options.allowSeasonal && period > 1 && y.length >= 2 * period + 2 ? ['N', 'A', 'M'] : ['N'];
  const trends: TrendType[] = y.length < 8 ? ['N'] : ['N', 'A', 'Ad'];
  const screened: EtsFit[] = [];
  const seasonalStarts = new Map<SeasonType, Float64Array>();
  for (const trend of trends) {
    for (const season of seasons) {
      if (season === 'M' && !positive) continue;
      // Additive error with multiplicative season is numerically unstable (R's ets excludes it too).
      const errors: ErrorType[] = !positive ? ['A'] : season === 'M' ? ['M'] : ['M', 'A'];
      let screenedForm: EtsFit | undefined;
      for (const error of errors) {
        const spec = { error, trend, season, period: season === 'N' ? 1 : period };
        if (y.length <= parameterCount(spec) + 1) continue;
        // The two error types share their state recursion (the same parameters give the same point
        // forecasts; only the likelihood differs), so the second is scored at the first one's optimum.
        const fit = screenedForm ? fitEts(y, spec, 0, screenedForm.optimum, true, seasonalStarts) : fitEts(y, spec, SCREEN_ITERATIONS, undefined, false, seasonalStarts);
        screenedForm ??= fit;
        if (fit) screened.push(fit);
      }
    }
  }
  screened.sort((a, b) => a.aicc - b.aicc);
  let best: EtsFit | undefined;
  for (const candidate of screened.slice(0, SHORTLIST)) {
    const fit = fitEts(y, candidate.spec, options.maxIterations ?? SHORTLIST_ITERATIONS, candidate.optimum, true, seasonalStarts);
    if (fit && (!best || fit.aicc < best.aicc)) best = fit;
  }
  return best;
}
