import { breather, invalidInput, throwIfAborted } from '../errors.js';
import type { EtsParams, EtsSpec } from '../trend/models/ets.js';
import { LOCAL_LEVEL, defaultParams, fitBaseline, onGrid, ownSeason, poolSeason, productSeason, type Grid } from './baseline.js';
import { SEASON } from './calendar.js';
import { defaultPrior, metaAnalysis, MIN_PRODUCTS, type Prior } from './pooling.js';
import { buildDesign, solveDesign, type Design, type RegressionFit } from './regression.js';
import type { DemandState, ProductState } from './state.js';
import { PRICE, validateObservations, type ProductHistory } from './validate.js';
import type { DemandWarning, FitDemandOptions } from './types.js';
import { progressReporter } from '../progress.js';

/** Baseline refits between regressions: the second one sees effects estimated against a fitted baseline. */
const ROUNDS = 2;
/** A price move smaller than this (in log terms, ~0.5%) is rounding, not a price change. */
export const PRICE_CHANGE = 0.005;
/** Key of the profile and prior pooled over all products (groups too small to pool alone borrow it). */
const ALL = '*';
/** Groups are keyed apart from ALL, whatever their names. */
const groupKey = (group: string): string => `group:${group}`;
const productKey = (product: string): string => `product:${product}`;
const UNPOOLED = 1e-6;

interface Work {
  h: ProductHistory;
  grid: Grid;
  y: Float64Array;
  x: Float64Array[];
  season: Float64Array;
  seasonKey: string;
  spec: EtsSpec;
  params: EtsParams;
  changes: number;
  design?: Design;
  own?: RegressionFit;
  halves?: [RegressionFit, RegressionFit];
  pooled?: RegressionFit;
}

export const DEMAND_FORMAT_VERSION = 1;

function prepare(h: ProductHistory, changes: number): Work {
  const first = h.periods[0];
  const length = h.periods[h.periods.length - 1] - first + 1;
  const observed = new Uint8Array(length);
  h.periods.forEach((p, k) => { if (!Number.isNaN(h.logUnits[k])) observed[p - first] = 1; });
  const grid = { first, length, observed };
  return {
    h, grid, changes,
    y: onGrid(grid, h.periods, h.logUnits, h.logUnits),
    x: h.features.map((column) => onGrid(grid, h.periods, column)),
    season: new Float64Array(length), seasonKey: '',
    spec: LOCAL_LEVEL, params: defaultParams(),
  };
}

function countPriceChanges(h: ProductHistory): number {
  let changes = 0;
  for (let k = 1; k < h.prices.length; k++) if (Math.abs(Math.log(h.prices[k] / h.prices[k - 1])) > PRICE_CHANGE) changes++;
  return changes;
}

/** Group priors per feature: the group's own meta-analysis, or all products' when it has too few informative products. */
function estimatePriors(work: Work[], featureNames: string[]): Record<string, Record<string, Prior>> {
  const priors: Record<string, Record<string, Prior>> = {};
  const groups = new Map<string, Work[]>();
  for (const w of work) { const list = groups.get(w.h.group) ?? []; list.push(w); groups.set(w.h.group, list); }
  const own = (list: Work[], j: number) => list.filter((w) => w.h.present[j]).map((w) => ({ estimate: w.own!.coefficients[j], variance: w.own!.covariance[j * w.own!.coefficients.length + j] }));
  priors[ALL] = {};
  featureNames.forEach((name, j) => { priors[ALL][name] = metaAnalysis(own(work, j), defaultPrior(name === PRICE)); });
  for (const [group, list] of groups) {
    const key = groupKey(group);
    priors[key] = {};
    featureNames.forEach((name, j) => { priors[key][name] = metaAnalysis(own(list, j), priors[ALL][name]); });
  }
  return priors;
}

