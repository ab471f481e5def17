import { throwIfAborted, yieldToEventLoop } from '../errors.js';
import type { SparseRow } from './features.js';

/**
 * Sparse MLP on hashed n-grams (the Mercari Price Suggestion winners' model): sparse input →
 * 256 relu → 64 relu → 1, trained a few epochs with Adam and a batch size that doubles each
 * epoch. The sparse first layer is an embedding bag — gather the rows of the features present,
 * scale by their values, sum per product — so its cost follows the non-zeros, not the column
 * count. It is written in TypeScript rather than TF.js ops: TF.js's wasm backend has no
 * UnsortedSegmentSum (the gradient of tf.gather), and a dense gradient of a 32k × 256 table per
 * step would cost far more than the few hundred rows a batch touches.
 */
export interface MlpConfig { hidden: number; epochs: number; batch: number; learningRate: number; seed: number; binary: boolean }

export const MLP_VARIANTS: Array<Omit<MlpConfig, 'seed'>> = [
  { hidden: 256, epochs: 3, batch: 32, learningRate: 3e-3, binary: false },
  { hidden: 256, epochs: 3, batch: 32, learningRate: 3e-3, binary: true },
];
const SECOND_LAYER = 64;

/** Rows in the MLP's column space: compact column ids (hashed slots by frequency, then dense slots). */
export interface MlpRow { indices: Int32Array; values: Float32Array }

/** Maps hashed rows onto the MLP's columns; features outside them are dropped. */
export function mlpColumnMap(columns: Int32Array, hashSize: number): Int32Array {
  const position = new Int32Array(hashSize).fill(-1);
  columns.forEach((c, i) => { position[c] = i; });
  return position;
}

export function toMlpRow(row: SparseRow, position: Int32Array, columns: number, binary: boolean): MlpRow {
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

export interface MlpWeights { table: Float32Array; bias1: Float32Array; kernel2: Float32Array; bias2: Float32Array; kernel3: Float32Array; bias3: number; inputs: number; hidden: number }

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

/**
 * Trains on standardised targets with mini-batch Adam. The first layer's gradient touches only
 * the rows of the features present in the batch, so those rows alone are updated ("lazy" Adam,
 * as for embedding tables): an epoch costs O(non-zeros × hidden), not O(columns × hidden).
 */
export async function trainMlp(rows: MlpRow[], y: Float32Array, inputs: number, config: MlpConfig, task: { signal?: AbortSignal; onStep?: () => void } = {}): Promise<MlpWeights> {
  const h = config.hidden;
  const n = rows.length;
  const table = normals(inputs * h, Math.sqrt(2 / 40), config.seed);
  const bias1 = new Float32Array(h);
  const kernel2 = normals(h * SECOND_LAYER, Math.sqrt(2 / h), config.seed + 1);
  const bias2 = new Float32Array(SECOND_LAYER);
  const kernel3 = normals(SECOND_LAYER, Math.sqrt(1 / SECOND_LAYER), config.seed + 2);
  const bias3 = new Float32Array(1);
  const dense = [bias1, kernel2, bias2, kernel3, bias3];
  const denseGrad = dense.map((p) => new Float32Array(p.length));
  const denseM = dense.map((p) => new Float32Array(p.length));
  const denseV = dense.map((p) => new Float32Array(p.length));
  const tableM = new Float32Array(table.length);
  const tableV = new Float32Array(table.length);
  const tableGrad = new Float32Array(table.length);
  const touched = new Uint8Array(inputs);
  const h1 = new Float32Array(h);
  const h2 = new Float32Array(SECOND_LAYER);
  const dh1 = new Float32Array(h);
  const dh2 = new Float32Array(SECOND_LAYER);
  let step = 0;
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    const order = seededOrder(n, config.seed * 31 + epoch);
    const batchSize = batchOf(config, epoch);
    for (let start = 0; start < n; start += batchSize) {
      throwIfAborted(task.signal);
      const take = order.slice(start, start + batchSize);
      const used: number[] = [];
      const scale = 2 / take.length;
      for (const r of take) {
        const row = rows[r];
        // Forward.
        h1.set(bias1);
        for (let k = 0; k < row.indices.length; k++) {
          const offset = row.indices[k] * h;
          const value = row.values[k];
          for (let j = 0; j < h; j++) h1[j] += value * table[offset + j];
        }
        for (let j = 0; j < h; j++) if (h1[j] < 0) h1[j] = 0;
        let out = bias3[0];
        for (let m = 0; m < SECOND_LAYER; m++) {
          let s = bias2[m];
          for (let j = 0; j < h; j++) if (h1[j] > 0) s += h1[j] * kernel2[j * SECOND_LAYER + m];
          h2[m] = s > 0 ? s : 0;
          out += h2[m] * kernel3[m];
        }
        // Backward of the squared error.
        const dOut = scale * (out - y[r]);
        denseGrad[4][0] += dOut;
        for (let m = 0; m < SECOND_LAYER; m++) {
          denseGrad[3][m] += dOut * h2[m];
          dh2[m] = h2[m] > 0 ? dOut * kernel3[m] : 0;
          denseGrad[2][m] += dh2[m];
        }
        for (let j = 0; j < h; j++) {
          if (h1[j] <= 0) { dh1[j] = 0; continue; }
          let s = 0;
          const base = j * SECOND_LAYER;
          for (let m = 0; m < SECOND_LAYER; m++) { denseGrad[1][base + m] += h1[j] * dh2[m]; s += kernel2[base + m] * dh2[m]; }
          dh1[j] = s;
          denseGrad[0][j] += s;
        }
        for (let k = 0; k < row.indices.length; k++) {
          const c = row.indices[k];
          if (!touched[c]) { touched[c] = 1; used.push(c); }
          const offset = c * h;
          const value = row.values[k];
          for (let j = 0; j < h; j++) tableGrad[offset + j] += value * dh1[j];
        }
      }
      step++;
      const rate = (config.learningRate * Math.sqrt(1 - BETA2 ** step)) / (1 - BETA1 ** step);
      dense.forEach((p, i) => adam(p, denseGrad[i], denseM[i], denseV[i], rate));
      for (const c of used) {
        touched[c] = 0;
        const offset = c * h;
        for (let j = offset; j < offset + h; j++) {
          const g = tableGrad[j];
          tableM[j] = BETA1 * tableM[j] + (1 - BETA1) * g;
          tableV[j] = BETA2 * tableV[j] + (1 - BETA2) * g * g;
          table[j] -= (rate * tableM[j]) / (Math.sqrt(tableV[j]) + EPSILON);
          tableGrad[j] = 0;
        }
      }
      task.onStep?.();
      if (step % 8 === 0) await yieldToEventLoop();
    }
  }
  return { table, bias1, kernel2, bias2, kernel3, bias3: bias3[0], inputs, hidden: h };
}

/** Batch size of an epoch: doubling each epoch, up to MAX_BATCH. */
const MAX_BATCH = 4096;
const batchOf = (c: { batch: number }, epoch: number): number => Math.min(MAX_BATCH, c.batch * 2 ** Math.min(epoch, 20));

/** Adam's cost per step, in steps, for progress: epochs × batches. */
export const mlpSteps = (n: number, c: Omit<MlpConfig, 'seed'>): number => {
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
  let out = w.bias3;
  for (let m = 0; m < SECOND_LAYER; m++) {
    let s = w.bias2[m];
    for (let j = 0; j < h; j++) if (h1[j] > 0) s += h1[j] * w.kernel2[j * SECOND_LAYER + m];
    if (s > 0) out += s * w.kernel3[m];
  }
  return out;
}
