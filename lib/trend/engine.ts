import { StorecastError, breather, throwIfAborted } from '../errors.js';
import { progressReporter, type LongTaskOptions } from '../progress.js';
import { addWarnings, warning, type StorecastWarning } from '../warnings.js';
import { analyseSeries, type Analysis } from './analyse.js';
import { backtestLength, backtestOrigins, backtestWeights, meanAbsoluteError } from './backtest.js';
import { combine, intervalCalibration } from './combine.js';
import { mapBands, normalBands, type Bands, type BatchOutcome, type FittedModel, type ForecastModel, type ModelForecast } from './model.js';
import { fallbackSigma, seasonalNaive } from './models/naive.js';
import { seasonalNaiveModel } from './members/naive.js';
import type { PreparedSeries } from './prepare.js';
import type { Decomposition } from './seasonality.js';
import type { Interval } from './types.js';

export { backtestLength, backtestOrigins } from './backtest.js';

export interface EngineResult {
  mean: number[];
  /** Lower/upper per requested level, in the original units. */
  bands: Interval[];
  decompositions: Decomposition[];
  name: string;
  members?: { name: string; weight: number }[];
  /** Each member's point forecast in the original units (members without weight have none). */
  memberForecasts: { name: string; mean: number[] }[];
  analysis?: Analysis;
}

export interface EngineOptions extends LongTaskOptions {
  seasonalPeriods: Array<number | undefined>;
  /** The user asked for one model alone: it must answer (and is named when it cannot). */
  alone: boolean;
}

interface Member { model: ForecastModel; fitted?: FittedModel }

/** Which of the models apply to a series: intermittent-demand members for intermittent data, the others otherwise. */
function membersFor(models: ForecastModel[], intermittent: boolean): ForecastModel[] {
  const kind = intermittent ? 'intermittent' : 'regular';
  const chosen = models.filter((m) => (m.demand ?? 'regular') === 'any' || (m.demand ?? 'regular') === kind);
  // Models of the other kind only (e.g. model 'intermittent' on smooth data): the user asked for them.
  return chosen.some((m) => (m.demand ?? 'regular') !== 'any') ? chosen : models;
}

/**
 * prepare (done by the caller) → analyse → fit members (per series, or batched across series) →
 * backtest → weight → combine → calibrate. Every model goes through the same steps; batching
 * models forecast the backtest windows of all series in one call, then the final forecasts of the
 * series where they won a weight in another.
 */
export async function runEngine(prepared: PreparedSeries[], models: ForecastModel[], options: EngineOptions): Promise<{ results: EngineResult[]; warnings: StorecastWarning[][] }> {
  const levels = prepared[0]?.levels ?? [80, 95];
  const analyses = prepared.map((p, i) => analyseSeries(p, i, options.seasonalPeriods[i], p.levels));
  const warnings = prepared.map((p) => addWarnings([], ...p.warnings));
  const batchers = models.filter((m) => m.batch);
  const originsOf = (a: Analysis): number[] => {
    const n = a.context.y.length;
    return backtestOrigins(n, backtestLength(n, a.context.prepared.horizon));
  };

  // 1. Batching members: backtest windows of every series they apply to, in one call each.
  const batchBacktests = new Map<ForecastModel, Map<number, ModelForecast[]>>();
  const common: StorecastWarning[] = [];
  for (const model of batchers) {
    const targets = analyses.filter((a): a is Analysis => !!a && membersFor(models, a.context.intermittent).includes(model));
    if (!targets.length) continue;
    const outcome = await model.batch!(targets.map((a) => {
      const origins = originsOf(a).slice(0, model.backtestWindows ?? Infinity);
      return { series: a.context, cuts: origins, horizon: origins.length ? a.context.y.length - origins[0] : 0 };
    }), { required: options.alone, signal: options.signal });
    batchBacktests.set(model, collect(outcome, targets, warnings, common));
  }

  // 2. Per series: fit, backtest and weight.
  const progress = progressReporter(options.onProgress);
  // Keep a page responsive during big batches (the worker needs this for abort messages too).
  const breathe = breather(50);
  const plans: Array<Plan | undefined> = [];
  for (let i = 0; i < prepared.length; i++) {
    throwIfAborted(options.signal);
    const a = analyses[i];
    plans.push(a && plan(a, membersFor(models, a.context.intermittent), originsOf(a), batchBacktests));
    if (plans[i]?.substituted) warnings[i].push(warning('MODEL_SUBSTITUTED', `No requested model could fit this series (${models.map((m) => m.name).join(', ')}); the forecast is seasonal naive.`));
    progress.report('forecast', i + 1, prepared.length, 'series');
    await breathe();
  }

  // 3. Batching members' final forecasts, only where they won a weight.
  for (const model of batchers) {
    const wanted = plans.flatMap((p) => (p && p.weights[p.members.findIndex((m) => m.model === model)] > 0 ? [p] : []));
    if (!wanted.length) continue;
    const outcome = await model.batch!(wanted.map((p) => ({ series: p.analysis.context, cuts: [p.analysis.context.y.length], horizon: p.analysis.context.prepared.horizon })), { required: options.alone, signal: options.signal });
    wanted.forEach((p, k) => {
      const f = outcome.forecasts[k]?.[0];
      if (!f) throw new StorecastError('INTERNAL', `member '${model.name}' won a weight but gave no forecast.`);
      p.finals[p.members.findIndex((m) => m.model === model)] = withEffect(p.analysis, model, f, p.analysis.context.y.length);
    });
  }

  const results = prepared.map((p, i) => {
    for (const w of common) addWarnings(warnings[i], w);
    const a = analyses[i];
    if (!a) {
      if (options.alone) warnings[i].push(warning('MODEL_SUBSTITUTED', `model '${models[0].name}' cannot forecast a constant series or one of fewer than 4 points; the forecast ${p.values.length < 4 ? 'repeats the last value' : 'is the constant value'}.`));
      return trivial(p, levels);
    }
    return finish(plans[i]!, levels);
  });
  return { results, warnings };
}