/** The product's own (unpooled) fit; with `split`, also the two halves of its history (see calibrate). */
function ownFit(w: Work, k: number, split = false): void {
  const target = w.y.map((v, t) => v - w.season[t]);
  const design = buildDesign(target, w.x, w.grid.observed, w.spec, w.params);
  w.design = design;
  const flat = new Float64Array(k).fill(UNPOOLED);
  w.own = solveDesign(design, flat, new Float64Array(k));
  w.halves = undefined;
  if (!split || w.changes < 4) return;
  const observedAt: number[] = [];
  w.grid.observed.forEach((o, t) => { if (o) observedAt.push(t); });
  const middle = observedAt[Math.floor(observedAt.length / 2)];
  const half = (keep: (t: number) => boolean): RegressionFit => solveDesign({ ...design, observed: w.grid.observed.map((o, t) => (o && keep(t) ? 1 : 0)) }, flat, new Float64Array(k));
  w.halves = [half((t) => t < middle), half((t) => t >= middle)];
}

/**
 * Split-half check of the own estimates' variance: the two halves of a product's history estimate
 * the same elasticity, so (difference)² / (sum of their variances) is χ²(1) when the variances are
 * right. Everything the regression treats as known (the baseline's smoothing, the season) makes
 * them too small; the median ratio over products (÷ 0.455, χ²(1)'s median) says by how much, and
 * every product's noise variance is scaled by it (never narrowed). Too few products: no correction.
 */
function calibrate(work: Work[]): number {
  const ratios: number[] = [];
  for (const w of work) {
    if (!w.halves) continue;
    const [a, b] = w.halves;
    const v = a.covariance[0] + b.covariance[0];
    if (v > 0 && v < 9 && Number.isFinite(a.coefficients[0]) && Number.isFinite(b.coefficients[0])) ratios.push((a.coefficients[0] - b.coefficients[0]) ** 2 / v);
  }
  if (ratios.length < MIN_CALIBRATION_PRODUCTS) return 1;
  ratios.sort((x, y) => x - y);
  return Math.min(MAX_CALIBRATION, Math.max(1, ratios[Math.floor(ratios.length / 2)] / CHI2_1_MEDIAN));
}
const CHI2_1_MEDIAN = 0.455;
const MIN_CALIBRATION_PRODUCTS = 8;
const MAX_CALIBRATION = 4;

function inflate(w: Work, factor: number): void {
  const own = w.own!;
  own.sigma2 *= factor;
  for (let i = 0; i < own.covariance.length; i++) own.covariance[i] *= factor;
}

function pooledFit(w: Work, featureNames: string[], priors: Record<string, Record<string, Prior>>): void {
  const design = w.design!;
  const prior = featureNames.map((name) => priors[groupKey(w.h.group)][name]);
  const precision = prior.map((p) => 1 / (p.sd * p.sd));
  const means = prior.map((p) => p.mean);
  // The elasticity's posterior mixes over the group's posterior of τ (see pooling.ts): a product
  // whose own data disagree with its group then keeps wider, honest intervals. The other effects
  // use the posterior mean of their τ².
  const grid = prior[0].grid ?? [{ weight: 1, sd: prior[0].sd, mean: prior[0].mean, meanVariance: prior[0].meanVariance }];
  const fits = grid.map((g) => {
    precision[0] = 1 / (g.sd * g.sd);
    means[0] = g.mean;
    const fit = solveDesign(design, precision, means, w.own!.sigma2);
    // The group mean is uncertain too: it reaches the product in proportion to the prior's pull.
    fit.covariance[0] += (fit.covariance[0] * precision[0]) ** 2 * g.meanVariance;
    return fit;
  });
  const p = fits[0].coefficients.length;
  const coefficients = new Float64Array(p);
  const covariance = new Float64Array(p * p);
  grid.forEach((g, i) => { for (let a = 0; a < p; a++) coefficients[a] += g.weight * fits[i].coefficients[a]; });
  grid.forEach((g, i) => {
    const f = fits[i];
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) covariance[a * p + b] += g.weight * (f.covariance[a * p + b] + (f.coefficients[a] - coefficients[a]) * (f.coefficients[b] - coefficients[b]));
  });
  w.pooled = { coefficients, covariance, sigma2: w.own!.sigma2, observations: w.own!.observations };
}

