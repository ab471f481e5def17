// Simulated weekly sales with known demand: used by the pricing unit tests and `npm run bench -- pricing`.
import type { DemandObservation } from '../lib/pricing/index.js';

export interface SimulatedProduct {
  product: string;
  group: string;
  elasticity: number;
  promotionEffect: number;
  basePrice: number;
}

export interface SimulationOptions {
  products?: number;
  weeks?: number;
  groups?: number;
  seed?: number;
  /** Noise sd of log units. */
  noise?: number;
  /** Elasticities drawn from this range (group centres), products spread around their group. */
  elasticityRange?: [number, number];
  productSpread?: number;
  /** Share of products whose price never changes. */
  fixedPriceShare?: number;
  competitor?: boolean;
  /** Weeks between regular price changes on average. */
  priceChangeEvery?: number;
  /** Weekly random-walk sd of the log level. */
  levelNoise?: number;
  /** Amplitude of the annual season (log units). */
  seasonAmplitude?: number;
}

export interface Simulation {
  observations: DemandObservation[];
  products: SimulatedProduct[];
  groups: Record<string, string>;
  holidays: string[];
  start: number;
}

/** Mulberry32: small, fast and seedable. */
export function rng(seed: number): { uniform: () => number; normal: () => number } {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(uniform() + 1e-300)) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

const WEEK = 7 * 86_400_000;
/** Holiday weeks of the year (New Year, Memorial Day, July 4th, Labor Day, Thanksgiving, Christmas). */
const HOLIDAY_WEEKS = [0, 21, 26, 35, 47, 51];
const PRICE_LEVELS = [0.85, 0.9, 0.95, 1, 1.05, 1.1, 1.15];

/**
 * log units = level (random walk with drift) + group season (annual) + holiday lift
 *   + elasticity · log price + promotion effect · promo + cross elasticity · log competitor price + noise.
 * Regular prices move between levels around a base price; promotions cut the price by 20% and
 * come far more often in holiday weeks (the confounding the model must control for).
 */
export function simulateDemand(options: SimulationOptions = {}): Simulation {
  const { products = 40, weeks = 104, groups = 4, seed = 1, noise = 0.15, elasticityRange = [-4, -0.5], productSpread = 0.3, fixedPriceShare = 0, competitor = true, priceChangeEvery = 8, levelNoise = 0.02, seasonAmplitude = 0.2 } = options;
  const r = rng(seed);
  const start = Date.UTC(2023, 0, 2);
  const groupCentre = Array.from({ length: groups }, (_, g) => elasticityRange[0] + ((g + 0.5) / groups) * (elasticityRange[1] - elasticityRange[0]));
  const groupPhase = Array.from({ length: groups }, () => 2 * Math.PI * r.uniform());
  const observations: DemandObservation[] = [];
  const truth: SimulatedProduct[] = [];
  const groupOf: Record<string, string> = {};
  for (let i = 0; i < products; i++) {
    const g = i % groups;
    const product = `p${String(i).padStart(4, '0')}`;
    const group = `g${g}`;
    const elasticity = Math.min(elasticityRange[1], Math.max(elasticityRange[0], groupCentre[g] + productSpread * r.normal()));
    const promotionEffect = 0.3 + 0.1 * r.normal();
    const basePrice = 2 + 18 * r.uniform();
    const fixed = r.uniform() < fixedPriceShare;
    truth.push({ product, group, elasticity, promotionEffect, basePrice });
    groupOf[product] = group;
    let level = 4 + 0.5 * r.normal();
    const drift = 0.002 * r.normal();
    let priceLevel = 1;
    let competitorLog = Math.log(basePrice);
    for (let t = 0; t < weeks; t++) {
      const week = t % 52;
      const holiday = HOLIDAY_WEEKS.includes(week);
      level += drift + levelNoise * r.normal();
      if (!fixed && r.uniform() < 1 / priceChangeEvery) priceLevel = PRICE_LEVELS[Math.floor(r.uniform() * PRICE_LEVELS.length)];
      const promotion = !fixed && r.uniform() < (holiday ? 0.6 : 0.05);
      const price = Number((basePrice * priceLevel * (promotion ? 0.8 : 1)).toFixed(2));
      competitorLog = Math.log(basePrice) + 0.7 * (competitorLog - Math.log(basePrice)) + 0.05 * r.normal();
      const season = seasonAmplitude * Math.sin((2 * Math.PI * week) / 52 + groupPhase[g]);
      const logUnits = level + season + (holiday ? 0.4 : 0) + elasticity * Math.log(price / basePrice) + (promotion ? promotionEffect : 0) + (competitor ? 0.5 * (competitorLog - Math.log(basePrice)) : 0) + noise * r.normal();
      observations.push({
        product,
        date: new Date(start + t * WEEK).toISOString().slice(0, 10),
        price,
        units: Math.max(0, Math.round(Math.exp(logUnits))),
        promotion,
        ...(competitor ? { competitorPrice: Number(Math.exp(competitorLog).toFixed(2)) } : {}),
      });
    }
  }
  const years = Math.ceil(weeks / 52) + 1;
  const holidays: string[] = [];
  for (let y = 0; y < years; y++) for (const w of HOLIDAY_WEEKS) holidays.push(new Date(start + (y * 52 + w) * WEEK).toISOString().slice(0, 10));
  return { observations, products: truth, groups: groupOf, holidays, start };
}

