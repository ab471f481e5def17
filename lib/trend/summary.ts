import { mean, olsSlope } from './stats.js';
import type { Frequency, TrendSummary } from './types.js';

/** Changes smaller than this (in percent) read as flat: below it, noise dominates. */
const FLAT_PERCENT = 3;

export function summariseTrend(history: ArrayLike<number>, forecast: number[]): TrendSummary {
  const recent = Array.from(history).slice(-forecast.length);
  const before = mean(recent);
  const after = mean(forecast);
  const changePercent = before === 0 ? (after === 0 ? 0 : 100 * Math.sign(after)) : (100 * (after - before)) / Math.abs(before);
  const direction = changePercent > FLAT_PERCENT ? 'up' : changePercent < -FLAT_PERCENT ? 'down' : 'flat';
  return { direction, changePercent: round(changePercent, 2), slopePerPeriod: round(olsSlope(forecast), 6) };
}

const UNIT: Record<Frequency, string> = { hourly: 'hour', daily: 'day', weekly: 'week', monthly: 'month', quarterly: 'quarter', yearly: 'year' };

/** The summary a merchant reads: where sales are heading, the range at the end, and what drives the forecast. */
export function describe(trend: TrendSummary, horizon: number, frequency: Frequency | undefined, level: { level: number; lower: number; upper: number } | undefined, drivers?: string): string {
  const unit = frequency ? UNIT[frequency] : 'period';
  const span = `the next ${horizon} ${unit}${horizon === 1 ? '' : 's'}`;
  const move = trend.direction === 'flat'
    ? `Expected to stay about flat over ${span} (${signed(trend.changePercent)}% vs the last ${horizon})`
    : `Expected to ${trend.direction === 'up' ? 'rise' : 'fall'} about ${Math.abs(trend.changePercent).toFixed(0)}% over ${span} compared with the last ${horizon}`;
  const range = level ? `; at the end of that span the ${level.level}% range is ${fmt(level.lower)} to ${fmt(level.upper)}` : '';
  return `${move}${range}.${drivers ? ` What drives it: ${drivers}.` : ''}`;
}

const round = (v: number, digits: number): number => Number(v.toFixed(digits));
const signed = (v: number): string => (v >= 0 ? '+' : '') + v.toFixed(1);
const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toPrecision(2));
