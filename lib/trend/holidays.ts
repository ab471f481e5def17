import { invalidInput } from '../errors.js';
import type { PreparedSeries } from './prepare.js';
import { addSteps } from './prepare.js';

/**
 * Built-in public-holiday calendars, a documented table rather than a dependency: each holiday is a
 * fixed date, the nth weekday of a month (n = -1: the last), or a day relative to Western Easter.
 * Days moved to a weekday when a holiday falls on a weekend ("observed" days) are not modelled.
 * Regional holidays are left out. Black Friday is listed for the US because it moves retail sales
 * more than most public holidays.
 */
type Rule =
  | { fixed: [month: number, day: number] }
  | { nth: [month: number, weekday: number, n: number]; offset?: number }
  | { easter: number }
  | { mondayBefore: [month: number, day: number] };

const JAN = 1, FEB = 2, MAY = 5, JUN = 6, AUG = 8, SEP = 9, OCT = 10, NOV = 11;
const MON = 1, THU = 4;

const COMMON: Record<string, Rule> = {
  "New Year's Day": { fixed: [1, 1] },
  'Christmas Day': { fixed: [12, 25] },
};

const CALENDARS: Record<string, Record<string, Rule>> = {
  US: {
    ...COMMON,
    'Martin Luther King Jr. Day': { nth: [JAN, MON, 3] },
    "Presidents' Day": { nth: [FEB, MON, 3] },
    'Memorial Day': { nth: [MAY, MON, -1] },
    Juneteenth: { fixed: [6, 19] },
    'Independence Day': { fixed: [7, 4] },
    'Labor Day': { nth: [SEP, MON, 1] },
    'Columbus Day': { nth: [OCT, MON, 2] },
    'Veterans Day': { fixed: [11, 11] },
    'Thanksgiving Day': { nth: [NOV, THU, 4] },
    'Black Friday': { nth: [NOV, THU, 4], offset: 1 },
  },
  CA: {
    ...COMMON,
    'Good Friday': { easter: -2 },
    'Victoria Day': { mondayBefore: [5, 25] },
    'Canada Day': { fixed: [7, 1] },
    'Civic Holiday': { nth: [AUG, MON, 1] },
    'Labour Day': { nth: [SEP, MON, 1] },
    'Thanksgiving Day': { nth: [OCT, MON, 2] },
    'Remembrance Day': { fixed: [11, 11] },
    'Boxing Day': { fixed: [12, 26] },
  },
  GB: {
    ...COMMON,
    'Good Friday': { easter: -2 },
    'Easter Monday': { easter: 1 },
    'Early May Bank Holiday': { nth: [MAY, MON, 1] },
    'Spring Bank Holiday': { nth: [MAY, MON, -1] },
    'Summer Bank Holiday': { nth: [AUG, MON, -1] },
    'Boxing Day': { fixed: [12, 26] },
  },
  DE: {
    ...COMMON,
    'Good Friday': { easter: -2 },
    'Easter Monday': { easter: 1 },
    'Labour Day': { fixed: [5, 1] },
    'Ascension Day': { easter: 39 },
    'Whit Monday': { easter: 50 },
    'German Unity Day': { fixed: [10, 3] },
    "St. Stephen's Day": { fixed: [12, 26] },
  },
  FR: {
    ...COMMON,
    'Easter Monday': { easter: 1 },
    'Labour Day': { fixed: [5, 1] },
    'Victory in Europe Day': { fixed: [5, 8] },
    'Ascension Day': { easter: 39 },
    'Whit Monday': { easter: 50 },
    'Bastille Day': { fixed: [7, 14] },
    'Assumption Day': { fixed: [8, 15] },
    "All Saints' Day": { fixed: [11, 1] },
    'Armistice Day': { fixed: [11, 11] },
  },
  ES: {
    ...COMMON,
    Epiphany: { fixed: [1, 6] },
    'Good Friday': { easter: -2 },
    'Labour Day': { fixed: [5, 1] },
    'Assumption Day': { fixed: [8, 15] },
    'National Day': { fixed: [10, 12] },
    "All Saints' Day": { fixed: [11, 1] },
    'Constitution Day': { fixed: [12, 6] },
    'Immaculate Conception': { fixed: [12, 8] },
  },
  IT: {
    ...COMMON,
    Epiphany: { fixed: [1, 6] },
    'Easter Monday': { easter: 1 },
    'Liberation Day': { fixed: [4, 25] },
    'Labour Day': { fixed: [5, 1] },
    'Republic Day': { fixed: [6, 2] },
    'Assumption Day': { fixed: [8, 15] },
    "All Saints' Day": { fixed: [11, 1] },
    'Immaculate Conception': { fixed: [12, 8] },
    "St. Stephen's Day": { fixed: [12, 26] },
  },
  NL: {
    ...COMMON,
    'Easter Monday': { easter: 1 },
    "King's Day": { fixed: [4, 27] },
    'Liberation Day': { fixed: [5, 5] },
    'Ascension Day': { easter: 39 },
    'Whit Monday': { easter: 50 },
    'Boxing Day': { fixed: [12, 26] },
  },
  AU: {
    ...COMMON,
    'Australia Day': { fixed: [1, 26] },
    'Good Friday': { easter: -2 },
    'Easter Monday': { easter: 1 },
    'Anzac Day': { fixed: [4, 25] },
    "King's Birthday": { nth: [JUN, MON, 2] },
    'Boxing Day': { fixed: [12, 26] },
  },
};

