// The Pricing tab: pick a product, see its demand and profit curves with 80% bands, and the price
// that maximises profit under the merchant's guardrails (cost, max change, stock), with the reasons.
// The sales history is simulated (demo/data/sample-sales.json says so): the sample shop has none.
import type { DemandModel, PriceRecommendation, Storecast } from '../lib/index.js';
import { drawPriceCurve } from './chart.js';
import sampleSales from './data/sample-sales.json';

interface SalesFile { source: string; groups: Record<string, string>; holidays: string[]; trueElasticity: Record<string, number>; observations: Array<{ product: string; date: string; price: number; units: number; promotion?: boolean; competitorPrice?: number }> }
const sales = sampleSales as unknown as SalesFile;

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const money = (v: number): string => v.toLocaleString('en-US', { style: 'currency', currency: 'USD' });

export function setupPricing(view: HTMLElement, storecast: Storecast, describeError: (e: unknown) => string): { show(): void } {
  let model: Promise<DemandModel> | undefined;
  const products = Object.keys(sales.groups);
  const lastPrice = (product: string): number => sales.observations.filter((o) => o.product === product).at(-1)!.price;
  view.innerHTML = `<div class="toolbar">
      <label>Product <select id="pricing-product">${products.map((p) => `<option>${escape(p)}</option>`).join('')}</select></label>
      <label>Unit cost <input id="pricing-cost" type="number" step="0.01" min="0" size="7" /></label>
      <label>Max change <select id="pricing-change"><option value="0.05">±5%</option><option value="0.1">±10%</option><option value="0.2" selected>±20%</option><option value="">any</option></select></label>
      <label>Stock for 4 weeks <input id="pricing-stock" type="number" min="0" step="1" size="7" placeholder="no limit" /></label>
    </div>
    <p class="muted" id="pricing-source">${escape(sales.source)}</p>
    <div class="layout">
      <div class="panel"><h2>Profit per week by price</h2><div id="profit-chart"></div><h2>Units per week by price</h2><div id="demand-chart"></div></div>
      <div class="panel" id="pricing-result"><p class="muted">Learning demand from two years of sales…</p></div>
    </div>`;
  const $ = <T extends HTMLElement>(id: string): T => view.querySelector(`#${id}`) as T;
  const setCost = (): void => { $<HTMLInputElement>('pricing-cost').value = (lastPrice($<HTMLSelectElement>('pricing-product').value) * 0.6).toFixed(2); };
  setCost();
  $('pricing-product').addEventListener('change', () => { setCost(); void render(); });
  for (const id of ['pricing-cost', 'pricing-change', 'pricing-stock']) $(id).addEventListener('change', () => void render());

  async function render(): Promise<void> {
    const product = $<HTMLSelectElement>('pricing-product').value;
    const result = $('pricing-result');
    try {
      model ??= storecast.fitDemand(sales.observations, { frequency: 'weekly', groups: sales.groups, holidays: sales.holidays });
      const demand = await model;
      const stock = $<HTMLInputElement>('pricing-stock').value;
      const change = $<HTMLSelectElement>('pricing-change').value;
      const rec: PriceRecommendation = await storecast.optimizePrice(demand, {
        product,
        cost: Number($<HTMLInputElement>('pricing-cost').value),
        ...(change ? { maxChange: Number(change) } : {}),
        ...(stock ? { inventory: Number(stock), periods: 4 } : {}),
      });
      const periods = stock ? 4 : 1;
      drawPriceCurve($('profit-chart'), rec.curve.map((p) => ({ price: p.price, value: p.profit / periods, low: p.low / periods, high: p.high / periods })), 'profit');
      drawPriceCurve($('demand-chart'), rec.curve.map((p) => ({ price: p.price, value: p.units / periods, low: p.unitsLow / periods, high: p.unitsHigh / periods })), 'units');
      const now = lastPrice(product);
      const delta = (rec.price - now) / now;
      result.innerHTML = `<h2 id="pricing-price">${money(rec.price)} <span class="${delta >= 0 ? 'up' : 'down'}">${delta >= 0 ? '+' : ''}${(100 * delta).toFixed(1)}%</span></h2>
        <p>Now ${money(now)}. At ${money(rec.price)}: about ${Math.round(rec.units / periods)} units and ${money(rec.profit / periods)} profit a week (80%: ${money(rec.low / periods)} – ${money(rec.high / periods)}).</p>
        <p>Price elasticity ${rec.elasticity.estimate.toFixed(2)} (80%: ${rec.elasticity.low.toFixed(2)} to ${rec.elasticity.high.toFixed(2)}); the simulation used ${sales.trueElasticity[product].toFixed(2)}.</p>
        <ul id="pricing-reasons">${[...rec.reasons, ...rec.warnings.map((w) => w.message)].map((r) => `<li>${escape(r)}</li>`).join('')}</ul>`;
    } catch (e) {
      model = undefined;
      result.innerHTML = `<p class="error">${escape(describeError(e))}</p>`;
    }
  }
  return { show: () => void render() };
}
