import { breather, throwIfAborted, yieldToEventLoop } from '../errors.js';
import type { ProgressReporter } from '../progress.js';
import type { SparseRow } from './features.js';
import type { FeaturizerState, ProductFeatures } from './featurizer.js';
import { append, titleKey } from './featurizer.js';
import { fitRidge, predictRidge } from './ridge.js';
import { MLP_VARIANTS, mlpRowReader, mlpSteps, predictMlp, trainMlp, type MlpWeights } from './mlp.js';
import { LexicalIndex, candidateScores, embeddingBaseline, embeddingCandidates, rankCandidates, type Candidate } from './neighbours.js';
import { DEFAULT_TEMPERATURE, NEIGHBOURS, TEMPERATURES, denseInput, neighbourStats, pathPrefixes } from './members.js';
import { gram, fitDenseRidge, predictDense, type DenseRidge } from './dense.js';
import type { ExtraTarget } from './extras.js';
import type { Product } from './types.js';

/**
 * Stage 4 of training: every member's out-of-fold predictions (each product's come from models
 * that did not see its price), and the models new products get.
 */
/** Largest first: each fold's fit starts from the previous λ's (the path is smooth, and strong regularisation converges fastest). */
const LAMBDAS = [0.3, 0.1, 0.03, 0.01];
const LAMBDA_SEARCH_ROWS = 6000;
const DENSE_LAMBDAS = [10, 100, 1000, 10000];
const LEXICAL_WEIGHTS = [0.3, 0.5, 0.7];
const EMBEDDING_CANDIDATES = 40;

export const rmse = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / a.length);
};

/** The validated catalog and its folds (stage 1). */
export interface Prepared { priced: Product[]; skipped: number; extraTargets: ExtraTarget[]; extras: Float32Array; logPrices: Float64Array; folds: number; fold: Int32Array; epochs: number; seed: number }

export const foldRows = (p: Prepared, f: number, inFold: boolean): number[] => Array.from(p.fold.keys()).filter((r) => (p.fold[r] === f) === inFold);

export interface RidgeModel { weights: Float32Array; intercept: number }

/** The ridge member and what the ridge-adjusted neighbours read of it. */
export interface CrossValidatedRidge {
  oof: Float64Array;
  /** The model for new products (every row). */
  ridge: RidgeModel & { lambda: number };
  /** Fold f's model (it did not see fold f): a new product's neighbour in fold f is compared with the query by it. */
  folds: RidgeModel[];
  /**
   * `pairs[f * K + g]` (= `pairs[g * K + f]`): for the rows of folds f and g, the predictions of a
   * ridge fitted on the other folds. A fold-f product and its fold-g neighbour are compared by a
   * model that saw neither, as a new product and its fold-g neighbour are by fold g's model.
   * Empty with 2 folds (no rows would be left to fit).
   */
  pairs: Float64Array[];
}

/**
 * Stage 4a: ridge. λ is chosen by the out-of-fold error over every fold (on a large catalog, on a
 * sample of fold 0: the choice is stable and the fits are not cheap); the model for new products
 * is refitted on every row with that λ (fold models each saw only (K − 1)/K of the catalog, and
 * their mean is shrunk like one of them). The fold models are kept and one model per pair of
 * folds is fitted with the same λ, for the ridge-adjusted neighbours.
 */
