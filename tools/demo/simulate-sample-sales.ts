// Builds demo/data/sample-sales.json: two years of weekly sales for 16 products of the sample shop
// (their real titles, categories and list prices), with demand simulated by test/pricing-sim.ts
// (known elasticities, promotions that cluster on holidays, seasonality, noise). The Superstore data
// has no price history to learn elasticities from, so the demo's Pricing tab uses this, and says so.
// Rebuild: npx tsx tools/demo/simulate-sample-sales.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { simulateDemand } from '../../test/pricing-sim.js';
import type { Product } from '../../lib/index.js';

const shop = JSON.parse(readFileSync('demo/data/sample-shop.json', 'utf8')) as { products: Product[] };
// Four categories, four products each: groups share strength in fitDemand.
const categories = [...new Set(shop.products.map((p) => p.category!))].slice(0, 4);
const chosen = categories.flatMap((c) => shop.products.filter((p) => p.category === c && p.price! >= 5).slice(0, 4));
const sim = simulateDemand({ products: chosen.length, groups: categories.length, weeks: 104, seed: 2026 });
const nameOf = new Map(sim.products.map((s, i) => [s.product, chosen[i]]));
const scaleOf = new Map(sim.products.map((s, i) => [s.product, chosen[i].price! / s.basePrice]));
const observations = sim.observations.map((o) => {
  const scale = scaleOf.get(o.product)!;
  return { ...o, product: nameOf.get(o.product)!.title, price: Number((o.price * scale).toFixed(2)), competitorPrice: o.competitorPrice && Number((o.competitorPrice * scale).toFixed(2)) };
});
const out = {
  source: 'Simulated by tools/demo/simulate-sample-sales.ts (test/pricing-sim.ts) for products of the sample shop; not real sales.',
  groups: Object.fromEntries(chosen.map((p) => [p.title, p.category!])),
  holidays: sim.holidays,
  /** The elasticities the simulation used, so the demo can be checked against the truth. */
  trueElasticity: Object.fromEntries(sim.products.map((s, i) => [chosen[i].title, Number(s.elasticity.toFixed(3))])),
  observations,
};
writeFileSync('demo/data/sample-sales.json', JSON.stringify(out));
console.log(`demo/data/sample-sales.json: ${chosen.length} products, ${observations.length} rows`);