/** Spreads a batch outcome over its series: forecasts by series index, skip reasons and warnings. */
function collect(outcome: BatchOutcome, targets: Analysis[], warnings: StorecastWarning[][], common: StorecastWarning[]): Map<number, ModelForecast[]> {
  const byIndex = new Map<number, ModelForecast[]>();
  if (outcome.unavailable) addWarnings(common, warning('MODEL_UNAVAILABLE', outcome.unavailable));
  addWarnings(common, ...(outcome.warnings ?? []));
  targets.forEach((a, k) => {
    const reason = outcome.skipped[k];
    if (reason) warnings[a.context.index].push(warning('MEMBER_SKIPPED', reason));
    const f = outcome.forecasts[k];
    if (f) byIndex.set(a.context.index, f);
  });
  return byIndex;
}

interface Plan {
  analysis: Analysis;
  members: Member[];
  weights: number[];
  calibration: number;
  /** Final forecasts (scaled, effects added), per member; batching members' arrive later. */
  finals: Array<Bands | undefined>;
  labels: string[];
  substituted: boolean;
}

/**
 * Adds the covariate effect of the forecast steps to a member that does not read covariates itself.
 * Intermittent demand is counted in whole units and its bands are empirical quantiles that sit on
 * those units: shifting a bound by a fraction would move every value on it outside, so there the
 * bands only widen (upwards for a positive effect, downwards for a negative one).
 */
function withEffect(a: Analysis, model: ForecastModel, f: ModelForecast, start: number): ModelForecast {
  const effect = a.effects?.effect;
  if (!effect || model.ownCovariates) return f;
  const intermittent = a.context.intermittent;
  return mapBands(f, (v, kind) => v.map((x, h) => {
    const e = effect[start + h];
    if (!intermittent || kind === 'mean') return x + e;
    return kind === 'upper' ? x + Math.max(0, e) : x + Math.min(0, e);
  }));
}

