import { nelderMead, sigmoid, logit } from '../optimize.js';
import type { MemberForecast, MemberModel } from '../types.js';

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
  const s = new Float64Array(m).fill(spec.season === 'M' ? 1 : 0);
  if (spec.season === 'N') return s;
  const cycles = Math.min(Math.floor(y.length / m), 3);
  if (cycles < 1) return s;
  for (let c = 0; c < cycles; c++) {
    let mean = 0;
    for (let k = 0; k < m; k++) mean += y[c * m + k] / m;
    for (let k = 0; k < m; k++) s[k] += (spec.season === 'M' ? y[c * m + k] / (mean || 1) : y[c * m + k] - mean) / cycles;
  }
  return s;
}

function filter(y: ArrayLike<number>, spec: EtsSpec, p: EtsParams, keepResiduals = false): FilterResult {
  const m = spec.season === 'N' ? 1 : spec.period;
  const seasonal = Float64Array.from(p.seasonal);
  let level = p.level;
  let slope = spec.trend === 'N' ? 0 : p.slope;
  const phi = spec.trend === 'Ad' ? p.phi : 1;
  let sse = 0;
  let logSumForecast = 0;
  const residuals = keepResiduals ? new Float64Array(y.length) : undefined;
  for (let t = 0; t < y.length; t++) {
    const q = level + phi * slope;
    const sIndex = t % m;
    const s = seasonal[sIndex];
    const forecast = spec.season === 'A' ? q + s : spec.season === 'M' ? q * s : q;
    if (spec.error === 'M' || spec.season === 'M') {
      if (!(forecast > 1e-10) || !(q > 1e-10)) return { sse: Infinity, logSumForecast: 0, level, slope, seasonal, ok: false };
    }
    const diff = y[t] - forecast;
    let e: number;
    if (spec.error === 'A') {
      e = diff;
      const divisor = spec.season === 'M' ? s : 1;
      level = q + (p.alpha * e) / divisor;
      slope = phi * slope + (p.beta * e) / divisor;
      if (spec.season === 'A') seasonal[sIndex] = s + p.gamma * e;
      else if (spec.season === 'M') seasonal[sIndex] = s + (p.gamma * e) / q;
    } else {
      e = diff / forecast;
      if (spec.season === 'A') {
        level = q + p.alpha * forecast * e;
        slope = phi * slope + p.beta * forecast * e;
        seasonal[sIndex] = s + p.gamma * forecast * e;
      } else {
        level = q * (1 + p.alpha * e);
        slope = phi * slope + p.beta * q * e;
        if (spec.season === 'M') seasonal[sIndex] = s * (1 + p.gamma * e);
      }
      logSumForecast += Math.log(Math.abs(forecast));
    }
    if (residuals) residuals[t] = e;
    sse += e * e;
  }
  if (spec.trend === 'N') slope = 0;
  return { sse, logSumForecast, level, slope, seasonal, ok: Number.isFinite(sse), residuals };
}

export function parameterCount(spec: EtsSpec): number {
  let k = 2; // alpha + initial level
  if (spec.trend !== 'N') k += 2;
  if (spec.trend === 'Ad') k += 1;
  if (spec.season !== 'N') k += spec.period; // gamma + (period - 1) initial states
  return k + 1; // the error variance
}

export interface EtsFit { spec: EtsSpec; params: EtsParams; aicc: number; sigma: number }

