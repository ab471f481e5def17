// npm run bench -- price [--large] : per catalog, storecast's predictPrice next to the category
// median and TF-IDF + ridge (λ tuned by cross-validation on the training split), all computed in
// this run (Node): RMSLE, 80%-range coverage and width, comparables' leaf-category agreement,
// learning curve (50 / 100 / 200 / all products), speed. --large adds training on 30,000 products.
import { trainPriceModel, predictPrice, rmsle, clearEmbeddingCache, type Product, type PriceSuggestion } from '../lib/index.js';
import { fitFeatureSpace, sparseDimension, sparseRow, HASH_BITS } from './tfidf-baseline.js';
import { fitRidge, predictRidge } from '../lib/price/ridge.js';
import { withoutTargets } from '../lib/price/extras.js';
import { leafCategory } from '../lib/price/featurizer.js';
import { LexicalIndex } from '../lib/price/neighbours.js';
import Papa from 'papaparse';
import { readFileSync } from 'node:fs';
import { SHARED, has } from './data.js';
import { largeCatalog, priceCatalogs } from './price-data.js';

export interface PriceRow { dataset: string; method: string; rmsle: number; ratio?: number; coverage80?: number; widthRatio?: number; agreement?: number; lowConfidence?: number; note?: string }
export interface CurveRow { dataset: string; products: number; storecast: number; ridge: number; median: number }
export interface TargetRow { dataset: string; target: string; value: string; met: string }

const LAMBDAS = [0.03, 0.1, 0.3, 1, 3];
const CURVE_SIZES = [50, 100, 200];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function categoryMedian(train: Product[], test: Product[]): number[] {
  const byCategory = new Map<string, number[]>();
  for (const p of train) byCategory.set(p.category ?? '', [...(byCategory.get(p.category ?? '') ?? []), p.price!]);
  const global = median(train.map((p) => p.price!));
  return test.map((p) => (byCategory.has(p.category ?? '') ? median(byCategory.get(p.category ?? '')!) : global));
}

/** TF-IDF (word 1–2 + char 2–5 grams) + attributes + ridge on log1p(price), λ by 4-fold CV on the training split. */
export function tfidfRidge(train: Product[], test: Product[]): { predicted: number[]; lambda: number; neighbours: (i: number) => number[] } {
  const space = fitFeatureSpace(train);
  const rows = train.map((p) => sparseRow(p, space));
  const y = Float64Array.from(train, (p) => Math.log1p(p.price!));
  const folds = 4;
  let lambda = 1;
  let best = Infinity;
  for (const l of LAMBDAS) {
    let squared = 0;
    for (let f = 0; f < folds; f++) {
      const fit = rows.map((_, i) => i).filter((i) => i % folds !== f);
      const model = fitRidge(fit.map((i) => rows[i]), Float64Array.from(fit, (i) => y[i]), sparseDimension(space), l);
      rows.forEach((r, i) => { if (i % folds === f) squared += (predictRidge(r, model) - y[i]) ** 2; });
    }
    if (squared < best) { best = squared; lambda = l; }
  }
  const model = fitRidge(rows, y, sparseDimension(space), lambda);
  const testRows = test.map((p) => sparseRow(p, space));
  // TF-IDF cosine neighbours (the hashed part of the same rows, unit length) for the comparables' reference.
  const hashed = (r: { indices: Int32Array; values: Float32Array }): { indices: Int32Array; values: Float32Array } => {
    const keep = Array.from(r.indices.keys()).filter((k) => r.indices[k] < 1 << HASH_BITS);
    return { indices: Int32Array.from(keep, (k) => r.indices[k]), values: Float32Array.from(keep, (k) => r.values[k]) };
  };
  const index = new LexicalIndex(rows.map(hashed));
  return {
    predicted: testRows.map((r) => Math.expm1(predictRidge(r, model))),
    lambda,
    neighbours: (i) => { const { rows: found, values } = index.scores(hashed(testRows[i])); return Array.from(found.keys()).sort((a, b) => values[b] - values[a]).slice(0, 5).map((t) => found[t]); },
  };
}

const coverage = (actual: number[], s: PriceSuggestion[]): number => s.filter((x, i) => actual[i] >= x.low && actual[i] <= x.high).length / s.length;
const meanWidth = (s: PriceSuggestion[]): number => s.reduce((a, x) => a + Math.log(x.high / x.low), 0) / s.length;

export function sample<T>(list: T[], size: number, seed: number): T[] {
  const order = list.map((_, i) => i);
  let s = seed;
  for (let i = order.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, size).map((i) => list[i]);
}

