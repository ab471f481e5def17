import { cholesky, choleskySolve as solveFactored } from '../linalg.js';
/**
 * Ridge regression on a dense input — the encoder's embedding next to the parsed quantities and
 * numeric attributes — solved in closed form: (ZᵀZ + λI) w = Zᵀ(y − ȳ) by Cholesky. The Gram
 * matrix of the whole catalog is built once; each fold's is the total minus the held-out rows', so
 * cross-validation costs one Gram matrix, not one per fold.
 */
export interface DenseRidge { weights: Float64Array; intercept: number }

export function gram(rows: Float32Array[], take: number[], dims: number): Float64Array {
  const g = new Float64Array(dims * dims);
  for (const r of take) {
    const z = rows[r];
    for (let i = 0; i < dims; i++) {
      const zi = z[i];
      if (zi === 0) continue;
      const offset = i * dims;
      for (let j = i; j < dims; j++) g[offset + j] += zi * z[j];
    }
  }
  for (let i = 0; i < dims; i++) for (let j = i + 1; j < dims; j++) g[j * dims + i] = g[i * dims + j];
  return g;
}

/** Solves (G − Gₒᵤₜ + λI) w = b for the rows in `take` (G already excludes nothing: pass the fold's own Gram). */
export function fitDenseRidge(rows: Float32Array[], y: ArrayLike<number>, take: number[], g: Float64Array, dims: number, lambda: number): DenseRidge {
  let intercept = 0;
  for (const r of take) intercept += y[r] / take.length;
  // Centred normal equations: Σ z zᵀ − n z̄ z̄ᵀ, and Σ z (y − ȳ).
  const mean = new Float64Array(dims);
  for (const r of take) for (let i = 0; i < dims; i++) mean[i] += rows[r][i] / take.length;
  const a = Float64Array.from(g);
  const n = take.length;
  for (let i = 0; i < dims; i++) {
    for (let j = 0; j < dims; j++) a[i * dims + j] -= n * mean[i] * mean[j];
    a[i * dims + i] += lambda;
  }
  const b = new Float64Array(dims);
  for (const r of take) {
    const t = y[r] - intercept;
    for (let i = 0; i < dims; i++) b[i] += rows[r][i] * t;
  }
  const weights = choleskySolve(a, b, dims);
  let offset = intercept;
  for (let i = 0; i < dims; i++) offset -= weights[i] * mean[i];
  return { weights, intercept: offset };
}

export function predictDense(model: DenseRidge, z: Float32Array): number {
  let v = model.intercept;
  for (let i = 0; i < z.length; i++) v += model.weights[i] * z[i];
  return v;
}

/** Cholesky factorisation and two triangular solves; a positive definite matrix by construction (λ > 0). */
function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = cholesky(a, n, 1e-12);
  if (!l) throw new Error('dense ridge: the regularised Gram matrix is not positive definite');
  return solveFactored(l, n, b);
}
