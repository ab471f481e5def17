import type { SparseRow } from './features.js';

/**
 * Ridge regression on sparse rows solved by conjugate gradients on the normal equations:
 * each iteration costs O(non-zeros), so 50k products stay fast and no dense matrix is built.
 * The hashed space is mostly empty (about a third of 2^17 columns is used by 1,000 products), so
 * CG runs on the used columns only.
 */
export function fitRidge(rows: SparseRow[], y: Float64Array, dimension: number, lambda: number, options: { maxIterations?: number; tolerance?: number; initial?: Float32Array } = {}): { weights: Float32Array; intercept: number } {
  const maxIterations = options.maxIterations ?? 100;
  const n = rows.length;
  let intercept = 0;
  for (let i = 0; i < n; i++) intercept += y[i] / n;
  const { offsets, indices, values, columns } = compact(rows, dimension);
  const size = columns.length;
  const multiply = (w: Float64Array, out: Float64Array): void => {
    // out = (XᵀX + λI) w
    for (let j = 0; j < size; j++) out[j] = lambda * w[j];
    for (let i = 0; i < n; i++) {
      const start = offsets[i];
      const end = offsets[i + 1];
      let dot = 0;
      for (let k = start; k < end; k++) dot += values[k] * w[indices[k]];
      for (let k = start; k < end; k++) out[indices[k]] += values[k] * dot;
    }
  };
  const b = new Float64Array(size);
  for (let i = 0; i < n; i++) {
    const target = y[i] - intercept;
    for (let k = offsets[i]; k < offsets[i + 1]; k++) b[indices[k]] += values[k] * target;
  }
  const w = new Float64Array(size);
  const r = Float64Array.from(b);
  // Relative residual 1e-4 (of the right-hand side, wherever CG starts): predictions move by far
  // less than the model's error long before that.
  const tolerance = (options.tolerance ?? 1e-8) * dot(b, b);
  // A warm start (a fit of a neighbouring λ or of overlapping rows) needs fewer iterations.
  if (options.initial) {
    for (let j = 0; j < size; j++) w[j] = options.initial[columns[j]];
    const aw = new Float64Array(size);
    multiply(w, aw);
    for (let j = 0; j < size; j++) r[j] -= aw[j];
  }
  const p = Float64Array.from(r);
  const ap = new Float64Array(size);
  let rs = dot(r, r);
  for (let it = 0; it < maxIterations && rs > tolerance; it++) {
    multiply(p, ap);
    const alpha = rs / dot(p, ap);
    for (let j = 0; j < size; j++) { w[j] += alpha * p[j]; r[j] -= alpha * ap[j]; }
    const next = dot(r, r);
    const beta = next / rs;
    for (let j = 0; j < size; j++) p[j] = r[j] + beta * p[j];
    rs = next;
  }
  const weights = new Float32Array(dimension);
  for (let j = 0; j < size; j++) weights[columns[j]] = w[j];
  return { weights, intercept };
}

/**
 * The rows as one compressed sparse row matrix over the used columns, renumbered 0..size-1: one
 * flat array each instead of thousands of small ones, which the CG loop reads far faster.
 */
function compact(rows: SparseRow[], dimension: number): { offsets: Int32Array; indices: Int32Array; values: Float32Array; columns: Int32Array } {
  const position = new Int32Array(dimension).fill(-1);
  const columns: number[] = [];
  const offsets = new Int32Array(rows.length + 1);
  rows.forEach((row, i) => { offsets[i + 1] = offsets[i] + row.indices.length; });
  const indices = new Int32Array(offsets[rows.length]);
  const values = new Float32Array(offsets[rows.length]);
  rows.forEach((row, i) => {
    const o = offsets[i];
    for (let k = 0; k < row.indices.length; k++) {
      const c = row.indices[k];
      if (position[c] < 0) { position[c] = columns.length; columns.push(c); }
      indices[o + k] = position[c];
      values[o + k] = row.values[k];
    }
  });
  return { offsets, indices, values, columns: Int32Array.from(columns) };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function predictRidge(row: SparseRow, model: { weights: Float32Array; intercept: number }): number {
  let s = model.intercept;
  for (let k = 0; k < row.indices.length; k++) s += row.values[k] * model.weights[row.indices[k]];
  return s;
}
