// npm run bench -- encoder : how closely the shipped encoder reproduces the TF.js original of Universal
// Sentence Encoder lite (its teacher, and the BERT student's), what that gives downstream, and what it costs.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { DEFAULT_ENCODER, embedText, loadEncoder, rmsle, type Product } from '../lib/index.js';
import { topK } from '../lib/price/neighbours.js';
import { neighbourStats } from '../lib/price/members.js';
import { fitFeatureSpace, productText, sparseRow } from './tfidf-baseline.js';
import { table } from './results.js';
import { has, readJsonl } from './data.js';

/** Similarity-weighted mean of the neighbours' log-prices (the price model's own weighting). */
const knnEstimate = (neighbours: Array<{ index: number; similarity: number }>, logPrices: ArrayLike<number>): number => neighbourStats(neighbours, logPrices, NaN, 0.05).estimate;

/** Where the student's card is once shipped; before that, tools/encoder/train_student.py --export writes it to .cache/encoder/. */
const STUDENT = 'storecast-bert-mini';
const STUDENT_CARD = `public/models/${STUDENT}/README.md`;

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

const leaf = (p: Product): string => (p.category ?? '').split('|').pop()!.split('>').pop()!.trim();

/**
 * Comparables' relevance: the share of each test product's 5 nearest training products (by title)
 * that are in its leaf category, for the encoder alone, TF-IDF alone and both fused (the mean of the
 * two cosines: the encoder matches synonyms, n-grams match exact model words and numbers).
 */
function leafAgreement(train: Product[], test: Product[], trainVectors: Float32Array[], testVectors: Float32Array[]): Record<'encoder' | 'tfidf' | 'fused', number> {
  const titleOnly = (p: Product): Product => ({ title: p.title });
  const space = fitFeatureSpace(train.map(titleOnly));
  const unit = (p: Product): Map<number, number> => {
    const row = sparseRow(titleOnly(p), space);
    let n = 0;
    row.values.forEach((v) => { n += v * v; });
    n = Math.sqrt(n) || 1;
    return new Map(Array.from(row.indices, (idx, k) => [idx, row.values[k] / n]));
  };
  const trainRows = train.map(unit);
  const score = { encoder: 0, tfidf: 0, fused: 0 };
  let counted = 0;
  test.forEach((q, i) => {
    if (!leaf(q)) return;
    const lexical = unit(q);
    const sims = train.map((_, j) => {
      let t = 0;
      for (const [k, v] of lexical) t += v * (trainRows[j].get(k) ?? 0);
      const e = dot(testVectors[i], trainVectors[j]);
      return { j, encoder: e, tfidf: t, fused: (e + t) / 2 };
    });
    for (const key of ['encoder', 'tfidf', 'fused'] as const) {
      const top = [...sims].sort((a, b) => b[key] - a[key]).slice(0, 5);
      score[key] += top.filter((s) => leaf(train[s.j]) === leaf(q)).length / 5;
    }
    counted++;
  });
  return { encoder: score.encoder / counted, tfidf: score.tfidf / counted, fused: score.fused / counted };
}

