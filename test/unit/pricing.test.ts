import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitDemand, loadDemandModel, optimizePrice, type DemandModel, type DemandObservation } from '../../lib/pricing/index.js';
import { StorecastError } from '../../lib/errors.js';
import * as storecast from '../../lib/index.js';
import { cholesky, choleskyInverse, choleskySolve } from '../../lib/linalg.js';
import { rng, simulateDemand, simulateScanner } from '../pricing-sim.js';

async function expectInvalid(run: () => Promise<unknown>, message: RegExp): Promise<StorecastError> {
  const error = await run().then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(StorecastError);
  expect((error as StorecastError).code).toBe('INVALID_INPUT');
  expect((error as StorecastError).message).toMatch(message);
  return error as StorecastError;
}

/** One product with constant elasticity, a steady level and price levels around `price`. */
function constantElasticity(options: { elasticity: number; price: number; weeks?: number; noise?: number; seed?: number; product?: string; levels?: number[] }): DemandObservation[] {
  const { elasticity, price, weeks = 104, noise = 0.05, seed = 1, product = 'solo' } = options;
  const levels = options.levels ?? [0.8, 0.85, 0.9, 0.95, 1, 1.05, 1.1, 1.15, 1.2, 1.25];
  const r = rng(seed);
  const out: DemandObservation[] = [];
  let level = levels[Math.floor(levels.length / 2)];
  for (let t = 0; t < weeks; t++) {
    if (t % 4 === 0) level = levels[Math.floor(r.uniform() * levels.length)];
    const p = Number((price * level).toFixed(2));
    const units = Math.exp(5 + elasticity * Math.log(p / price) + noise * r.normal());
    out.push({ product, date: new Date(Date.UTC(2024, 0, 1) + t * 7 * 86_400_000).toISOString().slice(0, 10), price: p, units: Math.round(units) });
  }
  return out;
}

describe('entry points', () => {
  it("exports the pricing API from 'storecast' as well", () => {
    expect(storecast.fitDemand).toBe(fitDemand);
    expect(storecast.optimizePrice).toBe(optimizePrice);
    expect(storecast.loadDemandModel).toBe(loadDemandModel);
  });
});

describe('linalg', () => {
  it('solves and inverts a symmetric positive-definite system', () => {
    const a = Float64Array.from([4, 1, 2, 1, 3, 0.5, 2, 0.5, 5]);
    const l = cholesky(a, 3)!;
    const x = choleskySolve(l, 3, [1, 2, 3]);
    for (let i = 0; i < 3; i++) expect(a[i * 3] * x[0] + a[i * 3 + 1] * x[1] + a[i * 3 + 2] * x[2]).toBeCloseTo([1, 2, 3][i], 8);
    const inverse = choleskyInverse(l, 3);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += a[i * 3 + k] * inverse[k * 3 + j];
      expect(s).toBeCloseTo(i === j ? 1 : 0, 8);
    }
    expect(cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toBeUndefined();
  });
});

