import type { Frequency } from './types.js';
import { deseasonalise, type Decomposition } from './seasonality.js';
import { olsSlope } from './stats.js';
import { select } from '../selection.js';

/**
 * A history that ends inside a spike (a holiday rush, a one-day promotion) must not have the spike
 * carried forward as the new level. At the end of a series a pulse and a level shift look alike,
 * so the history decides: where the same stretch one cycle earlier (a year before; a week before
 * for hourly data) stood out the same way and then went back to normal, the final run is treated
 * as one more such pulse and replaced by the level before it;
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
const CAP_RUN: Record<Frequency, number> = { hourly: 0, daily: 0, weekly: 0, monthly: 0, quarterly: 0, yearly: 0 };
/** Steps in the cycle where the same event recurs (a year; a week of hours), to look for a precedent. */
const CYCLE: Record<Frequency, number> = { hourly: 168, daily: 364, weekly: 52, monthly: 12, quarterly: 0, yearly: 0 };
/** Smallest spike worth handling, as a share of the level before it. */
const MIN_SHARE = 0.15;
/** Robust standard deviations from the local level that make a point a spike. */
const SPIKE = 4;

/** The median, by selection (the same values a sort would pick: this runs on every series' differences). */
export function median(values: ArrayLike<number>): number {
  const s = Float64Array.from(values);
  const n = s.length;
  const m = n >> 1;
  for (let i = 0; i < n; i++) if (Number.isNaN(s[i])) { s.sort(); return n % 2 ? s[m] : (s[m - 1] + s[m]) / 2; }
  if (n === 0) return NaN;
  select(s, m);
  if (n % 2) return s[m];
  // After selection everything before m is ≤ s[m]: the other middle value is their largest.
  let below = s[0];
  for (let i = 1; i < m; i++) if (s[i] > below) below = s[i];
  return (below + s[m]) / 2;
}

export function cleanFinalPulse(values: Float64Array, frequency: Frequency | undefined, decompositions: Decomposition[]): PulseCleaning | undefined {
  const n = values.length;
  const half = frequency ? HALF_WINDOW[frequency] : 4;
  const capRun = frequency ? CAP_RUN[frequency] : 1;
  const cycle = frequency ? CYCLE[frequency] : 0;
  if (n < 6 * half) return undefined;
  const d = deseasonalise(values, decompositions);
  // What a normal step-to-step fluctuation is: the robust spread of the differences (over √2, as
  // each difference carries two points' noise). A running median would cost a sort per point.
  const differences = new Float64Array(n - 1);
  for (let t = 1; t < n; t++) differences[t - 1] = Math.abs(d[t] - d[t - 1]);
  const sigma = (1.4826 * median(differences)) / Math.SQRT2;
  if (!(sigma > 0)) return undefined;
  // The level a stretch starting at `start` would have had: the line through the points before it,
  // so a steady climb is not mistaken for a spike.
  const levelBefore = (start: number): ((t: number) => number) => {
    const from = Math.max(0, start - 2 * half);
    const points = Array.from(d.subarray(from, start));
    const slope = olsSlope(points);
    const centre = median(points.map((v, i) => v - slope * i));
    return (t) => centre + slope * (t - from);
  };
  // A spike must stand out from normal fluctuations and matter to a merchant (a share of the level).
  const threshold = (level: number): number => Math.max(SPIKE * sigma, MIN_SHARE * Math.abs(level));
  const spikeFrom = (v: number, level: number): number => (v - level > threshold(level) ? 1 : v - level < -threshold(level) ? -1 : 0);
  // The longest final run whose points all stand out, the same way, from the level before it.
  const maxRun = Math.max(capRun, cycle ? half : 0);
  let run = 0;
  let sign = 0;
  let level: (t: number) => number = () => 0;
  for (let length = 1; length <= maxRun && n - length - 2 * half >= 0; length++) {
    const before = levelBefore(n - length);
    const signs = Array.from(d.subarray(n - length), (v, i) => spikeFrom(v, before(n - length + i)));
    const s = signs[0];
    if (!s || signs.some((x) => x !== s) || (sign && s !== sign)) { if (run) break; continue; }
    run = length;
    sign = s;
    level = before;
  }
  if (!run) return undefined;
  const share = (from: number, to: number, line: (t: number) => number): number => median(Array.from(d.subarray(from, to), (v, i) => (v - line(from + i)) / (Math.abs(line(from + i)) || 1)));
  const endShare = share(n - run, n, level);
  // The precedent: one cycle earlier (a year, or a week of hours), within a couple of steps, the
  // same stretch stood out the same way and the level came back after it.
  let precedent = false;
  for (let shift = -2; cycle && shift <= 2 && !precedent; shift++) {
    const start = n - run - cycle + shift;
    if (start - 2 * half < 0) continue;
    const before = levelBefore(start);
    const during = share(start, start + run, before);
    const after = share(start + run, Math.min(n - run, start + run + 2 * half), before);
    // As large (at least half, relative to its level) and gone afterwards (within a quarter of it).
    precedent = Math.sign(during) === sign && sign * during >= 0.5 * sign * endShare && Math.abs(after) <= 0.25 * Math.abs(during) && Math.abs(during) * Math.abs(before(start)) > SPIKE * sigma;
  }
  if (!precedent && run > capRun) return undefined;
  const out = Float64Array.from(values);
  for (let t = n - run; t < n; t++) {
    const expected = level(t);
    const target = precedent ? expected : expected + sign * threshold(expected);
    // Back on the original scale: the seasonal pattern (if any) put back on the replaced level.
    let v = target;
    for (const dec of decompositions) v = dec.multiplicative ? v * dec.indices[t % dec.period] : v + dec.indices[t % dec.period];
    out[t] = v;
  }
  return { y: out, points: run, kind: precedent ? 'one-off' : 'capped', direction: sign > 0 ? 'up' : 'down' };
}
