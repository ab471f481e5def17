import { invalidInput } from '../errors.js';
import type { Frequency, ForecastOptions, SeriesInput } from './types.js';
import { warning, type StorecastWarning } from '../warnings.js';

/** Fitting uses at most this many recent points: older history adds cost, not accuracy. */
export const MAX_FIT_POINTS = 4000;
/** Inputs above this are refused as absurd rather than silently truncated. */
export const MAX_INPUT_POINTS = 10_000_000;
/**
 * Largest magnitude accepted. Fitting squares and sums values: near 1e308 that overflows to
 * Infinity and NaN. 1e15 leaves every intermediate finite and covers any real sales or money figure.
 */
export const MAX_ABS_VALUE = 1e15;

export interface PreparedSeries {
  /** Regular, gap-free values (missing interior values interpolated), most recent last. */
  values: Float64Array;
  /** Epoch ms of each value, when dates were given. */
  times?: number[];
  stepMs?: number;
  frequency?: Frequency;
  horizon: number;
  levels: number[];
  nonNegative: boolean;
  covariates: Record<string, Float64Array>;
  /** Notes on what was done to the input (gaps filled, history trimmed), for the model name. */
  notes: string[];
  /** Changes to the input a user must know about (dates regrouped to a coarser frequency). */
  warnings: StorecastWarning[];
}

const STEP_MS: Record<Frequency, number> = {
  hourly: 3_600_000,
  daily: 86_400_000,
  weekly: 7 * 86_400_000,
  monthly: 30.44 * 86_400_000,
  quarterly: 91.31 * 86_400_000,
  yearly: 365.25 * 86_400_000,
};

export const DEFAULT_HORIZON: Record<Frequency, number> = { hourly: 48, daily: 28, weekly: 13, monthly: 18, quarterly: 8, yearly: 6 };

export function frequencyFromStep(stepMs: number): Frequency {
  let best: Frequency = 'daily';
  let bestRatio = Infinity;
  for (const [name, ms] of Object.entries(STEP_MS) as [Frequency, number][]) {
    const ratio = Math.abs(Math.log(stepMs / ms));
    if (ratio < bestRatio) { bestRatio = ratio; best = name; }
  }
  return best;
}

function parseDate(value: string | Date, index: number): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw invalidInput(`dates[${index}] is not a valid date: ${JSON.stringify(value)}.`, { index });
  return ms;
}

/** Adds `count` calendar steps; months and years move by calendar so month-ends stay month-ends. */
export function addSteps(ms: number, frequency: Frequency | undefined, stepMs: number, count: number): number {
  if (frequency === 'monthly' || frequency === 'quarterly' || frequency === 'yearly') {
    const months = (frequency === 'monthly' ? 1 : frequency === 'quarterly' ? 3 : 12) * count;
    const d = new Date(ms);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate(), d.getUTCHours());
  }
  return ms + stepMs * count;
}

function validateValues(raw: unknown): Array<number | null> {
  if (!Array.isArray(raw) && !ArrayBuffer.isView(raw)) throw invalidInput('series must be an array of numbers or { values: number[] }.');
  const values = Array.from(raw as ArrayLike<unknown>);
  if (values.length === 0) throw invalidInput('series is empty: pass at least one observation.');
  if (values.length > MAX_INPUT_POINTS) throw invalidInput(`series has ${values.length} points; the limit is ${MAX_INPUT_POINTS}.`);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) continue;
    if (typeof v !== 'number') throw invalidInput(`values[${i}] is a ${typeof v} (${JSON.stringify(v)}); values must be numbers (null or NaN for missing).`, { index: i });
    if (!Number.isFinite(v)) throw invalidInput(`values[${i}] is ${v}; values must be finite.`, { index: i });
    if (Math.abs(v) > MAX_ABS_VALUE) throw invalidInput(`values[${i}] is ${v}; magnitudes above ${MAX_ABS_VALUE} are not supported (rescale the series, e.g. to thousands).`, { index: i });
  }
  return values as Array<number | null>;
}

