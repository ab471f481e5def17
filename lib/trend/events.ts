import type { PreparedSeries } from './prepare.js';
import { addSteps } from './prepare.js';

/**
 * One 0/1 flag often marks different events: Walmart's holiday flag is set for the Super Bowl,
 * Labor Day, Thanksgiving and the week after Christmas, whose effects differ in size and sign;
 * one coefficient for all of them fits none. When dates are known, a flag's occurrences are grouped
 * by time of year (occurrences within TOLERANCE_DAYS of each other, across years, are one event)
 * and each event seen at least twice in the history gets its own coefficient; the rest keep the
 * flag's name together. Consecutive flagged steps chain into one event (a four-week December rush).
 */
const TOLERANCE_DAYS = 10;
const MIN_OCCURRENCES = 2;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function dayOfYear(ms: number): number {
  const d = new Date(ms);
  return Math.floor((ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000);
}

export function splitRecurringFlags(prepared: PreparedSeries): Record<string, Float64Array> {
  const { covariates, times, frequency, stepMs, horizon } = prepared;
  if (!times?.length || !stepMs || (frequency !== 'daily' && frequency !== 'weekly' && frequency !== 'hourly')) return covariates;
  const n = times.length;
  const timeAt = (t: number): number => (t < n ? times[t] : addSteps(times[n - 1], frequency, stepMs, t - n + 1));
  const out: Record<string, Float64Array> = {};
  for (const [name, values] of Object.entries(covariates)) {
    const on: number[] = [];
    let binary = true;
    for (let t = 0; t < values.length && binary; t++) {
      if (values[t] === 1) on.push(t);
      else if (values[t] !== 0) binary = false;
    }
    if (!binary || on.filter((t) => t < n).length < 2 * MIN_OCCURRENCES) { out[name] = values; continue; }
    // Single-linkage on the circular day of year: sorted, split where the gap exceeds the tolerance.
    const days = on.map((t) => ({ t, day: dayOfYear(timeAt(t)) })).sort((a, b) => a.day - b.day);
    const groups: Array<typeof days> = [[days[0]]];
    for (let i = 1; i < days.length; i++) {
      if (days[i].day - days[i - 1].day > TOLERANCE_DAYS) groups.push([]);
      groups[groups.length - 1].push(days[i]);
    }
    if (groups.length > 1 && days[0].day + 365 - days[days.length - 1].day <= TOLERANCE_DAYS) groups[0].push(...groups.pop()!);
    const distinct = groups.filter((g) => g.filter((x) => x.t < n).length >= MIN_OCCURRENCES);
    if (distinct.length <= 1) { out[name] = values; continue; }
    const rest = new Float64Array(values.length);
    let restUsed = false;
    for (const group of groups) {
      if (distinct.includes(group)) {
        const column = new Float64Array(values.length);
        for (const { t } of group) column[t] = 1;
        const first = new Date(timeAt(group[0].t));
        out[`${name} (around ${first.getUTCDate()} ${MONTHS[first.getUTCMonth()]})`] = column;
      } else {
        for (const { t } of group) rest[t] = 1;
        restUsed = true;
      }
    }
    if (restUsed) out[name] = rest;
  }
  return out;
}
