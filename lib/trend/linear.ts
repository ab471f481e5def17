/** Small dense least-squares helpers (a few dozen columns at most). */

/** Lower-triangular Cholesky factor of a p×p symmetric matrix (row-major); undefined if not positive definite. */
export function cholesky(a: Float64Array, p: number): Float64Array | undefined {
  const l = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * p + j];
      for (let k = 0; k < j; k++) s -= l[i * p + k] * l[j * p + k];
      if (i === j) {
        if (!(s > 0)) return undefined;
        l[i * p + i] = Math.sqrt(s);
      } else l[i * p + j] = s / l[j * p + j];
    }
  }
  return l;
}

/** Solves (L Lᵀ) x = b. */
export function solve(l: Float64Array, p: number, b: Float64Array): Float64Array {
  const z = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * p + k] * z[k];
    z[i] = s / l[i * p + i];
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < p; k++) s -= l[k * p + i] * x[k];
    x[i] = s / l[i * p + i];
  }
  return x;
}

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
