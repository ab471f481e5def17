import { rmsle, type Product } from '../../lib/index.js';
import { priceCatalogs } from '../../bench/price-data.js';
import { fitFeatureSpace, sparseRow, sparseDimension as baseDim } from '../../lib/price/features.js';
import { fitFeaturizer, featurize, rawFeatures, sparseDimension } from '../../lib/price/featurizer.js';
import { fitRidge, predictRidge } from '../../lib/price/ridge.js';
import { groupFolds, nearDuplicateGroups } from '../../lib/price/groups.js';
import { seededOrder } from '../../lib/price/mlp.js';
const name = process.argv[2];
const c = priceCatalogs().find((x) => x.name === name)!;
const { train, test } = c;
const y = Float64Array.from(train, (p) => Math.log1p(p.price!));
const yt = test.map((p) => Math.log1p(p.price!));
const raws = train.map(rawFeatures);
const fz = fitFeaturizer(train, raws);
const feats = train.map((p, i) => featurize(p, fz, raws[i]));
const testFeats = test.map((p) => featurize(p, fz));
const groups = nearDuplicateGroups(feats.map((f) => f.lexical), 0.7);
const gf = groupFolds(groups, 4, 42);
const rf = new Int32Array(train.length); seededOrder(train.length, 42).forEach((r, i) => { rf[r] = i % 4; });
const space = fitFeatureSpace(train);
const variants: Record<string, { rows: any[]; test: any[]; dim: number }> = {
  ours: { rows: feats.map((f) => f.sparse), test: testFeats.map((f) => f.sparse), dim: sparseDimension(fz) },
  base: { rows: train.map((p) => sparseRow(p, space)), test: test.map((p) => sparseRow(p, space)), dim: baseDim(space) },
};
const rm = (a: number[], b: number[]) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / a.length);
for (const [k, v] of Object.entries(variants)) for (const l of [0.01, 0.03, 0.1, 0.3, 1]) {
  const cv = (fold: Int32Array) => { const o = new Array(train.length).fill(0); for (let f = 0; f < 4; f++) { const tr = [...fold.keys()].filter((r) => fold[r] !== f); const m = fitRidge(tr.map((r) => v.rows[r]), Float64Array.from(tr, (r) => y[r]), v.dim, l); for (const r of fold.keys()) if (fold[r] === f) o[r] = predictRidge(v.rows[r], m); } return rm(o, Array.from(y)); };
  const m = fitRidge(v.rows, y, v.dim, l);
  console.log(k, l, 'cvRandom', cv(rf).toFixed(4), 'cvGroup', cv(gf).toFixed(4), 'test', rm(v.test.map((r) => predictRidge(r, m)), yt).toFixed(4));
}
process.exit(0);
