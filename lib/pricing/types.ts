import type { LongTaskOptions } from '../progress.js';
import type { Frequency } from '../trend/types.js';

/** One period of one product's sales history. */
export interface DemandObservation {
  product: string;
  date: string | Date;
  /** Price charged in the period (> 0). */
  price: number;
  /** Units sold in the period (≥ 0; periods with 0 are left out of the log-scale fit, with a warning). */
  units: number;
  /** On promotion (true/1), or a promotion intensity (e.g. share of the period). Absent = no promotion. */
  promotion?: boolean | number;
  /** A competitor's price (> 0); enters as log price (a cross-price elasticity). */
  competitorPrice?: number;
  /** Other known drivers (feature/display flags, competing brands' log prices, temperature...). */
  covariates?: Record<string, number>;
}

/** A scenario to predict: a product at a date, a price and the same drivers as in training. */
export interface DemandScenario {
  product: string;
  date: string | Date;
  price: number;
  promotion?: boolean | number;
  competitorPrice?: number;
  covariates?: Record<string, number>;
}

export type DemandWarning = import('../warnings.js').StorecastWarning;

export interface FitDemandOptions extends LongTaskOptions {
  /** Period of the history; inferred from the dates when absent. */
  frequency?: Frequency;
  /** product → group: products of a group share strength (partial pooling of their effects). */
  groups?: Record<string, string>;
  /** Dates of holidays: a period containing one gets a 'holiday' effect (pooled like the others). */
  holidays?: Array<string | Date>;
}

export interface Elasticity {
  estimate: number;
  /** 80% interval. */
  low: number;
  high: number;
}

export interface ElasticityDetail extends Elasticity {
  /** Share of the estimate that comes from the product's own data (1 - shrinkage). */
  ownWeight: number;
  /** Price changes (≥ 0.5%) between consecutive observed periods that the estimate rests on. */
  priceChanges: number;
  group: string;
}

export interface DemandPrediction {
  /** Median units (exp of the predicted log units). */
  units: number;
  /** 80% interval. */
  low: number;
  high: number;
}

export interface DemandModel {
  readonly products: string[];
  readonly frequency: Frequency;
  readonly warnings: DemandWarning[];
  /** Names of the fitted effects besides price (promotion, competitorPrice, holiday, covariate names). */
  readonly effects: string[];
  elasticity(product: string): Elasticity;
  elasticityDetail(product: string): ElasticityDetail;
  /** The product's effects with 80% intervals (log-units change per unit of each driver; price and competitorPrice per log unit); drivers it never had are left out. */
  coefficients(product: string): Record<string, Elasticity>;
  predict(scenarios: DemandScenario[]): Promise<DemandPredictionBatch>;
  toBytes(): Promise<Uint8Array>;
  save(url: string): Promise<void>;
}

/** Predictions in scenario order, with the warnings they raised (e.g. a covariate the product never had). */
export type DemandPredictionBatch = DemandPrediction[] & { warnings: DemandWarning[] };

export interface OptimizePriceOptions {
  product: string;
  /** Unit cost; the price never goes below it (margin ≥ 0). */
  cost: number;
  objective?: 'profit' | 'revenue';
  min?: number;
  max?: number;
  /** Largest change from the last observed price, as a fraction (0.1 = ±10%). */
  maxChange?: number;
  /** Units in stock for the whole `periods` horizon: sales are capped at it. */
  inventory?: number;
  /** Periods the price is held for (default 1); units, revenue and profit are totals over them. */
  periods?: number;
  /** First period the price applies to. Default: the period after the product's last observation. */
  date?: string | Date;
  promotion?: boolean | number;
  competitorPrice?: number;
  covariates?: Record<string, number>;
  /** Candidate prices on the curve (default 61). */
  points?: number;
}

export interface PricePoint {
  price: number;
  units: number;
  revenue: number;
  profit: number;
  /** 80% interval of the objective (profit, or revenue when that is the objective) at this price. */
  low: number;
  high: number;
  /** 80% interval of units. */
  unitsLow: number;
  unitsHigh: number;
  /** Outside the range of prices the product was observed at. */
  extrapolated: boolean;
}

export interface PriceRecommendation extends PricePoint {
  curve: PricePoint[];
  elasticity: Elasticity;
  reasons: string[];
  warnings: DemandWarning[];
}