export interface ScannerOptions { stores?: number; brands?: number; weeks?: number; seed?: number; noise?: number }

/**
 * Retail scanner data in the form storecast is judged on (stores × brands, weekly): every brand's
 * price in the store that week (rivals' as covariates `logPrice:<brand>`, log scale), deal and
 * feature flags (features cluster on deals). Each brand's demand reacts to two neighbouring brands.
 */
export function simulateScanner(options: ScannerOptions = {}): Simulation {
  const { stores = 30, brands = 8, weeks = 120, seed = 1, noise = 0.2 } = options;
  const r = rng(seed);
  const start = Date.UTC(2022, 0, 3);
  const brandElasticity = Array.from({ length: brands }, (_, b) => -1.5 - (2 * b) / Math.max(1, brands - 1));
  const brandPrice = Array.from({ length: brands }, () => 1.5 + 3 * r.uniform());
  const observations: DemandObservation[] = [];
  const products: SimulatedProduct[] = [];
  const groups: Record<string, string> = {};
  for (let s = 0; s < stores; s++) {
    const elasticity = brandElasticity.map((e) => e + 0.3 * r.normal());
    const dealEffect = brandElasticity.map(() => 0.3 + 0.1 * r.normal());
    const level = brandElasticity.map(() => 4 + 0.5 * r.normal());
    const regular = brandPrice.map(() => 1);
    brandElasticity.forEach((_, b) => {
      const product = `store${s}/brand${b}`;
      products.push({ product, group: `brand${b}`, elasticity: elasticity[b], promotionEffect: dealEffect[b], basePrice: brandPrice[b] });
      groups[product] = `brand${b}`;
    });
    for (let t = 0; t < weeks; t++) {
      const deal = brandPrice.map(() => r.uniform() < 0.15);
      const feature = deal.map((d) => r.uniform() < (d ? 0.5 : 0.03));
      for (let b = 0; b < brands; b++) if (r.uniform() < 0.08) regular[b] = PRICE_LEVELS[Math.floor(r.uniform() * PRICE_LEVELS.length)];
      const price = brandPrice.map((p, b) => Number((p * regular[b] * (deal[b] ? 0.85 : 1)).toFixed(2)));
      for (let b = 0; b < brands; b++) {
        level[b] += 0.01 * r.normal();
        const rivals = [(b + 1) % brands, (b + brands - 1) % brands];
        let log = level[b] + elasticity[b] * Math.log(price[b] / brandPrice[b]) + (deal[b] ? dealEffect[b] : 0) + (feature[b] ? 0.5 : 0) + noise * r.normal();
        for (const j of rivals) log += 0.3 * Math.log(price[j] / brandPrice[j]);
        const covariates: Record<string, number> = { deal: deal[b] ? 1 : 0, feature: feature[b] ? 1 : 0 };
        for (let j = 0; j < brands; j++) if (j !== b) covariates[`logPrice:brand${j}`] = Math.log(price[j]);
        observations.push({ product: `store${s}/brand${b}`, date: new Date(start + t * WEEK).toISOString().slice(0, 10), price: price[b], units: Math.max(0, Math.round(Math.exp(log))), covariates });
      }
    }
  }
  return { observations, products, groups, holidays: [], start };
}
