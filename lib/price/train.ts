import { throwIfAborted, breather, invalidInput } from '../errors.js';
import { embedText } from '../text/index.js';
import { encoderHasOwnThread, loadEncoder, type Encoder, type EncoderOptions } from '../text/encoder.js';
import { progressReporter, type PhasePlan, type ProgressReporter } from '../progress.js';
import { encoderCoverages, encoderText, featurize, fitFeaturizer, rawFeatures, leafCategory, sparseDimension, type FeaturizerState, type ProductFeatures } from './featurizer.js';
import { fitRidge, predictRidge } from './ridge.js';
import { LEARNED_MEMBERS, MEMBER_NAMES, NEAR_DUPLICATE, NEIGHBOURS, adjustedNeighbourEstimate, keepNearDuplicatePrices, categoryMedian, fitCategoryMedians, memberSpread, neighbourStats } from './members.js';
import { LexicalIndex, rankCandidates } from './neighbours.js';
import { crossValidateEncoderRidge, crossValidateMlp, crossValidateNeighbours, crossValidateRidge, foldRows, rmse, type Prepared } from './cross-validation.js';
import { roundTrip } from './quantize.js';
import { chooseStacker, fitRangeModel, rangeFeatures, rangeScale } from './stack.js';
import { checkExtraTargets, extraTargetMatrix, withoutTargets } from './extras.js';
import { validateCatalog } from './validate.js';
import { PriceModelImpl, type CatalogState } from './model.js';
import type { PriceModel, Product, TrainPriceOptions } from './types.js';
import { seededOrder } from './mlp.js';
import { groupFolds, nearDuplicateGroups } from './groups.js';

/** Relative cost of the training phases (measured at 1,000 and 30,000 products in Node), for the overall fraction and the ETA. */
const TRAINING_COSTS = { 'load-encoder': 1, embed: 5, features: 2, ridge: 6, mlp: 9, neighbours: 4.5, stack: 0.5 };

/**
 * How the phases follow one another, for the ETA. Where the encoder has a thread of its own (a
 * browser's encoder worker, env.encoderWorker) the catalog is embedded while the featurizer, the
 * ridge and the MLPs run, and the neighbours wait for both; elsewhere (Node) the two take turns on
 * one thread, one phase after another as far as time goes.
 */
function trainingPlan(): PhasePlan {
  return encoderHasOwnThread()
    ? { costs: TRAINING_COSTS, stages: [[['load-encoder']], [['embed'], ['features', 'ridge', 'mlp']], [['neighbours', 'stack']]] }
    : { costs: TRAINING_COSTS };
}
/** Above this many products the MLPs train 2 epochs instead of 6: more Adam steps per epoch, and 5 minutes for 30,000 products. */
const LARGE_CATALOG = 10_000;

/** Stage 1: validation, options, folds. */
function prepare(catalog: unknown, options: TrainPriceOptions): Prepared {
  const folds = options.folds ?? 4;
  if (!Number.isInteger(folds) || folds < 2 || folds > 10) throw invalidInput('folds must be an integer from 2 to 10.');
  const epochs = options.epochs ?? (Array.isArray(catalog) && catalog.length > LARGE_CATALOG ? 2 : 6);
  if (!Number.isInteger(epochs) || epochs < 1 || epochs > 2000) throw invalidInput('epochs must be an integer from 1 to 2000.');
  const seed = options.seed ?? 42;
  const validated = validateCatalog(catalog);
  const extraTargets = checkExtraTargets(options.extraTargets, validated.priced);
  const extras = extraTargetMatrix(validated.priced, extraTargets);
  const priced = validated.priced.map((p) => withoutTargets(p, extraTargets));
  const fold = new Int32Array(priced.length);
  seededOrder(priced.length, seed).forEach((row, i) => { fold[row] = i % folds; });
  return { priced, skipped: validated.skipped, extraTargets, extras, logPrices: Float64Array.from(priced, (p) => Math.log1p(p.price!)), folds, fold, epochs, seed };
}

/** Stage 2: encoder vectors of the catalog. */
async function embedCatalog(priced: Product[], loaded: Encoder, encoder: EncoderOptions | undefined, signal: AbortSignal | undefined, progress: ProgressReporter): Promise<{ embeddings: Float32Array; dims: number; encoderId: string }> {
  const vectors = await embedText(priced.map(encoderText), { encoder, signal, onProgress: progress.forward() });
  const dims = loaded.dims || vectors[0]?.length || 0;
  const embeddings = new Float32Array(priced.length * dims);
  vectors.forEach((v, i) => embeddings.set(v.subarray(0, dims), i * dims));
  return { embeddings, dims, encoderId: loaded.id };
}

