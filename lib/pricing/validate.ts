import { invalidInput } from '../errors.js';
import { frequencyFromStep } from '../trend/prepare.js';
import type { Frequency } from '../trend/types.js';
import { periodIndex, toMs, type Calendar } from './calendar.js';
import type { DemandObservation, DemandScenario, DemandWarning, FitDemandOptions } from './types.js';

/** Feature columns besides log price, in this order: promotion, competitorPrice, holiday, covariates (sorted). */
export const PRICE = 'price';
export const PROMOTION = 'promotion';
export const COMPETITOR = 'competitorPrice';
export const HOLIDAY = 'holiday';

/** One product's history, sorted by period; feature column 0 is log price. */
export interface ProductHistory {
  product: string;
  group: string;
  rows: number[];
  periods: Int32Array;
  prices: Float64Array;
  /** NaN where units were 0 (those periods stay out of the log-scale fit). */
  logUnits: Float64Array;
  /** features[j][k]: feature j at observation k. */
  features: Float64Array[];
  /** Whether the product has feature j (a feature it never had keeps a constant 0 column). */
  present: boolean[];
}

export interface ValidatedData {
  histories: ProductHistory[];
  featureNames: string[];
  calendar: Calendar;
  holidayPeriods: number[];
  warnings: DemandWarning[];
}

const MAX_OBSERVATIONS = 5_000_000;
const FREQUENCIES: Frequency[] = ['hourly', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly'];
const OPTION_KEYS = new Set(['frequency', 'groups', 'holidays', 'signal', 'onProgress']);

export function promotionValue(value: unknown, where: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidInput(`${where}: promotion must be a boolean or a finite number, got ${JSON.stringify(value)}.`);
  return value;
}

export function positive(value: unknown, field: string, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw invalidInput(`${where}: ${field} must be a positive finite number, got ${JSON.stringify(value)}.`, { field });
  // Revenue and profit multiply prices by units: beyond this they stop being finite, and no real figure is that large.
  if (value > 1e12) throw invalidInput(`${where}: ${field} ${value} is above 1e12; check the unit or the data entry.`, { field });
  return value;
}

export function finiteCovariates(value: unknown, where: string): Record<string, number> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidInput(`${where}: covariates must be an object of numbers.`);
  for (const [k, v] of Object.entries(value)) if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidInput(`${where}: covariate '${k}' must be a finite number, got ${JSON.stringify(v)}.`, { field: k });
  return value as Record<string, number>;
}

function inferFrequency(observations: DemandObservation[], ms: number[]): Frequency {
  // The median step between consecutive dates of the same product.
  const byProduct = new Map<string, number[]>();
  observations.forEach((o, i) => { const list = byProduct.get(o.product) ?? []; list.push(ms[i]); byProduct.set(o.product, list); });
  const steps: number[] = [];
  for (const list of byProduct.values()) {
    list.sort((a, b) => a - b);
    for (let i = 1; i < list.length; i++) if (list[i] > list[i - 1]) steps.push(list[i] - list[i - 1]);
  }
  if (!steps.length) throw invalidInput('frequency cannot be inferred (no product has two dates); pass { frequency }.');
  steps.sort((a, b) => a - b);
  return frequencyFromStep(steps[Math.floor(steps.length / 2)]);
}

