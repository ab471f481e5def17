import type { Bands } from './model.js';

/** Quantile averaging (Vincentization): simple, and never narrower than the members agree on. */
export function combine(bands: Bands[], weights: number[], levels: number[]): Bands {
  const h = bands[0].mean.length;
  const weighted = (pick: (b: Bands) => number[]): number[] => {
    const out = new Array<number>(h).fill(0);
    bands.forEach((b, i) => { if (weights[i]) pick(b).forEach((v, t) => { out[t] += weights[i] * v; }); });
    return out;
  };
  return {
    mean: weighted((b) => b.mean),
    lower: new Map(levels.map((l) => [l, weighted((b) => b.lower.get(l)!)])),
    upper: new Map(levels.map((l) => [l, weighted((b) => b.upper.get(l)!)])),
  };
}

/**
 * How much to widen (> 1) or narrow the ensemble's intervals so that about 80% of the backtest
 * errors fall inside them. `windows[w]` holds the members' forecasts of window w (undefined for a
 * member that did not forecast it: the others' weights are renormalised there). Windows are
 * ordered latest first; each counts half as much as the one after it, since the latest is the
 * closest to the forecast period: one earlier window that held a holiday season (or any regime
 * that has passed) should not widen every later interval as much as a recent one.
 */
export function intervalCalibration(observed: Float64Array, origins: number[], windows: Array<Array<Bands | undefined>>, weights: number[]): number {
  const ratios: Array<[number, number]> = [];
  origins.forEach((origin, w) => {
    const present = windows[w].map((b, i) => (b && weights[i] > 0 ? i : -1)).filter((i) => i >= 0);
    const total = present.reduce((a, i) => a + weights[i], 0);
    if (!(total > 0)) return;
    const bands = combine(present.map((i) => windows[w][i]!), present.map((i) => weights[i] / total), [80]);
    for (let i = 0; i < bands.mean.length; i++) {
      const half = (bands.upper.get(80)![i] - bands.lower.get(80)![i]) / 2;
      ratios.push([half > 0 ? Math.abs(observed[origin + i] - bands.mean[i]) / half : 1, 0.5 ** w]);
    }
  });
  if (!ratios.length) return 1;
  ratios.sort((a, b) => a[0] - b[0]);
  const total = ratios.reduce((a, r) => a + r[1], 0);
  // The weighted 80% quantile of the ratios.
  let seen = 0;
  let measured = ratios[ratios.length - 1][0];
  for (const [ratio, weight] of ratios) { seen += weight; if (seen >= 0.8 * total) { measured = ratio; break; } }
  // Backtest windows are a small sample: move three quarters of the way (in log terms) towards what they suggest.
  return Math.min(2.5, Math.max(0.4, (measured || 1) ** 0.75));
}