/** The multi-task setting: which numeric attribute is the extra target per data set, and where it comes from. */
function extraTarget(dataset: string): { name: string; enrich: (p: Product) => Product; source: string } | undefined {
  if (dataset === 'amazon_india') return { name: 'rating', enrich: (p) => p, source: 'the rating attribute of the split' };
  if (dataset === 'superstore' && has('price/superstore/derived_products_unit_price.csv')) {
    const csv = Papa.parse<Record<string, string>>(readFileSync(SHARED + 'price/superstore/derived_products_unit_price.csv', 'utf8'), { header: true, skipEmptyLines: true });
    const units = new Map(csv.data.map((r) => [r.product_name, Number(r.total_quantity)]));
    return { name: 'unitsSold', enrich: (p) => (units.has(p.title) ? { ...p, attributes: { ...p.attributes, unitsSold: units.get(p.title)! } } : p), source: 'total_quantity of derived_products_unit_price.csv' };
  }
  return undefined;
}

/** `--price-only=superstore,superstore_zh` runs those catalogs only, without learning curves (for iterating; the full run has all). */
export const PRICE_ONLY = process.argv.find((a) => a.startsWith('--price-only='))?.slice('--price-only='.length).split(',');

export async function runPriceBenchmark(log: (s: string) => void, options: { large?: boolean } = {}): Promise<{ rows: PriceRow[]; curve: CurveRow[]; targets: TargetRow[]; timings: Record<string, string> }> {
  const rows: PriceRow[] = [];
  const curve: CurveRow[] = [];
  const targets: TargetRow[] = [];
  const timings: Record<string, string> = {};
  const catalogs = priceCatalogs().filter((c) => !PRICE_ONLY || PRICE_ONLY.includes(c.name));
  if (!catalogs.length) log('skip price: ../shared/data/price absent');
  // The encoder loads once per page: not part of any training time below.
  // A first training also compiles the hot loops (JIT): timed runs start warm.
  await trainPriceModel(catalogs[0]?.train.slice(0, 200) ?? [], {}).catch(() => undefined);
  for (const { name: dataset, train, test, note } of catalogs) {
    const actual = test.map((p) => p.price!);
    const testLeaves = test.map(leafCategory);
    const trainLeaves = train.map(leafCategory);
    const medianPredicted = categoryMedian(train, test);
    const reference = tfidfRidge(train, test);
    const ridgeError = rmsle(actual, reference.predicted);
    const referenceAgreement = test.reduce((a, _, i) => a + reference.neighbours(i).filter((j) => trainLeaves[j] === testLeaves[i]).length / 5, 0) / test.length;
    rows.push({ dataset, method: 'category median', rmsle: rmsle(actual, medianPredicted), ratio: rmsle(actual, medianPredicted) / ridgeError, note });
    rows.push({ dataset, method: 'TF-IDF + ridge', rmsle: ridgeError, ratio: 1, agreement: referenceAgreement, note: `λ ${reference.lambda} (4-fold CV); agreement = its TF-IDF cosine neighbours` });

    await clearEmbeddingCache();
    const t0 = performance.now();
    const model = await trainPriceModel(train);
    const trainSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const suggestions = await predictPrice(test, { model });
    const perSecond = test.length / ((performance.now() - t1) / 1000);
    const error = rmsle(actual, suggestions.map((s) => s.price));
    const cover = coverage(actual, suggestions);
    const widthRatio = meanWidth(suggestions) / error;
    const agreement = suggestions.reduce((a, s, i) => a + s.comparables.slice(0, 5).filter((c) => (c.category ?? '') === testLeaves[i]).length / Math.max(1, Math.min(5, s.comparables.length)), 0) / test.length;
    const low = suggestions.filter((s) => s.confidence === 'low').length / test.length;
    rows.push({ dataset, method: 'storecast predictPrice', rmsle: error, ratio: error / ridgeError, coverage80: cover, widthRatio, agreement, lowConfidence: low, note: `stacker: ${model.metrics.stacker}; CV RMSLE ${model.metrics.validationRmsle.toFixed(3)}; members ${Object.entries(model.metrics.memberRmsle).map(([k, v]) => `${k} ${v}`).join(', ')}` });
    log(`${dataset}: storecast ${error.toFixed(3)} vs ridge ${ridgeError.toFixed(3)} (ratio ${(error / ridgeError).toFixed(3)}), coverage ${cover.toFixed(3)}, width ${widthRatio.toFixed(2)}×RMSLE, agreement ${agreement.toFixed(3)} vs ${referenceAgreement.toFixed(3)}, low ${low.toFixed(3)}, train ${trainSeconds.toFixed(1)} s, ${perSecond.toFixed(0)}/s; ${rows[rows.length - 1].note}`);
    timings[`${dataset}: train (${train.length} products, Node, encoder loaded, cold embedding cache)`] = `${trainSeconds.toFixed(1)} s (${(trainSeconds * 1000 / train.length).toFixed(1)} s per 1,000)`;
    timings[`${dataset}: predictPrice (Node)`] = `${perSecond.toFixed(0)} predictions/s`;
    const ok = (b: boolean): string => (b ? 'met' : 'missed');
    targets.push({ dataset, target: 'RMSLE ≤ 0.95 × TF-IDF + ridge', value: `${(error / ridgeError).toFixed(3)}`, met: ok(error <= 0.95 * ridgeError) });
    targets.push({ dataset, target: '80% coverage in 0.75–0.85', value: cover.toFixed(3), met: ok(cover >= 0.75 && cover <= 0.85) });
    targets.push({ dataset, target: 'mean log(high/low) ≤ 2.8 × RMSLE', value: `${widthRatio.toFixed(2)} × RMSLE (2.56 × = ${(2.56 * error).toFixed(3)}, width ${meanWidth(suggestions).toFixed(3)})`, met: ok(widthRatio <= 2.8) });
    targets.push({ dataset, target: 'top-5 comparables in leaf category ≥ TF-IDF neighbours', value: `${agreement.toFixed(3)} vs ${referenceAgreement.toFixed(3)}`, met: ok(agreement >= referenceAgreement) });
    if (dataset.includes('_zh') || dataset.includes('_ar')) {
      targets.push({ dataset, target: 'non-Latin: better than category median', value: `${error.toFixed(3)} vs ${rmsle(actual, medianPredicted).toFixed(3)}`, met: ok(error < rmsle(actual, medianPredicted)) });
    }
    model.dispose();

    // Learning curve: the same test set, models trained on random subsets of the training split.
    for (const size of PRICE_ONLY ? [] : [...CURVE_SIZES.filter((s) => s < train.length), train.length]) {
      let storecast = error;
      let ridge = ridgeError;
      let byMedian = rmsle(actual, medianPredicted);
      if (size < train.length) {
        const subset = sample(train, size, 1000 + size);
        const m = await trainPriceModel(subset);
        storecast = rmsle(actual, (await predictPrice(test, { model: m })).map((s) => s.price));
        m.dispose();
        ridge = rmsle(actual, tfidfRidge(subset, test).predicted);
        byMedian = rmsle(actual, categoryMedian(subset, test));
      }
      curve.push({ dataset, products: size, storecast, ridge, median: byMedian });
      log(`${dataset} curve ${size}: storecast ${storecast.toFixed(3)}, ridge ${ridge.toFixed(3)}, median ${byMedian.toFixed(3)}`);
      if (size === 50) targets.push({ dataset, target: '50 products: better than category median', value: `${storecast.toFixed(3)} vs ${byMedian.toFixed(3)}`, met: ok(storecast < byMedian) });
    }

    // Multi-task: the same model with an extra head, next to the same model without that attribute at all.
    const extra = extraTarget(dataset);
    if (extra) {
      const strip = (p: Product): Product => withoutTargets(p, [extra]);
      const without = await trainPriceModel(train.map(extra.enrich).map(strip));
      const withoutSuggestions = await predictPrice(test.map(strip), { model: without });
      rows.push({ dataset, method: `storecast, without ${extra.name}`, rmsle: rmsle(actual, withoutSuggestions.map((s) => s.price)), coverage80: coverage(actual, withoutSuggestions), note: `${extra.name} removed from inputs` });
      without.dispose();
      const multi = await trainPriceModel(train.map(extra.enrich), { extraTargets: [extra.name] });
      const multiSuggestions = await predictPrice(test.map(extra.enrich), { model: multi });
      rows.push({ dataset, method: `storecast, ${extra.name} as extra target`, rmsle: rmsle(actual, multiSuggestions.map((s) => s.price)), coverage80: coverage(actual, multiSuggestions), note: `target from ${extra.source}; CV RMSE ${multi.metrics.extraTargets?.[0].validationRmse.toFixed(3)} sd` });
      multi.dispose();
    }
  }
  if (options.large) {
    const catalog = largeCatalog(30_000);
    await clearEmbeddingCache();
    const t0 = performance.now();
    let lastLog = 0;
    const model = await trainPriceModel(catalog, {
      onProgress: (p) => {
        if (performance.now() - lastLog < 15_000) return;
        lastLog = performance.now();
        log(`30k: ${p.phase} ${(100 * (p.overall ?? 0)).toFixed(0)}%, ETA ${p.etaMs === undefined ? '?' : (p.etaMs / 1000).toFixed(0) + ' s'}`);
      },
    });
    timings['train 30,000 products (synthetic variants of every catalog, Node)'] = `${((performance.now() - t0) / 1000).toFixed(0)} s`;
    model.dispose();
  } else timings['train 30,000 products'] = 'not run (npm run bench -- price --large)';
  return { rows, curve, targets, timings };
}

export type { Product };