/** Linear interpolation of interior gaps; leading gaps are trimmed, trailing gaps carry the last value forward. */
function fillGaps(values: Array<number | null>, notes: string[]): { filled: number[]; start: number } {
  const isMissing = (v: number | null | undefined): boolean => v === null || v === undefined || Number.isNaN(v);
  let start = 0;
  while (start < values.length && isMissing(values[start])) start++;
  if (start === values.length) throw invalidInput('series has no observed values (all missing or NaN).');
  const out: number[] = [];
  let missing = 0;
  for (let i = start; i < values.length; i++) {
    const v = values[i];
    if (!isMissing(v)) { out.push(v as number); continue; }
    missing++;
    let j = i + 1;
    while (j < values.length && isMissing(values[j])) j++;
    const left = out[out.length - 1];
    const right = j < values.length ? (values[j] as number) : left;
    for (let k = i; k < j; k++) out.push(left + ((right - left) * (k - i + 1)) / (j - i + 1));
    missing += j - i - 1;
    i = j - 1;
  }
  if (missing) notes.push(`${missing} missing value(s) interpolated`);
  if (start) notes.push(`${start} leading missing value(s) dropped`);
  return { filled: out, start };
}

export function prepareSeries(input: number[] | SeriesInput, options: ForecastOptions = {}): PreparedSeries {
  if (input === null || typeof input !== 'object') throw invalidInput('series must be an array of numbers or { values: number[] }.');
  const series: SeriesInput = Array.isArray(input) || ArrayBuffer.isView(input) ? { values: Array.from(input as ArrayLike<number>) } : input;
  const known = new Set(['values', 'dates', 'frequency', 'seasonalPeriod', 'covariates']);
  for (const key of Object.keys(series)) if (!known.has(key)) throw invalidInput(`Unknown field '${key}' in series input. Known fields: ${[...known].join(', ')}.`);
  let values = validateValues(series.values);
  const notes: string[] = [];
  const warnings: StorecastWarning[] = [];
  let frequency = series.frequency;
  if (frequency !== undefined && !(frequency in STEP_MS)) throw invalidInput(`Unknown frequency '${String(frequency)}'. Use one of: ${Object.keys(STEP_MS).join(', ')}.`);

  let times: number[] | undefined;
  let stepMs: number | undefined;
  if (series.dates !== undefined) {
    if (!Array.isArray(series.dates) || series.dates.length !== values.length) {
      throw invalidInput(`dates has ${Array.isArray(series.dates) ? series.dates.length : 'no'} entries but values has ${values.length}; they must match one to one.`);
    }
    ({ values, times, stepMs, frequency } = regularise(values, series.dates.map(parseDate), frequency, options.duplicateDates ?? 'sum', notes, warnings));
  }
  const { filled, start } = fillGaps(values, notes);
  if (times) times = times.slice(start);

  const horizon = options.horizon ?? (frequency ? DEFAULT_HORIZON[frequency] : Math.max(1, Math.min(28, Math.ceil(filled.length / 4))));
  if (!Number.isInteger(horizon) || horizon < 1) throw invalidInput(`horizon must be a positive integer, got ${String(horizon)}.`);
  if (horizon > 10 * filled.length) throw invalidInput(`horizon ${horizon} is more than 10x the ${filled.length} observed points; forecasts that far out are not meaningful.`);
  const levels = options.levels ?? [80, 95];
  if (!Array.isArray(levels) || levels.some((l) => typeof l !== 'number' || !(l > 0 && l < 100))) throw invalidInput('levels must be numbers strictly between 0 and 100, e.g. [80, 95].');
  if (series.seasonalPeriod !== undefined && !(Number.isFinite(series.seasonalPeriod) && series.seasonalPeriod >= 1)) {
    throw invalidInput(`seasonalPeriod must be a number ≥ 1, got ${String(series.seasonalPeriod)}.`);
  }

  let fitted = filled;
  if (filled.length > MAX_FIT_POINTS) {
    fitted = filled.slice(-MAX_FIT_POINTS);
    if (times) times = times.slice(-MAX_FIT_POINTS);
    notes.push(`fitted on the last ${MAX_FIT_POINTS} of ${filled.length} points`);
  }
  const covariates = prepareCovariates(series.covariates, values.length, start, filled.length - fitted.length, horizon);
  return { values: Float64Array.from(fitted), times, stepMs, frequency, horizon, levels: [...levels].sort((a, b) => a - b), nonNegative: fitted.every((v) => v >= 0), covariates, notes, warnings };
}

