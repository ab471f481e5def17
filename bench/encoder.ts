// npm run bench -- encoder : how well the distilled student reproduces its teacher, and what it costs.
import { readFileSync } from 'node:fs';
import { embedText, rmsle, type Product } from '../lib/index.js';
import { fitFeatureSpace, productText, sparseRow } from '../lib/price/features.js';
import { knnEstimate, topK } from '../lib/price/neighbours.js';
import { table } from './results.js';
import { has, readJsonl } from './data.js';

function spearman(a: number[], b: number[]): number {
  const rank = (v: number[]): Float64Array => {
    const order = v.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Float64Array(v.length);
    order.forEach(([, i], k) => { r[i] = k; });
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const n = a.length;
  const mean = (n - 1) / 2;
  let num = 0, da = 0, db = 0;
  for (let i = 0; i < n; i++) { num += (ra[i] - mean) * (rb[i] - mean); da += (ra[i] - mean) ** 2; db += (rb[i] - mean) ** 2; }
  return num / Math.sqrt(da * db);
}

const dot = (a: Float32Array, b: Float32Array): number => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };
const normalise = (v: Float32Array): Float32Array => { let n = 0; for (const x of v) n += x * x; n = Math.sqrt(n) || 1; return v.map((x) => x / n); };

function pairs(n: number, count: number, seed = 7): Array<[number, number]> {
  let s = seed;
  const next = (): number => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s % n; };
  return Array.from({ length: count }, () => { const a = next(); let b = next(); if (b === a) b = (b + 1) % n; return [a, b]; });
}

function agreement(student: Float32Array[], teacher: Float32Array[]): { spearman: number; overlap: number; pairs: number } {
  const p = pairs(student.length, 5000);
  const rho = spearman(p.map(([a, b]) => dot(student[a], student[b])), p.map(([a, b]) => dot(teacher[a], teacher[b])));
  const dims = (m: Float32Array[]): { matrix: Float32Array; d: number } => { const d = m[0].length; const matrix = new Float32Array(m.length * d); m.forEach((v, i) => matrix.set(v, i * d)); return { matrix, d }; };
  const s = dims(student);
  const t = dims(teacher);
  const sample = Math.min(student.length, 1000);
  let overlap = 0;
  for (let i = 0; i < sample; i++) {
    const ns = new Set(topK(student[i], s.matrix, s.d, 11, (j) => j === i).slice(0, 10).map((x) => x.index));
    overlap += topK(teacher[i], t.matrix, t.d, 11, (j) => j === i).slice(0, 10).filter((x) => ns.has(x.index)).length / 10;
  }
  return { spearman: rho, overlap: overlap / sample, pairs: p.length };
}

function knnRmsle(train: Float32Array[], trainPrices: number[], test: Float32Array[], testPrices: number[]): number {
  const d = train[0].length;
  const matrix = new Float32Array(train.length * d);
  train.forEach((v, i) => matrix.set(v, i * d));
  const logs = trainPrices.map(Math.log1p);
  return rmsle(testPrices, test.map((v) => Math.expm1(knnEstimate(topK(v, matrix, d, 10), logs))));
}

/** k-NN on TF-IDF rows (the price model's hashed n-grams), with sparse cosine similarities. */
function tfidfKnnRmsle(train: Product[], test: Product[]): number {
  const space = fitFeatureSpace(train);
  const unit = (p: Product): Map<number, number> => {
    const row = sparseRow(p, space);
    let n = 0;
    row.values.forEach((v) => { n += v * v; });
    n = Math.sqrt(n) || 1;
    return new Map(Array.from(row.indices, (idx, k) => [idx, row.values[k] / n]));
  };
  const trainRows = train.map(unit);
  const logs = train.map((p) => Math.log1p(p.price!));
  const predictions = test.map((p) => {
    const q = unit(p);
    const sims = trainRows.map((r, index) => { let s = 0; for (const [k, v] of q) s += v * (r.get(k) ?? 0); return { index, similarity: s }; }).sort((a, b) => b.similarity - a.similarity).slice(0, 10);
    return Math.expm1(knnEstimate(sims, logs));
  });
  return rmsle(test.map((p) => p.price!), predictions);
}