export function validateObservations(observations: unknown, options: FitDemandOptions): ValidatedData {
  if (options === null || typeof options !== 'object') throw invalidInput('options must be an object.');
  for (const key of Object.keys(options)) if (!OPTION_KEYS.has(key)) throw invalidInput(`Unknown option '${key}'. Known options: ${[...OPTION_KEYS].join(', ')}.`);
  if (options.frequency !== undefined && !FREQUENCIES.includes(options.frequency)) throw invalidInput(`Unknown frequency '${String(options.frequency)}'. Use one of: ${FREQUENCIES.join(', ')}.`);
  if (options.groups !== undefined && (options.groups === null || typeof options.groups !== 'object')) throw invalidInput('groups must be an object mapping product → group name.');
  if (!Array.isArray(observations)) throw invalidInput('observations must be an array of { product, date, price, units }.');
  if (observations.length < 2) throw invalidInput(`observations has ${observations.length} row(s); demand needs at least two periods with different prices${observations.length ? ' (row 0 is the only one)' : ''}.`, { row: 0 });
  if (observations.length > MAX_OBSERVATIONS) throw invalidInput(`observations has ${observations.length} rows; the limit is ${MAX_OBSERVATIONS}.`);

  const rows = observations as DemandObservation[];
  const ms: number[] = new Array(rows.length);
  const covariateNames = new Set<string>();
  let anyPromotion = false;
  let anyCompetitor = false;
  for (let i = 0; i < rows.length; i++) {
    const o = rows[i];
    const where = `observations[${i}]`;
    if (o === null || typeof o !== 'object') throw invalidInput(`${where} is not an object.`, { row: i });
    if (typeof o.product !== 'string' || !o.product) throw invalidInput(`${where}: product must be a non-empty string.`, { row: i, field: 'product' });
    try {
      ms[i] = toMs(o.date, where);
      positive(o.price, 'price', where);
      if (typeof o.units !== 'number' || !Number.isFinite(o.units) || o.units < 0) throw invalidInput(`${where}: units must be a finite number ≥ 0, got ${JSON.stringify(o.units)}.`, { field: 'units' });
      if (o.promotion !== undefined) { promotionValue(o.promotion, where); anyPromotion = true; }
      if (o.competitorPrice !== undefined) { positive(o.competitorPrice, 'competitorPrice', where); anyCompetitor = true; }
      for (const k of Object.keys(finiteCovariates(o.covariates, where))) covariateNames.add(k);
    } catch (error) {
      const e = error as { details?: Record<string, unknown> };
      if (e.details) e.details.row = i;
      throw error;
    }
  }
  const frequency = options.frequency ?? inferFrequency(rows, ms);
  const calendar: Calendar = { frequency, anchor: Math.min(...ms.slice(0, 1_000_000)) };
  for (let i = 1_000_000; i < ms.length; i++) calendar.anchor = Math.min(calendar.anchor, ms[i]);
  const holidayPeriods = (options.holidays ?? []).map((d, i) => periodIndex(toMs(d, `holidays[${i}]`), calendar));
  const holidaySet = new Set(holidayPeriods);
  const featureNames = [PRICE, ...(anyPromotion ? [PROMOTION] : []), ...(anyCompetitor ? [COMPETITOR] : []), ...(holidayPeriods.length ? [HOLIDAY] : []), ...[...covariateNames].sort()];

  const byProduct = new Map<string, number[]>();
  rows.forEach((o, i) => { const list = byProduct.get(o.product) ?? []; list.push(i); byProduct.set(o.product, list); });
  const warnings: DemandWarning[] = [];
  let zeroRows = 0;
  const histories: ProductHistory[] = [];
  for (const [product, list] of byProduct) {
    const periodOf = list.map((i) => periodIndex(ms[i], calendar));
    const order = list.map((_, k) => k).sort((a, b) => periodOf[a] - periodOf[b]);
    const sortedRows = order.map((k) => list[k]);
    const periods = Int32Array.from(order, (k) => periodOf[k]);
    for (let k = 1; k < periods.length; k++) {
      if (periods[k] === periods[k - 1]) throw invalidInput(`observations[${sortedRows[k - 1]}] and observations[${sortedRows[k]}] are both product '${product}' in the same ${frequency} period; combine them into one row.`, { row: sortedRows[k], product });
    }
    if (sortedRows.length < 2) throw invalidInput(`observations[${sortedRows[0]}]: product '${product}' has only this one observation; demand needs at least two periods per product.`, { row: sortedRows[0], product });
    const n = sortedRows.length;
    const prices = Float64Array.from(sortedRows, (i) => rows[i].price);
    const logUnits = Float64Array.from(sortedRows, (i) => (rows[i].units > 0 ? Math.log(rows[i].units) : NaN));
    const usable = logUnits.filter((v) => !Number.isNaN(v)).length;
    zeroRows += n - usable;
    if (usable < 2) throw invalidInput(`observations[${sortedRows[0]}]: product '${product}' has fewer than two periods with units > 0; its demand cannot be fitted on the log scale.`, { row: sortedRows[0], product });
    const features: Float64Array[] = [];
    const present: boolean[] = [];
    for (const name of featureNames) {
      const column = new Float64Array(n);
      let seen = 0;
      sortedRows.forEach((i, k) => {
        const o = rows[i];
        let v: number | undefined;
        if (name === PRICE) v = Math.log(o.price);
        else if (name === PROMOTION) v = promotionValue(o.promotion, '');
        else if (name === COMPETITOR) v = o.competitorPrice === undefined ? undefined : Math.log(o.competitorPrice);
        else if (name === HOLIDAY) v = holidaySet.has(periods[k]) ? 1 : 0;
        else v = o.covariates?.[name];
        if (v !== undefined) { column[k] = v; seen++; }
      });
      // Promotion absent means "not on promotion"; other drivers must be given on every row or none.
      const optional = name === PROMOTION || name === HOLIDAY || name === PRICE;
      if (!optional && seen > 0 && seen < n) {
        const missing = sortedRows.find((i) => (name === COMPETITOR ? rows[i].competitorPrice === undefined : rows[i].covariates?.[name] === undefined))!;
        throw invalidInput(`observations[${missing}]: product '${product}' has ${name} on other rows but not on this one; give it on every row of the product or on none.`, { row: missing, product, field: name });
      }
      features.push(column);
      present.push(optional || seen === n);
    }
    histories.push({ product, group: options.groups?.[product] ?? '', rows: sortedRows, periods, prices, logUnits, features, present });
  }
  if (zeroRows) warnings.push({ code: 'ZERO_UNITS_LEFT_OUT', message: `${zeroRows} period(s) with 0 units were left out of the fit (log scale); if they were stock-outs, that is right, otherwise demand is overstated for slow sellers.` });
  return { histories, featureNames, calendar, holidayPeriods, warnings };
}

/** Feature values of a scenario in the model's column order; warnings for drivers the product never had. */
export function scenarioFeatures(s: DemandScenario, where: string, featureNames: string[], present: boolean[], lastValues: number[], period: number, holidays: Set<number>, warn: (w: DemandWarning) => void): Float64Array {
  const x = new Float64Array(featureNames.length);
  const covariates = finiteCovariates(s.covariates, where);
  featureNames.forEach((name, j) => {
    let v: number | undefined;
    if (name === PRICE) v = Math.log(positive(s.price, 'price', where));
    else if (name === PROMOTION) v = promotionValue(s.promotion, where);
    else if (name === COMPETITOR) v = s.competitorPrice === undefined ? undefined : Math.log(positive(s.competitorPrice, 'competitorPrice', where));
    else if (name === HOLIDAY) v = holidays.has(period) ? 1 : 0;
    else v = covariates[name];
    if (!present[j]) {
      if (v !== undefined && name !== PROMOTION && name !== HOLIDAY) warn({ code: 'DRIVER_IGNORED', message: `${where}: ${name} was ignored: product '${s.product}' had none in its history.` });
      v = lastValues[j];
    } else if (v === undefined) {
      warn({ code: 'DRIVER_ASSUMED', message: `${where}: ${name} not given; the product's last observed value was used.` });
      v = lastValues[j];
    }
    x[j] = v;
  });
  return x;
}
