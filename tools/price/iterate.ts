// Development loop for the price model: trains on one catalog's training split and reports the test
// RMSLE, its ratio to TF-IDF + ridge (λ by CV), 80% coverage, every member's test RMSLE, and the
// 50-product learning-curve point. Usage: npx tsx tools/price/iterate.ts superstore [--curve] [--members]
import { trainPriceModel, predictPrice, rmsle, type Product } from '../../lib/index.js';
import { priceCatalogs } from '../../bench/price-data.js';
import { categoryMedian, sample, tfidfRidge } from '../../bench/price.js';
import { MEMBER_NAMES } from '../../lib/price/members.js';
import type { PriceModelImpl } from '../../lib/price/model.js';

const [name = 'superstore', ...flags] = process.argv.slice(2);
const catalog = priceCatalogs().find((c) => c.name === name);
if (!catalog) throw new Error(`no catalog ${name}`);
const { train, test } = catalog;
const actual = test.map((p) => p.price!);
const ridge = rmsle(actual, tfidfRidge(train, test).predicted);

async function evaluate(products: Product[]): Promise<string> {
  const t0 = performance.now();
  const phases: Record<string, number> = {};
  let last = performance.now();
  let phase = '';
  const model = await trainPriceModel(products, { onProgress: (q) => { const now = performance.now(); if (phase) phases[phase] = (phases[phase] ?? 0) + now - last; last = now; phase = q.phase; } });
  const seconds = (performance.now() - t0) / 1000;
  const s = await predictPrice(test, { model });
  const error = rmsle(actual, s.map((x) => x.price));
  const cover = s.filter((x, i) => actual[i] >= x.low && actual[i] <= x.high).length / s.length;
  let line = `n=${products.length} rmsle ${error.toFixed(4)} ratio ${(error / ridge).toFixed(4)} cov ${cover.toFixed(3)} cvRmsle ${model.metrics.validationRmsle.toFixed(4)} cvCov ${model.metrics.validationCoverage80.toFixed(3)} stacker ${model.metrics.stacker} λ ${model.metrics.ridgeLambda} train ${seconds.toFixed(1)}s`;
  if (flags.includes('--phases')) line += `\n  phases (s) ${Object.entries(phases).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)}`).join(', ')}`;
  if (flags.includes('--members')) {
    const impl = model as unknown as PriceModelImpl;
    const stacker = impl.state.stacker;
    line += `\n  scores ${JSON.stringify(model.metrics.stackerScores)}\n  stack weights ${stacker.weights.map((w) => w.toFixed(2)).join(' ')}\n  cv members ${JSON.stringify(model.metrics.memberRmsle)}\n  test members`;
    for (let j = 0; j < stacker.weights.length; j++) {
      impl.state.stacker = { name: 'one', weights: stacker.weights.map((_, k) => (k === j ? 1 : 0)), intercept: 0 };
      const sj = await predictPrice(test, { model });
      line += ` ${MEMBER_NAMES[j] ?? j} ${rmsle(actual, sj.map((x) => x.price)).toFixed(4)}`;
    }
    impl.state.stacker = stacker;
  }
  model.dispose();
  return line;
}

console.log(`${name}: ridge ${ridge.toFixed(4)}, median ${rmsle(actual, categoryMedian(train, test)).toFixed(4)}`);
console.log(await evaluate(train));
if (flags.includes('--curve')) {
  for (const size of [50, 100]) {
    const subset = sample(train, size, 1000 + size);
    console.log(`curve ${size}: ${await evaluate(subset)} | median ${rmsle(actual, categoryMedian(subset, test)).toFixed(4)} ridge ${rmsle(actual, tfidfRidge(subset, test).predicted).toFixed(4)}`);
  }
}
process.exit(0);