function plan(a: Analysis, candidates: ForecastModel[], origins: number[], batchBacktests: Map<ForecastModel, Map<number, ModelForecast[]>>): Plan {
  const { y, observed, intermittent, prepared, index } = a.context;
  const n = y.length;
  const holdout = origins.length ? n - origins[0] : 0;
  if (candidates.length && candidates.every((m) => m.demand === 'intermittent') && !intermittent && observed.some((v) => v < 0)) {
    throw new StorecastError('INVALID_INPUT', `model${candidates.length > 1 ? 's' : ''} ${candidates.map((m) => `'${m.name}'`).join(', ')} need${candidates.length > 1 ? '' : 's'} non-negative demand data.`);
  }
  const members: Member[] = [];
  const windows: Array<Array<ModelForecast | undefined>> = origins.map(() => []);
  for (const model of candidates) {
    if (model.fit) {
      const fitted = model.fit(a.context, n - holdout);
      if (!fitted) continue;
      const count = Math.min(origins.length, model.backtestWindows ?? Infinity);
      origins.forEach((origin, w) => { windows[w][members.length] = w < count ? withEffect(a, model, fitted.forecast(y.subarray(0, origin), holdout), origin) : undefined; });
      members.push({ model, fitted });
    } else {
      const forecasts = batchBacktests.get(model)?.get(index);
      if (!forecasts) continue;
      origins.forEach((origin, w) => { windows[w][members.length] = forecasts[w] && withEffect(a, model, forecasts[w], origin); });
      members.push({ model });
    }
  }
  let substituted = false;
  if (!members.length) {
    const fitted = seasonalNaiveModel.fit!(a.context, n - holdout)!;
    origins.forEach((origin, w) => { windows[w][0] = withEffect(a, seasonalNaiveModel, fitted.forecast(y.subarray(0, origin), holdout), origin); });
    members.push({ model: seasonalNaiveModel, fitted });
    substituted = true;
  }
  const windowErrors = windows.map((list, w) => members.map((_, i) => list[i] && meanAbsoluteError(observed.subarray(origins[w], origins[w] + holdout), list[i]!.mean)));
  const backtested = origins.length > 0 && windowErrors[0].some((e) => e !== undefined);
  const weights = backtested ? backtestWeights(windowErrors, members.map((m) => (typeof m.model.zeroShot === 'function' ? m.model.zeroShot(a.context) : !!m.model.zeroShot))) : members.map(() => 1 / members.length);
  const calibration = backtested && !intermittent ? intervalCalibration(observed, origins, windows, weights) : 1;
  const finals = members.map((m) => {
    if (!m.fitted) return undefined;
    return withEffect(a, m.model, (m.fitted.final ?? m.fitted.forecast)(y, prepared.horizon), n);
  });
  const labels = members.map((m, i) => (finals[i] as ModelForecast | undefined)?.label ?? windows[0]?.[i]?.label ?? m.model.name);
  return { analysis: a, members, weights, calibration, finals, labels, substituted };
}

function finish(p: Plan, levels: number[]): EngineResult {
  const { context } = p.analysis;
  const floor = context.prepared.nonNegative ? 0 : -Infinity;
  const used = p.members.map((_, i) => i).filter((i) => p.weights[i] > 0 && p.finals[i]);
  const ensemble = combine(used.map((i) => p.finals[i]!), used.map((i) => p.weights[i]), levels);
  const out = (v: number): number => Math.max(floor, v * context.scale);
  const bands = levels.map((level) => ({
    level,
    lower: ensemble.lower.get(level)!.map((v, i) => out(ensemble.mean[i] - (ensemble.mean[i] - v) * p.calibration)),
    upper: ensemble.upper.get(level)!.map((v, i) => out(ensemble.mean[i] + (v - ensemble.mean[i]) * p.calibration)),
  }));
  const memberList = p.members.map((m, i) => ({ name: p.labels[i] !== m.model.name ? `${m.model.name}:${p.labels[i]}` : m.model.name, weight: Number(p.weights[i].toFixed(4)) }));
  return {
    mean: ensemble.mean.map(out),
    bands,
    decompositions: context.decompositions,
    name: memberList.length === 1 ? memberList[0].name : 'ensemble',
    members: memberList.length > 1 ? memberList : undefined,
    memberForecasts: used.map((i) => ({ name: p.members[i].model.name, mean: p.finals[i]!.mean.map(out) })),
    analysis: p.analysis,
  };
}

/** Series too short (< 4 points) or constant to model: naive, or the constant. */
function trivial(prepared: PreparedSeries, levels: number[]): EngineResult {
  const { values, horizon } = prepared;
  const n = values.length;
  const floor = prepared.nonNegative ? 0 : -Infinity;
  const constant = n >= 2 && values.every((v) => v === values[0]);
  const f = constant ? normalBands('constant', new Array(horizon).fill(values[n - 1]), new Array(horizon).fill(0), levels) : (() => {
    const naive = seasonalNaive(values, 1, horizon);
    return normalBands(naive.name, naive.mean, naive.sd ?? naive.mean.map(() => fallbackSigma(values)), levels);
  })();
  const clip = (arr: number[]): number[] => arr.map((v) => Math.max(floor, v));
  const name = constant ? 'constant' : `naive (fallback: only ${n} points)`;
  return { mean: f.mean, bands: levels.map((l) => ({ level: l, lower: clip(f.lower.get(l)!), upper: clip(f.upper.get(l)!) })), decompositions: [], name, memberForecasts: [{ name, mean: f.mean }] };
}
