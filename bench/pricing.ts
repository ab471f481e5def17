// npm run bench -- pricing : elasticity recovery and optimal prices on simulated demand with known
// truth; out-of-sample volume at observed prices on avocado (last 20 weeks held out) next to a
// price-blind forecast, per-series log-log OLS and pooled log-log; fitDemand speed in Node.
import { readFileSync } from 'node:fs';
import { fitDemand, optimizePrice, type DemandObservation } from '../lib/pricing/index.js';
import { forecastTrends } from '../lib/trend/index.js';
import { simulateDemand, simulateScanner, rng, type Simulation } from '../test/pricing-sim.js';
import { SHARED, has } from './data.js';

export interface SimulationRow { scenario: string; products: number; seconds: number; bias: number; rmse: number; coverage80: number; medianPriceError: number; within5: number }
export interface AvocadoRow { method: string; rmse: number; ratio?: number; coverage80?: number; note?: string }

const HOLDOUT = 20;

async function simulationRow(scenario: string, sim: Simulation, seed: number, holidays: boolean, optimizeExtra: Record<string, unknown> = {}): Promise<SimulationRow> {
  const t0 = performance.now();
  const model = await fitDemand(sim.observations, { frequency: 'weekly', groups: sim.groups, ...(holidays ? { holidays: sim.holidays } : {}) });
  const seconds = (performance.now() - t0) / 1000;
  let bias = 0;
  let squared = 0;
  let inside = 0;
  const priceErrors: number[] = [];
  const r = rng(seed + 1000);
  for (const p of sim.products) {
    const e = model.elasticity(p.product);
    bias += e.estimate - p.elasticity;
    squared += (e.estimate - p.elasticity) ** 2;
    if (p.elasticity >= e.low && p.elasticity <= e.high) inside++;
    // Cost set so that the true profit optimum c·e/(1+e) is within ±10% of the base price; inelastic
    // products (e ≥ −1) have no interior optimum, so under the same limits theirs is the upper limit.
    const min = 0.75 * p.basePrice;
    const max = 1.3 * p.basePrice;
    const target = p.basePrice * (0.9 + 0.2 * r.uniform());
    const cost = p.elasticity < -1 ? (target * (1 + p.elasticity)) / p.elasticity : 0.5 * p.basePrice;
    const truth = p.elasticity < -1 ? Math.min(max, Math.max(min, (cost * p.elasticity) / (1 + p.elasticity))) : max;
    const rec = await optimizePrice(model, { product: p.product, cost, min, max, promotion: false, points: 121, ...optimizeExtra });
    priceErrors.push(Math.abs(rec.price / truth - 1));
  }
  const n = sim.products.length;
  priceErrors.sort((a, b) => a - b);
  return { scenario, products: n, seconds, bias: bias / n, rmse: Math.sqrt(squared / n), coverage80: inside / n, medianPriceError: priceErrors[Math.floor(n / 2)], within5: priceErrors.filter((v) => v <= 0.05).length / n };
}

interface AvocadoSeries { key: string; type: string; dates: string[]; prices: number[]; volumes: number[] }

function readAvocado(): AvocadoSeries[] {
  const lines = readFileSync(SHARED + 'forecast/avocado/avocado.csv', 'utf8').trim().split('\n');
  // The header lacks a name for the first (row-index) field: every row has one field more.
  const header = ['index', ...lines[0].split(',').map((h) => h.trim())];
  const at = (name: string): number => header.indexOf(name);
  const series = new Map<string, AvocadoSeries>();
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    const type = cells[at('type')];
    const key = `${cells[at('region')]}/${type}`;
    const s = series.get(key) ?? { key, type, dates: [], prices: [], volumes: [] };
    s.dates.push(cells[at('Date')]);
    s.prices.push(Number(cells[at('AveragePrice')]));
    s.volumes.push(Number(cells[at('Total Volume')]));
    series.set(key, s);
  }
  for (const s of series.values()) {
    const order = s.dates.map((_, i) => i).sort((a, b) => s.dates[a].localeCompare(s.dates[b]));
    s.dates = order.map((i) => s.dates[i]);
    s.prices = order.map((i) => s.prices[i]);
    s.volumes = order.map((i) => s.volumes[i]);
  }
  return [...series.values()];
}

