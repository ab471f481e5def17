import { StorecastError, throwIfAborted } from '../errors.js';
import { embedText } from '../text/index.js';
import { loadEncoder, type EncoderOptions } from '../text/encoder.js';
import { hasUnspacedScript, segmenterAvailable } from '../text/scripts.js';
import { warning, type StorecastWarning } from '../warnings.js';
import type { SparseRow } from './features.js';
import { encoderCoverage, encoderCoverages, encoderText, featurize, leafCategory, titleKey, type FeaturizerState, type ProductFeatures } from './featurizer.js';
import { predictRidge } from './ridge.js';
import { mlpRowReader, predictMlp, type MlpWeights } from './mlp.js';
import { LexicalIndex, candidateScores, embeddingCandidates, rankCandidates, type Candidate, type Neighbour, type NeighbourCatalog } from './neighbours.js';
import { predictDense, type DenseRidge } from './dense.js';
import { MEMBER_NAMES, NEIGHBOURS, RIDGE_MEMBER, adjustedNeighbourEstimate, keepNearDuplicatePrices, categoryMedian, denseInput, memberSpread, neighbourStats, type CategoryMedians } from './members.js';
import { applyStacker, rangeFeatures, rangeScale, type RangeModel, type Stacker } from './stack.js';
import { encodeModel, saveBytes } from './persist.js';
import { extraTargetValue, withoutTargets, type ExtraTarget } from './extras.js';
import type { Confidence, PredictOptions, PriceModel, PriceModelMetrics, PriceSuggestion, Product } from './types.js';

/** Embedding candidates fetched per query before fusion with the lexical ones. */
const EMBEDDING_CANDIDATES = 40;
/** How much wider (in log space) a low-confidence range is than the model's own estimate. */
export const LOW_CONFIDENCE_WIDENING = 1.5;
/** A script used by fewer catalog titles than this share is "unseen". */
const UNSEEN_SCRIPT_SHARE = 0.02;

/** Bonus of a same-leaf-category neighbour when choosing the comparables shown. */
const SAME_CATEGORY_BONUS = 0.1;

/**
 * The comparables shown: the nearest neighbours, with a small bonus for the query's own leaf
 * category — a lookalike from another aisle explains a price less well — listed by their (fused)
 * similarity.
 */
function explainingComparables(neighbours: Neighbour[], leaves: string[], leaf: string, k: number): Neighbour[] {
  if (!leaf) return neighbours.slice(0, k);
  return neighbours.map((n) => ({ n, score: n.similarity + (leaves[n.index] === leaf ? SAME_CATEGORY_BONUS : 0) }))
    .sort((a, b) => b.score - a.score || a.n.index - b.n.index).slice(0, k).map((x) => x.n)
    .sort((a, b) => b.similarity - a.similarity || a.index - b.index);
}

export interface CatalogState {
  ids: Array<string | undefined>;
  titles: string[];
  leaves: string[];
  prices: Float64Array;
  logPrices: Float64Array;
  /** N × dims, unit rows. */
  embeddings: Float32Array;
  dims: number;
  lexical: SparseRow[];
  /** N × members: each product's out-of-fold member predictions (none saw its own price). */
  outOfFold: Float64Array;
  /** Each product's cross-validation fold. */
  fold: Int32Array;
}

