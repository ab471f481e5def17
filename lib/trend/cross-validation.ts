import { invalidInput, throwIfAborted } from '../errors.js';
import { runEngine } from './engine.js';
import { addHolidayCovariates } from './holidays.js';
import { checkOptions, seasonalPeriods, type TrendOptions } from './options.js';
import { intervalCoverage, mase, rmsse, smape } from './metrics.js';
import { prepareSeries, type PreparedSeries } from './prepare.js';
import { resolveModels } from './registry.js';
import type { Interval, SeriesInput } from './types.js';

export interface BacktestOptions extends TrendOptions {
  /** Forecast origins to test, latest last. Default 3. */
  windows?: number;
  /** Points between origins. Default: the horizon (windows do not overlap). */
  step?: number;
}

export interface BacktestWindow {
  /** Points of history the forecast was made from. */
  origin: number;
  /** Date of the last point of that history, when dates were given. */
  cutoff?: string;
  actual: number[];
  forecast: number[];
  intervals: Interval[];
  /** Each member that took part, with its weight and its own forecast. */
  members: { name: string; weight: number; forecast: number[] }[];
}

export interface Accuracy { mase: number; smape: number; rmsse: number }

export interface BacktestResult {
  windows: BacktestWindow[];
  /** Over all windows: the combined forecast's accuracy and its interval coverage per level. */
  metrics: Accuracy & { coverage: Record<number, number> };
  /** Per member, over the windows where it took part. */
  members: Record<string, Accuracy & { windows: number }>;
}

const BACKTEST_KEYS = new Set(['horizon', 'levels', 'model', 'models', 'holidays', 'signal', 'onProgress', 'duplicateDates', 'trendModel', 'neural', 'windows', 'step']);

/**
 * Rolling-origin cross-validation, like statsforecast's `cross_validation`: the series is cut at
 * `windows` origins (`step` apart, the last one `horizon` before the end), everything is fitted
 * again on each cut, and each window's forecast is compared with what happened. Covariates here
 * cover the observed history only (values.length entries): every window's future is in it.
 */
export async function backtestTrend(series: number[] | SeriesInput, options: BacktestOptions = {}): Promise<BacktestResult> {
  checkOptions(options, BACKTEST_KEYS);
  const { models, alone } = resolveModels(options);
  const windows = options.windows ?? 3;
  if (!Number.isInteger(windows) || windows < 1) throw invalidInput(`windows must be a positive integer, got ${String(windows)}.`);
  const input: SeriesInput = Array.isArray(series) ? { values: series } : series;
  // The whole series, prepared once; covariates padded so the check of history + horizon passes.
  const probe = prepareSeries({ ...input, covariates: undefined }, options);
  const horizon = probe.horizon;
  const step = options.step ?? horizon;
  if (!Number.isInteger(step) || step < 1) throw invalidInput(`step must be a positive integer, got ${String(step)}.`);
  const padded = input.covariates && Object.fromEntries(Object.entries(input.covariates).map(([k, v]) => {
    if (!Array.isArray(v) || v.length !== input.values.length) throw invalidInput(`covariate '${k}' needs ${input.values.length} values (one per observation) in a backtest, got ${Array.isArray(v) ? v.length : typeof v}.`);
    return [k, [...v, ...new Array<number>(horizon).fill(v[v.length - 1])]];
  }));
  const full = prepareSeries({ ...input, covariates: padded }, options);
  if (options.holidays) addHolidayCovariates(full, options.holidays.country);
  const n = full.values.length;
  const origins = Array.from({ length: windows }, (_, k) => n - horizon - (windows - 1 - k) * step).filter((o) => o >= 4);
  if (!origins.length) throw invalidInput(`series of ${n} points is too short to backtest a horizon of ${horizon}.`);
  throwIfAborted(options.signal);
  const cuts: PreparedSeries[] = origins.map((origin) => ({
    ...full,
    values: full.values.slice(0, origin),
    times: full.times?.slice(0, origin),
    covariates: Object.fromEntries(Object.entries(full.covariates).map(([k, v]) => [k, v.slice(0, origin + horizon)])),
    nonNegative: full.nonNegative,
    warnings: [],
  }));
  const given = seasonalPeriods([series])[0];
  const { results } = await runEngine(cuts, models, { seasonalPeriods: cuts.map(() => given), alone, signal: options.signal, onProgress: options.onProgress });
  const period = results.find((r) => r.decompositions.length)?.decompositions[0].period ?? 1;
  const out: BacktestWindow[] = results.map((r, w) => {
    const origin = origins[w];
    const weights = new Map((r.members ?? [{ name: r.name, weight: 1 }]).map((m) => [m.name.split(':')[0], m.weight]));
    return {
      origin,
      cutoff: full.times ? new Date(full.times[origin - 1]).toISOString().slice(0, full.frequency === 'hourly' ? 19 : 10) : undefined,
      actual: Array.from(full.values.subarray(origin, origin + horizon)),
      forecast: r.mean,
      intervals: r.bands,
      members: r.memberForecasts.map((m) => ({ name: m.name, weight: weights.get(m.name) ?? 1, forecast: m.mean })),
    };
  });
  const accuracy = (pick: (w: BacktestWindow) => number[] | undefined): Accuracy & { windows: number } => {
    const scored = out.flatMap((w) => {
      const f = pick(w);
      if (!f) return [];
      const insample = full.values.subarray(0, w.origin);
      const actual = w.actual;
      const forecast = f.slice(0, actual.length);
      return [{ mase: mase(actual, forecast, insample, period), smape: smape(actual, forecast), rmsse: rmsse(actual, forecast, insample) }];
    });
    const average = (key: keyof Accuracy): number => scored.reduce((a, s) => a + s[key], 0) / Math.max(1, scored.length);
    return { mase: average('mase'), smape: average('smape'), rmsse: average('rmsse'), windows: scored.length };
  };
  const { windows: _count, ...combined } = accuracy((w) => w.forecast);
  const coverage: Record<number, number> = {};
  for (const level of full.levels) {
    let inside = 0;
    let total = 0;
    for (const w of out) {
      const band = w.intervals.find((b) => b.level === level)!;
      inside += intervalCoverage(w.actual, band.lower, band.upper) * w.actual.length;
      total += w.actual.length;
    }
    coverage[level] = total ? inside / total : NaN;
  }
  const names = [...new Set(out.flatMap((w) => w.members.map((m) => m.name)))];
  const members = Object.fromEntries(names.map((name) => [name, accuracy((w) => w.members.find((m) => m.name === name)?.forecast)]));
  return { windows: out, metrics: { ...combined, coverage }, members };
}
