import type { MemberForecast } from '../types.js';

/**
 * Intermittent demand (many zeros): Croston with the Syntetos-Boylan bias correction (SBA), and
 * TSB (Teunter, Syntetos & Babai 2011), which also decays the demand probability when sales stop.
 * Point forecasts are flat rates; intervals are empirical quantiles of the demand over the last
 * periods scaled by horizon-independent rate (demand of one period), so they stay non-negative.
 */
export function croston(y: ArrayLike<number>, horizon: number, alpha = 0.1): MemberForecast {
  let size = NaN;
  let interval = NaN;
  let since = 1;
  for (let t = 0; t < y.length; t++) {
    if (y[t] > 0) {
      if (Number.isNaN(size)) { size = y[t]; interval = since; }
      else { size = alpha * y[t] + (1 - alpha) * size; interval = alpha * since + (1 - alpha) * interval; }
      since = 1;
    } else since++;
  }
  const rate = Number.isNaN(size) ? 0 : (1 - alpha / 2) * (size / interval);
  return { name: 'croston-sba', mean: new Array(horizon).fill(rate) };
}

export function tsb(y: ArrayLike<number>, horizon: number, alphaSize = 0.1, alphaProbability = 0.05): MemberForecast {
  let size = NaN;
  let probability = 0;
  let firstDemand = -1;
  for (let t = 0; t < y.length; t++) if (y[t] > 0) { firstDemand = t; break; }
  if (firstDemand < 0) return { name: 'tsb', mean: new Array(horizon).fill(0) };
  size = y[firstDemand];
  probability = 1 / (firstDemand + 1);
  for (let t = firstDemand + 1; t < y.length; t++) {
    const occurred = y[t] > 0 ? 1 : 0;
    probability += alphaProbability * (occurred - probability);
    if (occurred) size += alphaSize * (y[t] - size);
  }
  return { name: 'tsb', mean: new Array(horizon).fill(probability * size) };
}

/** Empirical per-period quantiles of recent demand (the last `window` periods), used as the intervals of the intermittent members. */
export function empiricalQuantiles(y: ArrayLike<number>, window = 112): (p: number) => number {
  const recent = Array.from(y).slice(-window).sort((a, b) => a - b);
  return (p: number): number => {
    const pos = p * (recent.length - 1);
    const lo = Math.floor(pos);
    return recent[lo] + (recent[Math.min(lo + 1, recent.length - 1)] - recent[lo]) * (pos - lo);
  };
}

export function isIntermittent(y: ArrayLike<number>): boolean {
  let zeros = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] < 0) return false;
    if (y[i] === 0) zeros++;
  }
  return y.length >= 8 && zeros / y.length >= 0.3;
}
