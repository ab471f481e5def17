import type { LongTaskOptions } from '../progress.js';
import type { StorecastWarning } from '../warnings.js';

export type Frequency = 'hourly' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly';
export type ModelChoice = 'auto' | 'ensemble' | 'lstm' | 'ets' | 'theta' | 'arima' | 'seasonal-naive' | 'intermittent';

export interface SeriesInput {
  values: Array<number | null>;
  /** One date per value (ISO string or Date). Unsorted, duplicated or missing dates are regularised. */
  dates?: Array<string | Date>;
  frequency?: Frequency;
  seasonalPeriod?: number;
  /** Known-into-the-future regressors (promotion flags, price, holidays): length = values.length + horizon. */
  covariates?: Record<string, number[]>;
}

export interface ForecastOptions extends LongTaskOptions {
  horizon?: number;
  /** Interval levels in percent. Default [80, 95]. */
  levels?: number[];
  /** One model or a preset ('auto'/'ensemble': every member). Use `models` to pick several. */
  model?: ModelChoice;
  /**
   * The members to combine, by name ('ets', 'theta', 'arima', 'seasonal-naive', 'croston-sba', 'tsb',
   * 'lstm') or as model values implementing `ForecastModel` (see lib/trend/README.md).
   */
  models?: Array<import('./registry.js').ModelName | import('./model.js').ForecastModel>;
  /**
   * Public holidays as known-future covariates, from the built-in calendars (needs dates):
   * `{ country: 'US' }`. See `HOLIDAY_COUNTRIES`.
   */
  holidays?: { country: string };
  /** How values sharing a date are combined. Default 'sum' (sales); use 'mean' for prices. */
  duplicateDates?: 'sum' | 'mean' | 'last';
  /** Include the pretrained LSTM in 'auto'/'ensemble' (default true; skipped quietly if it cannot load). */
  neural?: boolean;
}

export interface Interval {
  level: number;
  lower: number[];
  upper: number[];
}

export interface TrendSummary {
  direction: 'up' | 'down' | 'flat';
  /** Mean of the forecast vs mean of the last `horizon` observations, in percent. */
  changePercent: number;
  /** Least-squares slope of the point forecast, in series units per period. */
  slopePerPeriod: number;
}

export interface TrendForecast {
  forecast: number[];
  intervals: Interval[];
  dates?: string[];
  trend: TrendSummary;
  seasonality: { period: number; strength: number }[];
  model: {
    /** For developers: the member (with what it fitted) or 'ensemble'. */
    name: string;
    members?: { name: string; weight: number }[];
    /** What drives the forecast, in plain words: "weekly pattern, gently rising trend, holiday effect +35% on 24 Dec". */
    description: string;
  };
  /** One plain sentence a merchant can read. */
  summary: string;
  /** What was left out or changed, and why (a model that could not load, a slower backend, regrouped dates). */
  warnings: StorecastWarning[];
}

/** What each member model produces on the (scaled) series. */
export interface MemberForecast {
  name: string;
  mean: number[];
  /** Standard deviation of the h-step error, per step (normal intervals), or explicit quantiles. */
  sd?: number[];
  quantiles?: Map<number, number[]>;
}