describe('fitDemand on simulated demand', () => {
  const sim = simulateDemand({ products: 40, weeks: 104, groups: 4, seed: 21 });
  const fitted = fitDemand(sim.observations, { frequency: 'weekly', groups: sim.groups, holidays: sim.holidays });

  it('recovers elasticities without bias, inside their 80% intervals about 80% of the time', async () => {
    const model = await fitted;
    expect(model.products).toHaveLength(40);
    let inside = 0;
    let bias = 0;
    for (const p of sim.products) {
      const e = model.elasticity(p.product);
      expect(e.low).toBeLessThan(e.estimate);
      expect(e.high).toBeGreaterThan(e.estimate);
      if (p.elasticity >= e.low && p.elasticity <= e.high) inside++;
      bias += (e.estimate - p.elasticity) / sim.products.length;
    }
    expect(Math.abs(bias)).toBeLessThan(0.1);
    expect(inside / sim.products.length).toBeGreaterThan(0.6);
    expect(inside / sim.products.length).toBeLessThan(0.98);
  });

  it('separates promotions and holidays from price (they coincide in the simulation)', async () => {
    const model = await fitted;
    expect(model.effects).toEqual(['promotion', 'competitorPrice', 'holiday']);
    const c = model.coefficients(sim.products[0].product);
    expect(c.promotion.estimate).toBeGreaterThan(0.15);
    expect(c.promotion.estimate).toBeLessThan(0.45);
    expect(c.holiday.estimate).toBeGreaterThan(0.25);
    expect(c.holiday.estimate).toBeLessThan(0.55);
    expect(c.competitorPrice.estimate).toBeGreaterThan(0.2);
  });

  it('predicts units with 80% intervals, lower at higher prices', async () => {
    const model = await fitted;
    const product = sim.products[0].product;
    const [cheap, dear] = await model.predict([
      { product, date: '2025-01-13', price: sim.products[0].basePrice * 0.9 },
      { product, date: '2025-01-13', price: sim.products[0].basePrice * 1.1 },
    ]);
    expect(cheap.units).toBeGreaterThan(dear.units);
    for (const p of [cheap, dear]) { expect(p.low).toBeLessThan(p.units); expect(p.high).toBeGreaterThan(p.units); }
  });

  it('warns when a scenario gives a driver the product never had, and fills one it omits', async () => {
    const model = await fitted;
    const result = await model.predict([{ product: sim.products[0].product, date: '2025-01-13', price: 5, covariates: { temperature: 20 } }]);
    expect(result[0].units).toBeGreaterThan(0);
    expect(result.warnings.some((w) => w.code === 'DRIVER_ASSUMED' && /competitorPrice/.test(w.message))).toBe(true);
  });

  it('gives identical predictions after a save/load round trip (bytes and file)', async () => {
    const model = await fitted;
    const scenarios = sim.products.slice(0, 5).map((p, i) => ({ product: p.product, date: i % 2 ? '2024-06-03' : '2025-02-03', price: p.basePrice * (0.9 + 0.05 * i), promotion: i % 2 === 0, competitorPrice: p.basePrice }));
    const before = await model.predict(scenarios);
    const fromBytes = await loadDemandModel(await model.toBytes());
    expect(Array.from(await fromBytes.predict(scenarios))).toEqual(Array.from(before));
    expect(fromBytes.elasticity(sim.products[3].product)).toEqual(model.elasticity(sim.products[3].product));
    const path = join(mkdtempSync(join(tmpdir(), 'storecast-demand-')), 'demand.storecast');
    await model.save(path);
    const fromFile = await loadDemandModel(path);
    expect(Array.from(await fromFile.predict(scenarios))).toEqual(Array.from(before));
    const error = await loadDemandModel(new Uint8Array([1, 2, 3])).then(() => undefined, (e: unknown) => e);
    expect((error as StorecastError).code).toBe('MODEL_LOAD_FAILED');
  });
});

describe('partial pooling', () => {
  it('shrinks a product with little price variation towards its group', async () => {
    // Eight products with elasticity −2 and plenty of price changes, and one noisy product (true −2) with few.
    const group: DemandObservation[] = [];
    for (let i = 0; i < 8; i++) group.push(...constantElasticity({ elasticity: -2, price: 10, product: `steady${i}`, seed: 100 + i, noise: 0.1 }));
    const noisy = constantElasticity({ elasticity: -2, price: 10, product: 'noisy', seed: 7, noise: 0.5, levels: [0.97, 1, 1.03] });
    const groups = Object.fromEntries([...Array.from({ length: 8 }, (_, i) => [`steady${i}`, 'a']), ['noisy', 'a']]);
    const pooled = await fitDemand([...group, ...noisy], { frequency: 'weekly', groups });
    const alone = await fitDemand(noisy, { frequency: 'weekly' });
    expect(alone.warnings.some((w) => w.code === 'DEFAULT_PRIOR')).toBe(true);
    const p = pooled.elasticityDetail('noisy');
    const a = alone.elasticityDetail('noisy');
    expect(Math.abs(p.estimate + 2)).toBeLessThan(Math.abs(a.estimate + 2));
    expect(p.high - p.low).toBeLessThan(a.high - a.low);
    expect(p.ownWeight).toBeLessThan(pooled.elasticityDetail('steady0').ownWeight);
    expect(p.low).toBeLessThan(-2);
    expect(p.high).toBeGreaterThan(-2);
  });

  it('gives a product that never changed price its group prior, with a warning and a wide interval', async () => {
    const rows: DemandObservation[] = [];
    for (let i = 0; i < 6; i++) rows.push(...constantElasticity({ elasticity: -1.5, price: 4, product: `moving${i}`, seed: 200 + i }));
    rows.push(...constantElasticity({ elasticity: -1.5, price: 4, product: 'fixed', seed: 9, levels: [1] }));
    const model = await fitDemand(rows, { frequency: 'weekly' });
    expect(model.warnings.map((w) => w.code)).toContain('NO_PRICE_VARIATION');
    const fixed = model.elasticityDetail('fixed');
    const moving = model.elasticityDetail('moving0');
    expect(fixed.priceChanges).toBe(0);
    expect(fixed.ownWeight).toBeLessThan(0.05);
    expect(fixed.high - fixed.low).toBeGreaterThan(2 * (moving.high - moving.low));
    const rec = await optimizePrice(model, { product: 'fixed', cost: 2 });
    expect(rec.warnings.map((w) => w.code)).toContain('NO_PRICE_VARIATION');
    expect(rec.reasons.join(' ')).toMatch(/never changed price/);
  });
});

