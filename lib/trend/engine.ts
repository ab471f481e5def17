import { StorecastError } from '../errors.js';
import { autoEts, etsForecast, fitEts, type EtsFit } from './models/ets.js';
import { fitTheta, thetaForecast } from './models/theta.js';
import { fallbackSigma, seasonalNaive } from './models/naive.js';
import { croston, empiricalQuantiles, isIntermittent, tsb } from './models/intermittent.js';
import { detectSeasonality, deseasonalise, reseasonalise, type Decomposition } from './seasonality.js';
import { mean, normalQuantile } from './stats.js';
import type { PreparedSeries } from './prepare.js';
import type { MemberForecast, ModelChoice } from './types.js';

/** A member fitted once (on the backtest's training part) that forecasts from any history with its parameters frozen. */
export interface Member {
  name: string;
  forecast(history: Float64Array, horizon: number): MemberForecast;
  /** The forecast from the full history, where the member re-estimates its parameters on it first. */
  final?(history: Float64Array, horizon: number): MemberForecast;
}

/** Neural forecasts computed outside (batched on TF.js) for the backtest and the final history. */
export interface NeuralForecasts {
  /** One per backtest origin (see backtestOrigins), in that order. */
  backtests?: MemberForecast[];
  /** Absent when only the backtest was run (see planEngine). */
  final?: MemberForecast;
  /** Steps of history the network reads. */
  window: number;
}

/**
 * A series with its members fitted and weighted. The network's forecast from the full history is
 * needed only where it won a weight, so callers batch those (`needsNeuralFinal`) and then finish.
 */
export interface EnginePlan {
  needsNeuralFinal: boolean;
  finish(neuralFinal?: MemberForecast): EngineResult;
}

export interface EngineResult {
  mean: number[];
  /** Lower/upper per level, in the original units. */
  bands: { level: number; lower: number[]; upper: number[] }[];
  decompositions: Decomposition[];
  name: string;
  members?: { name: string; weight: number }[];
}

/** ETS is fitted on at most this many recent points per period of seasonality: enough to estimate, bounded cost. */
const ETS_FIT_POINTS = 240;
/** Iterations to re-estimate the selected ETS form without the backtest's held-out part, from the full fit's optimum. */
const BACKTEST_REFIT_ITERATIONS = 30;
/** R's ets() refuses longer seasonal periods; beyond it seasonality is handled by decomposition. */
const MAX_ETS_SEASONAL_PERIOD = 24;

export function backtestLength(n: number, horizon: number): number {
  const length = Math.min(horizon, Math.floor(n / 4));
  return n - length >= 8 ? length : 0;
}

/** Rolling-origin backtest windows: the last `holdout` points, then the ones before, while half the series stays. */
const BACKTEST_WINDOWS = 3;

/** Where each backtest window starts (the history ends there), latest first. */
export function backtestOrigins(n: number, holdout: number): number[] {
  const origins: number[] = [];
  for (let k = 1; holdout && k <= BACKTEST_WINDOWS; k++) {
    const origin = n - k * holdout;
    if (k > 1 && origin < Math.max(8, n / 2)) break;
    origins.push(origin);
  }
  return origins;
}

function adjusted(decompositions: Decomposition[], inner: (history: Float64Array, horizon: number) => MemberForecast): (history: Float64Array, horizon: number) => MemberForecast {
  if (!decompositions.length) return inner;
  return (history, horizon) => {
    const f = inner(deseasonalise(history, decompositions), horizon);
    return {
      name: f.name,
      mean: Array.from(reseasonalise(f.mean, history.length, decompositions)),
      sd: f.sd && Array.from(reseasonalise(f.sd, history.length, decompositions, true)),
    };
  };
}

