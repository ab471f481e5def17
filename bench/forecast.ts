// npm run bench -- forecast : accuracy on M4 Hourly/Weekly and M5 FOODS_3 TX_3, speed in Node.
// Every method runs on the same series in this one run; official M4 rows are read from the
// competition's own table for reference.
import { readFileSync, writeFileSync, mkdtempSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { tmpdir, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { forecastTrends, smape, mase, owa, rmsse, intervalCoverage, type ModelChoice, type SeriesInput } from '../lib/index.js';
import { naive2, seasonalNaive } from '../lib/trend/models/naive.js';
import { SHARED, has, readWide } from './data.js';

export interface AccuracyRow { dataset: string; method: string; smape: number; mase: number; owa: number; coverage80?: number; coverage95?: number; seriesPerSecond?: number; note?: string }

const FREQUENCIES = [
  // R's auto.arima() takes tens of seconds per hourly series here (hours for 414): ets() and auto.arima()
  // run only with --r-slow, and their output is cached for later runs (see rForecasts).
  { name: 'Hourly', horizon: 48, period: 24, frequency: 'hourly' as const, official: 'Hourly', mstlPeriods: [24, 168], rMethods: ['ets', 'thetaf', 'auto.arima'], rSlow: true },
  { name: 'Weekly', horizon: 13, period: 1, frequency: 'weekly' as const, official: 'Weekly', mstlPeriods: [52], rMethods: ['ets', 'thetaf', 'auto.arima'], rSlow: false },
];

function officialRows(frequency: string): Record<string, { smape: number; mase: number; owa: number }> {
  const lines = readFileSync(SHARED + 'forecast/m4/M4_official_point_scores_by_frequency.csv', 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const out: Record<string, { smape: number; mase: number; owa: number }> = {};
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    const get = (c: string): number => Number(cells[header.indexOf(`${c}_${frequency}`)]);
    const name = cells[0] === '118' ? 'Smyl (M4 winner)' : cells[0];
    out[name] = { smape: get('sMAPE'), mase: get('MASE'), owa: get('OWA') };
  }
  return out;
}

export function score(dataset: string, method: string, train: number[][], test: number[][], forecasts: number[][], period: number, naive2: { smape: number; mase: number }, extra: Partial<AccuracyRow> = {}): AccuracyRow {
  const s = forecasts.reduce((a, f, i) => a + smape(test[i], f), 0) / forecasts.length;
  const m = forecasts.reduce((a, f, i) => a + mase(test[i], f, train[i], period), 0) / forecasts.length;
  return { dataset, method, smape: s, mase: m, owa: owa(s, m, naive2.smape, naive2.mase), ...extra };
}

function coverage(test: number[][], intervals: { lower: number[]; upper: number[] }[]): number {
  let inside = 0;
  let total = 0;
  intervals.forEach((b, i) => { inside += intervalCoverage(test[i], b.lower, b.upper) * test[i].length; total += test[i].length; });
  return inside / total;
}

async function augurs(train: number[][], horizon: number, period: number, mstlPeriods: number[]): Promise<{ mstl?: { forecasts: number[][]; lower: number[][]; upper: number[][]; seconds: number }; autoEts?: { forecasts: number[][]; seconds: number } }> {
  const mstlModule = await import('@bsull/augurs/mstl');
  const etsModule = await import('@bsull/augurs/ets');
  const wasm = (name: string): Buffer => readFileSync(new URL(`../node_modules/@bsull/augurs/${name}_bg.wasm`, import.meta.url));
  mstlModule.initSync({ module: wasm('mstl') });
  etsModule.initSync({ module: wasm('ets') });
  const out: Awaited<ReturnType<typeof augurs>> = {};
  let t0 = performance.now();
  const forecasts: number[][] = [];
  const lower: number[][] = [];
  const upper: number[][] = [];
  for (const y of train) {
    // MSTL needs two full cycles of each period; shorter series get only the periods they can support.
    const periods = mstlPeriods.filter((p) => y.length >= 2 * p);
    try {
      const model = periods.length ? mstlModule.MSTL.ets(periods, undefined) : undefined;
      if (!model) throw new Error('series too short for MSTL');
      model.fit(y);
      const f = model.predict(horizon, 0.8);
      forecasts.push(Array.from(f.point));
      lower.push(Array.from(f.intervals?.lower ?? f.point));
      upper.push(Array.from(f.intervals?.upper ?? f.point));
    } catch {
      // Fall back to AutoETS for that series, as a user of augurs would.
      const model = new etsModule.AutoETS(1, 'ZZZ');
      model.fit(y);
      const f = model.predict(horizon, 0.8);
      forecasts.push(Array.from(f.point));
      lower.push(Array.from(f.intervals?.lower ?? f.point));
      upper.push(Array.from(f.intervals?.upper ?? f.point));
    }
  }
  out.mstl = { forecasts, lower, upper, seconds: (performance.now() - t0) / 1000 };
  t0 = performance.now();
  const etsForecasts: number[][] = [];
  for (const y of train) {
    const model = new etsModule.AutoETS(period > 1 && period <= 24 ? period : 1, 'ZZZ');
    model.fit(y);
    etsForecasts.push(Array.from(model.predict(horizon).point));
  }
  out.autoEts = { forecasts: etsForecasts, seconds: (performance.now() - t0) / 1000 };
  return out;
}

/** Where R's forecasts are kept, keyed by the hash of the script and the series: R's Hourly fits take about an hour. */
const R_CACHE = new URL('../.cache/r-forecasts/', import.meta.url).pathname;
const R_SCRIPT = new URL('./r/forecast.R', import.meta.url).pathname;
const RSCRIPT = '/usr/bin/Rscript';

/**
 * R's forecast package, when installed (apt-get install r-cran-forecast): ets, thetaf, auto.arima,
 * run by bench/r/forecast.R on every core. Each series' forecast is appended to R_CACHE as soon as R
 * has it, keyed by method, period, horizon, the script and the series' values: a run that times out
 * keeps its work and the next run resumes. Rows that reuse an earlier run's output say "(cached)";
 * a method with series still missing gives no row.
 */
export function rForecasts(train: number[][], horizon: number, period: number, methods: string[], log: (s: string) => void, options: { timeoutMinutes?: number; onlyIfCached?: boolean } = {}): Record<string, number[][]> | undefined {
  if (!existsSync(RSCRIPT)) { log('R not installed: skipping R rows (apt-get install r-cran-forecast)'); return undefined; }
  mkdirSync(R_CACHE, { recursive: true });
  const keys = train.map(seriesKey);
  const deadline = Date.now() + (options.timeoutMinutes ?? 40) * 60_000;
  const out: Record<string, number[][]> = {};
  for (const method of methods) {
    const prefix = rCachePrefix(method, period, horizon);
    const before = readRCache(prefix, horizon);
    const missing = train.map((y, i) => ({ y, key: keys[i] })).filter(({ key }) => !before.has(key));
    if (missing.length && !options.onlyIfCached && Date.now() < deadline) {
      const workers = Math.min(availableParallelism(), missing.length);
      const dir = mkdtempSync(join(tmpdir(), 'storecast-r-'));
      const seconds = Math.ceil((deadline - Date.now()) / 1000);
      const jobs = Array.from({ length: workers }, (_, w) => {
        writeFileSync(join(dir, `series${w}.csv`), missing.filter((_, j) => j % workers === w).map(({ y, key }) => `${key},${y.join(',')}`).join('\n') + '\n');
        return `timeout ${seconds} ${RSCRIPT} ${R_SCRIPT} ${dir}/series${w}.csv ${method} ${period} ${horizon} ${join(R_CACHE, `${prefix}.${w}.csv`)} &`;
      });
      const t0 = performance.now();
      execFileSync('bash', ['-c', `${jobs.join(' ')} wait`], { stdio: 'ignore' });
      log(`R ${method}(): ${missing.length} series on ${workers} cores in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    const after = missing.length ? readRCache(prefix, horizon) : before;
    const left = keys.filter((key) => !after.has(key)).length;
    if (left) { log(`R ${method}(): ${left} of ${keys.length} series not forecast yet (rerun to resume): no row`); continue; }
    out[`R ${method}()${keys.some((key) => before.has(key)) ? ' (cached)' : ''}`] = keys.map((key) => after.get(key)!);
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * What the cache holds of one R method for these series, even when not all are done: a subset row
 * for a method too slow to finish here (R's auto.arima() on M4 Hourly).
 */
export function rCachedSubset(train: number[][], horizon: number, period: number, method: string): { indices: number[]; forecasts: number[][] } {
  if (!existsSync(R_CACHE)) return { indices: [], forecasts: [] };
  const cache = readRCache(rCachePrefix(method, period, horizon), horizon);
  const keys = train.map(seriesKey);
  const indices = keys.flatMap((key, i) => (cache.has(key) ? [i] : []));
  return { indices, forecasts: indices.map((i) => cache.get(keys[i])!) };
}

const hash = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex').slice(0, 16);
const seriesKey = (y: number[]): string => hash(y.join(','));
/** Cache files of one method, period and horizon by this version of bench/r/forecast.R. */
const rCachePrefix = (method: string, period: number, horizon: number): string => `${method}-p${period}-h${horizon}-${hash(readFileSync(R_SCRIPT)).slice(0, 8)}`;

function readRCache(prefix: string, horizon: number): Map<string, number[]> {
  const cache = new Map<string, number[]>();
  for (const file of readdirSync(R_CACHE).filter((f) => f.startsWith(prefix + '.'))) {
    for (const line of readFileSync(join(R_CACHE, file), 'utf8').split('\n')) {
      const [key, ...values] = line.split(',');
      // A line cut short by a timeout has fewer values; R writes NA for a failed forecast.
      if (values.length === horizon && values.every((v) => v !== 'NA')) cache.set(key, values.map(Number));
    }
  }
  return cache;
}

/** One of R's datasets as rows of cells (header first, quotes stripped), when present. */
function rDatasetRows(file: string): string[][] | undefined {
  const path = `r_debian/${file}`;
  return has(path) ? readFileSync(SHARED + path, 'utf8').trim().split('\n').map((line) => line.split(',').map((c) => c.replace(/"/g, ''))) : undefined;
}

/** The value column of one of R's time-series datasets (date,?,value). */
function rDataset(file: string): number[] | undefined {
  return rDatasetRows(file)?.slice(1).map((row) => Number(row[2]));
}

/**
 * Monthly series the LSTM never saw (its training read only the r_debian files with a "value"
 * column): Texas housing sales, volume and median price per city (ggplot2::txhousing), US economic
 * indicators (ggplot2::economics) and US liquor sales (modeldata::drinks). A city's measure is
 * used from its last missing value on, when that leaves 6+ years.
 */
export function heldOutMonthly(): number[][] {
  const series: number[][] = [];
  const tail = (cells: string[]): number[] => cells.slice(cells.lastIndexOf('NA') + 1).map(Number);
  const housing = rDatasetRows('ggplot2__txhousing.csv');
  if (housing) {
    const header = housing[0];
    const cities = [...new Set(housing.slice(1).map((row) => row[0]))];
    for (const measure of ['sales', 'volume', 'median']) {
      const column = header.indexOf(measure);
      for (const city of cities) series.push(tail(housing.slice(1).filter((row) => row[0] === city).map((row) => row[column])));
    }
  }
  const economics = rDatasetRows('ggplot2__economics.csv');
  if (economics) for (let column = 1; column < economics[0].length; column++) series.push(tail(economics.slice(1).map((row) => row[column])));
  const drinks = rDatasetRows('modeldata__drinks.csv');
  if (drinks) series.push(tail(drinks.slice(1).map((row) => row[1])));
  return series.filter((y) => y.length >= 72);
}

/**
 * Frequencies M4's two sets do not cover. "R datasets": the few classic series (last h points held
 * out, M4's horizons); the LSTM saw these in training, so the ensemble runs without it there.
 * "held-out monthly": series the LSTM never saw, with the full ensemble.
 */
const OTHER_FREQUENCIES = [
  { name: 'R datasets Monthly', period: 12, horizon: 18, frequency: 'monthly' as const, lstmSawThem: true, load: () => ['datasets__AirPassengers.csv', 'datasets__USAccDeaths.csv', 'forecast__gas.csv', 'forecast__wineind.csv'].map(rDataset).filter((y): y is number[] => y !== undefined) },
  { name: 'R datasets Quarterly', period: 4, horizon: 8, frequency: 'quarterly' as const, lstmSawThem: true, load: () => ['datasets__UKgas.csv', 'datasets__JohnsonJohnson.csv', 'forecast__woolyrnq.csv'].map(rDataset).filter((y): y is number[] => y !== undefined) },
  { name: 'Held-out monthly (txhousing, economics, drinks)', period: 12, horizon: 18, frequency: 'monthly' as const, lstmSawThem: false, load: heldOutMonthly },
];

export async function otherFrequencyRows(log: (s: string) => void, withR: boolean): Promise<AccuracyRow[]> {
  const rows: AccuracyRow[] = [];
  for (const f of OTHER_FREQUENCIES) {
    const series = f.load();
    if (!series.length) continue;
    const train = series.map((y) => y.slice(0, -f.horizon));
    const test = series.map((y) => y.slice(-f.horizon));
    const dataset = `${f.name} (${series.length} series, h=${f.horizon})`;
    const naive2Forecasts = train.map((y) => naive2(y, f.period, f.horizon));
    const reference = score(dataset, 'Naive2', train, test, naive2Forecasts, f.period, { smape: 1, mase: 1 });
    const add = (method: string, forecasts: number[][], extra: Partial<AccuracyRow> = {}): void => {
      const row = score(dataset, method, train, test, forecasts, f.period, reference, extra);
      rows.push(row);
      log(`${dataset} ${method}: OWA ${row.owa.toFixed(4)} sMAPE ${row.smape.toFixed(3)} MASE ${row.mase.toFixed(3)}${row.coverage80 === undefined ? '' : ` cov80 ${row.coverage80.toFixed(3)}`}`);
    };
    add('Naive2 (computed here)', naive2Forecasts);
    const methods: Array<[string, ModelChoice, boolean]> = [
      ...(f.lstmSawThem ? [] : [['storecast full ensemble (auto)', 'auto', true] as [string, ModelChoice, boolean], ['member: lstm (zero-shot)', 'lstm', true] as [string, ModelChoice, boolean]]),
      ['storecast ensemble, statistical only', 'ensemble', false], ['member: ets', 'ets', false], ['member: theta', 'theta', false], ['member: arima', 'arima', false],
    ];
    for (const [method, model, neural] of methods) {
      const result = await forecastTrends(train.map((values) => ({ values, frequency: f.frequency })), { horizon: f.horizon, model, neural });
      add(method, result.map((r) => r.forecast), { coverage80: coverage(test, result.map((r) => r.intervals[0])), coverage95: coverage(test, result.map((r) => r.intervals[1])) });
    }
    if (withR) {
      const r = rForecasts(train, f.horizon, f.period, ['ets', 'thetaf', 'auto.arima'], log);
      if (r) for (const [name, forecasts] of Object.entries(r)) add(name, forecasts);
    }
  }
  return rows;
}

/** `--forecast-only=m4,other,m5,walmart,speed` runs those parts only (for iterating; the full run has all). */
export const FORECAST_ONLY = process.argv.find((a) => a.startsWith('--forecast-only='))?.slice('--forecast-only='.length).split(',');
const part = (name: string): boolean => !FORECAST_ONLY || FORECAST_ONLY.includes(name);

export async function runForecastBenchmark(log: (s: string) => void, options: { withR: boolean; rSlow?: boolean }): Promise<{ rows: AccuracyRow[]; m5: Record<string, number>; speed: Record<string, number> }> {
  const rows: AccuracyRow[] = [];
  const speed: Record<string, number> = {};
  for (const f of part('m4') ? FREQUENCIES : []) {
    if (!has(`forecast/m4/${f.name}-train.csv`)) { log(`skip M4 ${f.name}: data absent`); continue; }
    const train = readWide(`forecast/m4/${f.name}-train.csv`);
    const test = readWide(`forecast/m4/${f.name}-test.csv`);
    const official = officialRows(f.official);
    const officialNaive2 = official.Naive2;
    const dataset = `M4 ${f.name} (${train.length} series, h=${f.horizon})`;
    for (const name of ['Naive2', 'Theta', 'Smyl (M4 winner)']) rows.push({ dataset, method: `official: ${name}`, ...official[name] });
    const inputs = train.map((values) => ({ values, frequency: f.frequency }));
    let autoForecasts: number[][] = [];
    for (const [method, model, neural] of [['storecast ensemble (auto)', 'auto', true], ['storecast ensemble, statistical only', 'ensemble', false], ['member: ets', 'ets', false], ['member: theta', 'theta', false], ['member: arima', 'arima', false], ['member: seasonal-naive', 'seasonal-naive', false], ['member: lstm (zero-shot)', 'lstm', true]] as Array<[string, ModelChoice, boolean]>) {
      const t0 = performance.now();
      const result = await forecastTrends(inputs, { horizon: f.horizon, model, neural });
      const seconds = (performance.now() - t0) / 1000;
      const row = score(dataset, method, train, test, result.map((r) => r.forecast), f.period, officialNaive2, {
        coverage80: coverage(test, result.map((r) => r.intervals[0])),
        coverage95: coverage(test, result.map((r) => r.intervals[1])),
        seriesPerSecond: train.length / seconds,
      });
      rows.push(row);
      if (model === 'auto') autoForecasts = result.map((r) => r.forecast);
      log(`${dataset} ${method}: OWA ${row.owa.toFixed(3)} sMAPE ${row.smape.toFixed(3)} MASE ${row.mase.toFixed(3)} cov80 ${row.coverage80!.toFixed(3)} ${row.seriesPerSecond!.toFixed(0)} series/s`);
      if (model === 'auto') speed[`Node: storecast full ensemble, M4 ${f.name} (series/s)`] = train.length / seconds;
    }
    const a = await augurs(train, f.horizon, f.period, f.mstlPeriods);
    if (a.mstl) {
      rows.push(score(dataset, 'augurs MSTL + ETS', train, test, a.mstl.forecasts, f.period, officialNaive2, { coverage80: coverage(test, a.mstl.lower.map((l, i) => ({ lower: l, upper: a.mstl!.upper[i] }))), seriesPerSecond: train.length / a.mstl.seconds }));
      speed[`Node: augurs MSTL+ETS, M4 ${f.name} (series/s)`] = train.length / a.mstl.seconds;
    }
    if (a.autoEts) rows.push(score(dataset, 'augurs AutoETS', train, test, a.autoEts.forecasts, f.period, officialNaive2, { seriesPerSecond: train.length / a.autoEts.seconds }));
    if (options.withR) {
      // Without --r-slow, the slow methods give rows only for what an earlier run left in the cache.
      const slowSkipped = f.rSlow && !options.rSlow;
      const r = Object.fromEntries(f.rMethods.flatMap((method) => Object.entries(
        rForecasts(train, f.horizon, f.period, [method], log, slowSkipped && method !== 'thetaf' ? { onlyIfCached: true } : { timeoutMinutes: 180 }) ?? {})));
      for (const [name, forecasts] of Object.entries(r)) rows.push(score(dataset, name, train, test, forecasts, f.period, officialNaive2));
      // A slow method that has not finished every series is compared on the ones it has.
      for (const method of f.rMethods.filter((m) => !(`R ${m}()` in r) && !(`R ${m}() (cached)` in r))) {
        const { indices, forecasts } = rCachedSubset(train, f.horizon, f.period, method);
        if (indices.length < 20) continue;
        const pick = <T>(list: T[]): T[] => indices.map((i) => list[i]);
        const subset = `M4 ${f.name}: the ${indices.length} of ${train.length} series R's ${method}() has finished here (h=${f.horizon})`;
        const subTrain = pick(train);
        const subTest = pick(test);
        const naive2Forecasts = subTrain.map((y) => naive2(y, f.period, f.horizon));
        const reference = score(subset, 'Naive2', subTrain, subTest, naive2Forecasts, f.period, { smape: 1, mase: 1 });
        rows.push(score(subset, 'Naive2 (computed here)', subTrain, subTest, naive2Forecasts, f.period, reference));
        if (autoForecasts.length) rows.push(score(subset, 'storecast ensemble (auto)', subTrain, subTest, pick(autoForecasts), f.period, reference));
        for (const [name, all] of Object.entries(r)) rows.push(score(subset, name, subTrain, subTest, pick(all), f.period, reference));
        rows.push(score(subset, `R ${method}() (cached)`, subTrain, subTest, forecasts, f.period, reference));
        log(`${subset}: rows added`);
      }
    }
  }
  if (part('other')) rows.push(...(await otherFrequencyRows(log, options.withR)));
  const m5: Record<string, number> = {};
  const m5Train = 'forecast/m5_foods3_tx3/sales_train_validation_afcs2025.csv';
  if (part('m5') && has(m5Train)) {
    const train = readWide(m5Train);
    const test = readWide('forecast/m5_foods3_tx3/sales_test_validation_afcs2025.csv');
    const covariates = m5Calendar(train[0].length + 28);
    for (const [label, withCovariates] of [['storecast auto', false], ['storecast auto, calendar covariates (SNAP, event types)', true]] as const) {
      const t0 = performance.now();
      const result = await forecastTrends(train.map((values) => ({ values, frequency: 'daily' as const, covariates: withCovariates ? covariates : undefined })), { horizon: 28, model: 'auto' });
      m5[`${label}: mean RMSSE`] = result.reduce((a, r, i) => a + rmsse(test[i], r.forecast, train[i]), 0) / train.length;
      m5[`${label}: series/s`] = train.length / ((performance.now() - t0) / 1000);
      m5[`${label}: 80% coverage`] = coverage(test, result.map((r) => r.intervals[0]));
      log(`M5 ${label}: ${JSON.stringify(m5)}`);
    }
    m5['seasonal naive (7): mean RMSSE'] = train.reduce((a, y, i) => a + rmsse(test[i], seasonalNaive(y, 7, 28).mean, y), 0) / train.length;
  }
  if (part('walmart')) rows.push(...(await walmartRows(log)));
  if (part('speed')) {
    const series = shortSeries();
    const t0 = performance.now();
    await forecastTrends(series.map((s) => ({ values: s.values, frequency: s.frequency })), { model: 'auto' });
    const seconds = (performance.now() - t0) / 1000;
    speed['Node: 3,003 short yearly/quarterly/monthly series (M3-like lengths, synthetic), full ensemble (s)'] = seconds;
    log(`3,003 short series: ${seconds.toFixed(2)} s`);
  }
  return { rows, m5, speed };
}

/** M5's calendar as covariates over train + horizon days: SNAP days in Texas and one flag per event type. */
function m5Calendar(length: number): Record<string, number[]> {
  const rows = readFileSync(SHARED + 'forecast/m5_foods3_tx3/calendar_afcs2025.csv', 'utf8').trim().split('\n').slice(1, length + 1).map((line) => line.split(','));
  const out: Record<string, number[]> = { 'SNAP day': rows.map((r) => Number(r[10])) };
  for (const type of ['Sporting', 'Cultural', 'National', 'Religious']) out[`${type.toLowerCase()} event`] = rows.map((r) => (r[7] === type || r[9] === type ? 1 : 0));
  return out;
}

/**
 * Walmart's 45 stores (weekly sales), last 13 weeks held out, with and without the data set's
 * holiday flag as a covariate, and with the built-in US calendar instead. The data's dates end the
 * week they label (Fridays); they are moved to the week's first day, as storecast reads dates.
 */
async function walmartRows(log: (s: string) => void): Promise<AccuracyRow[]> {
  const file = 'forecast/walmart_weekly/WALMART_SALES_DATA.csv';
  if (!has(file)) return [];
  const horizon = 13;
  const stores = new Map<string, { dates: string[]; values: number[]; holiday: number[] }>();
  for (const line of readFileSync(SHARED + file, 'utf8').trim().split('\n').slice(1)) {
    const [store, date, sales, flag] = line.split(',');
    const [day, month, year] = date.split('-').map(Number);
    const start = new Date(Date.UTC(year, month - 1, day) - 6 * 86_400_000).toISOString().slice(0, 10);
    const s = stores.get(store) ?? { dates: [], values: [], holiday: [] };
    s.dates.push(start);
    s.values.push(Number(sales));
    s.holiday.push(Number(flag));
    stores.set(store, s);
  }
  const list = [...stores.values()];
  const train = list.map((s) => s.values.slice(0, -horizon));
  const test = list.map((s) => s.values.slice(-horizon));
  const dataset = `Walmart weekly sales (${list.length} stores, h=${horizon})`;
  const naive2Forecasts = train.map((y) => naive2(y, 1, horizon));
  const reference = score(dataset, 'Naive2', train, test, naive2Forecasts, 1, { smape: 1, mase: 1 });
  const rows = [score(dataset, 'Naive2 (computed here)', train, test, naive2Forecasts, 1, reference)];
  const variants: Array<[string, (s: (typeof list)[number]) => SeriesInput, object]> = [
    ['storecast auto, no covariates', (s) => ({ values: s.values.slice(0, -horizon), dates: s.dates.slice(0, -horizon), frequency: 'weekly' }), {}],
    ['storecast auto, holiday flag as covariate', (s) => ({ values: s.values.slice(0, -horizon), dates: s.dates.slice(0, -horizon), frequency: 'weekly', covariates: { holiday: s.holiday } }), {}],
    ['storecast auto, built-in US holidays', (s) => ({ values: s.values.slice(0, -horizon), dates: s.dates.slice(0, -horizon), frequency: 'weekly' }), { holidays: { country: 'US' } }],
  ];
  for (const [method, input, extra] of variants) {
    const result = await forecastTrends(list.map(input), { horizon, model: 'auto', ...extra });
    const row = score(dataset, method, train, test, result.map((r) => r.forecast), 1, reference, { coverage80: coverage(test, result.map((r) => r.intervals[0])), coverage95: coverage(test, result.map((r) => r.intervals[1])) });
    rows.push(row);
    log(`${dataset} ${method}: OWA ${row.owa.toFixed(3)} MASE ${row.mase.toFixed(3)} cov80 ${row.coverage80!.toFixed(3)}`);
  }
  return rows;
}

/**
 * 3,003 short series with M3's mix of lengths (645 yearly of 14–41 points, 756 quarterly of
 * 16–64, 1,428 monthly of 48–126, 174 other of 71–104 treated as monthly), made from a seeded
 * level + trend + seasonality + noise generator: a speed test, not an accuracy one.
 */
export function shortSeries(): Array<{ values: number[]; frequency: 'yearly' | 'quarterly' | 'monthly' }> {
  let seed = 42;
  const rand = (): number => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
  const make = (count: number, frequency: 'yearly' | 'quarterly' | 'monthly', min: number, max: number, period: number) => Array.from({ length: count }, () => {
    const n = min + Math.floor(rand() * (max - min + 1));
    const level = 1000 * (0.2 + rand());
    const slope = (rand() - 0.4) * 0.02 * level;
    const season = period > 1 ? rand() * 0.3 : 0;
    let walk = 0;
    return { frequency, values: Array.from({ length: n }, (_, t) => { walk += (rand() - 0.5) * 0.05 * level; return Math.max(1, level + slope * t + walk + season * level * Math.sin((2 * Math.PI * t) / period)); }) };
  });
  return [...make(645, 'yearly', 14, 41, 1), ...make(756, 'quarterly', 16, 64, 4), ...make(1428, 'monthly', 48, 126, 12), ...make(174, 'monthly', 71, 104, 12)];
}