describe('optimizePrice', () => {
  const e = -2.5;
  const basePrice = 10;
  const cost = (basePrice * (1 + e)) / e; // so that the true optimum c·e/(1+e) is the base price
  const model = fitDemand(constantElasticity({ elasticity: e, price: basePrice, seed: 3, noise: 0.03 }), { frequency: 'weekly' });

  it('finds the constant-elasticity profit optimum c·e/(1+e)', async () => {
    const m = await model;
    const rec = await optimizePrice(m, { product: 'solo', cost, points: 201 });
    expect(Math.abs(rec.price / basePrice - 1)).toBeLessThan(0.03);
    const estimated = rec.elasticity.estimate;
    expect(Math.abs(rec.price / ((cost * estimated) / (1 + estimated)) - 1)).toBeLessThan(0.02);
    expect(rec.curve.length).toBeGreaterThan(100);
    for (const point of rec.curve) {
      expect(point.profit).toBeCloseTo((point.price - cost) * point.units, 6);
      expect(point.low).toBeLessThanOrEqual(point.profit + 1e-9);
      expect(point.high).toBeGreaterThanOrEqual(point.profit - 1e-9);
    }
    expect(rec.profit).toBeCloseTo(Math.max(...rec.curve.map((c) => c.profit)), 6);
    expect(rec.reasons.join(' ')).toMatch(/price change/);
  });

  it('maximises revenue when asked (elastic demand: the lower limit)', async () => {
    const rec = await optimizePrice(await model, { product: 'solo', cost: 0, objective: 'revenue', min: 9, max: 11 });
    expect(rec.price).toBeCloseTo(9, 6);
  });

  it('respects min, max, maxChange, margin ≥ 0 and inventory', async () => {
    const m = await model;
    const last = (await m.predict([{ product: 'solo', date: '2024-01-01', price: 10 }])).length && (m as unknown as { state: { products: { prices: { last: number } }[] } }).state.products[0].prices.last;
    const within = (rec: { price: number; curve: { price: number }[] }, lo: number, hi: number): void => {
      expect(rec.price).toBeGreaterThanOrEqual(lo - 1e-9);
      expect(rec.price).toBeLessThanOrEqual(hi + 1e-9);
      for (const c of rec.curve) { expect(c.price).toBeGreaterThanOrEqual(lo - 1e-9); expect(c.price).toBeLessThanOrEqual(hi + 1e-9); }
    };
    within(await optimizePrice(m, { product: 'solo', cost, min: 11, max: 12 }), 11, 12);
    within(await optimizePrice(m, { product: 'solo', cost, min: 7, max: 8.5 }), 7, 8.5);
    const limited = await optimizePrice(m, { product: 'solo', cost, maxChange: 0.02 });
    within(limited, last * 0.98, last * 1.02);
    // A cost above the unconstrained optimum: price never below cost.
    const margin = await optimizePrice(m, { product: 'solo', cost: 9.5, min: 5, max: 14 });
    within(margin, 9.5, 14);
    expect(margin.profit).toBeGreaterThanOrEqual(0);
    // Stock for fewer units than demand at the optimum: the price rises until demand fits the stock.
    const free = await optimizePrice(m, { product: 'solo', cost, periods: 4 });
    const stocked = await optimizePrice(m, { product: 'solo', cost, periods: 4, inventory: free.units * 0.6 });
    expect(stocked.price).toBeGreaterThan(free.price);
    expect(stocked.units).toBeLessThanOrEqual(free.units * 0.6 + 1e-9);
    for (const c of stocked.curve) expect(c.units).toBeLessThanOrEqual(free.units * 0.6 + 1e-9);
    expect(stocked.reasons.join(' ')).toMatch(/Stock/);
  });

  it('prefers observed prices and says when it extrapolates', async () => {
    const m = await model;
    // Optimum (c·e/(1+e) with a high cost) lies above every observed price (at most 12.5).
    const rec = await optimizePrice(m, { product: 'solo', cost: 9, max: 30 });
    expect(rec.price).toBeGreaterThan(12.5);
    expect(rec.reasons.join(' ')).toMatch(/extrapolates/);
    expect(rec.curve.some((c) => c.extrapolated)).toBe(true);
    const inside = await optimizePrice(m, { product: 'solo', cost, points: 201 });
    expect(inside.extrapolated).toBe(false);
  });
});