/** Stage 3: the one featurizer, fitted on the catalog (no prices), then every product through it. */
async function featurizeCatalog(priced: Product[], signal: AbortSignal | undefined, progress: ProgressReporter): Promise<{ featurizer: FeaturizerState; features: ProductFeatures[] }> {
  progress.report('features', 0, priced.length, 'products');
  const raws = priced.map(rawFeatures);
  const featurizer = fitFeaturizer(priced, raws);
  const features: ProductFeatures[] = [];
  const breathe = breather(undefined, signal);
  for (let i = 0; i < priced.length; i++) {
    features.push(featurize(priced[i], featurizer, raws[i]));
    if (i % 500 === 499) progress.report('features', i + 1, priced.length, 'products');
    await breathe();
  }
  progress.finish('features');
  return { featurizer, features };
}

/**
 * Learns prices from the merchant's catalog, in the page, in named stages: prepare (validate,
 * folds) → embedCatalog → featurizeCatalog → cross-validated members (ridge, sparse MLP, hybrid
 * neighbours, ridge-adjusted neighbours, encoder ridge, category median; out-of-fold predictions
 * for every product) → stack chosen by
 * cross-validation → heteroscedastic conformal ranges → extra targets.
 */
export async function trainPriceModel(catalog: unknown, options: TrainPriceOptions = {}): Promise<PriceModel> {
  const started = Date.now();
  const p = prepare(catalog, options);
  const { signal } = options;
  const progress = progressReporter(options.onProgress, trainingPlan());
  throwIfAborted(signal);
  const { priced } = p;
  const n = priced.length;

  // The encoder is loaded first, so a missing or corrupt model fails the call at once.
  const encoder = await loadEncoder(options.encoder, { signal, onProgress: progress.forward() });
  progress.finish('load-encoder');
  // The catalog is embedded while the text members train: in a browser the encoder has its own
  // worker (env.encoderWorker), so the two overlap; elsewhere they take turns at no cost.
  const embedding = embedCatalog(priced, encoder, options.encoder, signal, progress);
  // Awaited below; until then a failure must not surface as an unhandled rejection.
  embedding.catch(() => {});
  const { featurizer, features } = await featurizeCatalog(priced, signal, progress);
  const sparse = features.map((f) => f.sparse);
  // Folds of near-duplicate groups: a product's twins never score it (cross-validation.ts, groups.ts).
  const lexicalIndex = new LexicalIndex(features.map((f) => f.lexical));
  const groups = await nearDuplicateGroups(features.map((f) => f.lexical), NEAR_DUPLICATE, lexicalIndex, signal);
  p.fold = groupFolds(groups, p.folds, p.seed);
  const ridge = await crossValidateRidge(p, sparse, sparseDimension(featurizer), signal, progress);
  const mlp = await crossValidateMlp(p, features, featurizer, signal, progress);
  const { embeddings, dims, encoderId } = await embedding;
  // Cached texts report nothing: the phase is done all the same.
  progress.finish('embed');
  const encoderRidge = await crossValidateEncoderRidge(p, features, embeddings, dims, signal, progress);
  const neighbours = await crossValidateNeighbours(p, priced, features, embeddings, dims, encoderCoverages(priced.map((q) => q.title), encoder.scripts), signal, progress, lexicalIndex);

  progress.report('stack', 0, 1, 'steps');
  const leaves = priced.map(leafCategory);
  // Category medians of the other folds, like every member's out-of-fold prediction.
  const medians = new Float64Array(n);
  for (let f = 0; f < p.folds; f++) {
    const fitted = fitCategoryMedians(leaves, p.logPrices, foldRows(p, f, false));
    for (const r of foldRows(p, f, true)) medians[r] = categoryMedian(leaves[r], fitted);
  }
  const global = fitCategoryMedians(leaves, p.logPrices).global;
  const ranked = neighbours.candidates.map((c) => rankCandidates(c, neighbours.lexicalWeight, NEIGHBOURS));
  const stats = ranked.map((r) => neighbourStats(r, p.logPrices, global, neighbours.temperature));
  // Out of fold: a product and each neighbour (from another fold) are compared by the ridge that saw
  // neither fold (cross-validation.ts, `pairs`); with 2 folds there is none, and no adjustment.
  const adjusted = ranked.map((r, i) => {
    const f = p.fold[i];
    const difference = ridge.pairs.length ? (j: number): number => { const pair = ridge.pairs[f * p.folds + p.fold[j]]; return pair[i] - pair[j]; } : (): number => 0;
    return adjustedNeighbourEstimate(r, p.logPrices, keepNearDuplicatePrices(neighbours.candidates[i], difference), ridge.oof[i], neighbours.temperature);
  });
  const m = MEMBER_NAMES.length;
  const outOfFold = new Float64Array(n * m);
  const memberRows = Array.from({ length: n }, (_, i) => {
    const row = Float64Array.from([ridge.oof[i], mlp.oof[i], stats[i].estimate, adjusted[i], encoderRidge.oof[i], medians[i]]);
    outOfFold.set(row, i * m);
    return row;
  });
  const { stacker, oof: stacked, scores } = chooseStacker(memberRows, p.logPrices, p.fold, p.folds, [...MEMBER_NAMES], LEARNED_MEMBERS);
  const bounds: [number, number] = [Math.log1p(Math.min(...priced.map((q) => q.price!)) / 3), Math.log1p(Math.max(...priced.map((q) => q.price!)) * 3)];
  const clipped = stacked.map((v) => Math.max(bounds[0], Math.min(bounds[1], v)));

  // Ranges: σ per product from the disagreement of the members and the neighbours, calibrated out of fold.
  const z = memberRows.map((row, i) => rangeFeatures(memberSpread(row), stats[i].spread, stats[i].top));
  const residual = Float64Array.from(clipped, (v, i) => p.logPrices[i] - v);
  const range = fitRangeModel(z, residual);
  const scales = z.map((zi) => rangeScale(range, zi));
  const covered = residual.filter((r, i) => Math.abs(r) <= range.quantile * scales[i]).length / n;
  const sortedTop = stats.map((s) => s.top).sort((a, b) => a - b);
  const sortedScales = [...scales].sort((a, b) => a - b);

  const extraModels = p.extraTargets.map((_, j) => {
    const k = p.extraTargets.length;
    const rows = Array.from({ length: n }, (_, i) => i).filter((i) => Number.isFinite(p.extras[i * k + j]));
    return fitRidge(rows.map((i) => sparse[i]), Float64Array.from(rows, (i) => p.extras[i * k + j]), sparseDimension(featurizer), ridge.ridge.lambda * 3);
  });
  const extraMetrics = p.extraTargets.map((t, j) => {
    // Cross-validated like the price: fit on the other folds, score the held-out one.
    const k = p.extraTargets.length;
    let sum = 0;
    let count = 0;
    for (let f = 0; f < p.folds; f++) {
      const train = foldRows(p, f, false).filter((i) => Number.isFinite(p.extras[i * k + j]));
      const test = foldRows(p, f, true).filter((i) => Number.isFinite(p.extras[i * k + j]));
      if (!train.length || !test.length) continue;
      const model = fitRidge(train.map((i) => sparse[i]), Float64Array.from(train, (i) => p.extras[i * k + j]), sparseDimension(featurizer), ridge.ridge.lambda * 3);
      for (const i of test) { sum += (predictRidge(sparse[i], model) - p.extras[i * k + j]) ** 2; count++; }
    }
    return { name: t.name, validationRmse: count ? Math.sqrt(sum / count) : NaN };
  });
  progress.finish('stack');

  const catalogState: CatalogState = {
    ids: priced.map((q) => q.id), titles: priced.map((q) => q.title), leaves, prices: Float64Array.from(priced, (q) => q.price!), logPrices: p.logPrices,
    embeddings: roundTrip(embeddings, dims), dims, lexical: features.map((f) => f.lexical), outOfFold, fold: p.fold,
  };
  const memberRmsle = Object.fromEntries(MEMBER_NAMES.map((name, j) => [name, Number(rmse(memberRows.map((r) => r[j]), p.logPrices).toFixed(4))]));
  return new PriceModelImpl({
    encoderId,
    encoder: options.encoder,
    ...(encoder.scripts ? { encoderScripts: [...encoder.scripts] } : {}),
    createdAt: new Date().toISOString(),
    featurizer,
    ridge: ridge.ridge,
    ridgeFolds: ridge.pairs.length ? ridge.folds : [],
    encoderRidge: encoderRidge.model,
    // The model predicts with the int8-rounded matrices it will be saved with (quantize.ts).
    mlps: mlp.mlps.map((m) => ({ ...m, table: roundTrip(m.table, m.hidden) })),
    target: mlp.target,
    lexicalWeight: neighbours.lexicalWeight,
    temperature: neighbours.temperature,
    embeddingBaseline: neighbours.baseline,
    categoryMedians: fitCategoryMedians(leaves, p.logPrices),
    stacker,
    range,
    lowSimilarity: sortedTop[Math.floor(0.05 * (n - 1))],
    typicalSimilarity: sortedTop[Math.floor(0.5 * (n - 1))],
    typicalScale: sortedScales[Math.floor(0.5 * (n - 1))],
    bounds,
    extraTargets: p.extraTargets,
    extraModels,
    catalog: catalogState,
    metrics: {
      validationRmsle: rmse(clipped, p.logPrices),
      validationCoverage80: covered,
      trainedOn: n,
      skippedUnpriced: p.skipped,
      epochs: p.epochs,
      trainingMs: Date.now() - started,
      ridgeLambda: ridge.ridge.lambda,
      stacker: stacker.name,
      stackerScores: scores,
      memberRmsle,
      ...(p.extraTargets.length ? { extraTargets: extraMetrics } : {}),
    },
  });
}
