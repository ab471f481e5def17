import { StorecastError, throwIfAborted, yieldToEventLoop, invalidInput } from '../errors.js';
import { addSteps, prepareSeries, type PreparedSeries } from './prepare.js';
import { analyseSeries, backtestLength, backtestOrigins, neuralCanJoin, planEngine, type EngineResult, type EnginePlan } from './engine.js';
import { describe, summariseTrend } from './summary.js';
import type { ForecastOptions, ModelChoice, SeriesInput, TrendForecast } from './types.js';
import { progressReporter } from '../progress.js';

export type { ForecastOptions, Frequency, Interval, ModelChoice, SeriesInput, TrendForecast, TrendSummary } from './types.js';
export * from './metrics.js';
export { loadTrendModel, fineTuneTrendModel, type TrendModel } from './neural/index.js';
import { neuralForecasts, trendModelLoadFailure } from './neural/index.js';
import { ensureRuntime } from '../runtime/index.js';
import { addWarnings, warning, type StorecastWarning } from '../warnings.js';

const MODELS: ModelChoice[] = ['auto', 'ensemble', 'lstm', 'ets', 'theta', 'seasonal-naive', 'intermittent'];
const OPTION_KEYS = new Set(['horizon', 'levels', 'model', 'signal', 'onProgress', 'duplicateDates', 'trendModel', 'neural']);

function checkOptions(options: ForecastOptions): ModelChoice {
  if (options === null || typeof options !== 'object') throw invalidInput('options must be an object.');
  for (const key of Object.keys(options)) if (!OPTION_KEYS.has(key)) throw invalidInput(`Unknown option '${key}'. Known options: ${[...OPTION_KEYS].join(', ')}.`);
  const model = options.model ?? 'auto';
  if (!MODELS.includes(model)) throw invalidInput(`Unknown model '${String(model)}'. Use one of: ${MODELS.join(', ')}.`);
  return model;
}

function isoDate(ms: number, hourly: boolean): string {
  const iso = new Date(ms).toISOString();
  return hourly ? iso.slice(0, 19) + 'Z' : iso.slice(0, 10);
}

function assemble(prepared: PreparedSeries, result: EngineResult, warnings: StorecastWarning[]): TrendForecast {
  const trend = summariseTrend(prepared.values, result.mean);
  const firstBand = result.bands[0];
  const last = result.mean.length - 1;
  const name = prepared.notes.length ? `${result.name} (${prepared.notes.join('; ')})` : result.name;
  const forecast: TrendForecast = {
    forecast: result.mean,
    intervals: result.bands,
    trend,
    seasonality: result.decompositions.map((d) => ({ period: d.period, strength: Number(d.strength.toFixed(4)) })),
    model: result.members ? { name, members: result.members } : { name },
    summary: describe(trend, prepared.horizon, prepared.frequency, firstBand && { level: firstBand.level, lower: firstBand.lower[last], upper: firstBand.upper[last] }),
    warnings,
  };
  if (prepared.times?.length) {
    const lastTime = prepared.times[prepared.times.length - 1];
    forecast.dates = result.mean.map((_, h) => isoDate(addSteps(lastTime, prepared.frequency, prepared.stepMs!, h + 1), prepared.frequency === 'hourly'));
  }
  return forecast;
}

/**
 * Forecasts many series; the neural member runs batched across them. Statistical members are fitted
 * per series. Results keep the input order.
 */
