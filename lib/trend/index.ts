import { throwIfAborted, invalidInput } from '../errors.js';
import { addSteps, type PreparedSeries } from './prepare.js';
import { checkOptions, prepareAll, seasonalPeriods, type TrendOptions } from './options.js';
import { runEngine, type EngineResult } from './engine.js';
import { describe, summariseTrend } from './summary.js';
import { describeDrivers } from './describe.js';
import { resolveModels } from './registry.js';
import type { SeriesInput, TrendForecast } from './types.js';
import type { StorecastWarning } from '../warnings.js';

export type { ForecastOptions, Frequency, Interval, ModelChoice, SeriesInput, TrendForecast, TrendSummary } from './types.js';
export type { ForecastModel, FittedModel, ModelForecast, SeriesContext, Bands, BatchRequest, BatchOutcome, BatchContext } from './model.js';
export { normalBands } from './model.js';
export { MODEL_NAMES, type ModelName } from './registry.js';
export { HOLIDAY_COUNTRIES, holidayDates } from './holidays.js';
export { backtestTrend, type BacktestOptions, type BacktestResult } from './cross-validation.js';
export * from './metrics.js';
export type { TrendOptions } from './options.js';
export { loadTrendModel, fineTuneTrendModel, type TrendModel } from './neural/index.js';

function isoDate(ms: number, hourly: boolean): string {
  const iso = new Date(ms).toISOString();
  return hourly ? iso.slice(0, 19) + 'Z' : iso.slice(0, 10);
}

function assemble(prepared: PreparedSeries, result: EngineResult, warnings: StorecastWarning[]): TrendForecast {
  const trend = summariseTrend(prepared.values, result.mean);
  const firstBand = result.bands[0];
  const last = result.mean.length - 1;
  const name = prepared.notes.length ? `${result.name} (${prepared.notes.join('; ')})` : result.name;
  let dates: string[] | undefined;
  if (prepared.times?.length) {
    const lastTime = prepared.times[prepared.times.length - 1];
    dates = result.mean.map((_, h) => isoDate(addSteps(lastTime, prepared.frequency, prepared.stepMs!, h + 1), prepared.frequency === 'hourly'));
  }
  const description = describeDrivers(result, prepared, dates);
  const forecast: TrendForecast = {
    forecast: result.mean,
    intervals: result.bands,
    trend,
    seasonality: result.decompositions.map((d) => ({ period: d.period, strength: Number(d.strength.toFixed(4)) })),
    model: result.members ? { name, members: result.members, description } : { name, description },
    summary: describe(trend, prepared.horizon, prepared.frequency, firstBand && { level: firstBand.level, lower: firstBand.lower[last], upper: firstBand.upper[last] }, description),
    warnings,
  };
  if (dates) forecast.dates = dates;
  return forecast;
}

/**
 * Forecasts many series; batching members (the LSTM) run as one batch across them. Results keep
 * the input order.
 */
export async function forecastTrends(list: Array<number[] | SeriesInput>, options: TrendOptions = {}): Promise<TrendForecast[]> {
  if (!Array.isArray(list)) throw invalidInput('forecastTrends expects an array of series.');
  checkOptions(options);
  const { models, alone } = resolveModels(options);
  throwIfAborted(options.signal);
  const prepared = prepareAll(list, options);
  const { results, warnings } = await runEngine(prepared, models, { seasonalPeriods: seasonalPeriods(list), alone, signal: options.signal, onProgress: options.onProgress });
  return results.map((result, i) => assemble(prepared[i], result, warnings[i]));
}

/** Forecast one sales or price history, with intervals and a plain-language summary of what drives it. */
export async function forecastTrend(series: number[] | SeriesInput, options: TrendOptions = {}): Promise<TrendForecast> {
  const [result] = await forecastTrends([series], options);
  return result;
}