describe('covariates (scanner-style: competing brands and several flags)', () => {
  it('estimates cross-price effects and deal/feature flags given as covariates', async () => {
    const r = rng(5);
    const rows: DemandObservation[] = [];
    for (let s = 0; s < 6; s++) {
      for (const brand of ['a', 'b']) {
        let own = 1;
        let rival = 1;
        for (let t = 0; t < 104; t++) {
          if (r.uniform() < 0.15) own = 0.85 + 0.3 * r.uniform();
          if (r.uniform() < 0.15) rival = 0.85 + 0.3 * r.uniform();
          const deal = r.uniform() < 0.1 ? 1 : 0;
          const feature = r.uniform() < 0.1 ? 1 : 0;
          const price = 3 * own * (deal ? 0.85 : 1);
          const units = Math.exp(4 - 2 * Math.log(own * (deal ? 0.85 : 1)) + 0.8 * Math.log(rival) + 0.2 * deal + 0.3 * feature + 0.08 * r.normal());
          rows.push({ product: `store${s}/${brand}`, date: new Date(Date.UTC(2024, 0, 1) + t * 7 * 86_400_000), price, units: Math.round(units), covariates: { logPriceRival: Math.log(3 * rival), deal, feature } });
        }
      }
    }
    const model = await fitDemand(rows, { frequency: 'weekly' });
    expect(model.effects).toEqual(['deal', 'feature', 'logPriceRival']);
    const c = model.coefficients('store0/a');
    expect(c.price.estimate).toBeGreaterThan(-2.4);
    expect(c.price.estimate).toBeLessThan(-1.6);
    expect(c.logPriceRival.estimate).toBeGreaterThan(0.5);
    expect(c.feature.estimate).toBeGreaterThan(0.15);
  });
});

describe('scanner data', () => {
  it('recovers brand elasticities with rival prices as covariates and leaves out the own-brand column', async () => {
    const sim = simulateScanner({ stores: 8, brands: 4, weeks: 80, seed: 3 });
    const model = await fitDemand(sim.observations, { frequency: 'weekly', groups: sim.groups });
    let inside = 0;
    for (const p of sim.products) { const e = model.elasticity(p.product); if (p.elasticity >= e.low && p.elasticity <= e.high) inside++; }
    expect(inside / sim.products.length).toBeGreaterThan(0.6);
    const c = model.coefficients('store0/brand0');
    expect(Object.keys(c)).not.toContain('logPrice:brand0');
    expect(c['logPrice:brand1'].estimate).toBeGreaterThan(0.1);
    expect(c.feature.estimate).toBeGreaterThan(0.3);
  });
});