function statisticalMembers(y: Float64Array, holdout: number, choice: ModelChoice, decompositions: Decomposition[], intermittent: boolean): Member[] {
  const train = y.subarray(0, y.length - holdout);
  const primary = decompositions[0]?.period ?? 1;
  const members: Member[] = [];
  const want = (name: ModelChoice): boolean => choice === name || choice === 'auto' || choice === 'ensemble';
  if (intermittent && (choice === 'auto' || choice === 'ensemble' || choice === 'intermittent')) {
    members.push({ name: 'croston-sba', forecast: (h, horizon) => croston(h, horizon) });
    members.push({ name: 'tsb', forecast: (h, horizon) => tsb(h, horizon) });
    return members;
  }
  if (want('ets')) {
    const nativeSeason = decompositions.length === 1 && primary <= MAX_ETS_SEASONAL_PERIOD;
    const points = Math.max(ETS_FIT_POINTS, 4 * primary);
    // Windows start on a cycle boundary so seasonal states line up with absolute positions.
    const recent = (history: Float64Array): Float64Array => history.subarray(Math.max(0, Math.floor((history.length - points) / primary) * primary));
    const input = nativeSeason ? y : deseasonalise(y, decompositions);
    // The model form is chosen on the whole history (the latest cycles often decide between forms);
    // the backtest re-estimates that form's parameters without the held-out part, so its errors stay
    // out-of-sample in everything but that one discrete choice. Two selections would cost twice as much.
    const finalFit = autoEts(recent(input), primary, { allowSeasonal: nativeSeason });
    if (finalFit) {
      const backtestFit = holdout ? fitEts(recent(input.subarray(0, train.length)), finalFit.spec, BACKTEST_REFIT_ITERATIONS, finalFit.optimum) ?? finalFit : finalFit;
      const forecastWith = (fit: EtsFit) => (history: Float64Array, horizon: number): MemberForecast => etsForecast(fit, recent(history), horizon);
      const seasonal = (f: (history: Float64Array, horizon: number) => MemberForecast) => (nativeSeason ? f : adjusted(decompositions, f));
      members.push({ name: 'ets', forecast: seasonal(forecastWith(backtestFit)), final: seasonal(forecastWith(finalFit)) });
    }
  }
  if (want('theta')) {
    const fit = fitTheta(deseasonalise(train, decompositions));
    members.push({ name: 'theta', forecast: adjusted(decompositions, (h, horizon) => thetaForecast(fit, h, horizon)) });
  }
  if (want('seasonal-naive')) members.push({ name: 'seasonal-naive', forecast: (h, horizon) => seasonalNaive(h, primary, horizon) });
  return members;
}

interface Bands { mean: number[]; lower: Map<number, number[]>; upper: Map<number, number[]> }

function toBands(f: MemberForecast, levels: number[], history: Float64Array): Bands {
  const lower = new Map<number, number[]>();
  const upper = new Map<number, number[]>();
  const sd = f.sd ?? f.mean.map(() => fallbackSigma(history));
  for (const level of levels) {
    const fromQuantiles = f.quantiles?.get(50 - level / 2) && f.quantiles.get(50 + level / 2);
    if (fromQuantiles) {
      lower.set(level, f.quantiles!.get(50 - level / 2)!);
      upper.set(level, f.quantiles!.get(50 + level / 2)!);
      continue;
    }
    const z = normalQuantile(0.5 + level / 200);
    lower.set(level, f.mean.map((m, i) => m - z * sd[i]));
    upper.set(level, f.mean.map((m, i) => m + z * sd[i]));
  }
  return { mean: f.mean, lower, upper };
}

function combine(bands: Bands[], weights: number[], levels: number[]): Bands {
  const h = bands[0].mean.length;
  const weighted = (pick: (b: Bands) => number[]): number[] => {
    const out = new Array<number>(h).fill(0);
    bands.forEach((b, i) => { if (weights[i]) pick(b).forEach((v, t) => { out[t] += weights[i] * v; }); });
    return out;
  };
  // Quantile averaging (Vincentization): simple, and never narrower than the members agree on.
  return {
    mean: weighted((b) => b.mean),
    lower: new Map(levels.map((l) => [l, weighted((b) => b.lower.get(l)!)])),
    upper: new Map(levels.map((l) => [l, weighted((b) => b.upper.get(l)!)])),
  };
}

function meanAbsoluteError(actual: ArrayLike<number>, forecast: number[]): number {
  let s = 0;
  for (let i = 0; i < forecast.length; i++) s += Math.abs(actual[i] - forecast[i]);
  return s / forecast.length;
}

function intermittentQuantiles(f: MemberForecast, history: Float64Array, levels: number[]): MemberForecast {
  const q = empiricalQuantiles(history, levels);
  const quantiles = new Map<number, number[]>();
  for (const [p, v] of q) quantiles.set(p, f.mean.map((m) => (p < 50 ? Math.min(v, m) : Math.max(v, m))));
  return { ...f, quantiles };
}

/** A series scaled by its mean absolute value, with its seasonality detected: what every member starts from. */
export interface SeriesAnalysis { y: Float64Array; scale: number; decompositions: Decomposition[] }

