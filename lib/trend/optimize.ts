/**
 * Nelder-Mead simplex minimisation. Parameters are optimised in an unconstrained space; callers
 * map them to their bounds (sigmoids), which keeps this routine free of constraint handling.
 */
export function nelderMead(f: (x: Float64Array) => number, start: ArrayLike<number>, options: { maxIterations?: number; step?: number; tolerance?: number } = {}): { x: Float64Array; value: number } {
  const n = start.length;
  const maxIterations = options.maxIterations ?? 200 * n;
  const tolerance = options.tolerance ?? 1e-7;
  const step = options.step ?? 0.5;
  const simplex: Float64Array[] = [Float64Array.from(start)];
  for (let i = 0; i < n; i++) {
    const p = Float64Array.from(start);
    p[i] += step;
    simplex.push(p);
  }
  const values = simplex.map((p) => safe(f(p)));
  const centroid = new Float64Array(n);
  const trial = (base: Float64Array, towards: Float64Array, coefficient: number): Float64Array => {
    const p = new Float64Array(n);
    for (let j = 0; j < n; j++) p[j] = base[j] + coefficient * (towards[j] - base[j]);
    return p;
  };
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
    const best = order[0];
    const worst = order[n];
    const secondWorst = order[n - 1];
    if (Math.abs(values[worst] - values[best]) <= tolerance * (Math.abs(values[best]) + tolerance)) break;
    centroid.fill(0);
    for (const i of order.slice(0, n)) for (let j = 0; j < n; j++) centroid[j] += simplex[i][j] / n;
    const reflected = trial(centroid, simplex[worst], -1);
    const reflectedValue = safe(f(reflected));
    if (reflectedValue < values[best]) {
      const expanded = trial(centroid, simplex[worst], -2);
      const expandedValue = safe(f(expanded));
      if (expandedValue < reflectedValue) { simplex[worst] = expanded; values[worst] = expandedValue; }
      else { simplex[worst] = reflected; values[worst] = reflectedValue; }
      continue;
    }
    if (reflectedValue < values[secondWorst]) { simplex[worst] = reflected; values[worst] = reflectedValue; continue; }
    const contracted = trial(centroid, simplex[worst], 0.5);
    const contractedValue = safe(f(contracted));
    if (contractedValue < values[worst]) { simplex[worst] = contracted; values[worst] = contractedValue; continue; }
    for (const i of order.slice(1)) {
      simplex[i] = trial(simplex[best], simplex[i], 0.5);
      values[i] = safe(f(simplex[i]));
    }
  }
  let bestIndex = 0;
  for (let i = 1; i <= n; i++) if (values[i] < values[bestIndex]) bestIndex = i;
  return { x: simplex[bestIndex], value: values[bestIndex] };
}

const safe = (v: number): number => (Number.isFinite(v) ? v : 1e300);
export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
export const logit = (p: number): number => Math.log(p / (1 - p));
