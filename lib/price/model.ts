import { StorecastError } from '../errors.js';
import type { EncoderOptions } from '../text/encoder.js';
import { numericFeatures, productText, sparseRow, type FeatureSpace } from './features.js';
import { QUANTILES, logPriceRange, predictHead } from './head.js';
import { STACK_FEATURES, baseEstimate, embedProducts, headRow, knnFeatures, type Catalog } from './pipeline.js';
import { predictRidge } from './ridge.js';
import { encodeModel, saveBytes } from './persist.js';
import { extraTargetValue, withoutTargets, type ExtraTarget } from './extras.js';
import type { PriceModel, PriceModelMetrics, PriceSuggestion, Product } from './types.js';

type LayersModel = import('@tensorflow/tfjs').LayersModel;

export interface PriceModelState {
  encoderId: string;
  encoder?: EncoderOptions;
  createdAt: string;
  space: FeatureSpace;
  ridge: { weights: Float32Array; intercept: number; lambda: number };
  ridgeWeight: number;
  center: number;
  calibration: number;
  head: LayersModel;
  /** Multi-task outputs after the price quantiles (none for a price-only model). */
  extraTargets: ExtraTarget[];
  catalog: Catalog;
  metrics: PriceModelMetrics;
}

export class PriceModelImpl implements PriceModel {
  #disposed = false;
  constructor(readonly state: PriceModelState) {}

  get encoderId(): string { return this.state.encoderId; }
  get metrics(): PriceModelMetrics { return this.state.metrics; }
  get createdAt(): string { return this.state.createdAt; }

  async predict(given: Product[], comparables: number, signal?: AbortSignal): Promise<PriceSuggestion[]> {
    if (this.#disposed) throw new StorecastError('NOT_TRAINED', 'This price model was disposed; train or load it again.');
    const s = this.state;
    const products = given.map((p) => withoutTargets(p, s.extraTargets));
    const { matrix, dims, encoderId } = await embedProducts(products.map(productText), s.encoder, { signal });
    if (encoderId !== s.encoderId) throw new StorecastError('MODEL_MISMATCH', `This model was trained with encoder ${s.encoderId} but ${encoderId} is loaded; predictions would be meaningless. Load the same encoder or retrain.`);
    const numericSlots = 2 * s.space.numeric.length;
    const headDims = dims + STACK_FEATURES + numericSlots;
    const x = new Float32Array(products.length * headDims);
    const bases: number[] = [];
    const neighbourLists = products.map((p, i) => {
      const embedding = matrix.subarray(i * dims, (i + 1) * dims);
      // A product already in the catalog is not its own comparable.
      const self = p.id === undefined ? -1 : s.catalog.ids.indexOf(p.id);
      const k = knnFeatures(embedding, s.catalog, self >= 0 ? (j) => j === self : undefined);
      const stack = { ridge: predictRidge(sparseRow(p, s.space), s.ridge), knn: k.knn, knnSpread: k.knnSpread, topSimilarity: k.topSimilarity };
      bases.push(baseEstimate(stack, s.ridgeWeight));
      x.set(headRow(embedding, stack, s.center, numericFeatures(p, s.space), numericSlots), i * headDims);
      return k.neighbours;
    });
    const { outputs: q, width } = await predictHead(s.head, x, products.length, headDims);
    return products.map((_, i) => {
      const { median, low, high } = logPriceRange(q, width, i, bases[i], s.calibration);
      const price = (v: number): number => Math.max(0, Number(Math.expm1(v).toFixed(2)));
      return {
        price: price(median),
        low: price(low),
        high: price(high),
        comparables: neighbourLists[i].slice(0, comparables).map((n) => ({
          ...(s.catalog.ids[n.index] !== undefined ? { id: s.catalog.ids[n.index] } : {}),
          title: s.catalog.titles[n.index],
          price: s.catalog.prices[n.index],
          similarity: Number(n.similarity.toFixed(4)),
        })),
        ...(s.extraTargets.length ? { extras: Object.fromEntries(s.extraTargets.map((t, j) => [t.name, Number(extraTargetValue(t, q[i * width + QUANTILES.length + j]).toPrecision(4))])) } : {}),
      };
    });
  }

  async toBytes(): Promise<Uint8Array> {
    return encodeModel(this.state);
  }

  async save(url: string): Promise<void> {
    await saveBytes(url, await this.toBytes());
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.state.head.dispose();
  }
}