export interface PriceModelState {
  encoderId: string;
  encoder?: EncoderOptions;
  /** Scripts the encoder reads (Encoder.scripts); absent: every script (and models saved before it was recorded). */
  encoderScripts?: string[];
  createdAt: string;
  featurizer: FeaturizerState;
  ridge: { weights: Float32Array; intercept: number; lambda: number };
  /**
   * The ridge of each fold (fitted without it): the ridge-adjusted neighbours compare a new product
   * with a fold-f neighbour by fold f's model, which never saw that neighbour's price. Empty when
   * trained with 2 folds (the member is then the plain neighbour estimate, as it was in cross-validation).
   */
  ridgeFolds: Array<{ weights: Float32Array; intercept: number }>;
  /** Ridge on the encoder's embedding and the dense slots (closed form). */
  encoderRidge: DenseRidge;
  /** One sparse MLP per view, trained on every product: a new product gets the mean of the views. */
  mlps: MlpWeights[];
  /** Standardisation of log prices for the MLP. */
  target: { mean: number; sd: number };
  lexicalWeight: number;
  /** Softmax temperature of the neighbour estimate. */
  temperature: number;
  embeddingBaseline: number;
  categoryMedians: CategoryMedians;
  stacker: Stacker;
  range: RangeModel;
  /** Top similarity below which a product is unlike the catalog (5th percentile of the catalog's own). */
  lowSimilarity: number;
  /** Median σ and top similarity over the catalog: at or better than both, confidence is high. */
  typicalScale: number;
  typicalSimilarity: number;
  /** Log-price bounds: a suggestion never leaves [min / 3, max × 3] of the catalog. */
  bounds: [number, number];
  extraTargets: ExtraTarget[];
  extraModels: Array<{ weights: Float32Array; intercept: number }>;
  catalog: CatalogState;
  metrics: PriceModelMetrics;
}

/** Everything the model computes for one product before it becomes a suggestion. */
interface Scored { members: number[]; neighbours: Neighbour[]; spread: number; top: number; self: number }

export class PriceModelImpl implements PriceModel {
  #disposed = false;
  #neighbourIndex?: NeighbourCatalog;
  /** One reader per MLP view (input, binary), built on first use: its column map is the size of the hashed space. */
  readonly #mlpReaders = new Map<string, ReturnType<typeof mlpRowReader>>();
  #catalogRidge?: Float64Array;
  #byId?: Map<string, number>;
  #byTitle?: Map<string, number>;
  #titleKeys?: string[];
  constructor(readonly state: PriceModelState) {}

  get encoderId(): string { return this.state.encoderId; }
  get encoderOptions(): EncoderOptions | undefined { return this.state.encoder; }
  get metrics(): PriceModelMetrics { return this.state.metrics; }
  get createdAt(): string { return this.state.createdAt; }

