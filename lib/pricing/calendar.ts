import { invalidInput } from '../errors.js';
import type { Frequency } from '../trend/types.js';

/**
 * Periods are integers on one grid shared by every product, so that a seasonal position (index mod
 * the season) means the same calendar slot for all of them and a group can pool its season.
 * Fixed-length frequencies count steps from an anchor (the earliest date in the data, so weekly
 * data on any weekday lands on whole steps); calendar frequencies count calendar months.
 */
export interface Calendar {
  frequency: Frequency;
  anchor: number;
}

const FIXED_MS: Partial<Record<Frequency, number>> = { hourly: 3_600_000, daily: 86_400_000, weekly: 7 * 86_400_000 };

/** Seasonal cycle length in periods for each frequency (0: none modelled). */
export const SEASON: Record<Frequency, number> = { hourly: 24, daily: 7, weekly: 52, monthly: 12, quarterly: 4, yearly: 0 };

export function toMs(value: unknown, where: string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw invalidInput(`${where}: date is not a valid date: ${JSON.stringify(value)}.`);
  return ms;
}

export function periodIndex(ms: number, calendar: Calendar): number {
  const fixed = FIXED_MS[calendar.frequency];
  if (fixed) return Math.round((ms - calendar.anchor) / fixed);
  const d = new Date(ms);
  const months = d.getUTCFullYear() * 12 + d.getUTCMonth();
  return calendar.frequency === 'monthly' ? months : calendar.frequency === 'quarterly' ? Math.floor(months / 3) : d.getUTCFullYear();
}
