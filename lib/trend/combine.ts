import type { Bands } from './model.js';
import { normalQuantile } from './stats.js';

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

/** An earlier backtest window counts this much of the one after it. */
const OLDER_WINDOW_WEIGHT = 0.1;
/** For normal errors the 80% point of |error| is this many times its median (z(0.9) / z(0.75) ≈ 1.90). */
const P80_PER_MEDIAN = normalQuantile(0.9) / normalQuantile(0.75);

/**
 * How much to widen (> 1) or narrow the ensemble's intervals so that about 80% of new errors fall
 * inside them. `windows[w]` holds the members' forecasts of window w (undefined for a member that
 * did not forecast it: the others' weights are renormalised there). Windows are ordered latest first.
 *
 * The latest window decides: it is the only one out of sample (the members' parameters are fitted
 * up to its origin, so the earlier windows are partly in-sample), and the closest to the forecast
 * period, so an earlier holiday season (or any regime that has passed) should not set every later
 * interval. Each earlier window counts a tenth of the one after it: it only fills in where the
 * latest has few points (a short horizon).
 *
 * What is measured is the weighted median of |error| / half-width, times the ratio of the 80% point
 * to the median of |error| for normal errors. A window's h errors are strongly correlated, so their
 * 80% point rests on two or three independent values; the median is far steadier, and one or two
 * spiking weeks in the window do not move it.
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
      ratios.push([half > 0 ? Math.abs(observed[origin + i] - bands.mean[i]) / half : 1, OLDER_WINDOW_WEIGHT ** w]);
    }
  });
  if (!ratios.length) return 1;
  ratios.sort((a, b) => a[0] - b[0]);
  const total = ratios.reduce((a, r) => a + r[1], 0);
  // The weighted median of the ratios.
  let seen = 0;
  let median = ratios[ratios.length - 1][0];
  for (const [ratio, weight] of ratios) { seen += weight; if (seen >= 0.5 * total) { median = ratio; break; } }
  const measured = median * P80_PER_MEDIAN;
  // Backtest windows are a small sample: move three quarters of the way (in log terms) towards what they suggest.
  return Math.min(2.5, Math.max(0.4, (measured || 1) ** 0.75));
}