export function fitEts(y: ArrayLike<number>, spec: EtsSpec, maxIterations = 100): EtsFit | undefined {
  const n = y.length;
  const seasonal = initialSeasonal(y, spec);
  const m = spec.season === 'N' ? 1 : spec.period;
  let first = 0;
  for (let i = 0; i < Math.min(n, m); i++) first += (spec.season === 'M' ? y[i] / seasonal[i] : spec.season === 'A' ? y[i] - seasonal[i] : y[i]) / Math.min(n, m);
  const slope0 = n >= 2 * m ? (mean(y, m, 2 * m) - mean(y, 0, m)) / m : 0;
  const scale = Math.abs(first) || 1;
  // x = [alpha, beta*, gamma*, phi*, level, slope] in unconstrained space.
  const decode = (x: Float64Array): EtsParams => {
    const alpha = 0.0001 + 0.9998 * sigmoid(x[0]);
    return {
      alpha,
      beta: alpha * sigmoid(x[1]) * 0.9999,
      gamma: (1 - alpha) * sigmoid(x[2]) * 0.9999,
      phi: 0.8 + 0.18 * sigmoid(x[3]),
      level: first + x[4] * scale * 0.1,
      slope: slope0 + x[5] * scale * 0.01,
      seasonal,
    };
  };
  const objective = (x: Float64Array): number => {
    const r = filter(y, spec, decode(x));
    if (!r.ok || r.sse <= 0) return r.sse === 0 ? -1e300 : Infinity;
    return n * Math.log(r.sse) + 2 * r.logSumForecast;
  };
  const start = Float64Array.from([logit(0.3), logit(0.1), logit(0.1), logit(0.7), 0, 0]);
  const result = nelderMead(objective, start, { maxIterations, step: 0.6 });
  const params = decode(result.x);
  const r = filter(y, spec, params);
  if (!r.ok) return undefined;
  const k = parameterCount(spec);
  const sigma2 = r.sse / Math.max(1, n - k);
  const logLik = -0.5 * n * Math.log((2 * Math.PI * Math.E * r.sse) / n) - r.logSumForecast;
  const aic = -2 * logLik + 2 * k;
  const aicc = n - k - 1 > 0 ? aic + (2 * k * (k + 1)) / (n - k - 1) : Infinity;
  return { spec, params, aicc, sigma: Math.sqrt(sigma2) };
}

function mean(y: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += y[i];
  return s / (to - from);
}

/** Forecast from a fitted model after running its filter over `history` (parameters frozen). */
export function etsForecast(fit: EtsFit, history: ArrayLike<number>, horizon: number): MemberForecast {
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

/** Automatic ETS: every admissible combination, best AICc wins. */
export function autoEts(y: ArrayLike<number>, period: number, options: { allowSeasonal: boolean; maxIterations?: number }): EtsFit | undefined {
  let positive = true;
  for (let i = 0; i < y.length; i++) if (y[i] <= 0) { positive = false; break; }
  const seasons: SeasonType[] = options.allowSeasonal && period > 1 && y.length >= 2 * period + 2 ? ['N', 'A', 'M'] : ['N'];
  const trends: TrendType[] = y.length < 8 ? ['N'] : ['N', 'A', 'Ad'];
  let best: EtsFit | undefined;
  for (const error of (positive ? ['A', 'M'] : ['A']) as ErrorType[]) {
    for (const trend of trends) {
      for (const season of seasons) {
        if (season === 'M' && !positive) continue;
        // Additive error with multiplicative season is numerically unstable (R's ets excludes it too).
        if (error === 'A' && season === 'M') continue;
        // Multiplicative error and season with an undamped trend explode over long horizons (seen on M4 Hourly).
        if (error === 'M' && trend === 'A' && season === 'M') continue;
        const spec = { error, trend, season, period: season === 'N' ? 1 : period };
        if (y.length <= parameterCount(spec) + 1) continue;
        const fit = fitEts(y, spec, options.maxIterations);
        if (fit && (!best || fit.aicc < best.aicc)) best = fit;
      }
    }
  }
  return best;
}

export function etsMember(fit: EtsFit, transform?: (f: MemberForecast, historyLength: number) => MemberForecast): MemberModel {
  return {
    name: 'ets',
    forecast: (history, horizon) => {
      const f = etsForecast(fit, history, horizon);
      return transform ? transform(f, history.length) : f;
    },
  };
}
