/**
 * Nelder-Mead simplex minimisation. Parameters are optimised in an unconstrained space; callers
 * map them to their bounds (sigmoids), which keeps this routine free of constraint handling.
 */
export function nelderMead(f: (x: Float64Array) => number, start: ArrayLike<number>, options: { maxIterations?: number; step?: number; tolerance?: number } = {}): { x: Float64Array; value: number } {
  const n = start.length;
  const maxIterations = options.maxIterations ?? 200 * n;
  const tolerance = options.tolerance ?? 1e-7;
  const step = options.step ?? 0.5;
  const simplex: Float64Array<ArrayBuffer>[] = [Float64Array.from(start)];
  for (let i = 0; i < n; i++) {
    const p = Float64Array.from(start);
    p[i] += step;
    simplex.push(p);
  }
  const values = simplex.map((p) => safe(f(p)));
  // Runs thousands of times per series (ETS screening): no allocation inside the loop.
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const centroid = new Float64Array(n);
  let reflected = new Float64Array(n);
  let expanded = new Float64Array(n);
  let contracted = new Float64Array(n);
  const trial = (out: Float64Array, base: Float64Array, towards: Float64Array, coefficient: number): Float64Array => {
    for (let j = 0; j < n; j++) out[j] = base[j] + coefficient * (towards[j] - base[j]);
    return out;
  };
  const accept = (worst: number, point: Float64Array<ArrayBuffer>, value: number): Float64Array<ArrayBuffer> => {
    const previous = simplex[worst];
    simplex[worst] = point;
    values[worst] = value;
    return previous;
  };
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    // Insertion sort: the simplex has at most a handful of vertices and is nearly sorted each time.
    for (let i = 1; i <= n; i++) {
      const key = order[i];
      let j = i - 1;
      while (j >= 0 && values[order[j]] > values[key]) { order[j + 1] = order[j]; j--; }
      order[j + 1] = key;
    }
    const best = order[0];
    const worst = order[n];
    const secondWorst = order[n - 1];
    if (Math.abs(values[worst] - values[best]) <= tolerance * (Math.abs(values[best]) + tolerance)) break;
    centroid.fill(0);
    for (let k = 0; k < n; k++) { const p = simplex[order[k]]; for (let j = 0; j < n; j++) centroid[j] += p[j] / n; }
    trial(reflected, centroid, simplex[worst], -1);
    const reflectedValue = safe(f(reflected));
    if (reflectedValue < values[best]) {
      trial(expanded, centroid, simplex[worst], -2);
      const expandedValue = safe(f(expanded));
      if (expandedValue < reflectedValue) expanded = accept(worst, expanded, expandedValue);
      else reflected = accept(worst, reflected, reflectedValue);
      continue;
    }
    if (reflectedValue < values[secondWorst]) { reflected = accept(worst, reflected, reflectedValue); continue; }
    trial(contracted, centroid, simplex[worst], 0.5);
    const contractedValue = safe(f(contracted));
    if (contractedValue < values[worst]) { contracted = accept(worst, contracted, contractedValue); continue; }
    for (let k = 1; k <= n; k++) {
      const i = order[k];
      trial(simplex[i], simplex[best], simplex[i], 0.5);
      values[i] = safe(f(simplex[i]));
    }
  }
  let bestIndex = 0;
  for (let i = 1; i <= n; i++) if (values[i] < values[bestIndex]) bestIndex = i;
  return { x: Float64Array.from(simplex[bestIndex]), value: values[bestIndex] };
}

const safe = (v: number): number => (Number.isFinite(v) ? v : 1e300);
export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
export const logit = (p: number): number => Math.log(p / (1 - p));
