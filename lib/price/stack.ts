/**
 * Stacking and ranges, both fitted on out-of-fold predictions only.
 *
 * Stacker: candidates (the plain mean of the learned members that beat the category median, the
 * best convex blend, each member alone) are scored by cross-validation over the out-of-fold
 * matrix; the best is refitted on every row — below 300 products, the simplest within one
 * standard error of the best. A catalog of 50 products can pick the category median alone.
 *
 * Range: a per-product scale σ = exp(z·β), z = [1, member disagreement, neighbour spread,
 * 1 − top similarity], fitted to log|residual|; the 80% half-width is q·σ with q the conformal
 * quantile of |residual|/σ on the out-of-fold rows (split conformal, heteroscedastic).
 */
export interface Stacker { name: string; weights: number[]; intercept: number }

export const RANGE_FEATURES = 4;
/** Below this many products the stacker prefers the simplest candidate within one standard error. */
const SMALL_CATALOG = 300;
export interface RangeModel { beta: number[]; quantile: number }

export function applyStacker(s: Stacker, members: ArrayLike<number>): number {
  let v = s.intercept;
  for (let j = 0; j < s.weights.length; j++) v += s.weights[j] * members[j];
  return v;
}

/** Weight vectors on the simplex in steps of 1/STEPS: every convex blend of the members. */
const STEPS = 10;
function simplexGrid(m: number): number[][] {
  const out: number[][] = [];
  const walk = (prefix: number[], left: number): void => {
    if (prefix.length === m - 1) { out.push([...prefix, left].map((v) => v / STEPS)); return; }
    for (let v = 0; v <= left; v++) walk([...prefix, v], left - v);
  };
  walk([], STEPS);
  return out;
}

/**
 * The convex blend (weights ≥ 0 summing to 1, no intercept) with the least squared error. Not an
 * unconstrained regression: out-of-fold members are shrunk (fitted on less data), and a free
 * blend learns to stretch them, which overshoots once the members are refitted on everything.
 */
function fitConvex(x: Float64Array[], y: Float64Array, rows: number[], m: number): Stacker {
  // Squared error of a blend w is wᵀAw − 2wᵀb + c with A = Σ x xᵀ, b = Σ x y: the grid costs O(m²) per
  // point instead of a pass over the rows (3,003 points × 30,000 rows on a large catalog).
  const a = new Float64Array(m * m);
  const b = new Float64Array(m);
  for (const r of rows) {
    const xr = x[r];
    for (let j = 0; j < m; j++) {
      b[j] += xr[j] * y[r];
      for (let k = 0; k < m; k++) a[j * m + k] += xr[j] * xr[k];
    }
  }
  let best: number[] = new Array<number>(m).fill(1 / m);
  let bestError = Infinity;
  for (const w of simplexGrid(m)) {
    let error = 0;
    for (let j = 0; j < m; j++) {
      let aw = 0;
      for (let k = 0; k < m; k++) aw += a[j * m + k] * w[k];
      error += w[j] * (aw - 2 * b[j]);
    }
    if (error < bestError) { bestError = error; best = w; }
  }
  return { name: 'convex blend', weights: best, intercept: 0 };
}

/**
 * Candidates, simplest first: the plain mean of the learned members that beat the fallback (the
 * last member, the category median) on these rows, the convex blend, then each member alone.
 * On a small catalog a member must beat the fallback by more than one standard error of the
 * paired difference of their squared errors: on a few dozen rows one of several members beats it
 * by luck alone, and the mean of that one member is no safer than the member.
 */
function candidatesOn(x: Float64Array[], y: Float64Array, rows: number[], names: string[], learned: number[], small: boolean): Stacker[] {
  const m = names.length;
  const better = learned.filter((j) => {
    const gains = rows.map((r) => (x[r][m - 1] - y[r]) ** 2 - (x[r][j] - y[r]) ** 2);
    const mean = gains.reduce((a, g) => a + g, 0) / rows.length;
    const standardError = small ? Math.sqrt(gains.reduce((a, g) => a + (g - mean) ** 2, 0) / Math.max(1, rows.length - 1) / rows.length) : 0;
    return mean > standardError;
  });
  const chosen = better.length ? better : [m - 1];
  const mean = { name: 'mean of the members better than the category median', weights: names.map((_, i) => (chosen.includes(i) ? 1 / chosen.length : 0)), intercept: 0 };
  const single = names.map((name, j) => ({ name, weights: names.map((_, i) => (i === j ? 1 : 0)), intercept: 0 }));
  return [mean, fitConvex(x, y, rows, m), ...single];
}