/** Undefined for series too short (< 4 points) or constant to model: planEngine answers those directly. */
export function analyseSeries(prepared: PreparedSeries, seasonalPeriod: number | undefined): SeriesAnalysis | undefined {
  const { values } = prepared;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (values.length < 4 || lo === hi) return undefined;
  let scale = mean(values.map(Math.abs));
  if (!(scale > 0)) scale = 1;
  const y = values.map((v) => v / scale);
  return { y, scale, decompositions: detectSeasonality(y, prepared.frequency, seasonalPeriod) };
}

/**
 * Whether the network can take part: in an ensemble only when its input window holds a full cycle of
 * every detected season (hourly data with a weekly cycle of 168 is beyond a 64-step window).
 */
export function neuralCanJoin(choice: ModelChoice, analysis: SeriesAnalysis | undefined, window: number): boolean {
  if (choice === 'lstm') return true;
  return (choice === 'auto' || choice === 'ensemble') && !!analysis && analysis.decompositions.every((d) => d.period <= window);
}

/**
 * Fits the members, weights them by their error on a backtest (the last `backtestLength` points held
 * out) and forecasts from the full history; see statisticalMembers for what each member fits where.
 */
export function planEngine(prepared: PreparedSeries, choice: ModelChoice, analysis: SeriesAnalysis | undefined, neural?: NeuralForecasts): EnginePlan {
  const { values, horizon, levels } = prepared;
  const n = values.length;
  const floor = prepared.nonNegative ? 0 : -Infinity;
  if (!analysis) {
    const constant = n >= 2 && values.every((v) => v === values[0]);
    const f = constant ? { name: 'constant', mean: new Array(horizon).fill(values[n - 1]), sd: new Array(horizon).fill(0) } : seasonalNaive(values, 1, horizon);
    const b = toBands(f, levels, values);
    const clip = (arr: number[]): number[] => arr.map((v) => Math.max(floor, v));
    const result: EngineResult = { mean: b.mean, bands: levels.map((l) => ({ level: l, lower: clip(b.lower.get(l)!), upper: clip(b.upper.get(l)!) })), decompositions: [], name: constant ? 'constant' : `naive (fallback: only ${n} points)` };
    return { needsNeuralFinal: false, finish: () => result };
  }
  const { y, scale, decompositions } = analysis;
  const intermittent = isIntermittent(y);
  if (choice === 'intermittent' && !intermittent && !y.every((v) => v >= 0)) throw new StorecastError('INVALID_INPUT', "model 'intermittent' needs non-negative demand data.");
  const holdout = backtestLength(n, horizon);
  const members = choice === 'lstm' ? [] : statisticalMembers(y, holdout, choice, decompositions, intermittent || choice === 'intermittent');

  const finals: MemberForecast[] = members.map((m) => (m.final ?? m.forecast)(y, horizon));
  const origins = backtestOrigins(n, holdout);
  // windows[w][i]: member i's forecast of the `holdout` points after origins[w].
  const windows: MemberForecast[][] = origins.map((origin) => members.map((m) => m.forecast(y.subarray(0, origin), holdout)));
  const names = members.map((m) => m.name);
  const withNeural = !!neural && neuralCanJoin(choice, analysis, neural.window);
  if (withNeural) {
    // The network forecasts the latest window only: three would triple its cost in the page.
    if (origins.length && neural.backtests?.length) windows[0].push(scaled(neural.backtests[0], 1 / scale));
    names.push('lstm');
  }
  if (!names.length) throw new StorecastError('MODEL_LOAD_FAILED', "model 'lstm' needs the pretrained trend model; it could not be loaded.");
  const backtested = origins.length > 0 && windows[0].length === names.length;

  let weights = names.map(() => 1 / names.length);
  if (backtested && names.length > 1) {
    // Mean absolute error over all windows: one window of h points is a noisy judge of a member.
    // Parameters stay frozen at their fit up to the latest origin, so the earlier windows are partly
    // in-sample for them (refitting per window would triple the cost); the latest one is not.
    const windowErrors = windows.map((forecasts, w) => forecasts.map((f) => meanAbsoluteError(y.subarray(origins[w], origins[w] + holdout), f.mean)));
    const errors = members.map((_, i) => windowErrors.reduce((sum, e) => sum + e[i], 0) / origins.length);
    if (withNeural) {
      // The network has the latest window only: its error there, scaled by how the best statistical
      // member's error over all windows compares with its error on the latest one.
      const reference = errors.indexOf(Math.min(...errors));
      errors.push(windowErrors[0][names.length - 1] * (errors[reference] / (windowErrors[0][reference] || 1e-12)));
    }
    // The network, zero-shot on a series it has never seen, joins only where it beat every statistical
    // member on the latest window: on held-out monthly data it is worse than Naive2 on average, and a
    // small weight for a poor member still costs accuracy.
    const admitted = errors.map((_, i) => names[i] !== 'lstm' || windowErrors[0][i] <= Math.min(...windowErrors[0].slice(0, members.length)));
    const best = Math.min(...errors.filter((_, i) => admitted[i]));
    // Inverse squared-error weights (as in Bates & Granger's combinations): a member that was clearly
    // worse on the backtest gets little say; members more than twice as wrong as the best are dropped.
    const raw = errors.map((e, i) => (e <= 2 * best + 1e-12 && admitted[i] ? 1 / (e + 1e-9 + best * 0.05) ** 2 : 0));
    const total = raw.reduce((a, b) => a + b, 0);
    weights = raw.map((w) => w / total);
  }
  const calibration = backtested && !intermittent ? intervalCalibration(y, holdout, origins, windows, weights) : 1;
  const needsNeuralFinal = withNeural && weights[names.length - 1] > 0;

  const finish = (neuralFinal?: MemberForecast): EngineResult => {
    if (needsNeuralFinal) {
      if (!neuralFinal) throw new StorecastError('INTERNAL', 'the neural member won a weight but its forecast is missing.');
      finals.push(scaled(neuralFinal, 1 / scale));
    }
    // A network without weight is listed (weight 0) but has no forecast to combine.
    const used = finals.length;
    if (intermittent) for (let i = 0; i < used; i++) finals[i] = intermittentQuantiles(finals[i], y, levels);
    const ensemble = combine(finals.map((f) => toBands(f, levels, y)), weights.slice(0, used), levels);
    const out = (v: number): number => Math.max(floor, v * scale);
    const bands = levels.map((level) => ({
      level,
      lower: ensemble.lower.get(level)!.map((v, i) => out(ensemble.mean[i] - (ensemble.mean[i] - v) * calibration)),
      upper: ensemble.upper.get(level)!.map((v, i) => out(ensemble.mean[i] + (v - ensemble.mean[i]) * calibration)),
    }));
    const memberList = names.map((name, i) => ({ name: i < used && finals[i].name !== name ? `${name}:${finals[i].name}` : name, weight: Number(weights[i].toFixed(4)) }));
    const name = memberList.length === 1 ? memberList[0].name : 'ensemble';
    return { mean: ensemble.mean.map(out), bands, decompositions, name, members: memberList.length > 1 ? memberList : undefined };
  };
  return { needsNeuralFinal, finish };
}