/** Price-adjusted log units (season included) on the grid. */
function adjusted(w: Work, fit: RegressionFit, k: number): Float64Array {
  return w.y.map((v, t) => { let s = v; for (let j = 0; j < k; j++) s -= fit.coefficients[j] * w.x[j][t]; return s; });
}

function updateSeasons(work: Work[], k: number, period: number): Record<string, number[]> {
  const seasons: Record<string, number[]> = {};
  if (!period) return seasons;
  const indices = work.map((w) => productSeason(adjusted(w, w.pooled!, k), w.grid.first, period));
  const pool = (list: number[]): Float64Array | undefined => poolSeason(list.map((i) => indices[i]).filter((s): s is Float64Array => !!s), period);
  const all = pool(work.map((_, i) => i));
  if (all) seasons[ALL] = Array.from(all);
  const groups = new Map<string, number[]>();
  work.forEach((w, i) => { const list = groups.get(w.h.group) ?? []; list.push(i); groups.set(w.h.group, list); });
  for (const [group, list] of groups) {
    const own = pool(list);
    const shared = own ? groupKey(group) : all ? ALL : '';
    if (own) seasons[shared] = Array.from(own);
    for (const i of list) {
      const w = work[i];
      let key = shared;
      // Nothing to pool with (a lone product): its own season, from its own cycles.
      const own = shared ? undefined : ownSeason(adjusted(w, w.pooled!, k), w.grid.first, period);
      if (own) { key = productKey(w.h.product); seasons[key] = Array.from(own); }
      w.seasonKey = key;
      const profile = seasons[key];
      w.season = profile ? Float64Array.from({ length: w.grid.length }, (_, t) => profile[(((w.grid.first + t) % period) + period) % period]) : new Float64Array(w.grid.length);
    }
  }
  return seasons;
}

