import type { Frequency } from '../trend/types.js';
import type { EtsSpec } from '../trend/models/ets.js';
import type { Prior } from './pooling.js';
import type { DemandWarning } from './types.js';

/**
 * Everything a fitted demand model is: plain JSON-safe data, so it can be saved, sent to a worker
 * and rebuilt from bytes (see persist.ts) with identical predictions.
 */
export interface ProductState {
  product: string;
  group: string;
  /** First and last period of the history on the model's calendar. */
  first: number;
  last: number;
  /** Posterior means of the effects (featureNames order) and their covariance (row-major). */
  coefficients: number[];
  covariance: number[];
  /** Share of the price effect from the product's own data. */
  ownWeight: number;
  /** Extra variance of each effect from the uncertainty of its group mean. */
  priorMeanVariance: number[];
  baseline: { spec: EtsSpec; alpha: number; beta: number; phi: number; level: number; slope: number };
  /** Deseasonalised log units minus the fitted effects, one per grid period (the baseline's input). */
  history: number[];
  /** Key of the seasonal profile used ('' for none). */
  season: string;
  present: boolean[];
  featureMeans: number[];
  lastFeatures: number[];
  /** `seen`: the distinct prices sold at (candidates for the optimiser); empty beyond 200 of them. */
  prices: { min: number; max: number; last: number; changes: number; seen: number[] };
  observations: number;
}

export interface DemandState {
  format: 'storecast-demand-model';
  version: number;
  createdAt: string;
  frequency: Frequency;
  anchor: number;
  featureNames: string[];
  holidayPeriods: number[];
  seasonPeriod: number;
  seasons: Record<string, number[]>;
  priors: Record<string, Record<string, Prior>>;
  /** Factor (≥ 1) the split-half check scaled the noise variances by (see fit.ts calibrate). */
  varianceCalibration: number;
  products: ProductState[];
  warnings: DemandWarning[];
}
