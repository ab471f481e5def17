// npm run bench -- price : RMSLE, MAPE, 80%-range coverage on the price benchmark splits, next to
// category median, TF-IDF + ridge and k-NN on embeddings, all computed in this run (Node).
import { trainPriceModel, predictPrice, embedText, rmsle, DEFAULT_ENCODER, type Product } from '../lib/index.js';
import { fitFeatureSpace, productText, sparseDimension, sparseRow } from '../lib/price/features.js';
import { fitRidge, predictRidge } from '../lib/price/ridge.js';
import { withoutTargets } from '../lib/price/extras.js';
import { knnEstimate, topK } from '../lib/price/neighbours.js';
import Papa from 'papaparse';
import { readFileSync } from 'node:fs';
import { SHARED, has, readJsonl } from './data.js';

export interface PriceRow { dataset: string; method: string; rmsle: number; mape: number; coverage80?: number; note?: string }

/** The multi-task setting: which numeric attribute is the extra target per data set, and where it comes from. */
function extraTarget(dataset: string): { name: string; enrich: (p: Product) => Product; source: string } | undefined {
  if (dataset === 'amazon_india') return { name: 'rating', enrich: (p) => p, source: 'the rating attribute of the split' };
  if (dataset === 'superstore' && has('price/superstore/derived_products_unit_price.csv')) {
    // Units sold per product over the Superstore orders, joined by product name.
    const csv = Papa.parse<Record<string, string>>(readFileSync(SHARED + 'price/superstore/derived_products_unit_price.csv', 'utf8'), { header: true, skipEmptyLines: true });
    const units = new Map(csv.data.map((r) => [r.product_name, Number(r.total_quantity)]));
    return { name: 'unitsSold', enrich: (p) => (units.has(p.title) ? { ...p, attributes: { ...p.attributes, unitsSold: units.get(p.title)! } } : p), source: 'total_quantity of derived_products_unit_price.csv' };
  }
  return undefined;
}

