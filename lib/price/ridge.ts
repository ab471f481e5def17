import type { SparseRow } from './features.js';

/**
 * Ridge regression on sparse rows solved by conjugate gradients on the normal equations:
 * each iteration costs O(non-zeros), so 50k products stay fast and no dense matrix is built.
 */
export function fitRidge(rows: SparseRow[], y: Float64Array, dimension: number, lambda: number, maxIterations = 100): { weights: Float32Array; intercept: number } {
  const n = rows.length;
  let intercept = 0;
  for (let i = 0; i < n; i++) intercept += y[i] / n;
  const target = Float64Array.from(y, (v) => v - intercept);
  const multiply = (w: Float64Array): Float64Array => {
    // (XᵀX + λI) w
    const out = new Float64Array(dimension);
    for (const row of rows) {
      let dot = 0;
      for (let k = 0; k < row.indices.length; k++) dot += row.values[k] * w[row.indices[k]];
      for (let k = 0; k < row.indices.length; k++) out[row.indices[k]] += row.values[k] * dot;
    }
    for (let j = 0; j < dimension; j++) out[j] += lambda * w[j];
    return out;
  };
  const b = new Float64Array(dimension);
  rows.forEach((row, i) => { for (let k = 0; k < row.indices.length; k++) b[row.indices[k]] += row.values[k] * target[i]; });
  const w = new Float64Array(dimension);
  const r = Float64Array.from(b);
  const p = Float64Array.from(b);
  let rs = dot(r, r);
  const tolerance = 1e-10 * rs;
  for (let it = 0; it < maxIterations && rs > tolerance; it++) {
    const ap = multiply(p);
    const alpha = rs / dot(p, ap);
    for (let j = 0; j < dimension; j++) { w[j] += alpha * p[j]; r[j] -= alpha * ap[j]; }
    const next = dot(r, r);
    const beta = next / rs;
    for (let j = 0; j < dimension; j++) p[j] = r[j] + beta * p[j];
    rs = next;
  }
  return { weights: Float32Array.from(w), intercept };
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
