import { breather, throwIfAborted } from '../errors.js';
import type { SparseRow } from './features.js';
import type { FeaturizerState, ProductFeatures } from './featurizer.js';

/**
 * Sparse MLP on hashed n-grams (the Mercari Price Suggestion winners' model): sparse input →
 * hidden relu → 64 relu → 1, trained a few epochs with Adam and a batch size that doubles each
 * epoch. The sparse first layer is an embedding bag — gather the rows of the features present,
 * scale by their values, sum per product — so its cost follows the non-zeros, not the column
 * count. It is written in TypeScript rather than TF.js ops: TF.js's wasm backend has no
 * UnsortedSegmentSum (the gradient of tf.gather), and a dense gradient of a 32k-row table per
 * step would cost far more than the few hundred rows a batch touches.
 */
export interface MlpConfig { hidden: number; epochs: number; batch: number; learningRate: number; seed: number }

/**
 * What an MLP reads: `words` — presence of the word-level features (title words and bigrams,
 * description words, categories, brand, crosses, quantity tokens); `grams` — the TF-IDF values of
 * the whole hashed row, title char n-grams included (what the ridge reads). Two views of the same
 * product make two models that err differently, and their mean beats either (Mercari's winners
 * averaged MLPs on binary and TF-IDF inputs).
 */
export type MlpInput = 'words' | 'grams';
export interface MlpVariant { input: MlpInput; binary: boolean; hidden: number; batch: number; learningRate: number }

/**
 * The variants trained on every fold. A catalog of a thousand products gives a few hundred Adam
 * steps per epoch at most, so the learning rate is higher than Mercari's (1.4M rows) and the
 * epochs more. The char n-gram view has about three times the non-zeros of the word view: at half
 * the width it costs about 1.5× as much.
 */
export const MLP_VARIANTS: MlpVariant[] = [
  { input: 'words', binary: true, hidden: 64, batch: 16, learningRate: 0.015 },
  { input: 'grams', binary: false, hidden: 32, batch: 16, learningRate: 0.015 },
];
const SECOND_LAYER = 64;

/** Rows in the MLP's column space: compact column ids (hashed slots by frequency, then dense slots). */
export interface MlpRow { indices: Int32Array; values: Float32Array }

/** Maps hashed rows onto the MLP's columns; features outside them are dropped. */
function mlpColumnMap(columns: Int32Array, hashSize: number): Int32Array {
  const position = new Int32Array(hashSize).fill(-1);
  columns.forEach((c, i) => { position[c] = i; });
  return position;
}

/** The hashed slots a view reads, and the part of a product's features it starts from. */
const mlpColumnsOf = (s: FeaturizerState, input: MlpInput): Int32Array => (input === 'words' ? s.mlpColumns : s.mlpGramColumns);
const mlpSourceRow = (f: ProductFeatures, input: MlpInput): SparseRow => (input === 'words' ? f.wordLevel : f.sparse);

/** A view's reader: a product's features → its row in that view's column space (training and prediction share it). */
export function mlpRowReader(featurizer: FeaturizerState, input: MlpInput, binary: boolean): { columns: number; read: (f: ProductFeatures) => MlpRow } {
  const columns = mlpColumnsOf(featurizer, input);
  const position = mlpColumnMap(columns, featurizer.idf.length);
  return { columns: columns.length, read: (f) => toMlpRow(mlpSourceRow(f, input), position, columns.length, binary) };
}

function toMlpRow(row: SparseRow, position: Int32Array, columns: number, binary: boolean): MlpRow {
  const indices: number[] = [];
  const values: number[] = [];
  const hashSize = position.length;
  let hashed = 0;
  for (let k = 0; k < row.indices.length; k++) {
    const c = row.indices[k];
    if (c >= hashSize) { indices.push(columns + c - hashSize); values.push(row.values[k]); continue; }
    const p = position[c];
    if (p < 0) continue;
    indices.push(p);
    values.push(binary ? 1 : row.values[k]);
    hashed++;
  }
  // Binary input: which features are present, scaled so long titles do not saturate the layer.
  if (binary && hashed) for (let k = 0; k < indices.length; k++) if (indices[k] < columns) values[k] = 1 / Math.sqrt(hashed);
  return { indices: Int32Array.from(indices), values: Float32Array.from(values) };
}

export interface MlpWeights { table: Float32Array; bias1: Float32Array; kernel2: Float32Array; bias2: Float32Array; kernel3: Float32Array; bias3: number; inputs: number; hidden: number; input: MlpInput; binary: boolean }

