import type { Frequency } from './types.js';
import { deseasonalise, type Decomposition } from './seasonality.js';

/**
 * A history that ends inside a spike (a holiday rush, a one-day promotion) must not have the spike
 * carried forward as the new level. At the end of a series a pulse and a level shift look alike,
 * so the history decides: where earlier spikes of the same sign went back to normal within a few
 * points, the final run is treated as one more such pulse and replaced by the level before it;
 * without that precedent, a short final run is capped at the range of earlier fluctuations (a
 * level shift that lasts gets through once it is longer than that); a long run is kept.
 */
export interface PulseCleaning {
  /** The history with the final pulse taken out (a copy; the input is left as is). */
  y: Float64Array;
  /** Points at the end that were replaced or capped. */
  points: number;
  kind: 'one-off' | 'capped';
  direction: 'up' | 'down';
}

/** Points either side of a point that make its local level. */
const HALF_WINDOW: Record<Frequency, number> = { hourly: 12, daily: 7, weekly: 6, monthly: 3, quarterly: 2, yearly: 2 };
/** Longest final run, without precedent, that is capped rather than accepted as a new level. */
const CAP_RUN: Record<Frequency, number> = { hourly: 3, daily: 3, weekly: 3, monthly: 1, quarterly: 0, yearly: 0 };
/** Robust standard deviations from the local level that make a point a spike. */
const SPIKE = 4;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function cleanFinalPulse(values: Float64Array, frequency: Frequency | undefined, decompositions: Decomposition[]): PulseCleaning | undefined {
  const n = values.length;
  const half = frequency ? HALF_WINDOW[frequency] : 4;
  const capRun = frequency ? CAP_RUN[frequency] : 1;
  if (n < 6 * half) return undefined;
  const d = deseasonalise(values, decompositions);
  // Residuals from a centred running median: their robust spread says what a normal fluctuation is.
  const residuals: number[] = [];
  for (let t = half; t < n - half; t++) residuals.push(d[t] - median(Array.from(d.subarray(t - half, t + half + 1))));
  const sigma = 1.4826 * median(residuals.map(Math.abs));
  if (!(sigma > 0)) return undefined;
  const isSpike = (r: number): number => (r > SPIKE * sigma ? 1 : r < -SPIKE * sigma ? -1 : 0);
  // Earlier spikes that went back to normal: their sign and length.
  const precedents: Array<{ sign: number; length: number }> = [];
  for (let i = 0; i < residuals.length;) {
    const sign = isSpike(residuals[i]);
    let j = i;
    while (sign && j < residuals.length && isSpike(residuals[j]) === sign) j++;
    if (sign && j < residuals.length) precedents.push({ sign, length: j - i });
    i = Math.max(j, i + 1);
  }
  // The longest final run whose points all stand out, the same way, from the level before it.
  const maxRun = Math.max(capRun, ...precedents.map((p) => p.length + 2));
  let run = 0;
  let sign = 0;
  let level = 0;
  for (let length = 1; length <= maxRun && n - length - 2 * half >= 0; length++) {
    const before = median(Array.from(d.subarray(n - length - 2 * half, n - length)));
    const signs = Array.from(d.subarray(n - length), (v) => isSpike(v - before));
    const s = signs[0];
    if (!s || signs.some((x) => x !== s) || (sign && s !== sign)) { if (length > run + 1) break; continue; }
    run = length;
    sign = s;
    level = before;
  }
  if (!run) return undefined;
  const precedent = precedents.some((p) => p.sign === sign && run <= p.length + 2);
  if (!precedent && run > capRun) return undefined;
  const out = Float64Array.from(values);
  for (let t = n - run; t < n; t++) {
    const target = precedent ? level : level + sign * SPIKE * sigma;
    // Back on the original scale: the seasonal pattern (if any) put back on the replaced level.
    let v = target;
    for (const dec of decompositions) v = dec.multiplicative ? v * dec.indices[t % dec.period] : v + dec.indices[t % dec.period];
    out[t] = v;
  }
  return { y: out, points: run, kind: precedent ? 'one-off' : 'capped', direction: sign > 0 ? 'up' : 'down' };
}