function prepareCovariates(raw: SeriesInput['covariates'], length: number, trimmedStart: number, trimmedFit: number, horizon: number): Record<string, Float64Array> {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null) throw invalidInput('covariates must be an object of number arrays.');
  const out: Record<string, Float64Array> = {};
  for (const [name, list] of Object.entries(raw)) {
    if (!Array.isArray(list) || list.length !== length + horizon) {
      throw invalidInput(`covariate '${name}' needs ${length + horizon} values (history ${length} + horizon ${horizon}), got ${Array.isArray(list) ? list.length : typeof list}.`);
    }
    if (list.some((v) => typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > MAX_ABS_VALUE)) throw invalidInput(`covariate '${name}' must hold finite numbers of magnitude ≤ ${MAX_ABS_VALUE} only.`);
    out[name] = Float64Array.from(list.slice(trimmedStart + trimmedFit));
  }
  return out;
}

function regularise(values: Array<number | null>, times: number[], given: Frequency | undefined, duplicates: 'sum' | 'mean' | 'last', notes: string[], warnings: StorecastWarning[]) {
  const order = times.map((_, i) => i).sort((a, b) => times[a] - times[b]);
  const sortedTimes: number[] = [];
  const sortedValues: Array<number | null> = [];
  let merged = 0;
  for (const i of order) {
    const last = sortedTimes.length - 1;
    if (last >= 0 && sortedTimes[last] === times[i]) {
      merged++;
      const a = sortedValues[last];
      const b = values[i];
      if (b === null || Number.isNaN(b)) continue;
      if (a === null || Number.isNaN(a as number)) sortedValues[last] = b;
      else sortedValues[last] = duplicates === 'sum' ? a + b : duplicates === 'last' ? b : (a + b) / 2;
      continue;
    }
    sortedTimes.push(times[i]);
    sortedValues.push(values[i]);
  }
  if (merged) notes.push(`${merged} duplicate date(s) combined (${duplicates})`);
  if (sortedTimes.length < 2) return { values: sortedValues, times: sortedTimes, stepMs: given ? STEP_MS[given] : STEP_MS.daily, frequency: given ?? ('daily' as Frequency) };
  const diffs = sortedTimes.slice(1).map((t, i) => t - sortedTimes[i]).sort((a, b) => a - b);
  const observed = frequencyFromStep(diffs[Math.floor(diffs.length / 2)]);
  const frequency = given ?? observed;
  if (STEP_MS[observed] > 1.5 * STEP_MS[frequency]) {
    throw invalidInput(`frequency is '${frequency}' but the dates are ${observed}: most ${frequency} periods would be missing. Pass frequency: '${observed}' (or leave it out to infer it from the dates).`, { frequency, observed });
  }
  if (STEP_MS[frequency] > 1.5 * STEP_MS[observed]) {
    warnings.push(warning('INPUT_REGROUPED', `The dates are ${observed} but frequency is '${frequency}': values were combined per ${frequency} period (${duplicates}). Leave frequency out to forecast the ${observed} values as they are.`));
  }
  const stepMs = STEP_MS[frequency];
  // Place each observation on the regular grid that starts at the first date; empty slots become gaps.
  const grid: Array<number | null> = [];
  const gridTimes: number[] = [];
  let t = sortedTimes[0];
  let k = 0;
  let inserted = 0;
  while (k < sortedTimes.length) {
    const next = addSteps(t, frequency, stepMs, 1);
    const halfway = (t + next) / 2;
    let value: number | null = null;
    let found = false;
    while (k < sortedTimes.length && sortedTimes[k] < halfway) {
      const v = sortedValues[k];
      if (v !== null && !Number.isNaN(v)) value = found && value !== null ? (duplicates === 'sum' ? value + v : duplicates === 'last' ? v : (value + v) / 2) : v;
      found = true;
      k++;
    }
    if (!found) inserted++;
    grid.push(value);
    gridTimes.push(t);
    t = next;
    if (grid.length > MAX_INPUT_POINTS) throw invalidInput('dates span more periods than the size limit allows; check the frequency.');
  }
  if (inserted) notes.push(`${inserted} missing date(s) filled`);
  return { values: grid, times: gridTimes, stepMs, frequency };
}