/** Least squares of y on the columns of x (with an intercept first): tiny, for the baselines. */
function ols(x: number[][], y: number[]): number[] {
  const k = x[0].length + 1;
  const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  x.forEach((row, i) => {
    const r = [1, ...row];
    for (let p = 0; p < k; p++) { for (let q = 0; q < k; q++) a[p][q] += r[p] * r[q]; a[p][k] += r[p] * y[i]; }
  });
  for (let p = 0; p < k; p++) a[p][p] += 1e-9;
  for (let p = 0; p < k; p++) {
    for (let q = p + 1; q < k; q++) {
      const f = a[q][p] / a[p][p];
      for (let c = p; c <= k; c++) a[q][c] -= f * a[p][c];
    }
  }
  const beta = new Array<number>(k).fill(0);
  for (let p = k - 1; p >= 0; p--) {
    let s = a[p][k];
    for (let q = p + 1; q < k; q++) s -= a[p][q] * beta[q];
    beta[p] = s / a[p][p];
  }
  return beta;
}

async function avocado(log: (s: string) => void): Promise<AvocadoRow[]> {
  const all = readAvocado();
  const series = all.filter((s) => s.dates.length > HOLDOUT + 30 && s.volumes.every((v) => v > 0));
  const train = series.map((s) => ({ ...s, dates: s.dates.slice(0, -HOLDOUT), prices: s.prices.slice(0, -HOLDOUT), volumes: s.volumes.slice(0, -HOLDOUT) }));
  const test = series.map((s) => ({ ...s, dates: s.dates.slice(-HOLDOUT), prices: s.prices.slice(-HOLDOUT), volumes: s.volumes.slice(-HOLDOUT) }));
  const actual = test.flatMap((s) => s.volumes.map(Math.log));
  const rmse = (predicted: number[]): number => Math.sqrt(predicted.reduce((a, p, i) => a + (p - actual[i]) ** 2, 0) / actual.length);
  const rows: AvocadoRow[] = [];
  log(`avocado: ${series.length} series (${all.length - series.length} left out: too short or a zero volume), ${HOLDOUT} weeks held out`);

  // Price-blind: the forecasting engine on volume (statistical ensemble; the LSTM is left out to keep the run in Node short).
  const forecasts = await forecastTrends(train.map((s) => ({ values: s.volumes, dates: s.dates, frequency: 'weekly' as const })), { horizon: HOLDOUT, neural: false, levels: [80] });
  const blind = forecasts.flatMap((f) => f.forecast.map((v) => Math.log(Math.max(v, 1))));
  const blindCoverage = forecasts.reduce((a, f, i) => a + test[i].volumes.filter((v, h) => v >= f.intervals[0].lower[h] && v <= f.intervals[0].upper[h]).length, 0) / actual.length;
  rows.push({ method: 'price-blind forecast (forecastTrends, ensemble)', rmse: rmse(blind), coverage80: blindCoverage });

  // Per-series log-log OLS (avocado has no promotion flags, so: intercept + log price).
  const perSeries = train.flatMap((s, i) => {
    const b = ols(s.prices.map((p) => [Math.log(p)]), s.volumes.map(Math.log));
    return test[i].prices.map((p) => b[0] + b[1] * Math.log(p));
  });
  rows.push({ method: 'per-series log-log OLS', rmse: rmse(perSeries) });

  // Pooled log-log: one elasticity, one intercept per series (within-series demeaned regression).
  let sxy = 0;
  let sxx = 0;
  const means = train.map((s) => ({ x: s.prices.reduce((a, p) => a + Math.log(p), 0) / s.prices.length, y: s.volumes.reduce((a, v) => a + Math.log(v), 0) / s.volumes.length }));
  train.forEach((s, i) => s.prices.forEach((p, t) => { const dx = Math.log(p) - means[i].x; sxx += dx * dx; sxy += dx * (Math.log(s.volumes[t]) - means[i].y); }));
  const pooledElasticity = sxy / sxx;
  const pooled = test.flatMap((s, i) => s.prices.map((p) => means[i].y + pooledElasticity * (Math.log(p) - means[i].x)));
  rows.push({ method: 'pooled log-log with series intercepts', rmse: rmse(pooled), note: `elasticity ${pooledElasticity.toFixed(2)}` });

  const observations: DemandObservation[] = train.flatMap((s) => s.dates.map((date, t) => ({ product: s.key, date, price: s.prices[t], units: s.volumes[t] })));
  const groups = Object.fromEntries(train.map((s) => [s.key, s.type]));
  const t0 = performance.now();
  const model = await fitDemand(observations, { frequency: 'weekly', groups });
  const seconds = (performance.now() - t0) / 1000;
  const predictions = await model.predict(test.flatMap((s) => s.dates.map((date, t) => ({ product: s.key, date, price: s.prices[t] }))));
  const ours = predictions.map((p) => Math.log(p.units));
  const volumes = test.flatMap((s) => s.volumes);
  const coverage = predictions.filter((p, i) => volumes[i] >= p.low && volumes[i] <= p.high).length / volumes.length;
  const elasticities = model.products.map((p) => model.elasticity(p).estimate).sort((a, b) => a - b);
  const best = Math.min(...rows.map((r) => r.rmse));
  for (const r of rows) r.ratio = r.rmse / best;
  rows.push({ method: 'fitDemand (ETS baseline + pooled elasticity, groups = type)', rmse: rmse(ours), ratio: rmse(ours) / best, coverage80: coverage, note: `median elasticity ${elasticities[Math.floor(elasticities.length / 2)].toFixed(2)}; fit ${seconds.toFixed(1)} s; ${model.warnings.map((w) => w.code).join(', ') || 'no warnings'}` });
  return rows;
}