export async function crossValidateRidge(p: Prepared, rows: SparseRow[], dimension: number, signal: AbortSignal | undefined, progress: ProgressReporter): Promise<CrossValidatedRidge> {
  const n = rows.length;
  const fitOn = (take: number[], lambda: number, initial?: RidgeModel): RidgeModel => fitRidge(take.map((r) => rows[r]), Float64Array.from(take, (r) => p.logPrices[r]), dimension, lambda, { initial: initial?.weights });
  const sampleTrain = foldRows(p, 0, false).slice(0, LAMBDA_SEARCH_ROWS);
  const large = sampleTrain.length < foldRows(p, 0, false).length;
  const pairCount = p.folds > 2 ? (p.folds * (p.folds - 1)) / 2 : 0;
  const total = (large ? LAMBDAS.length + p.folds : LAMBDAS.length * p.folds) + pairCount + 1;
  let done = 0;
  const step = async (): Promise<void> => { throwIfAborted(signal); progress.report('ridge', ++done, total, 'folds'); await yieldToEventLoop(); };
  let lambda = LAMBDAS[0];
  let best = Infinity;
  let oof = new Float64Array(n);
  let folds: RidgeModel[] = [];
  if (large) {
    const sampleTest = foldRows(p, 0, true).slice(0, LAMBDA_SEARCH_ROWS / 3);
    for (const l of LAMBDAS) {
      const model = fitOn(sampleTrain, l);
      const error = rmse(sampleTest.map((r) => predictRidge(rows[r], model)), sampleTest.map((r) => p.logPrices[r]));
      if (error < best) { best = error; lambda = l; }
      await step();
    }
    for (let f = 0; f < p.folds; f++) {
      const model = fitOn(foldRows(p, f, false), lambda);
      for (const r of foldRows(p, f, true)) oof[r] = predictRidge(rows[r], model);
      folds.push(model);
      await step();
    }
  } else {
    let previous: RidgeModel[] = [];
    for (const l of LAMBDAS) {
      const predicted = new Float64Array(n);
      const models: RidgeModel[] = [];
      for (let f = 0; f < p.folds; f++) {
        const model = fitOn(foldRows(p, f, false), l, previous[f]);
        for (const r of foldRows(p, f, true)) predicted[r] = predictRidge(rows[r], model);
        models.push(model);
        await step();
      }
      const error = rmse(predicted, p.logPrices);
      if (error < best) { best = error; lambda = l; oof = predicted; folds = models; }
      previous = models;
    }
  }
  const pairs: Float64Array[] = [];
  for (let f = 0; f < p.folds && pairCount; f++) {
    for (let g = f + 1; g < p.folds; g++) {
      // A cold start: every other fitted model saw fold f or g, and a warm start would carry a trace of their prices.
      const model = fitOn(Array.from(p.fold.keys()).filter((r) => p.fold[r] !== f && p.fold[r] !== g), lambda);
      const predicted = new Float64Array(n);
      for (const r of p.fold.keys()) if (p.fold[r] === f || p.fold[r] === g) predicted[r] = predictRidge(rows[r], model);
      pairs[f * p.folds + g] = predicted;
      pairs[g * p.folds + f] = predicted;
      await step();
    }
  }
  const model = fitOn(Array.from({ length: n }, (_, i) => i), lambda, folds[0]);
  await step();
  progress.finish('ridge');
  return { oof, ridge: { ...model, lambda }, folds, pairs };
}

/**
 * Stage 4b: the sparse MLPs, one per view (MLP_VARIANTS) and fold for the out-of-fold predictions
 * (a held-out row gets the mean of its fold's views), then one per view on every row for new
 * products: one pass per view at prediction time instead of one per view and fold, and a model
 * that saw the whole catalog, as the ridge's does.
 */
export async function crossValidateMlp(p: Prepared, features: ProductFeatures[], featurizer: FeaturizerState, signal: AbortSignal | undefined, progress: ProgressReporter): Promise<{ oof: Float64Array; mlps: MlpWeights[]; target: { mean: number; sd: number } }> {
  const n = features.length;
  const mean = p.logPrices.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(p.logPrices.reduce((a, b) => a + (b - mean) ** 2, 0) / n) || 1;
  const y = Float32Array.from(p.logPrices, (v) => (v - mean) / sd);
  const views = MLP_VARIANTS.map((variant) => {
    const reader = mlpRowReader(featurizer, variant.input, variant.binary);
    return { variant, inputs: reader.columns + features[0].dense.length, rows: features.map(reader.read) };
  });
  const all = Array.from({ length: n }, (_, i) => i);
  const trainings = [...Array.from({ length: p.folds }, (_, f) => foldRows(p, f, false)), all];
  const totalSteps = MLP_VARIANTS.length * trainings.map((rows) => mlpSteps(rows.length, { epochs: p.epochs, batch: MLP_VARIANTS[0].batch })).reduce((a, b) => a + b, 0);
  let steps = 0;
  const oof = new Float64Array(n);
  const mlps: MlpWeights[] = [];
  for (const [f, train] of trainings.entries()) {
    for (const [v, { variant, inputs, rows }] of views.entries()) {
      const config = { ...variant, epochs: p.epochs, seed: p.seed + f + 100 * v };
      const weights = await trainMlp(train.map((r) => rows[r]), Float32Array.from(train, (r) => y[r]), inputs, config, { signal, onStep: () => progress.report('mlp', ++steps, totalSteps, 'steps') });
      if (f < p.folds) for (const r of foldRows(p, f, true)) oof[r] += (predictMlp(weights, rows[r]) * sd + mean) / views.length;
      else mlps.push(weights);
    }
  }
  progress.finish('mlp');
  return { oof, mlps, target: { mean, sd } };
}