/** 0..n-1 in a seeded random order (Fisher–Yates on an LCG): the same folds and epochs on every run. */
export function seededOrder(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Seeded normal draws (Box–Muller on an LCG): same seed, same model, on every platform. */
function normals(count: number, sd: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let s = (seed * 2654435761) >>> 0 || 1;
  const uniform = (): number => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s + 0.5) / 4294967296; };
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const t = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(t) * sd;
    if (i + 1 < count) out[i + 1] = r * Math.sin(t) * sd;
  }
  return out;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7;

/** Adam on a dense parameter block. */
function adam(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, rate: number): void {
  for (let i = 0; i < param.length; i++) {
    const g = grad[i];
    m[i] = BETA1 * m[i] + (1 - BETA1) * g;
    v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
    param[i] -= (rate * m[i]) / (Math.sqrt(v[i]) + EPSILON);
    grad[i] = 0;
  }
}

/** Parameters, Adam moments, gradients and scratch of one MLP being trained. */
interface Trainer {
  h: number;
  table: Float32Array; tableM: Float32Array; tableV: Float32Array; tableGrad: Float32Array; touched: Uint8Array;
  bias1: Float32Array; kernel2: Float32Array; bias2: Float32Array; kernel3: Float32Array; bias3: Float32Array;
  dense: Float32Array[]; denseGrad: Float32Array[]; denseM: Float32Array[]; denseV: Float32Array[];
  h1: Float32Array; h2: Float32Array; dh1: Float32Array; dh2: Float32Array; active: Int32Array;
}

/**
 * Forward and backward passes of one batch, gradients accumulated; returns the table rows it
 * touched. A plain synchronous function called once per batch, so the engine optimises it early:
 * the same loops inside the async training loop run several times slower until on-stack
 * replacement kicks in.
 */
function accumulateBatch(t: Trainer, rows: MlpRow[], y: Float32Array, order: number[], start: number, end: number): number[] {
  const { h, table, tableGrad, touched, bias1, kernel2, bias2, kernel3, bias3, h1, h2, dh1, dh2, active } = t;
  const [gBias1, gKernel2, gBias2, gKernel3, gBias3] = t.denseGrad;
  const H2 = SECOND_LAYER;
  const used: number[] = [];
  const scale = 2 / (end - start);
  for (let b = start; b < end; b++) {
    const r = order[b];
    const indices = rows[r].indices;
    const values = rows[r].values;
    const nnz = indices.length;
    // Forward: embedding bag, relu, then the second layer over the active units only.
    for (let j = 0; j < h; j++) h1[j] = bias1[j];
    for (let k = 0; k < nnz; k++) {
      const offset = indices[k] * h;
      const value = values[k];
      for (let j = 0; j < h; j++) h1[j] += value * table[offset + j];
    }
    let activeCount = 0;
    for (let j = 0; j < h; j++) if (h1[j] > 0) active[activeCount++] = j;
    for (let m = 0; m < H2; m++) h2[m] = bias2[m];
    for (let a = 0; a < activeCount; a++) {
      const j = active[a];
      const x = h1[j];
      const base = j * H2;
      for (let m = 0; m < H2; m++) h2[m] += x * kernel2[base + m];
    }
    let out = bias3[0];
    for (let m = 0; m < H2; m++) {
      if (h2[m] < 0) h2[m] = 0;
      out += h2[m] * kernel3[m];
    }
    // Backward of the squared error.
    const dOut = scale * (out - y[r]);
    gBias3[0] += dOut;
    for (let m = 0; m < H2; m++) {
      gKernel3[m] += dOut * h2[m];
      const d = h2[m] > 0 ? dOut * kernel3[m] : 0;
      dh2[m] = d;
      gBias2[m] += d;
    }
    for (let a = 0; a < activeCount; a++) {
      const j = active[a];
      const x = h1[j];
      const base = j * H2;
      let s = 0;
      for (let m = 0; m < H2; m++) { gKernel2[base + m] += x * dh2[m]; s += kernel2[base + m] * dh2[m]; }
      dh1[j] = s;
      gBias1[j] += s;
    }
    for (let k = 0; k < nnz; k++) {
      const c = indices[k];
      if (!touched[c]) { touched[c] = 1; used.push(c); }
      const offset = c * h;
      const value = values[k];
      for (let a = 0; a < activeCount; a++) { const j = active[a]; tableGrad[offset + j] += value * dh1[j]; }
    }
  }
  return used;
}