export async function forecastTrends(list: Array<number[] | SeriesInput>, options: ForecastOptions & { trendModel?: import('./neural/index.js').TrendModel } = {}): Promise<TrendForecast[]> {
  if (!Array.isArray(list)) throw invalidInput('forecastTrends expects an array of series.');
  const model = checkOptions(options);
  throwIfAborted(options.signal);
  const prepared = list.map((series, index) => {
    try {
      return prepareSeries(series, options);
    } catch (error) {
      if (error instanceof StorecastError && list.length > 1) throw new StorecastError(error.code, `series ${index}: ${error.message}`, { details: { ...error.details, series: index } });
      throw error;
    }
  });
  const analyses = prepared.map((p, i) => analyseSeries(p, Array.isArray(list[i]) ? undefined : (list[i] as SeriesInput).seasonalPeriod));
  const neuralSkipped = new Map<number, string>();
  const useNeural = model === 'lstm' || ((model === 'auto' || model === 'ensemble') && options.neural !== false);
  const neuralOptions = { required: model === 'lstm', model: options.trendModel, signal: options.signal };
  // First the network's backtests (they decide where it takes part), for the series where it can;
  // then its forecasts from the full history only where it won a weight: both batched across series.
  const neural = useNeural
    ? await neuralForecasts(prepared, (p) => backtestOrigins(p.values.length, backtestLength(p.values.length, p.horizon)).slice(0, 1), { ...neuralOptions, finals: false, eligible: (i, window) => neuralCanJoin(model, analyses[i], window), onSkip: (i, reason) => neuralSkipped.set(i, reason) })
    : undefined;
  const plans: EnginePlan[] = [];
  const progress = progressReporter(options.onProgress);
  let lastYield = Date.now();
  for (let i = 0; i < prepared.length; i++) {
    throwIfAborted(options.signal);
    plans.push(planEngine(prepared[i], model, analyses[i], neural?.[i]));
    progress.report('forecast', i + 1, prepared.length, 'series');
    // Keep a page responsive during big batches (the worker needs this for abort messages too).
    if (Date.now() - lastYield > 50) { await yieldToEventLoop(); lastYield = Date.now(); }
  }
  const wanted = plans.flatMap((plan, i) => (plan.needsNeuralFinal ? [i] : []));
  const finals = wanted.length ? await neuralForecasts(wanted.map((i) => prepared[i]), () => [], neuralOptions) : undefined;
  const neuralFinal = new Map(wanted.map((i, k) => [i, finals?.[k]?.final]));
  const warnings = await seriesWarnings(prepared, model, useNeural && !neural, neural?.some((n) => n?.backtests?.length) ?? false, analyses.map((a) => !!a));
  for (const [i, reason] of neuralSkipped) {
    // A series too short or constant to model has no ensemble to leave the network out of.
    if (analyses[i]) warnings[i].push(warning('MEMBER_SKIPPED', `The LSTM did not take part: ${reason}.`));
  }
  return plans.map((plan, i) => assemble(prepared[i], plan.finish(neuralFinal.get(i)), warnings[i]));
}

/** What each series' result must say it left out: the network, a failed backend, regrouped input. */
async function seriesWarnings(prepared: PreparedSeries[], model: ModelChoice, neuralUnavailable: boolean, neuralRan: boolean, modelled: boolean[]): Promise<StorecastWarning[][]> {
  const runtime = neuralRan ? (await ensureRuntime()).info.warnings : [];
  return prepared.map((p, i) => {
    const out = addWarnings([], ...p.warnings, ...runtime);
    if (neuralUnavailable) out.push(warning('MODEL_UNAVAILABLE', `The pretrained LSTM could not be loaded (${trendModelLoadFailure() ?? 'unknown reason'}); this forecast uses the statistical models only.`));
    if (model === 'lstm' && !modelled[i]) out.push(warning('MODEL_SUBSTITUTED', `model 'lstm' cannot forecast a constant series or one of fewer than 4 points; the forecast ${p.values.length < 4 ? 'repeats the last value' : 'is the constant value'}.`));
    return out;
  });
}

/** Forecast one sales or price history, with intervals and a plain-language trend summary. */
export async function forecastTrend(series: number[] | SeriesInput, options: ForecastOptions & { trendModel?: import('./neural/index.js').TrendModel } = {}): Promise<TrendForecast> {
  const [result] = await forecastTrends([series], options);
  return result;
}
