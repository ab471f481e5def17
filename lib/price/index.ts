import { StorecastError, invalidInput } from '../errors.js';
import { loadEncoder, type EncoderOptions } from '../text/encoder.js';
import { PriceModelImpl } from './model.js';
import { decodeModel, loadBytes } from './persist.js';
import { validateProduct } from './validate.js';
import type { PredictOptions, PriceModel, PriceSuggestion, Product } from './types.js';

export type { AttributeValue, Comparable, Confidence, PredictOptions, PriceModel, PriceModelMetrics, PriceSuggestion, Product, TrainPriceOptions } from './types.js';
export { trainPriceModel } from './train.js';
export { MAX_TRAIN_PRODUCTS, MIN_TRAIN_PRODUCTS } from './validate.js';

export interface PredictPriceOptions extends PredictOptions {
  model: PriceModel;
}

const MAX_PREDICT = 10_000;

/** A suggested price, its 80% range and the comparable catalog products that justify it. */
export function predictPrice(product: Product, options: PredictPriceOptions): Promise<PriceSuggestion>;
export function predictPrice(product: Product[], options: PredictPriceOptions): Promise<PriceSuggestion[]>;
export async function predictPrice(product: Product | Product[], options: PredictPriceOptions): Promise<PriceSuggestion | PriceSuggestion[]> {
  const model = options?.model;
  if (!model || typeof (model as Partial<PriceModel>).predict !== 'function') throw new StorecastError('NOT_TRAINED', 'predictPrice needs { model }: train one with trainPriceModel(catalog) or load one with loadPriceModel(url) first.');
  const comparables = options.comparables ?? 5;
  if (!Number.isInteger(comparables) || comparables < 0 || comparables > 50) throw invalidInput('comparables must be an integer from 0 to 50.');
  const list = Array.isArray(product) ? product : [product];
  if (list.length > MAX_PREDICT) throw invalidInput(`predictPrice takes at most ${MAX_PREDICT} products per call; batch them.`);
  const products = list.map((p, i) => validateProduct(p, i));
  const out = products.length ? await model.predict(products, { comparables, signal: options.signal }) : [];
  return Array.isArray(product) ? out : out[0];
}

/** Where a saved price model comes from: 'indexeddb://name', a URL, a file path (Node), or its bytes (`toBytes()`). */
export type PriceModelSource = string | Uint8Array | ArrayBuffer;

/**
 * Loads a saved price model. The encoder it was trained with must be the one available now, or
 * MODEL_MISMATCH explains the difference.
 */
export async function loadPriceModel(source: PriceModelSource, options: { encoder?: EncoderOptions } = {}): Promise<PriceModel> {
  const bytes = source instanceof Uint8Array ? source : source instanceof ArrayBuffer ? new Uint8Array(source) : await loadBytes(source);
  const url = typeof source === 'string' ? source : `the given ${bytes.length} bytes`;
  const state = await decodeModel(bytes, url);
  const encoder = await loadEncoder(options.encoder ?? state.encoder);
  if (encoder.id !== state.encoderId) {
    throw new StorecastError('MODEL_MISMATCH', `The price model at ${url} was trained with text encoder ${state.encoderId}, but the encoder available is ${encoder.id}. Retrain the model, or load it with the encoder it was trained with.`, { details: { saved: state.encoderId, available: encoder.id } });
  }
  if (options.encoder) state.encoder = options.encoder;
  return new PriceModelImpl(state);
}