export async function runEncoderBenchmark(log: (s: string) => void): Promise<string> {
  // @ts-expect-error plain-JS tool module
  const { loadTeacher } = await import('../tools/encoder/teacher-embed.mjs');
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  await tf.ready();
  // tfjs-backend-wasm's Emscripten glue rethrows every unhandled rejection in Node, including
  // onnxruntime's harmless ones; the benchmark logs them instead of dying.
  process.removeAllListeners('unhandledRejection');
  process.removeAllListeners('uncaughtException');
  process.on('unhandledRejection', (reason) => log(`(ignored unhandled rejection: ${String(reason)})`));
  const teacher = await loadTeacher();
  const embedTeacher = async (texts: string[]): Promise<Float32Array[]> => {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += 128) {
      const data = (await teacher.embed(texts.slice(i, i + 128))) as Float32Array;
      for (let k = 0; k < data.length / 512; k++) out.push(normalise(data.slice(k * 512, (k + 1) * 512)));
    }
    return out;
  };
  const sections: string[] = [];
  const quality: Array<Array<string | number>> = [];
  // 1. Held-out corpus sentences (never trained on).
  const stats = JSON.parse(readFileSync('.cache/encoder/corpus-stats.json', 'utf8')) as { heldOut: number };
  const lines = readFileSync('.cache/encoder/corpus.txt', 'utf8').split('\n').filter(Boolean);
  const held = lines.slice(-stats.heldOut);
  log(`held-out sentences: ${held.length}`);
  const a = agreement(await embedText(held, { cache: false }), await embedTeacher(held));
  quality.push([`held-out corpus sentences (${held.length})`, a.pairs, a.spearman, a.overlap]);
  // 2. Real product titles (evaluation data, never in the corpus).
  const datasets = ['amazon_india', 'superstore'].filter((d) => has(`price/benchmark/${d}/train.jsonl`));
  const knnRows: Array<Array<string | number>> = [];
  const allTitles: string[] = [];
  for (const d of datasets) {
    const train = readJsonl(`price/benchmark/${d}/train.jsonl`);
    const test = readJsonl(`price/benchmark/${d}/test.jsonl`);
    allTitles.push(...train.concat(test).map((p) => p.title));
    const trainText = train.map(productText);
    const testText = test.map(productText);
    const prices = [train.map((p) => p.price!), test.map((p) => p.price!)] as const;
    knnRows.push([d, 'student (storecast-bert-mini, int8)', knnRmsle(await embedText(trainText, { cache: false }), prices[0], await embedText(testText, { cache: false }), prices[1])]);
    knnRows.push([d, 'teacher (USE-lite)', knnRmsle(await embedTeacher(trainText), prices[0], await embedTeacher(testText), prices[1])]);
    knnRows.push([d, 'TF-IDF (hashed word + char n-grams)', tfidfKnnRmsle(train, test)]);
    log(`k-NN ${d} done`);
  }
  if (allTitles.length) {
    const b = agreement(await embedText(allTitles, { cache: false }), await embedTeacher(allTitles));
    quality.push([`product titles of the price benchmark (${allTitles.length})`, b.pairs, b.spearman, b.overlap]);
  }
  sections.push('Agreement with the teacher (target: Spearman ≥ 0.85 on product-title pairs). Spearman = rank correlation between student and teacher cosine similarities over random pairs; overlap = mean share of the teacher\'s 10 nearest neighbours that the student also ranks in its top 10.');
  sections.push(table(['texts', 'pairs', 'Spearman', 'top-10 overlap'], quality));
  sections.push('Downstream: k-NN price (k = 10, similarity-weighted mean of log prices) on the test split, RMSLE.');
  sections.push(table(['data set', 'representation', 'k-NN RMSLE'], knnRows));
  // 3. Latency in Node (onnxruntime-node CPU, int8).
  const titles = allTitles.length ? allTitles.slice(0, 320) : held.slice(0, 320);
  const latency: Array<Array<string | number>> = [];
  for (const batch of [1, 32]) {
    const t0 = performance.now();
    await embedText(titles.slice(0, batch === 1 ? 64 : 320), { batchSize: batch, cache: false });
    const per = (performance.now() - t0) / (batch === 1 ? 64 : 320);
    latency.push(['Node (onnxruntime-node, CPU)', batch, per]);
  }
  sections.push('Latency per title in Node (browser numbers are in the browser section).');
  sections.push(table(['where', 'batch', 'ms per title'], latency));
  return sections.join('\n\n');
}