/** Stage 4d: the encoder ridge (embedding + quantities, closed form), λ chosen on fold 0, out of fold, then on everything. */
export async function crossValidateEncoderRidge(p: Prepared, features: ProductFeatures[], embeddings: Float32Array, dims: number, signal: AbortSignal | undefined, progress: ProgressReporter): Promise<{ oof: Float64Array; model: DenseRidge }> {
  const n = features.length;
  const rows = features.map((f, i) => denseInput(embeddings.subarray(i * dims, (i + 1) * dims), f.dense));
  const width = rows[0].length;
  const all = Array.from({ length: n }, (_, i) => i);
  // One pass over the rows: each fold's own Gram matrix, the catalog's is their sum, and a fold's
  // training Gram matrix is the catalog's minus its own.
  const held = Array.from({ length: p.folds }, (_, f) => gram(rows, foldRows(p, f, true), width));
  const total = new Float64Array(width * width);
  for (const g of held) for (let i = 0; i < total.length; i++) total[i] += g[i];
  const foldGram = (f: number): Float64Array => Float64Array.from(total, (v, i) => v - held[f][i]);
  const oof = new Float64Array(n);
  let lambda = DENSE_LAMBDAS[0];
  let best = Infinity;
  const g0 = foldGram(0);
  const train0 = foldRows(p, 0, false);
  const test0 = foldRows(p, 0, true);
  for (const l of DENSE_LAMBDAS) {
    throwIfAborted(signal);
    const model = fitDenseRidge(rows, p.logPrices, train0, g0, width, l);
    const error = rmse(test0.map((r) => predictDense(model, rows[r])), test0.map((r) => p.logPrices[r]));
    if (error < best) { best = error; lambda = l; }
    await yieldToEventLoop();
  }
  for (let f = 0; f < p.folds; f++) {
    const model = fitDenseRidge(rows, p.logPrices, foldRows(p, f, false), f === 0 ? g0 : foldGram(f), width, lambda);
    for (const r of foldRows(p, f, true)) oof[r] = predictDense(model, rows[r]);
    progress.report('neighbours', 0, 1, 'products');
    await yieldToEventLoop();
  }
  return { oof, model: fitDenseRidge(rows, p.logPrices, all, total, width, lambda) };
}

/**
 * Stage 4c: hybrid neighbours of every catalog product among the other folds' products, the fusion
 * weight and the temperature chosen by the neighbour estimate's error.
 */
export async function crossValidateNeighbours(p: Prepared, priced: Product[], features: ProductFeatures[], embeddings: Float32Array, dims: number, coverage: Float32Array, signal: AbortSignal | undefined, progress: ProgressReporter, index = new LexicalIndex(features.map((f) => f.lexical))): Promise<{ candidates: Candidate[][]; lexicalWeight: number; temperature: number; baseline: number; index: LexicalIndex }> {
  const n = priced.length;
  const baseline = embeddingBaseline(embeddings, dims);
  const lexical = features.map((f) => f.lexical);
  const catalog = { embeddings, dims, lexical, index, coverage };
  // Two passes over the catalog, reported as one count of products: the embedding search (a
  // catalog × catalog product: its work grows with n²), then the hybrid scores (with n). The search's
  // share of the phase, n / (n + 5,000), fits timings at 1,000 products in Node (about a sixth) and
  // at 30,000 in Chromium (most of it), so the count moves with the time and the ETA can follow it.
  const searchShare = n / (n + 5000);
  const report = (products: number): void => progress.report('neighbours', Math.round(products), n, 'products');
  const embedded = await embeddingCandidates(embeddings, embeddings, dims, EMBEDDING_CANDIDATES + 1, (done) => report(done * searchShare));
  const keys = priced.map((q) => titleKey(q.title));
  const candidates: Candidate[][] = [];
  const breathe = breather(undefined, signal);
  for (let i = 0; i < n; i++) {
    if (i % 200 === 0) report(n * searchShare + i * (1 - searchShare));
    await breathe();
    // Out of fold like every other member: the product's own fold (itself, its near-duplicate group)
    // and any catalog twin with the same title never count as its neighbour. (Leave-one-out would see
    // more of the catalog than the other members' fold models and win the stack unfairly.)
    candidates.push(candidateScores({ lexical: lexical[i], embedding: embeddings.subarray(i * dims, (i + 1) * dims), embeddingCandidates: embedded[i], coverage: coverage[i] }, catalog, baseline, (j) => p.fold[j] === p.fold[i] || keys[j] === keys[i]));
  }
  let lexicalWeight = LEXICAL_WEIGHTS[1];
  let temperature = DEFAULT_TEMPERATURE;
  let best = Infinity;
  for (const w of LEXICAL_WEIGHTS) {
    const ranked = candidates.map((c) => rankCandidates(c, w, NEIGHBOURS));
    for (const t of TEMPERATURES) {
      const estimates = ranked.map((r) => neighbourStats(r, p.logPrices, NaN, t).estimate);
      const valid = estimates.map((e, i) => (Number.isFinite(e) ? i : -1)).filter((i) => i >= 0);
      const error = rmse(valid.map((i) => estimates[i]), valid.map((i) => p.logPrices[i]));
      if (error < best) { best = error; lexicalWeight = w; temperature = t; }
    }
  }
  progress.finish('neighbours');
  return { candidates, lexicalWeight, temperature, baseline, index };
}