export async function fitDemandState(observations: unknown, options: FitDemandOptions): Promise<DemandState> {
  const data = validateObservations(observations, options);
  const { featureNames, calendar } = data;
  const warnings: DemandWarning[] = [...data.warnings];
  const changes = data.histories.map(countPriceChanges);
  if (changes.every((c) => c === 0)) {
    const h = data.histories[0];
    throw invalidInput(`observations[${h.rows[0]}]: no product's price ever changes (${data.histories.length} product(s)); an elasticity needs price variation.`, { row: h.rows[0], product: h.product });
  }
  const work = data.histories.map((h, i) => prepare(h, changes[i]));
  const k = featureNames.length;
  const period = SEASON[calendar.frequency];
  // Progress counts product fits: one baseline per round, then the final regression.
  const total = (ROUNDS + 1) * work.length;
  let done = 0;
  const progress = progressReporter(options.onProgress);
  const breathe = breather(50, options.signal);
  const tick = async (): Promise<void> => {
    done++;
    if (done % 64 === 0 || done === total) progress.report('fit', done, total, 'steps');
    await breathe();
  };
  let priors: Record<string, Record<string, Prior>> = {};
  let seasons: Record<string, number[]> = {};
  let calibration = 1;
  for (let round = 0; round <= ROUNDS; round++) {
    throwIfAborted(options.signal);
    for (const w of work) ownFit(w, k, round === ROUNDS);
    if (round === ROUNDS) {
      calibration = calibrate(work);
      for (const w of work) inflate(w, calibration);
    }
    priors = estimatePriors(work, featureNames);
    for (const w of work) {
      pooledFit(w, featureNames, priors);
      if (round === ROUNDS) await tick();
    }
    if (round === ROUNDS) break;
    seasons = updateSeasons(work, k, period);
    for (const w of work) {
      const z = adjusted(w, w.pooled!, k).map((v, t) => v - w.season[t]);
      const fit = fitBaseline(z);
      if (fit) { w.spec = fit.spec; w.params = fit.params; }
      await tick();
    }
  }

  const products = work.map((w, i) => productState(w, featureNames, priors, changes[i]));
  const noVariation = products.filter((p) => p.prices.changes === 0).map((p) => p.product);
  if (noVariation.length) warnings.push({ code: 'NO_PRICE_VARIATION', message: `${noVariation.length} product(s) never changed price (${noVariation.slice(0, 5).join(', ')}${noVariation.length > 5 ? ', …' : ''}): their elasticity is their group's prior, with its wide interval.` });
  const pricePrior = priors[ALL][PRICE];
  if (pricePrior.products < MIN_PRODUCTS) warnings.push({ code: 'DEFAULT_PRIOR', message: `Fewer than ${MIN_PRODUCTS} products have an informative price history: elasticities are not pooled across products, and each leans on a wide default prior (${pricePrior.mean} ± ${pricePrior.sd}).` });
  const small = [...new Set(work.filter((w) => priors[groupKey(w.h.group)][PRICE] === priors[ALL][PRICE] && w.h.group !== '').map((w) => w.h.group))];
  if (small.length) warnings.push({ code: 'GROUP_TOO_SMALL', message: `Group(s) ${small.slice(0, 5).join(', ')} have fewer than ${MIN_PRODUCTS} products with informative prices: they borrow the prior of all products.` });
  if (period && work.some((w) => w.grid.length >= 2 * period) && !Object.keys(seasons).length) warnings.push({ code: 'SEASON_NOT_POOLED', message: `Seasonality was not modelled: fewer than ${MIN_PRODUCTS} products have two full cycles (a lone product needs three), or their patterns are lost in noise.` });
  progress.report('fit', total, total, 'steps');
  return {
    format: 'storecast-demand-model', version: DEMAND_FORMAT_VERSION, createdAt: new Date().toISOString(),
    frequency: calendar.frequency, anchor: calendar.anchor, featureNames, holidayPeriods: data.holidayPeriods,
    seasonPeriod: period, seasons, priors, varianceCalibration: calibration, products, warnings,
  };
}

function productState(w: Work, featureNames: string[], priors: Record<string, Record<string, Prior>>, changes: number): ProductState {
  const k = featureNames.length;
  const fit = w.pooled!;
  const p = fit.coefficients.length;
  const prior = featureNames.map((name) => priors[groupKey(w.h.group)][name]);
  const variance = (j: number): number => fit.covariance[j * p + j];
  const history = adjusted(w, fit, k).map((v, t) => v - w.season[t]);
  const n = w.h.prices.length;
  const seen = [...new Set(Array.from(w.h.prices))].sort((a, b) => a - b);
  const covariance: number[] = [];
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) covariance.push(fit.covariance[i * p + j]);
  return {
    product: w.h.product,
    group: w.h.group,
    first: w.grid.first,
    last: w.grid.first + w.grid.length - 1,
    coefficients: Array.from(fit.coefficients.subarray(0, k)),
    covariance,
    ownWeight: Math.max(0, Math.min(1, 1 - variance(0) / prior[0].sd ** 2)),
    // The elasticity's already includes it (see regress).
    priorMeanVariance: prior.map((pr, j) => (j === 0 ? 0 : (variance(j) / pr.sd ** 2) ** 2 * pr.meanVariance)),
    baseline: { spec: w.spec, alpha: w.params.alpha, beta: w.params.beta, phi: w.params.phi, level: fit.coefficients[k], slope: w.spec.trend === 'N' ? 0 : fit.coefficients[k + 1] },
    history: Array.from(history),
    season: w.seasonKey,
    present: w.h.present,
    featureMeans: w.h.features.map((c) => c.reduce((a, b) => a + b, 0) / n),
    lastFeatures: w.h.features.map((c) => c[n - 1]),
    prices: { min: seen[0], max: seen[seen.length - 1], last: w.h.prices[n - 1], changes, seen: seen.length > 200 ? [] : seen },
    observations: fit.observations,
  };
}