describe('baseline and long tasks', () => {
  it('models a lone product\'s own season when its history holds three cycles', async () => {
    const r = rng(4);
    const rows: DemandObservation[] = [];
    for (let t = 0; t < 160; t++) {
      const price = 5 * (t % 6 < 3 ? 1 : 1.1);
      rows.push({ product: 'solo', date: new Date(Date.UTC(2021, 0, 4) + t * 7 * 86_400_000), price, units: Math.round(Math.exp(5 + 0.6 * Math.sin((2 * Math.PI * t) / 52) - 2 * Math.log(price / 5) + 0.05 * r.normal())) });
    }
    const model = await fitDemand(rows, { frequency: 'weekly' });
    const state = (model as unknown as { state: { seasons: Record<string, number[]> } }).state;
    expect(Object.keys(state.seasons)).toContain('product:solo');
    // A peak and a trough half a year apart, at the same price.
    const day = (t: number): string => new Date(Date.UTC(2021, 0, 4) + t * 7 * 86_400_000).toISOString();
    const [peak, trough] = await model.predict([{ product: 'solo', date: day(160 + 13 - 0), price: 5 }, { product: 'solo', date: day(160 + 39), price: 5 }]);
    expect(peak.units / trough.units).toBeGreaterThan(2);
    expect(model.elasticity('solo').estimate).toBeCloseTo(-2, 0);
  });

  it('reports progress and stops on abort', async () => {
    const sim = simulateDemand({ products: 10, weeks: 60, seed: 2 });
    const seen: number[] = [];
    await fitDemand(sim.observations, { onProgress: (p) => seen.push(p.loaded / p.total) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[seen.length - 1]).toBe(1);
    const controller = new AbortController();
    controller.abort();
    const error = await fitDemand(sim.observations, { signal: controller.signal }).then(() => undefined, (e: unknown) => e);
    expect((error as StorecastError).code).toBe('ABORTED');
  });
});

describe('bad input', () => {
  const good = constantElasticity({ elasticity: -2, price: 5, weeks: 20, product: 'x' });

  it('names the row of an invalid observation', async () => {
    const rows = (patch: Partial<DemandObservation>, at = 7): DemandObservation[] => good.map((o, i) => (i === at ? { ...o, ...patch } : o));
    expect((await expectInvalid(() => fitDemand(rows({ price: 0 })), /observations\[7\].*price/)).details?.row).toBe(7);
    await expectInvalid(() => fitDemand(rows({ price: -3 }, 3)), /observations\[3\].*price/);
    await expectInvalid(() => fitDemand(rows({ units: -1 }, 4)), /observations\[4\].*units/);
    await expectInvalid(() => fitDemand(rows({ units: NaN }, 5)), /observations\[5\].*units/);
    await expectInvalid(() => fitDemand(rows({ price: NaN }, 6)), /observations\[6\].*price/);
    await expectInvalid(() => fitDemand(rows({ promotion: NaN }, 2)), /observations\[2\].*promotion/);
    await expectInvalid(() => fitDemand(rows({ covariates: { temp: NaN } }, 9)), /observations\[9\].*temp/);
    await expectInvalid(() => fitDemand(rows({ date: 'not a date' }, 8)), /observations\[8\].*date/);
    await expectInvalid(() => fitDemand(rows({ competitorPrice: 4 }, 8)), /observations\[\d+\].*competitorPrice/);
  });

  it('refuses one observation, a product with one, and no price variation at all', async () => {
    await expectInvalid(() => fitDemand([good[0]]), /observations\[0\]|row 0/);
    await expectInvalid(() => fitDemand([...good, { ...good[0], product: 'lonely' }]), /observations\[20\].*'lonely'.*only/);
    await expectInvalid(() => fitDemand(good.map((o) => ({ ...o, price: 5 }))), /observations\[0\].*price ever changes/);
    await expectInvalid(() => fitDemand([...good, { ...good[3] }]), /observations\[3\] and observations\[20\]/);
  });

  it('refuses unknown products, cost above every allowed price, and bad options', async () => {
    const model: DemandModel = await fitDemand(good, { frequency: 'weekly' });
    await expectInvalid(() => model.predict([{ product: 'x', date: '2024-06-01', price: 5 }, { product: 'y', date: '2024-06-01', price: 5 }]), /scenarios\[1\].*unknown product "y"/);
    await expectInvalid(() => model.predict([{ product: 'x', date: '2024-06-01', price: 0 }]), /scenarios\[0\].*price/);
    await expectInvalid(async () => model.elasticity('nope'), /unknown product "nope"/);
    await expectInvalid(() => optimizePrice(model, { product: 'nope', cost: 1 }), /options.product.*unknown product/);
    await expectInvalid(() => optimizePrice(model, { product: 'x', cost: 100 }), /cost.*every allowed price/);
    await expectInvalid(() => optimizePrice(model, { product: 'x', cost: 4, max: 4 }), /cost.*every allowed price/);
    await expectInvalid(() => optimizePrice(model, { product: 'x', cost: NaN }), /cost/);
    await expectInvalid(() => optimizePrice(model, { product: 'x', cost: 1, min: 6, max: 5 }), /min/);
    await expectInvalid(() => fitDemand(good, { frequency: 'fortnightly' as never }), /frequency/);
  });
});