/**
 * How much to widen (> 1) or narrow the ensemble's intervals so that about 80% of the backtest
 * errors fall inside them.
 */
function intervalCalibration(y: Float64Array, holdout: number, origins: number[], windows: MemberForecast[][], weights: number[]): number {
  const ratios: number[] = [];
  origins.forEach((origin, w) => {
    // Earlier windows lack the network's forecast: the statistical members' weights, renormalised.
    const used = weights.slice(0, windows[w].length);
    const total = used.reduce((a, b) => a + b, 0);
    if (!(total > 0)) return;
    const bands = combine(windows[w].map((t) => toBands(t, [80], y.subarray(0, origin))), used.map((v) => v / total), [80]);
    for (let i = 0; i < holdout; i++) {
      const half = (bands.upper.get(80)![i] - bands.lower.get(80)![i]) / 2;
      ratios.push(half > 0 ? Math.abs(y[origin + i] - bands.mean[i]) / half : 1);
    }
  });
  ratios.sort((a, b) => a - b);
  const observed = ratios[Math.floor(0.8 * (ratios.length - 1))];
  // Backtest windows are a small sample: move three quarters of the way (in log terms) towards what they suggest.
  return Math.min(2.5, Math.max(0.4, (observed || 1) ** 0.75));
}

function scaled(f: MemberForecast, factor: number): MemberForecast {
  const quantiles = f.quantiles && new Map([...f.quantiles].map(([p, v]) => [p, v.map((x) => x * factor)]));
  return { name: f.name, mean: f.mean.map((x) => x * factor), sd: f.sd?.map((x) => x * factor), quantiles };
}
