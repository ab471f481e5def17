/** Small dense least-squares helpers (a few dozen columns at most). */

import { cholesky, choleskySolve } from '../linalg.js';

export { cholesky };
/** Solves (L Lᵀ) x = b. */
export const solve = (l: Float64Array, p: number, b: Float64Array): Float64Array => choleskySolve(l, p, b);

/** Least squares of y on the columns (rows from `from` on), with a tiny ridge for near-collinear columns. */
export function leastSquares(columns: Float64Array[], y: Float64Array, from: number): Float64Array | undefined {
  const { xtx, xty } = crossProducts(columns, y, from);
  return solveNormal(xtx, xty, columns.length);
}

/** XᵀX (p×p, row-major) and Xᵀy of the columns over rows from `from` on. */
export function crossProducts(columns: Float64Array[], y: Float64Array, from: number): { xtx: Float64Array; xty: Float64Array } {
  const p = columns.length;
  const xtx = new Float64Array(p * p);
  const xty = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    const ci = columns[i];
    for (let t = from; t < y.length; t++) xty[i] += ci[t] * y[t];
    for (let j = 0; j <= i; j++) {
      const cj = columns[j];
      let s = 0;
      for (let t = from; t < y.length; t++) s += ci[t] * cj[t];
      xtx[i * p + j] = s;
      xtx[j * p + i] = s;
    }
  }
  return { xtx, xty };
}

/** Solves the normal equations XᵀX β = Xᵀy (XᵀX is overwritten with its ridged form). */
export function solveNormal(xtx: Float64Array, xty: Float64Array, p: number): Float64Array | undefined {
  let trace = 0;
  for (let i = 0; i < p; i++) trace += xtx[i * p + i];
  for (let i = 0; i < p; i++) xtx[i * p + i] += 1e-9 * (trace / p) + 1e-12;
  const l = cholesky(xtx, p);
  return l && solve(l, p, xty);
}