/** Adam on the dense layers and on the table rows a batch touched (lazy), gradients cleared. */
function applyAdam(t: Trainer, used: number[], rate: number): void {
  t.dense.forEach((p, i) => adam(p, t.denseGrad[i], t.denseM[i], t.denseV[i], rate));
  const { h, table, tableM, tableV, tableGrad, touched } = t;
  for (let u = 0; u < used.length; u++) {
    const c = used[u];
    touched[c] = 0;
    const offset = c * h;
    for (let j = offset; j < offset + h; j++) {
      const g = tableGrad[j];
      const m1 = BETA1 * tableM[j] + (1 - BETA1) * g;
      const v1 = BETA2 * tableV[j] + (1 - BETA2) * g * g;
      tableM[j] = m1;
      tableV[j] = v1;
      table[j] -= (rate * m1) / (Math.sqrt(v1) + EPSILON);
      tableGrad[j] = 0;
    }
  }
}

/**
 * Trains on standardised targets with mini-batch Adam. The first layer's gradient touches only
 * the rows of the features present in the batch, so those rows alone are updated ("lazy" Adam,
 * as for embedding tables): an epoch costs O(non-zeros × hidden), not O(columns × hidden).
 */
export async function trainMlp(rows: MlpRow[], y: Float32Array, inputs: number, config: MlpConfig & Pick<MlpVariant, 'input' | 'binary'>, task: { signal?: AbortSignal; onStep?: () => void } = {}): Promise<MlpWeights> {
  const h = config.hidden;
  const n = rows.length;
  const table = normals(inputs * h, Math.sqrt(2 / 40), config.seed);
  const bias1 = new Float32Array(h);
  const kernel2 = normals(h * SECOND_LAYER, Math.sqrt(2 / h), config.seed + 1);
  const bias2 = new Float32Array(SECOND_LAYER);
  const kernel3 = normals(SECOND_LAYER, Math.sqrt(1 / SECOND_LAYER), config.seed + 2);
  const bias3 = new Float32Array(1);
  const dense = [bias1, kernel2, bias2, kernel3, bias3];
  const trainer: Trainer = {
    h, table, tableM: new Float32Array(table.length), tableV: new Float32Array(table.length), tableGrad: new Float32Array(table.length), touched: new Uint8Array(inputs),
    bias1, kernel2, bias2, kernel3, bias3,
    dense, denseGrad: dense.map((p) => new Float32Array(p.length)), denseM: dense.map((p) => new Float32Array(p.length)), denseV: dense.map((p) => new Float32Array(p.length)),
    h1: new Float32Array(h), h2: new Float32Array(SECOND_LAYER), dh1: new Float32Array(h), dh2: new Float32Array(SECOND_LAYER), active: new Int32Array(h),
  };
  let step = 0;
  const breathe = breather();
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    const order = seededOrder(n, config.seed * 31 + epoch);
    const batchSize = batchOf(config, epoch);
    for (let start = 0; start < n; start += batchSize) {
      throwIfAborted(task.signal);
      const used = accumulateBatch(trainer, rows, y, order, start, Math.min(n, start + batchSize));
      step++;
      applyAdam(trainer, used, (config.learningRate * Math.sqrt(1 - BETA2 ** step)) / (1 - BETA1 ** step));
      task.onStep?.();
      await breathe();
    }
  }
  return { table, bias1, kernel2, bias2, kernel3, bias3: bias3[0], inputs, hidden: h, input: config.input, binary: config.binary };
}

/** Batch size of an epoch: doubling each epoch, up to MAX_BATCH. */
const MAX_BATCH = 4096;
const batchOf = (c: { batch: number }, epoch: number): number => Math.min(MAX_BATCH, c.batch * 2 ** Math.min(epoch, 20));

/** Adam's cost per step, in steps, for progress: epochs × batches. */
export const mlpSteps = (n: number, c: { epochs: number; batch: number }): number => {
  let steps = 0;
  for (let e = 0; e < c.epochs; e++) steps += Math.ceil(n / batchOf(c, e));
  return steps;
};

/**
 * Prediction in plain TypeScript: a forward pass of one product touches a few hundred table rows,
 * cheaper than a TF.js call's fixed cost, and it leaves no tensors behind.
 */
export function predictMlp(w: MlpWeights, row: MlpRow): number {
  const h = w.hidden;
  const h1 = Float32Array.from(w.bias1);
  for (let k = 0; k < row.indices.length; k++) {
    const offset = row.indices[k] * h;
    const v = row.values[k];
    for (let j = 0; j < h; j++) h1[j] += v * w.table[offset + j];
  }
  const h2 = Float32Array.from(w.bias2);
  for (let j = 0; j < h; j++) {
    if (h1[j] <= 0) continue;
    const base = j * SECOND_LAYER;
    for (let m = 0; m < SECOND_LAYER; m++) h2[m] += h1[j] * w.kernel2[base + m];
  }
  let out = w.bias3;
  for (let m = 0; m < SECOND_LAYER; m++) if (h2[m] > 0) out += h2[m] * w.kernel3[m];
  return out;
}
