import { ensureRuntime } from '../runtime/index.js';
import { throwIfAborted, yieldToEventLoop, invalidInput } from '../errors.js';
import { fitFeatureSpace, numericFeatures, productText, sparseDimension, sparseRow } from './features.js';
import { fitRidge, predictRidge } from './ridge.js';
import { QUANTILES, logPriceRange, trainHead, predictHead } from './head.js';
import { checkExtraTargets, extraTargetMatrix, withoutTargets } from './extras.js';
import { STACK_FEATURES, baseEstimate, embedProducts, headRow, knnFeatures, type Catalog, type StackInputs } from './pipeline.js';
import { validateCatalog } from './validate.js';
import { PriceModelImpl } from './model.js';
import type { PriceModel, TrainPriceOptions } from './types.js';
import { progressReporter } from '../progress.js';

const FOLDS = 4;
/** Relative cost of the training phases (measured on a 1,000-product catalog in Chromium wasm), for the overall fraction and ETA. */
const TRAINING_PHASES = { 'load-encoder': 1, embed: 6, features: 2, train: 4 };
const LAMBDAS = [0.03, 0.1, 0.3, 1, 3];

function seededShuffle(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

const rmse = (a: ArrayLike<number>, b: ArrayLike<number>, rows: number[]): number => Math.sqrt(rows.reduce((s, r) => s + (a[r] - b[r]) ** 2, 0) / rows.length);

/**
 * Learns prices from the merchant's catalog, in the page:
 * 1. hashed word/char n-gram + category/brand/attribute features → ridge (CG), out-of-fold;
 * 2. text-encoder embeddings → k-NN log-price, out-of-fold;
 * 3. a TF.js head on [embedding, both estimates, neighbour agreement, numeric attributes] that
 *    predicts 10/50/90% quantiles of the residual, early-stopped on a validation split whose
 *    errors then calibrate the 80% range (split conformal).
 */
export async function trainPriceModel(catalog: unknown, options: TrainPriceOptions = {}): Promise<PriceModel> {
  const started = Date.now();
  const validationSplit = options.validationSplit ?? 0.15;
  if (typeof validationSplit !== 'number' || !(validationSplit > 0 && validationSplit < 0.5)) throw invalidInput('validationSplit must be a number between 0 and 0.5.');
  const epochs = options.epochs ?? 150;
  if (!Number.isInteger(epochs) || epochs < 1 || epochs > 2000) throw invalidInput('epochs must be an integer from 1 to 2000.');
  const seed = options.seed ?? 42;
  const validated = validateCatalog(catalog);
  const extraTargets = checkExtraTargets(options.extraTargets, validated.priced);
  const extras = extraTargetMatrix(validated.priced, extraTargets);
  const priced = validated.priced.map((p) => withoutTargets(p, extraTargets));
  const skipped = validated.skipped;
  const progress = progressReporter(options.onProgress, TRAINING_PHASES);
  const task = { signal: options.signal, onProgress: progress.forward() };
  throwIfAborted(options.signal);
  const n = priced.length;
  const logPrices = Float64Array.from(priced, (p) => Math.log1p(p.price!));

  const { matrix, dims, encoderId } = await embedProducts(priced.map(productText), options.encoder, { signal: options.signal, onProgress: progress.forward() });
  progress.finish('load-encoder');
  progress.finish('embed');
  const catalogData: Catalog = { ids: priced.map((p) => p.id), titles: priced.map((p) => p.title), prices: Float64Array.from(priced, (p) => p.price!), logPrices, embeddings: matrix, dims };

  progress.report('features', 0, FOLDS + 1, 'folds');
  const space = fitFeatureSpace(priced);
  const rows = priced.map((p) => sparseRow(p, space));
  const dimension = sparseDimension(space);
  const order = seededShuffle(n, seed);
  const fold = new Int32Array(n);
  order.forEach((row, i) => { fold[row] = i % FOLDS; });

  // Choose λ on one fold, then out-of-fold ridge predictions with it. Fold memberships are fixed: computed once.
  const folds = Array.from({ length: FOLDS }, (_, f) => {
    const train = order.filter((r) => fold[r] !== f);
    return { test: order.filter((r) => fold[r] === f), trainRows: train.map((r) => rows[r]), trainY: Float64Array.from(train, (r) => logPrices[r]) };
  });
  const ridgePredictions = (model: { weights: Float32Array; intercept: number }, target: number[], into: Float64Array): void => {
    for (const r of target) into[r] = predictRidge(rows[r], model);
  };
  const ridgeOof = new Float64Array(n);
  let lambda = LAMBDAS[1];
  let bestError = Infinity;
  let bestFold0 = new Float64Array(0);
  for (const l of LAMBDAS) {
    throwIfAborted(options.signal);
    ridgePredictions(fitRidge(folds[0].trainRows, folds[0].trainY, dimension, l), folds[0].test, ridgeOof);
    const error = rmse(ridgeOof, logPrices, folds[0].test);
    if (error < bestError) { bestError = error; lambda = l; bestFold0 = Float64Array.from(folds[0].test, (r) => ridgeOof[r]); }
    await yieldToEventLoop();
  }
  // Fold 0 was already fitted with the chosen λ during the search.
  folds[0].test.forEach((r, i) => { ridgeOof[r] = bestFold0[i]; });
  for (let f = 1; f < FOLDS; f++) {
    throwIfAborted(options.signal);
    ridgePredictions(fitRidge(folds[f].trainRows, folds[f].trainY, dimension, lambda), folds[f].test, ridgeOof);
    progress.report('features', f + 1, FOLDS + 1, 'folds');
    await yieldToEventLoop();
  }
  const ridge = fitRidge(rows, logPrices, dimension, lambda);
  progress.finish('features');

  // Out-of-fold k-NN: neighbours from the other folds only, exactly as a new product would see them.
  const stacks: StackInputs[] = priced.map((_, r) => {
    const s = knnFeatures(matrix.subarray(r * dims, (r + 1) * dims), catalogData, (i) => fold[i] === fold[r]);
    return { ridge: ridgeOof[r], knn: s.knn, knnSpread: s.knnSpread, topSimilarity: s.topSimilarity };
  });
  // Blend weight of the two base estimates: the better one (out-of-fold) gets more.
  const ridgeError = rmse(ridgeOof, logPrices, order);
  const knnError = rmse(Float64Array.from(stacks, (s) => (Number.isFinite(s.knn) ? s.knn : s.ridge)), logPrices, order);
  const ridgeWeight = knnError ** 2 / (ridgeError ** 2 + knnError ** 2);
  const center = logPrices.reduce((a, b) => a + b, 0) / n;
  const numericSlots = 2 * space.numeric.length;
  const headDims = dims + STACK_FEATURES + numericSlots;
  const x = new Float32Array(n * headDims);
  const residual = new Float32Array(n);
  const base = new Float64Array(n);
  priced.forEach((p, r) => {
    x.set(headRow(matrix.subarray(r * dims, (r + 1) * dims), stacks[r], center, numericFeatures(p, space), numericSlots), r * headDims);
    base[r] = baseEstimate(stacks[r], ridgeWeight);
    residual[r] = logPrices[r] - base[r];
  });

  const validationCount = Math.max(5, Math.round(n * validationSplit));
  const validationRows = order.slice(0, validationCount);
  const trainRows = order.slice(validationCount);
  await ensureRuntime();
  const { head, epochs: ran } = await trainHead({ x, dims: headDims, residual, extras, extraTargets: extraTargets.length }, trainRows, validationRows, { ...task, epochs, seed });

  // Split-conformal calibration of the 80% range on the validation rows.
  const vx = new Float32Array(validationRows.length * headDims);
  validationRows.forEach((r, i) => vx.set(x.subarray(r * headDims, (r + 1) * headDims), i * headDims));
  const { outputs: q, width } = await predictHead(head, vx, validationRows.length, headDims);
  const scores = validationRows.map((r, i) => {
    const median = base[r] + q[i * width + 1];
    const lowGap = Math.max(1e-6, q[i * width + 1] - q[i * width]);
    const highGap = Math.max(1e-6, q[i * width + 2] - q[i * width + 1]);
    return logPrices[r] < median ? (median - logPrices[r]) / lowGap : (logPrices[r] - median) / highGap;
  }).sort((a, b) => a - b);
  const level = Math.min(1, Math.ceil(0.8 * (scores.length + 1)) / scores.length);
  const calibration = Math.max(0.25, scores[Math.min(scores.length - 1, Math.floor(level * scores.length) - 1)] ?? 1);
  let squared = 0;
  let covered = 0;
  validationRows.forEach((r, i) => {
    const { median, low, high } = logPriceRange(q, width, i, base[r], calibration);
    squared += (median - logPrices[r]) ** 2;
    if (logPrices[r] >= low && logPrices[r] <= high) covered++;
  });
  const extraMetrics = extraTargets.map((t, j) => {
    let sum = 0;
    let count = 0;
    validationRows.forEach((r, i) => {
      const actual = extras[r * extraTargets.length + j];
      if (Number.isFinite(actual)) { sum += (q[i * width + QUANTILES.length + j] - actual) ** 2; count++; }
    });
    return { name: t.name, validationRmse: count ? Math.sqrt(sum / count) : NaN };
  });

  return new PriceModelImpl({
    encoderId,
    encoder: options.encoder,
    createdAt: new Date().toISOString(),
    space,
    ridge: { ...ridge, lambda },
    ridgeWeight,
    center,
    calibration,
    head,
    extraTargets,
    catalog: catalogData,
    metrics: {
      validationRmsle: Math.sqrt(squared / validationRows.length),
      validationCoverage80: covered / validationRows.length,
      trainedOn: n,
      skippedUnpriced: skipped,
      epochs: ran,
      trainingMs: Date.now() - started,
      ridgeLambda: lambda,
      ...(extraTargets.length ? { extraTargets: extraMetrics } : {}),
    },
  });
}
