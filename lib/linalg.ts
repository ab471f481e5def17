/**
 * The dense linear algebra of the small regressions (ARIMA, covariate effects, demand, the price
 * model's dense ridge): a Cholesky factorisation of a symmetric positive-definite k×k matrix
 * (row-major), solve and inverse. `relativeJitter` adds that share of the largest diagonal entry to
 * the diagonal, which keeps nearly collinear columns solvable (the demand model's initial level and
 * a driver a product never varied); undefined when the matrix is not positive definite.
 */
export function cholesky(a: Float64Array, k: number, relativeJitter = 0): Float64Array | undefined {
  const l = new Float64Array(k * k);
  let scale = 0;
  for (let i = 0; i < k; i++) scale = Math.max(scale, Math.abs(a[i * k + i]));
  const jitter = relativeJitter * (scale || 1);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * k + j];
      for (let p = 0; p < j; p++) s -= l[i * k + p] * l[j * k + p];
      if (i === j) {
        s += jitter;
        if (!(s > 0)) return undefined;
        l[i * k + i] = Math.sqrt(s);
      } else {
        l[i * k + j] = s / l[j * k + j];
      }
    }
  }
  return l;
}

/** Solves L Lᵀ x = b. */
export function choleskySolve(l: Float64Array, k: number, b: ArrayLike<number>): Float64Array {
  const y = Float64Array.from(b);
  for (let i = 0; i < k; i++) {
    let s = y[i];
    for (let p = 0; p < i; p++) s -= l[i * k + p] * y[p];
    y[i] = s / l[i * k + i];
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = y[i];
    for (let p = i + 1; p < k; p++) s -= l[p * k + i] * y[p];
    y[i] = s / l[i * k + i];
  }
  return y;
}

export function choleskyInverse(l: Float64Array, k: number): Float64Array {
  const inverse = new Float64Array(k * k);
  const unit = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    unit.fill(0);
    unit[j] = 1;
    const column = choleskySolve(l, k, unit);
    for (let i = 0; i < k; i++) inverse[i * k + j] = column[i];
  }
  return inverse;
}