export const HOLIDAY_COUNTRIES = Object.keys(CALENDARS);

/** Western Easter Sunday (anonymous Gregorian algorithm), as UTC midnight. */
function easterSunday(year: number): number {
  const a = year % 19, b = Math.floor(year / 100), c = year % 100, d = Math.floor(b / 4), e = b % 4;
  const f = Math.floor((b + 8) / 25), g = Math.floor((b - f + 1) / 3), h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4), k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return Date.UTC(year, month - 1, day);
}

const DAY = 86_400_000;

function dateOf(rule: Rule, year: number): number {
  if ('fixed' in rule) return Date.UTC(year, rule.fixed[0] - 1, rule.fixed[1]);
  if ('easter' in rule) return easterSunday(year) + rule.easter * DAY;
  if ('mondayBefore' in rule) {
    const limit = Date.UTC(year, rule.mondayBefore[0] - 1, rule.mondayBefore[1]);
    const back = ((new Date(limit).getUTCDay() - MON + 7) % 7) || 7;
    return limit - back * DAY;
  }
  const [month, weekday, n] = rule.nth;
  let t: number;
  if (n > 0) {
    const first = Date.UTC(year, month - 1, 1);
    t = first + (((weekday - new Date(first).getUTCDay() + 7) % 7) + 7 * (n - 1)) * DAY;
  } else {
    const last = Date.UTC(year, month, 0);
    t = last - ((new Date(last).getUTCDay() - weekday + 7) % 7) * DAY;
  }
  return t + (rule.offset ?? 0) * DAY;
}

/** Each holiday's dates (UTC midnight) between two instants. */
export function holidayDates(country: string, from: number, to: number): Map<string, number[]> {
  const calendar = CALENDARS[country.toUpperCase()];
  if (!calendar) throw invalidInput(`No built-in holiday calendar for '${country}'. Available: ${HOLIDAY_COUNTRIES.join(', ')}; or pass your own as covariates.`);
  const out = new Map<string, number[]>();
  for (let year = new Date(from).getUTCFullYear(); year <= new Date(to).getUTCFullYear(); year++) {
    for (const [name, rule] of Object.entries(calendar)) {
      const t = dateOf(rule, year);
      if (t >= from && t < to) out.set(name, [...(out.get(name) ?? []), t]);
    }
  }
  return out;
}

/** A holiday needs this many occurrences in the history for its own effect; rarer ones are pooled. */
const MIN_OCCURRENCES = 2;

/**
 * Adds the country's holidays to a prepared series as 0/1 covariates over history + horizon: a
 * step is 1 when a holiday falls in it (the day, the hours of that day, or the 7 days from a
 * weekly date). Holidays that always share a step (Thanksgiving and Black Friday in weekly data)
 * become one covariate; holidays seen fewer than twice in the history are pooled as 'other holidays'.
 */
export function addHolidayCovariates(prepared: PreparedSeries, country: string): void {
  const { times, frequency, stepMs, horizon } = prepared;
  if (!times?.length || !stepMs) throw invalidInput("holidays need dates: pass { values, dates } so each value's day is known.");
  if (frequency !== 'hourly' && frequency !== 'daily' && frequency !== 'weekly') {
    throw invalidInput(`holidays apply to hourly, daily or weekly series; in ${frequency} data their effect is part of the yearly pattern.`);
  }
  const n = times.length;
  const starts = Array.from({ length: n + horizon + 1 }, (_, t) => (t < n ? times[t] : addSteps(times[n - 1], frequency, stepMs, t - n + 1)));
  const dates = holidayDates(country, starts[0] - DAY, starts[n + horizon] + DAY);
  const columns = new Map<string, Float64Array>();
  for (const [name, list] of dates) {
    const column = new Float64Array(n + horizon);
    for (const day of list) {
      for (let t = 0; t < n + horizon; t++) {
        // Hourly steps: any hour of the holiday; longer steps: the holiday falls within the step.
        const hit = frequency === 'hourly' ? starts[t] >= day && starts[t] < day + DAY : day >= Math.floor(starts[t] / DAY) * DAY && day < starts[t + 1];
        if (hit) column[t] = 1;
      }
    }
    const key = [...columns.entries()].find(([, c]) => c.every((v, t) => v === column[t]))?.[0];
    if (key) { columns.set(`${key} / ${name}`, columns.get(key)!); columns.delete(key); continue; }
    columns.set(name, column);
  }
  const pooled = new Float64Array(n + horizon);
  let pooledUsed = false;
  for (const [name, column] of columns) {
    let seen = 0;
    for (let t = 0; t < n; t++) seen += column[t];
    if (seen >= MIN_OCCURRENCES) { prepared.covariates[name] = column; continue; }
    column.forEach((v, t) => { if (v) pooled[t] = 1; });
    pooledUsed = true;
  }
  if (pooledUsed) prepared.covariates['other holidays'] = pooled;
}
