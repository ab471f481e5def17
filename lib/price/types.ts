import type { LongTaskOptions } from '../progress.js';
import type { EncoderOptions } from '../text/encoder.js';
import type { StorecastWarning } from '../warnings.js';

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
  /** Cross-validation folds: out-of-fold predictions train the stack and calibrate the ranges. Default 4. */
  folds?: number;
  /** Epochs of the sparse MLPs (their batch size doubles each epoch). Default 6; 2 above 10,000 products. */
  epochs?: number;
  encoder?: EncoderOptions;
  /** Seed for the folds and weight initialisation. Default 42. */
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
  /** Fused lexical (TF-IDF) and encoder similarity, 0–1. */
  similarity: number;
  /** The comparable's category path, when the catalog has one. */
  category?: string;
}

/** 'low' comes with a `reason` and a widened range: the product is unlike the catalog. */
export type Confidence = 'high' | 'medium' | 'low';

export interface PriceSuggestion {
  price: number;
  /** 80% range, per product: wider where the models disagree or the neighbours are far or spread. */
  low: number;
  high: number;
  confidence: Confidence;
  /** Why confidence is low. */
  reason?: string;
  /** Nearest catalog products (never the product itself). */
  comparables: Comparable[];
  /** Predicted values of the model's extra targets (trainPriceModel's `extraTargets`), by name. */
  extras?: Record<string, number>;
  warnings: StorecastWarning[];
}

export interface PriceModelMetrics {
  /** Cross-validated (out-of-fold) RMSLE of the stacked suggestion on the catalog. */
  validationRmsle: number;
  /** Out-of-fold share of catalog prices inside their 80% range. */
  validationCoverage80: number;
  trainedOn: number;
  skippedUnpriced: number;
  epochs: number;
  trainingMs: number;
  /** Ridge regularisation chosen by cross-validation. */
  ridgeLambda: number;
  /** The stacker cross-validation chose, and every candidate's out-of-fold RMSLE. */
  stacker: string;
  stackerScores: Record<string, number>;
  /** Out-of-fold RMSLE per member. */
  memberRmsle: Record<string, number>;
  /** Extra targets learnt with the price, with their validation RMSE in standard deviations. */
  extraTargets?: { name: string; validationRmse: number }[];
}

export interface PredictOptions {
  /** Comparable products returned per suggestion. Default 5. */
  comparables?: number;
  signal?: AbortSignal;
}

/** A trained price model: local (trainPriceModel) or living in a worker (createStorecast) — same methods. */
export interface PriceModel {
  readonly encoderId: string;
  /** The encoder options its products are embedded with (the training's `encoder`; undefined: the default encoder). */
  readonly encoderOptions?: EncoderOptions;
  readonly metrics: PriceModelMetrics;
  readonly createdAt: string;
  /** Suggestions for validated products, in order (predictPrice validates and delegates here). */
  predict(products: Product[], options?: PredictOptions): Promise<PriceSuggestion[]>;
  /** 'indexeddb://name', a file path (Node), or 'downloads://name.storecast' (browser). */
  save(url: string): Promise<void>;
  /** The model as one binary file (for your own storage). */
  toBytes(): Promise<Uint8Array>;
  dispose(): void;
}