export async function runPricingBenchmark(log: (s: string) => void): Promise<{ simulation: SimulationRow[]; avocado: AvocadoRow[]; speed: Record<string, string | number> }> {
  const simulation: SimulationRow[] = [];
  for (const [scenario, options, holidays] of [
    ['200 products, 10 groups, 104 weeks, noise 0.15, holidays given', { products: 200, groups: 10, weeks: 104, seed: 31 }, true],
    ['same data, holidays not given (seasonality only)', { products: 200, groups: 10, weeks: 104, seed: 31 }, false],
    ['200 products, noise 0.3', { products: 200, groups: 10, weeks: 104, seed: 32, noise: 0.3 }, true],
    ['200 products, 156 weeks, no competitor price', { products: 200, groups: 10, weeks: 156, seed: 33, competitor: false }, true],
  ] as const) {
    simulation.push(await simulationRow(scenario, simulateDemand(options), options.seed, holidays));
    log(`simulation: ${scenario} done`);
  }
  // Scanner form: rivals' prices in the store that week as covariates; optimised with no deal or feature running.
  simulation.push(await simulationRow('scanner: 30 stores × 8 brands, 120 weeks, 7 rival prices + deal + feature as covariates (groups = brand)', simulateScanner({ stores: 30, brands: 8, weeks: 120, seed: 34 }), 34, false, { covariates: { deal: 0, feature: 0 } }));
  log('simulation: scanner done');
  const avocadoRows = has('forecast/avocado/avocado.csv') ? await avocado(log) : (log('skip avocado: data absent'), []);

  const speed: Record<string, string | number> = {};
  const big = simulateDemand({ products: 1000, weeks: 104, groups: 20, seed: 41 });
  const t0 = performance.now();
  const model = await fitDemand(big.observations, { frequency: 'weekly', groups: big.groups, holidays: big.holidays });
  speed['fitDemand, 1,000 products × 104 weeks (s)'] = Number(((performance.now() - t0) / 1000).toFixed(2));
  const t1 = performance.now();
  for (const p of big.products.slice(0, 100)) await optimizePrice(model, { product: p.product, cost: p.basePrice * 0.5 });
  speed['optimizePrice, 61-point curve (ms per product)'] = Number(((performance.now() - t1) / 100).toFixed(2));
  const t2 = performance.now();
  await model.predict(big.products.map((p) => ({ product: p.product, date: '2025-01-06', price: p.basePrice })));
  speed['predict, 1,000 scenarios (ms)'] = Number((performance.now() - t2).toFixed(1));
  speed['model size, 1,000 products (MB)'] = Number(((await model.toBytes()).length / 1e6).toFixed(2));
  return { simulation, avocado: avocadoRows, speed };
}