export async function runEncoderBenchmark(log: (s: string) => void): Promise<string> {
  // Load time first, before anything else has started onnxruntime.
  const t0 = performance.now();
  const encoder = await loadEncoder();
  const loadMs = performance.now() - t0;
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
      const batch = texts.slice(i, i + 128);
      const data = (await teacher.embed(batch)) as Float32Array;
      // The original drops empty texts at the end of a batch; embedText gives them a zero vector too.
      batch.forEach((_, k) => out.push((k + 1) * 512 <= data.length ? normalise(data.slice(k * 512, (k + 1) * 512)) : new Float32Array(512)));
    }
    return out;
  };
  // embedText trims texts; the teacher gets the same strings.
  const embedBoth = async (texts: string[]): Promise<[Float32Array[], Float32Array[]]> => {
    const prepared = texts.map((t) => t.slice(0, 2000).trim());
    return [await embedText(prepared, { cache: false }), await embedTeacher(prepared)];
  };
  // The BERT student is measured beside the port: the shipped one in public/models/, or before it ships
  // the export in .cache/encoder/. Ship criterion: Spearman >= 0.85 on product titles and k-NN price
  // RMSLE <= 1.05 x the teacher's.
  const shipped = existsSync(STUDENT_CARD);
  const studentFolder = shipped ? 'public/models/' : '.cache/encoder/';
  const studentOptions = { model: STUDENT, ...(shipped ? {} : { baseUrl: studentFolder }), dtype: 'q8' } as const;
  const studentLabel = `${STUDENT} (BERT student${shipped ? '' : ', not shipped'})`;
  const student = existsSync(`${studentFolder}${STUDENT}/onnx/model_quantized.onnx`) ? await loadEncoder(studentOptions) : undefined;
  const embedStudent = (texts: string[]): Promise<Float32Array[]> => embedText(texts.map((t) => t.slice(0, 2000).trim()), { encoder: studentOptions, cache: false });
  const studentRows: Array<Array<string | number>> = [];
  const sections: string[] = [];
  const quality: Array<Array<string | number>> = [];
  const addQuality = (label: string, [ours, original]: [Float32Array[], Float32Array[]]): void => {
    const a = agreement(ours, original);
    const cosines = ours.map((v, i) => (original[i].some((x) => x !== 0) ? dot(v, original[i]) : 1));
    // More digits than table()'s default: the port agrees with the original to the fourth decimal.
    quality.push([label, a.pairs, a.spearman.toFixed(5), a.overlap.toFixed(4), Math.min(...cosines).toFixed(5), (cosines.reduce((s, c) => s + c, 0) / cosines.length).toFixed(6)]);
  };
  // 1. General sentences: held-out lines of the distillation corpus when built (tools/encoder/build-corpus.mjs),
  //    and sentences of the amazon_india product descriptions.
  if (existsSync('.cache/encoder/corpus-stats.json')) {
    const stats = JSON.parse(readFileSync('.cache/encoder/corpus-stats.json', 'utf8')) as { heldOut: number };
    const held = readFileSync('.cache/encoder/corpus.txt', 'utf8').split('\n').filter(Boolean).slice(-stats.heldOut);
    addQuality(`held-out corpus sentences (${held.length})`, await embedBoth(held));
  }
  const datasets = ['amazon_india', 'superstore'].filter((d) => has(`price/benchmark/${d}/train.jsonl`));
  if (datasets.includes('amazon_india')) {
    const sentences = [...new Set(readJsonl('price/benchmark/amazon_india/train.jsonl').flatMap((p) => (p.description ?? '').split('|')).map((s) => s.trim()).filter((s) => s.length > 20))].slice(0, 2000);
    addQuality(`product description sentences, amazon_india (${sentences.length})`, await embedBoth(sentences));
    log('general sentences done');
  }
  // 2. Product titles, and k-NN prices on the benchmark splits.
  const knnRows: Array<Array<string | number>> = [];
  const leafRows: Array<Array<string | number>> = [];
  const allTitles: string[] = [];
  for (const d of datasets) {
    const train = readJsonl(`price/benchmark/${d}/train.jsonl`);
    const test = readJsonl(`price/benchmark/${d}/test.jsonl`);
    allTitles.push(...train.concat(test).map((p) => p.title));
    const prices = [train.map((p) => p.price!), test.map((p) => p.price!)] as const;
    const [trainOurs, trainOriginal] = await embedBoth(train.map(productText));
    const [testOurs, testOriginal] = await embedBoth(test.map(productText));
    knnRows.push([d, `${DEFAULT_ENCODER} (int8, onnxruntime-node)`, knnRmsle(trainOurs, prices[0], testOurs, prices[1])]);
    knnRows.push([d, 'USE lite original (TF.js)', knnRmsle(trainOriginal, prices[0], testOriginal, prices[1])]);
    knnRows.push([d, 'TF-IDF (hashed word + char n-grams)', tfidfKnnRmsle(train, test)]);
    if (student) {
      const teacherKnn = knnRmsle(trainOriginal, prices[0], testOriginal, prices[1]);
      const studentKnn = knnRmsle(await embedStudent(train.map(productText)), prices[0], await embedStudent(test.map(productText)), prices[1]);
      knnRows.push([d, studentLabel, studentKnn]);
      // Test titles only: the student's corpus holds the training splits' titles, never the test splits'.
      const testTitles = test.map((p) => p.title);
      const a = agreement(await embedStudent(testTitles), await embedTeacher(testTitles.map((t) => t.slice(0, 2000).trim())));
      studentRows.push([d, testTitles.length, a.spearman.toFixed(4), a.overlap.toFixed(3), (studentKnn / teacherKnn).toFixed(3)]);
    }
    const [trainTitles, testTitles] = [await embedText(train.map((p) => p.title), { cache: false }), await embedText(test.map((p) => p.title), { cache: false })];
    const agreementByMethod = leafAgreement(train, test, trainTitles, testTitles);
    leafRows.push([d, agreementByMethod.encoder, agreementByMethod.tfidf, agreementByMethod.fused]);
    log(`k-NN ${d} done`);
  }
  if (allTitles.length) addQuality(`product titles of the price benchmark (${allTitles.length})`, await embedBoth(allTitles));
  sections.push(`Agreement of ${DEFAULT_ENCODER} (int8 weights, float compute; onnxruntime-node) with the TF.js original of Universal Sentence Encoder lite. Spearman = rank correlation between the two models' cosine similarities over random pairs; overlap = mean share of the original's 10 nearest neighbours that ${DEFAULT_ENCODER} also ranks in its top 10; cosine = between the two vectors of the same text.`);
  sections.push(table(['texts', 'pairs', 'Spearman', 'top-10 overlap', 'min cosine', 'mean cosine'], quality));
  if (knnRows.length) {
    sections.push('Downstream: k-NN price (k = 10, similarity-weighted mean of log prices) on the test split, RMSLE.');
    sections.push(table(['data set', 'representation', 'k-NN RMSLE'], knnRows));
  }
  if (studentRows.length) {
    const studentTable = table(['data set', 'test titles', 'Spearman', 'top-10 overlap', 'k-NN / teacher k-NN'], studentRows);
    sections.push(`BERT student ${student!.id} (${studentFolder}${STUDENT}${shipped ? '' : ', exported by tools/encoder/train_student.py --export; not shipped'}): agreement with the TF.js original on the test split's titles (never in its training corpus), and its k-NN price RMSLE as a multiple of the original's (rows above). Ships at Spearman >= 0.85 and k-NN <= 1.05 x.`);
    sections.push(studentTable);
    // The shipped student's card carries these numbers (between its benchmark markers).
    if (shipped) writeFileSync(STUDENT_CARD, readFileSync(STUDENT_CARD, 'utf8').replace(/(<!-- benchmark:start -->)[\s\S]*?(<!-- benchmark:end -->)/, `$1\n${studentTable}\n$2`));
  }
  if (leafRows.length) {
    sections.push(`Comparables by title: share of a test product's 5 nearest training titles in its leaf category (the last level of its category path), by ${DEFAULT_ENCODER} cosine, TF-IDF cosine (hashed word + char n-grams of the title), and both fused (mean of the two cosines).`);
    sections.push(table(['data set', DEFAULT_ENCODER, 'TF-IDF', 'fused'], leafRows));
  }
  // 3. Cost in Node.
  const titles = (allTitles.length ? allTitles : ['Samsung Galaxy smartphone 128GB, black', 'Philips steam iron 2400W', 'Avery durable binder 1"']).slice(0, 320);
  while (titles.length < 320) titles.push(...titles.slice(0, 320 - titles.length));
  const cost: Array<Array<string | number>> = [];
  for (const batch of [1, 32]) {
    const count = batch === 1 ? 64 : 320;
    const t1 = performance.now();
    await embedText(titles.slice(0, count), { batchSize: batch, cache: false });
    cost.push([`${DEFAULT_ENCODER}, ms per title, batch ${batch} (onnxruntime-node)`, (performance.now() - t1) / count]);
  }
  if (student) {
    // The student's cost beside the port's: a smaller network per token (4 layers of 256), on the same titles.
    const t3 = performance.now();
    await embedText(titles.slice(0, 320), { encoder: studentOptions, batchSize: 32, cache: false });
    cost.push([`${studentLabel}, ms per title, batch 32 (onnxruntime-node)`, (performance.now() - t3) / 320]);
  }
  const t2 = performance.now();
  await embedTeacher(titles.slice(0, 320).map((t) => t.trim()));
  cost.push(['USE lite original, ms per title, batch 128 (TF.js wasm)', (performance.now() - t2) / 320]);
  cost.push([`${DEFAULT_ENCODER} load ms (read, sha256, session)`, loadMs]);
  const folder = new URL(`../public/models/${DEFAULT_ENCODER}/`, import.meta.url).pathname;
  const bytes = (f: string): number => statSync(folder + f).size;
  cost.push(['onnx/model_quantized.onnx MB (float compute: Node, WebGPU)', bytes('onnx/model_quantized.onnx') / 1e6]);
  cost.push(['onnx/model_uint8.onnx MB (integer compute: browser wasm)', bytes('onnx/model_uint8.onnx') / 1e6]);
  cost.push(['files one page downloads MB (one model file, tokenizer, configs)', ['onnx/model_uint8.onnx', 'tokenizer.json', 'tokenizer_config.json', 'config.json'].reduce((s, f) => s + bytes(f), 0) / 1e6]);
  cost.push(['encoder id', encoder.id]);
  sections.push('Cost in Node on this machine (browser numbers are in the browser section).');
  sections.push(table(['what', 'value'], cost));
  return sections.join('\n\n');
}