  /**
   * The catalog product a query is (same title, ignoring case and spacing; the id picks the row when
   * several share it): its own price must not answer for it. An id that comes back with another
   * title names another product (catalogs reuse ids), which is answered like any new product.
   */
  #catalogIndex(p: Product): number {
    const c = this.state.catalog;
    this.#byId ??= new Map(c.ids.flatMap((id, i) => (id === undefined ? [] : [[id, i] as [string, number]])));
    this.#byTitle ??= new Map(c.titles.map((t, i) => [titleKey(t), i]));
    const key = titleKey(p.title);
    const byId = p.id !== undefined ? this.#byId.get(p.id) : undefined;
    if (byId !== undefined && titleKey(c.titles[byId]) === key) return byId;
    return this.#byTitle.get(key) ?? -1;
  }

  #neighbourCatalog(): NeighbourCatalog {
    const c = this.state.catalog;
    this.#neighbourIndex ??= { embeddings: c.embeddings, dims: c.dims, lexical: c.lexical, index: new LexicalIndex(c.lexical), coverage: encoderCoverages(c.titles, this.state.encoderScripts) };
    return this.#neighbourIndex;
  }

  #mlpReader(w: MlpWeights): ReturnType<typeof mlpRowReader> {
    const key = `${w.input}:${w.binary}`;
    let reader = this.#mlpReaders.get(key);
    if (!reader) {
      reader = mlpRowReader(this.state.featurizer, w.input, w.binary);
      this.#mlpReaders.set(key, reader);
    }
    return reader;
  }

  /**
   * ridge(query) − ridge(neighbour) by the fold model of the neighbour's fold, which saw neither
   * price (a catalog product's prediction by that model is its stored out-of-fold ridge member).
   */
  #ridgeDifference(f: ProductFeatures): (j: number) => number {
    const s = this.state;
    if (!s.ridgeFolds.length) return () => 0;
    this.#catalogRidge ??= Float64Array.from(s.catalog.fold, (_, j) => s.catalog.outOfFold[j * MEMBER_NAMES.length + RIDGE_MEMBER]);
    const catalogRidge = this.#catalogRidge;
    const query = s.ridgeFolds.map((m) => predictRidge(f.sparse, m));
    return (j) => query[s.catalog.fold[j]] - catalogRidge[j];
  }

  /** Member predictions of a product not in the catalog (or whose own row is excluded by `exclude`). */
  #membersOf(f: ProductFeatures, embedding: Float32Array, leaf: string, candidates: Candidate[], neighbours: Neighbour[], neighbourEstimate: number): number[] {
    const s = this.state;
    const ridge = predictRidge(f.sparse, s.ridge);
    const adjusted = adjustedNeighbourEstimate(neighbours, s.catalog.logPrices, keepNearDuplicatePrices(candidates, this.#ridgeDifference(f)), ridge, s.temperature);
    let mlp = ridge;
    if (s.mlps.length) {
      let sum = 0;
      for (const w of s.mlps) sum += predictMlp(w, this.#mlpReader(w).read(f));
      mlp = (sum / s.mlps.length) * s.target.sd + s.target.mean;
    }
    return [ridge, mlp, neighbourEstimate, adjusted, predictDense(s.encoderRidge, denseInput(embedding, f.dense)), categoryMedian(leaf, s.categoryMedians)];
  }

  async #score(products: Product[], signal?: AbortSignal): Promise<{ scored: Scored[]; features: ProductFeatures[] }> {
    const s = this.state;
    const encoder = await loadEncoder(s.encoder);
    if (encoder.id !== s.encoderId) throw new StorecastError('MODEL_MISMATCH', `This model was trained with encoder ${s.encoderId} but ${encoder.id} is loaded; predictions would be meaningless. Load the same encoder or retrain.`);
    const vectors = await embedText(products.map(encoderText), { encoder: s.encoder, signal });
    throwIfAborted(signal);
    const dims = s.catalog.dims;
    const queries = new Float32Array(products.length * dims);
    vectors.forEach((v, i) => queries.set(v.subarray(0, dims), i * dims));
    const candidates = await embeddingCandidates(queries, s.catalog.embeddings, dims, EMBEDDING_CANDIDATES + 1);
    const catalog = this.#neighbourCatalog();
    const features = products.map((p) => featurize(p, s.featurizer));
    const readable = s.encoderScripts && new Set(s.encoderScripts);
    const scored = products.map((p, i): Scored => {
      const self = this.#catalogIndex(p);
      const selfTitle = titleKey(p.title);
      this.#titleKeys ??= s.catalog.titles.map(titleKey);
      const keys = this.#titleKeys;
      const exclude = (j: number): boolean => j === self || keys[j] === selfTitle;
      const scoredCandidates = candidateScores({ lexical: features[i].lexical, embedding: queries.subarray(i * dims, (i + 1) * dims), embeddingCandidates: candidates[i], coverage: encoderCoverage(p.title, readable) }, catalog, s.embeddingBaseline, exclude);
      const neighbours = rankCandidates(scoredCandidates, s.lexicalWeight, Math.max(NEIGHBOURS, 50));
      const nearest = neighbours.slice(0, NEIGHBOURS);
      const stats = neighbourStats(nearest, s.catalog.logPrices, s.categoryMedians.global, s.temperature);
      // A catalog product answers with its out-of-fold members: models that never saw its price.
      const members = self >= 0 ? Array.from(s.catalog.outOfFold.subarray(self * MEMBER_NAMES.length, (self + 1) * MEMBER_NAMES.length)) : this.#membersOf(features[i], queries.subarray(i * dims, (i + 1) * dims), leafCategory(p), scoredCandidates, nearest, stats.estimate);
      return { members, neighbours, spread: stats.spread, top: stats.top, self };
    });
    return { scored, features };
  }

  async predict(given: Product[], options: PredictOptions = {}): Promise<PriceSuggestion[]> {
    const comparables = options.comparables ?? 5;
    const signal = options.signal;
    if (this.#disposed) throw new StorecastError('NOT_TRAINED', 'This price model was disposed; train or load it again.');
    const s = this.state;
    const products = given.map((p) => withoutTargets(p, s.extraTargets));
    const { scored, features } = await this.#score(products, signal);
    return products.map((p, i) => {
      const { members, neighbours, spread, top, self } = scored[i];
      const center = Math.max(s.bounds[0], Math.min(s.bounds[1], applyStacker(s.stacker, members)));
      const sigma = rangeScale(s.range, rangeFeatures(memberSpread(members), spread, top));
      let halfWidth = s.range.quantile * sigma;
      const warnings: StorecastWarning[] = [];
      const reasons: string[] = [];
      const scriptShare = s.featurizer.scripts[features[i].script] ?? 0;
      if (features[i].script !== 'None' && scriptShare < UNSEEN_SCRIPT_SHARE) reasons.push(`its title is in ${features[i].script} script, which ${scriptShare ? 'few' : 'no'} catalog titles use`);
      if (top < s.lowSimilarity) reasons.push(`it is unlike every catalog product (best similarity ${top.toFixed(2)}, below the catalog's usual ${s.lowSimilarity.toFixed(2)})`);
      let confidence: Confidence = sigma <= s.typicalScale && top >= s.typicalSimilarity ? 'high' : 'medium';
      if (reasons.length) {
        confidence = 'low';
        halfWidth *= LOW_CONFIDENCE_WIDENING;
        warnings.push(warning('UNLIKE_CATALOG', `Low confidence: ${reasons.join('; ')}. The range is widened; check the price by hand.`));
      }
      if (!segmenterAvailable() && hasUnspacedScript(p.title)) warnings.push(warning('TEXT_NOT_SEGMENTED', 'This runtime has no Intl.Segmenter, so the title\'s Chinese, Japanese or Thai words were not split apart: the suggestion matches its characters, not its words. Current browsers and Node have it.'));
      if (self >= 0) warnings.push(warning('CATALOG_PRODUCT', `This product is in the training catalog (${s.catalog.ids[self] !== undefined ? `id ${s.catalog.ids[self]}` : `'${s.catalog.titles[self]}'`}); the suggestion comes from models that did not see its price, and it is not its own comparable.`));
      const price = (v: number): number => Math.max(0.01, Number(Math.expm1(v).toFixed(2)));
      const extras = s.extraTargets.length ? Object.fromEntries(s.extraTargets.map((t, j) => [t.name, Number(extraTargetValue(t, predictRidge(features[i].sparse, s.extraModels[j])).toPrecision(4))])) : undefined;
      return {
        price: price(center),
        low: price(center - halfWidth),
        high: price(center + halfWidth),
        confidence,
        ...(reasons.length ? { reason: reasons.join('; ') } : {}),
        comparables: explainingComparables(neighbours, s.catalog.leaves, leafCategory(p), comparables).map((n) => ({
          ...(s.catalog.ids[n.index] !== undefined ? { id: s.catalog.ids[n.index] } : {}),
          title: s.catalog.titles[n.index],
          price: s.catalog.prices[n.index],
          similarity: Number(n.similarity.toFixed(4)),
          ...(s.catalog.leaves[n.index] ? { category: s.catalog.leaves[n.index] } : {}),
        })),
        ...(extras ? { extras } : {}),
        warnings,
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
    this.#disposed = true;
  }
}