/**
 * Chooses the stacker by cross-validation over the out-of-fold member predictions: each candidate
 * is fitted on the other folds and scored on the held one. Returns the refitted winner and its
 * own out-of-fold predictions (honest: used for the range).
 */
export function chooseStacker(x: Float64Array[], y: Float64Array, fold: Int32Array, folds: number, names: string[], learned: number[]): { stacker: Stacker; oof: Float64Array; scores: Record<string, number> } {
  const n = y.length;
  const all = Array.from({ length: n }, (_, i) => i);
  const small = n < SMALL_CATALOG;
  const candidates = (rows: number[]): Stacker[] => candidatesOn(x, y, rows, names, learned, small);
  const onAll = candidates(all);
  const oof = Array.from({ length: onAll.length }, () => new Float64Array(n));
  for (let f = 0; f < folds; f++) {
    const train = all.filter((r) => fold[r] !== f);
    const test = all.filter((r) => fold[r] === f);
    if (!test.length || !train.length) continue;
    candidates(train).forEach((c, ci) => { for (const r of test) oof[ci][r] = applyStacker(c, x[r]); });
  }
  const squared = oof.map((p) => all.map((r) => (p[r] - y[r]) ** 2));
  const mse = squared.map((e) => e.reduce((a, b) => a + b, 0) / n);
  const errors = mse.map(Math.sqrt);
  let best = 0;
  mse.forEach((e, i) => { if (e < mse[best]) best = i; });
  // Small catalogs: the one-standard-error rule — the simplest candidate whose cross-validated
  // error is within one standard error of the best, since fitted blend weights on a few dozen
  // rows are noise. Larger catalogs take the best.
  const standardError = small ? Math.sqrt(squared[best].reduce((a, e) => a + (e - mse[best]) ** 2, 0) / Math.max(1, n - 1) / n) : 0;
  const chosen = mse.findIndex((e) => e <= mse[best] + standardError);
  const scores = Object.fromEntries(onAll.map((c, i) => [c.name, Number(errors[i].toFixed(4))]));
  return { stacker: onAll[chosen], oof: oof[chosen], scores };
}

export function rangeFeatures(memberSpread: number, neighbourSpread: number, topSimilarity: number): number[] {
  return [1, memberSpread, neighbourSpread, 1 - Math.max(0, Math.min(1, topSimilarity))];
}

export function rangeScale(model: RangeModel, z: number[]): number {
  let v = 0;
  for (let j = 0; j < z.length; j++) v += model.beta[j] * z[j];
  // Bounded: a catalog's scale never shrinks to nothing nor explodes for one odd product.
  return Math.exp(Math.max(-6, Math.min(3, v)));
}

/** Fits β (ridge on log|residual|) and the conformal quantile q of |residual|/σ at `level`. */
export function fitRangeModel(z: number[][], residual: Float64Array, level = 0.8): RangeModel {
  const n = residual.length;
  const p = z[0]?.length ?? RANGE_FEATURES;
  const target = Array.from(residual, (r) => Math.log(Math.abs(r) + 1e-3));
  // Normal equations with a small ridge on the slopes (not the intercept): p ≤ 4, solved directly.
  const a = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const b = new Array<number>(p).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) {
    b[j] += z[i][j] * target[i];
    for (let k = 0; k < p; k++) a[j][k] += z[i][j] * z[i][k];
  }
  for (let j = 1; j < p; j++) a[j][j] += 0.1 * n * 0.01 + 1;
  const beta = solve(a, b);
  const model: RangeModel = { beta, quantile: 1 };
  const scores = Array.from(residual, (r, i) => Math.abs(r) / rangeScale(model, z[i])).sort((x, y) => x - y);
  const rank = Math.min(n - 1, Math.max(0, Math.ceil(level * (n + 1)) - 1));
  model.quantile = scores[rank] ?? 1;
  return model;
}

function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) pivot = r;
    [m[c], m[pivot]] = [m[pivot], m[c]];
    if (Math.abs(m[c][c]) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row, i) => (Math.abs(row[i]) < 1e-12 ? 0 : row[n] / row[i]));
}
