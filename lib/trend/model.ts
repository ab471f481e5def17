import type { StorecastWarning } from '../warnings.js';
import type { PreparedSeries } from './prepare.js';
import type { Decomposition } from './seasonality.js';
import { normalQuantile } from './stats.js';

/**
 * The one shape every member forecasts in: a mean and, per interval level (percent), lower and
 * upper bounds. Members produce their own bands (normal from an error variance, quantiles from a
 * network, empirical for intermittent demand); the engine only averages and calibrates them.
 */
export interface Bands {
  mean: number[];
  lower: Map<number, number[]>;
  upper: Map<number, number[]>;
}

export interface ModelForecast extends Bands {
  /** What was fitted, for developers: 'ets(A,N,N)', 'arima(0,1,1)(0,1,1)12'. */
  label: string;
}

/** A series as every member sees it: scaled by its mean absolute value, analysed once. */
export interface SeriesContext {
  /** Position in the batch. */
  index: number;
  prepared: PreparedSeries;
  /** The history members fit: scaled, with known covariate effects and one-off pulses taken out. */
  y: Float64Array;
  /** The scaled history as observed (what backtests are scored against). */
  observed: Float64Array;
  scale: number;
  decompositions: Decomposition[];
  /** Many zeros: only intermittent-demand members apply. */
  intermittent: boolean;
  /** Interval levels members produce: the requested ones and 80 (what calibration measures). */
  levels: number[];
}

/** A member fitted on the first `trainLength` points of a series. */
export interface FittedModel {
  /** Forecast from `history` (a prefix of the series, or all of it) with the fitted parameters frozen. */
  forecast(history: Float64Array, horizon: number): ModelForecast;
  /** The forecast from the full history where the member re-estimates on it first (default: `forecast`). */
  final?(history: Float64Array, horizon: number): ModelForecast;
}

export interface BatchRequest {
  series: SeriesContext;
  /** History lengths to forecast from: the full length for the final forecast, backtest origins otherwise. */
  cuts: number[];
  horizon: number;
}

export interface BatchOutcome {
  /** Per request, one forecast per cut (scaled like the series); undefined where the model skipped it. */
  forecasts: Array<ModelForecast[] | undefined>;
  /** Per request, why the model did not take part (said to the user as a warning). */
  skipped: Array<string | undefined>;
  /** Set when the model could not be loaded at all and was not required. */
  unavailable?: string;
  /** Anything else the user must know (e.g. a slower backend). */
  warnings?: StorecastWarning[];
}

export interface BatchContext {
  /** The user asked for this model alone: it must load and must answer, or the call fails. */
  required: boolean;
  signal?: AbortSignal;
}

/**
 * A forecasting model as a value. Either `fit` (per series, synchronous) or `batch` (many series at
 * once, e.g. a network run as one tensor batch). The engine treats every model the same way:
 * fit or batch-forecast, backtest, weight, combine.
 */
export interface ForecastModel {
  /** Registry name, listed in `model.members`. */
  readonly name: string;
  /** Which series it applies to: regular demand (default), intermittent demand, or both. */
  readonly demand?: 'regular' | 'intermittent' | 'any';
  /**
   * It reads the covariates itself: the engine does not add the regression effect to its forecasts.
   */
  readonly ownCovariates?: boolean;
  /**
   * Zero-shot on this series: it was neither fitted to it nor trained on series like it, so it
   * joins an ensemble only where its error over the backtest windows is no larger than the best
   * fitted member's (a small weight for a poor member still costs accuracy). A function decides
   * per series.
   */
  readonly zeroShot?: boolean | ((series: SeriesContext) => boolean);
  /** Backtest windows it forecasts (default all); batching members may do fewer to save time. */
  readonly backtestWindows?: number;
  /** Per-series fit on `series.y.subarray(0, trainLength)`; undefined when it cannot fit this series. */
  fit?(series: SeriesContext, trainLength: number): FittedModel | undefined;
  batch?(requests: BatchRequest[], context: BatchContext): Promise<BatchOutcome>;
}

/** z of each interval level: normalQuantile is called per member forecast otherwise (thousands per batch). */
const zOfLevel = new Map<number, number>();

/** Normal bands around a mean from the standard deviation of the h-step error. */
export function normalBands(label: string, mean: number[], sd: number[], levels: number[]): ModelForecast {
  const lower = new Map<number, number[]>();
  const upper = new Map<number, number[]>();
  for (const level of levels) {
    let z = zOfLevel.get(level);
    if (z === undefined) { z = normalQuantile(0.5 + level / 200); zOfLevel.set(level, z); }
    const k = z;
    lower.set(level, mean.map((m, i) => m - k * sd[i]));
    upper.set(level, mean.map((m, i) => m + k * sd[i]));
  }
  return { label, mean, lower, upper };
}

/** Applies `f` to the mean and every bound (seasonal adjustment, scaling, adding an effect). */
export function mapBands<T extends Bands>(b: T, f: (values: number[], kind: 'mean' | 'lower' | 'upper') => number[]): T {
  const lower = new Map<number, number[]>();
  const upper = new Map<number, number[]>();
  for (const [level, values] of b.lower) lower.set(level, f(values, 'lower'));
  for (const [level, values] of b.upper) upper.set(level, f(values, 'upper'));
  return { ...b, mean: f(b.mean, 'mean'), lower, upper };
}