const mape = (a: number[], p: number[]): number => (100 * a.reduce((s, v, i) => s + Math.abs(p[i] - v) / v, 0)) / a.length;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export async function runPriceBenchmark(log: (s: string) => void): Promise<{ rows: PriceRow[]; timings: Record<string, number> }> {
  const rows: PriceRow[] = [];
  const timings: Record<string, number> = {};
  for (const dataset of ['amazon_india', 'superstore']) {
    if (!has(`price/benchmark/${dataset}/train.jsonl`)) { log(`skip ${dataset}: data absent`); continue; }
    // The amazon_india split lists some products twice (two categories): storecast refuses duplicate
    // ids, so the benchmark makes them unique the way a merchant would have to.
    const seen = new Map<string, number>();
    const train = readJsonl(`price/benchmark/${dataset}/train.jsonl`).map((p) => {
      const count = (seen.get(p.id ?? '') ?? 0) + 1;
      seen.set(p.id ?? '', count);
      return count > 1 ? { ...p, id: `${p.id}#${count}` } : p;
    });
    const test = readJsonl(`price/benchmark/${dataset}/test.jsonl`);
    const actual = test.map((p) => p.price!);
    const add = (method: string, predicted: number[], coverage?: number, note?: string): void => {
      rows.push({ dataset, method, rmsle: rmsle(actual, predicted), mape: mape(actual, predicted), coverage80: coverage, note });
      log(`${dataset} ${method}: RMSLE ${rmsle(actual, predicted).toFixed(3)}`);
    };
    // Category median (leaf category; global median when unseen).
    const byCategory = new Map<string, number[]>();
    for (const p of train) byCategory.set(p.category ?? '', [...(byCategory.get(p.category ?? '') ?? []), p.price!]);
    const globalMedian = median(train.map((p) => p.price!));
    add('category median', test.map((p) => (byCategory.has(p.category ?? '') ? median(byCategory.get(p.category ?? '')!) : globalMedian)));
    // TF-IDF (word 1-2 + char 2-5 grams) + attributes + ridge on log1p(price), λ chosen on a 25% hold-out of train.
    const space = fitFeatureSpace(train);
    const sparse = train.map((p) => sparseRow(p, space));
    const y = Float64Array.from(train, (p) => Math.log1p(p.price!));
    const cut = Math.floor(train.length * 0.75);
    let bestLambda = 1;
    let bestError = Infinity;
    for (const lambda of [0.03, 0.1, 0.3, 1, 3]) {
      const fit = fitRidge(sparse.slice(0, cut), y.slice(0, cut), sparseDimension(space), lambda);
      const error = rmsle(train.slice(cut).map((p) => p.price!), train.slice(cut).map((_, i) => Math.expm1(predictRidge(sparse[cut + i], fit))));
      if (error < bestError) { bestError = error; bestLambda = lambda; }
    }
    const ridge = fitRidge(sparse, y, sparseDimension(space), bestLambda);
    add('TF-IDF + ridge', test.map((p) => Math.expm1(predictRidge(sparseRow(p, space), ridge))), undefined, `λ ${bestLambda}`);
    // k-NN on the shipped encoder's embeddings.
    const trainVectors = await embedText(train.map(productText));
    const testVectors = await embedText(test.map(productText));
    const dims = trainVectors[0].length;
    const matrix = new Float32Array(train.length * dims);
    trainVectors.forEach((v, i) => matrix.set(v, i * dims));
    const logPrices = train.map((p) => Math.log1p(p.price!));
    add(`k-NN (${DEFAULT_ENCODER})`, testVectors.map((v) => Math.expm1(knnEstimate(topK(v, matrix, dims, 10), logPrices))));
    // storecast: the full model, trained like a page would.
    const t0 = performance.now();
    const model = await trainPriceModel(train);
    timings[`${dataset} train ms (${train.length} products, Node)`] = performance.now() - t0;
    const t1 = performance.now();
    const suggestions = await predictPrice(test, { model });
    timings[`${dataset} predictions/s (Node)`] = test.length / ((performance.now() - t1) / 1000);
    const inside = suggestions.filter((s, i) => actual[i] >= s.low && actual[i] <= s.high).length / test.length;
    add('storecast predictPrice', suggestions.map((s) => s.price), inside, `validation RMSLE ${model.metrics.validationRmsle.toFixed(3)}, ridge λ ${model.metrics.ridgeLambda}`);
    // Multi-task: the same model with an extra head, next to the same model without that attribute at all.
    const extra = extraTarget(dataset);
    if (extra) {
      const strip = (p: Product): Product => withoutTargets(p, [extra]);
      const coverage = (list: { low: number; high: number }[]): number => list.filter((s, i) => actual[i] >= s.low && actual[i] <= s.high).length / test.length;
      const extraTrain = train.map(extra.enrich);
      const extraTest = test.map(extra.enrich);
      const without = await trainPriceModel(extraTrain.map(strip));
      const withoutSuggestions = await predictPrice(test.map(strip), { model: without });
      add(`storecast, without ${extra.name}`, withoutSuggestions.map((s) => s.price), coverage(withoutSuggestions), `${extra.name} removed from inputs`);
      without.dispose();
      const multi = await trainPriceModel(extraTrain, { extraTargets: [extra.name] });
      const multiSuggestions = await predictPrice(extraTest, { model: multi });
      const known = extraTest.map((p, i) => [p.attributes?.[extra.name], multiSuggestions[i].extras![extra.name]] as const).filter(([a]) => typeof a === 'number') as Array<readonly [number, number]>;
      const trainValues = extraTrain.map((p) => p.attributes?.[extra.name]).filter((v): v is number => typeof v === 'number');
      const meanValue = trainValues.reduce((a, b) => a + b, 0) / trainValues.length;
      const rmse = (pairs: Array<readonly [number, number]>): number => Math.sqrt(pairs.reduce((a, [x, y]) => a + (x - y) ** 2, 0) / pairs.length);
      const extraNote = known.length ? `; ${extra.name} on test: RMSE ${rmse(known).toFixed(3)} vs ${rmse(known.map(([a]) => [a, meanValue] as const)).toFixed(3)} for the training mean` : `; ${extra.name} unknown for test products`;
      add(`storecast, ${extra.name} as extra head (multi-task)`, multiSuggestions.map((s) => s.price), coverage(multiSuggestions), `target from ${extra.source}${extraNote}`);
      multi.dispose();
    }
    model.dispose();
  }
  return { rows, timings };
}

export type { Product };
