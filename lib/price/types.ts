import type { LongTaskOptions } from '../progress.js';
import type { EncoderOptions } from '../text/encoder.js';

export type AttributeValue = string | number | boolean;

export interface Product {
  id?: string;
  title: string;
  description?: string;
  category?: string;
  brand?: string;
  attributes?: Record<string, AttributeValue>;
  /** Required for training; ignored when predicting. */
  price?: number;
}

export interface TrainPriceOptions extends LongTaskOptions {
  /** Share of the priced products held out for early stopping and range calibration. Default 0.15. */
  validationSplit?: number;
  /** Maximum epochs of the TF.js head (early stopping usually ends sooner). Default 150. */
  epochs?: number;
  encoder?: EncoderOptions;
  /** Seed for the split and weight initialisation. Default 42. */
  seed?: number;
  /**
   * Numeric attributes to learn as extra heads next to the price (multi-task), e.g.
   * `['unitsSold', 'rating']`. They stop being inputs and are predicted in `PriceSuggestion.extras`.
   */
  extraTargets?: string[];
}

export interface Comparable {
  id?: string;
  title: string;
  price: number;
  similarity: number;
}

export interface PriceSuggestion {
  price: number;
  /** 80% range. */
  low: number;
  high: number;
  comparables: Comparable[];
  /** Predicted values of the model's extra targets (trainPriceModel's `extraTargets`), by name. */
  extras?: Record<string, number>;
}

export interface PriceModelMetrics {
  /** On the validation split, in log1p space. */
  validationRmsle: number;
  validationCoverage80: number;
  trainedOn: number;
  skippedUnpriced: number;
  epochs: number;
  trainingMs: number;
  /** Ridge regularisation chosen by cross-validation. */
  ridgeLambda: number;
  /** Extra targets learnt with the price, with their validation RMSE in standard deviations. */
  extraTargets?: { name: string; validationRmse: number }[];
}

export interface PriceModel {
  readonly encoderId: string;
  readonly metrics: PriceModelMetrics;
  readonly createdAt: string;
  /** 'indexeddb://name', a file path (Node), or 'downloads://name.storecast' (browser). */
  save(url: string): Promise<void>;
  /** The model as one binary file (for your own storage). */
  toBytes(): Promise<Uint8Array>;
  dispose(): void;
}
