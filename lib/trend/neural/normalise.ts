import { candidatePeriods, isSeasonal } from '../seasonality.js';
import type { Frequency } from '../types.js';

/**
 * How the LSTM sees a series, as in the M4 winner's ES-RNN: each window is divided by seasonal
 * indices and by its level, then log-transformed, so one global network serves series of any scale
 * and any seasonal period; it forecasts quantiles of the same log-ratio. tools/trend/train_lstm.py
 * does exactly the same in training (keep the two in step).
 */
export interface NormalisationSpec {
  kind: 'seasonal-level-log';
  /** The level is the mean of the last this many deseasonalised values. */
  levelPoints: number;
  /** Seasonal indices average at most this many whole cycles before the forecast origin. */
  maxCycles: number;
  /** Log-ratios are clipped to ±clip. */
  clip: number;
}

export interface NormalisedWindow {
  /** log(value / (season · level)) per input step, 0 before the series starts. */
  x: Float32Array;
  /** 1 where the series has a value. */
  observed: Float32Array;
  /** Seasonal index per step of input window + horizon. */
  season: Float64Array;
  level: number;
  /** Added to every value before normalising (0 for a positive history); subtract it from the forecast. */
  shift: number;
  /**
   * The period the seasonal indices were computed for, 0 when there are none (too short,
   * not seasonal, or values ≤ 0 in the last cycles).
   */
  period: number;
  /**
   * Per forecast step, its phase in the last whole cycle before the origin, normalised like `x`
   * (0 where `period` is 0): how last week's hours departed from the seasonal profile. The network
   * decides per step and series how much of it to carry forward (seasonal naive carries all of
   * it, the indices none).
   */
  lastCycle: Float32Array;
}

/**
 * The series' seasonal period for the network: the first candidate of its frequency that passes
 * M4's seasonality test, replaced by a later one that is a whole number of its cycles (24 → 168
 * hours: a weekly profile also holds the daily one).
 */
export function networkPeriod(values: ArrayLike<number>, frequency: Frequency | undefined): number {
  let period = 1;
  for (const p of candidatePeriods(frequency)) {
    if (!isSeasonal(values, p)) continue;
    if (period === 1 || p % period === 0) period = p;
  }
  return period;
}

/**
 * Multiplicative indices (mean 1) by phase counted from `end`: ratios to a centred moving average
 * (2 × period for even periods, so a trend does not leak into them) over the last whole cycles
 * before `end` (at most `maxCycles`, plus one for the average's margins). Undefined without three
 * cycles or with values ≤ 0.
 */
export function seasonalIndices(values: ArrayLike<number>, end: number, period: number, maxCycles: number): Float64Array | undefined {
  if (period < 2) return undefined;
  const cycles = Math.min(Math.floor(end / period) - 1, maxCycles);
  if (cycles < 2) return undefined;
  const start = end - (cycles + 1) * period;
  for (let t = start; t < end; t++) if (!(values[t] > 0)) return undefined;
  const sums = new Float64Array(period);
  const counts = new Float64Array(period);
  const half = Math.floor(period / 2);
  // Moving sums of `period` values (a running sum: the hourly-by-week period is 168 wide).
  const length = (cycles + 1) * period;
  const windowSums = new Float64Array(length - period + 1);
  let running = 0;
  for (let k = 0; k < period; k++) running += values[start + k];
  windowSums[0] = running;
  for (let i = 1; i < windowSums.length; i++) { running += values[start + i + period - 1] - values[start + i - 1]; windowSums[i] = running; }
  const even = period % 2 === 0;
  const averages = even ? length - period : length - period + 1;
  // The phase of t = start + i + half, counted from `end`, advanced by one per step (no modulo per point).
  let phase = (((start + half - end) % period) + period) % period;
  for (let i = 0; i < averages; i++) {
    const centre = even ? (windowSums[i] / period + windowSums[i + 1] / period) / 2 : windowSums[i] / period;
    sums[phase] += values[start + i + half] / centre;
    counts[phase] += 1;
    if (++phase === period) phase = 0;
  }
  const indices = new Float64Array(period);
  let total = 0;
  for (let j = 0; j < period; j++) { indices[j] = sums[j] / counts[j]; total += indices[j]; }
  const norm = total / period;
  for (let j = 0; j < period; j++) indices[j] /= norm;
  return indices;
}

/**
 * A history with zeros or negatives is shifted up by −min + 10% of its mean absolute value, so
 * the log-ratios exist (the statistical members carry such series; this keeps the network usable
 * on a shop's occasional zero week). Undefined for an all-zero history.
 */
function positiveHistory(values: ArrayLike<number>, end: number): { values: ArrayLike<number>; shift: number } | undefined {
  let lowest = Infinity;
  for (let t = 0; t < end; t++) if (values[t] < lowest) lowest = values[t];
  if (lowest > 0) return { values, shift: 0 };
  let absolute = 0;
  for (let t = 0; t < end; t++) absolute += Math.abs(values[t]);
  if (!(absolute > 0)) return undefined;
  const shift = -lowest + (0.1 * absolute) / end;
  const shifted = new Float64Array(end);
  for (let t = 0; t < end; t++) shifted[t] = values[t] + shift;
  return { values: shifted, shift };
}

/** The network's input for a forecast from `end` (history `values[0, end)`); undefined for fewer than 2 points or an all-zero history. */
export function normaliseWindow(spec: NormalisationSpec, window: number, horizon: number, original: ArrayLike<number>, end: number, period: number): NormalisedWindow | undefined {
  const start = Math.max(0, end - window);
  if (end - start < 2) return undefined;
  const positive = positiveHistory(original, end);
  if (!positive) return undefined;
  const { values, shift } = positive;
  const indices = seasonalIndices(values, end, period, spec.maxCycles);
  const season = new Float64Array(window + horizon).fill(1);
  // Step t's index is its phase in the cycle counted from the forecast origin.
  if (indices) {
    let phase = (((-window % period) + period) % period);
    for (let i = 0; i < season.length; i++) { season[i] = indices[phase]; if (++phase === period) phase = 0; }
  }
  const offset = window - (end - start);
  const points = Math.min(spec.levelPoints, end - start);
  let level = 0;
  for (let t = end - points; t < end; t++) level += values[t] / season[offset + t - start];
  level /= points;
  const clip = (v: number): number => Math.min(spec.clip, Math.max(-spec.clip, v));
  const x = new Float32Array(window);
  const observed = new Float32Array(window);
  for (let t = start; t < end; t++) {
    const i = offset + t - start;
    x[i] = clip(Math.log(values[t] / season[i] / level));
    observed[i] = 1;
  }
  const lastCycle = new Float32Array(horizon);
  // Step h's phase is h mod period; its last occurrence is end − period + (h mod period), inside the
  // cycles the indices came from (all values there are > 0).
  if (indices) for (let h = 0; h < horizon; h++) lastCycle[h] = clip(Math.log(values[end - period + (h % period)] / indices[h % period] / level));
  return { x, observed, season, level, shift, period: indices ? period : 0, lastCycle };
}
