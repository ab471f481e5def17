// Custom elements for any admin app (React, Vue, plain HTML): <storecast-forecast>,
// <storecast-price> and <storecast-pricing>. Nothing is registered on import; call defineStorecastElements().
import { createStorecast, type Storecast } from '../worker/index.js';
import type { PriceModel, PriceSuggestion, Product } from '../price/types.js';
import type { SeriesInput, TrendForecast } from '../trend/types.js';
import { curveSvg, forecastSvg } from './chart.js';
import type { DemandModel, DemandObservation, FitDemandOptions, PriceRecommendation } from '../pricing/types.js';

let shared: Promise<Storecast> | undefined;
let useWorker = true;

const CSS = `
:host { display: block; font: 14px/1.4 system-ui, sans-serif; color: #1d2330; }
.box { border: 1px solid #e3e6ec; border-radius: 8px; padding: 10px 12px; background: #fff; }
.summary { margin: 6px 0 0; }
.price { font-size: 20px; font-weight: 600; }
.muted { color: #5d6678; }
.error { color: #b3261e; }
ul { margin: 6px 0 0; padding-left: 18px; }
svg { width: 100%; height: auto; display: block; }
.history { fill: none; stroke: #1d2330; stroke-width: 1.5; }
.forecast { fill: none; stroke: #2a5bd7; stroke-width: 2; stroke-dasharray: 6 4; }
.band-0 { fill: rgba(42, 91, 215, 0.12); stroke: none; }
.band-1 { fill: rgba(42, 91, 215, 0.22); stroke: none; }
`;

/** Styles through a constructable stylesheet: allowed by a strict CSP without 'unsafe-inline'. */
function attachShadow(element: HTMLElement): ShadowRoot {
  const root = element.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  root.adoptedStyleSheets = [sheet];
  return root;
}

function instance(): Promise<Storecast> {
  shared ??= createStorecast({ worker: useWorker });
  return shared;
}

const numbers = (text: string | null): number[] => (text ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const money = (v: number, currency: string): string => v.toLocaleString(undefined, { style: 'currency', currency });

/** An element with a class and, optionally, its text (always as text: nothing is parsed as HTML). */
function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The widget's frame: a box holding its parts (`::part(box)` styles it from the host page). */
function box(className: string, ...children: Array<Node | string>): HTMLDivElement {
  const frame = element('div', className);
  frame.setAttribute('part', 'box');
  frame.append(...children);
  return frame;
}

const list = (items: string[]): HTMLUListElement => {
  const ul = element('ul', '');
  ul.append(...items.map((text) => element('li', '', text)));
  return ul;
};

async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Could not read ${url}: HTTP ${response.status}.`);
  return (await response.json()) as T;
}

/** `<storecast-forecast values="..." dates="..." frequency="weekly" horizon="13">` or set `.series`. */
export class StorecastForecastElement extends HTMLElement {
  static observedAttributes = ['values', 'dates', 'frequency', 'horizon'];
  #root = attachShadow(this);
  #series?: SeriesInput;
  #run = 0;
  /** The last forecast shown (also dispatched as a `forecast` event). */
  result?: TrendForecast;

  set series(value: SeriesInput) { this.#series = value; void this.#render(); }
  get series(): SeriesInput | undefined { return this.#series; }
  connectedCallback(): void { void this.#render(); }
  attributeChangedCallback(): void { if (this.isConnected) void this.#render(); }

  async #render(): Promise<void> {
    const run = ++this.#run;
    const series: SeriesInput = this.#series ?? {
      values: numbers(this.getAttribute('values')),
      ...(this.getAttribute('dates') ? { dates: (this.getAttribute('dates') ?? '').split(',').map((s) => s.trim()) } : {}),
      ...(this.getAttribute('frequency') ? { frequency: this.getAttribute('frequency') as SeriesInput['frequency'] } : {}),
    };
    const horizon = this.getAttribute('horizon') ? Number(this.getAttribute('horizon')) : undefined;
    this.#root.replaceChildren(box('box muted', 'Forecasting…'));
    try {
      const result = await (await instance()).forecastTrend(series, horizon === undefined ? {} : { horizon });
      if (run !== this.#run) return;
      this.result = result;
      const history = series.values.filter((v): v is number => typeof v === 'number');
      this.#root.replaceChildren(box('box', forecastSvg(history.slice(-Math.max(3 * result.forecast.length, 24)), result.forecast, result.intervals), element('p', 'summary', result.summary)));
      this.dispatchEvent(new CustomEvent('forecast', { detail: result }));
    } catch (e) {
      if (run !== this.#run) return;
      this.#root.replaceChildren(box('box error', message(e)));
    }
  }
}

/**
 * `<storecast-price currency="USD">` with `.catalog = products` (or `catalog-url="/catalog.json"`)
 * and `.product = { title, category, ... }`: trains once per catalog, then suggests a price.
 */
export class StorecastPriceElement extends HTMLElement {
  static observedAttributes = ['catalog-url', 'currency'];
  #root = attachShadow(this);
  #catalog?: Product[];
  #product?: Product;
  #model?: Promise<PriceModel>;
  #run = 0;
  suggestion?: PriceSuggestion;

  set catalog(value: Product[]) { this.#catalog = value; this.#model = undefined; void this.#render(); }
  set product(value: Product) { this.#product = value; void this.#render(); }
  get product(): Product | undefined { return this.#product; }
  connectedCallback(): void { void this.#render(); }
  attributeChangedCallback(name: string): void { if (name === 'catalog-url') this.#model = undefined; if (this.isConnected) void this.#render(); }

  async #catalogData(): Promise<Product[]> {
    if (this.#catalog) return this.#catalog;
    const url = this.getAttribute('catalog-url');
    if (!url) throw new Error('Set .catalog (an array of products with prices) or a catalog-url attribute.');
    return fetchJson<Product[]>(url);
  }

  async #render(): Promise<void> {
    const run = ++this.#run;
    if (!this.#product) { this.#root.replaceChildren(box('box muted', 'Set .product to get a price suggestion.')); return; }
    this.#root.replaceChildren(box('box muted', 'Learning prices from the catalog…'));
    try {
      const storecast = await instance();
      this.#model ??= this.#catalogData().then((c) => storecast.trainPriceModel(c));
      const model = await this.#model;
      const suggestion = await storecast.predictPrice(this.#product, { model, comparables: 3 });
      if (run !== this.#run) return;
      this.suggestion = suggestion;
      const currency = this.getAttribute('currency') ?? 'USD';
      this.#root.replaceChildren(box('box',
        element('div', 'price', `Suggested ${money(suggestion.price, currency)}`),
        element('div', 'muted', `80% range ${money(suggestion.low, currency)} – ${money(suggestion.high, currency)}`),
        list(suggestion.comparables.map((c) => `${c.title} — ${money(c.price, currency)}`))));
      this.dispatchEvent(new CustomEvent('suggestion', { detail: suggestion }));
    } catch (e) {
      this.#model = undefined;
      if (run !== this.#run) return;
      this.#root.replaceChildren(box('box error', message(e)));
    }
  }
}

/** A product's sales history for `<storecast-pricing>`: what fitDemand takes, with its options. */
export interface SalesHistory extends Pick<FitDemandOptions, 'frequency' | 'groups' | 'holidays'> {
  observations: DemandObservation[];
}

/**
 * `<storecast-pricing product="SKU or name" cost="4.20" currency="USD" max-change="0.15">` with
 * `.sales = { observations, groups?, holidays? }` (or `sales-url="/sales.json"`): fits demand once
 * per history (in the worker), then shows the price that maximises profit under the guardrails,
 * the expected units and profit with their 80% range, the profit curve and the reasons.
 */
export class StorecastPricingElement extends HTMLElement {
  static observedAttributes = ['product', 'cost', 'currency', 'objective', 'max-change', 'min', 'max', 'inventory', 'periods', 'sales-url'];
  #root = attachShadow(this);
  #sales?: SalesHistory;
  #model?: Promise<DemandModel>;
  #run = 0;
  /** The last recommendation shown (also dispatched as a `recommendation` event). */
  recommendation?: PriceRecommendation;

  set sales(value: SalesHistory) { this.#sales = value; this.#model = undefined; void this.#render(); }
  get sales(): SalesHistory | undefined { return this.#sales; }
  connectedCallback(): void { void this.#render(); }
  attributeChangedCallback(name: string): void { if (name === 'sales-url') this.#model = undefined; if (this.isConnected) void this.#render(); }

  async #history(): Promise<SalesHistory> {
    if (this.#sales) return this.#sales;
    const url = this.getAttribute('sales-url');
    if (!url) throw new Error('Set .sales ({ observations: [{ product, date, price, units }] }) or a sales-url attribute.');
    return fetchJson<SalesHistory>(url);
  }

  #number(name: string): number | undefined {
    const raw = this.getAttribute(name);
    return raw === null || raw === '' ? undefined : Number(raw);
  }

  async #render(): Promise<void> {
    const run = ++this.#run;
    const product = this.getAttribute('product');
    const cost = this.#number('cost');
    if (!product || cost === undefined) { this.#root.replaceChildren(box('box muted', 'Set the product and cost attributes to get a price recommendation.')); return; }
    // Not an error: a page usually sets the history after the element is on the page.
    if (!this.#sales && !this.getAttribute('sales-url')) { this.#root.replaceChildren(box('box muted', 'Set .sales ({ observations: [{ product, date, price, units }] }) or a sales-url attribute.')); return; }
    this.#root.replaceChildren(box('box muted', 'Learning demand from the sales history…'));
    try {
      const storecast = await instance();
      // Only the fitting options are taken: a sales file may carry other fields (a source note, ids).
      this.#model ??= this.#history().then(({ observations, frequency, groups, holidays }) => storecast.fitDemand(observations, { frequency, groups, holidays }));
      const model = await this.#model;
      const objective = (this.getAttribute('objective') ?? 'profit') as 'profit' | 'revenue';
      const guardrails = { min: this.#number('min'), max: this.#number('max'), maxChange: this.#number('max-change'), inventory: this.#number('inventory'), periods: this.#number('periods') };
      const defined = Object.fromEntries(Object.entries(guardrails).filter(([, v]) => v !== undefined));
      const rec = await storecast.optimizePrice(model, { product, cost, objective, ...defined });
      if (run !== this.#run) return;
      this.recommendation = rec;
      this.#root.replaceChildren(this.#box(rec, objective));
      this.dispatchEvent(new CustomEvent('recommendation', { detail: rec }));
    } catch (e) {
      this.#model = undefined;
      if (run !== this.#run) return;
      this.#root.replaceChildren(box('box error', message(e)));
    }
  }

  #box(rec: PriceRecommendation, objective: 'profit' | 'revenue'): HTMLElement {
    const currency = this.getAttribute('currency') ?? 'USD';
    return box('box',
      element('div', 'price', `Recommended ${money(rec.price, currency)}`),
      element('div', 'muted', `About ${Math.round(rec.units)} units (80%: ${Math.round(rec.unitsLow)}–${Math.round(rec.unitsHigh)}) and ${money(rec[objective], currency)} ${objective} (80%: ${money(rec.low, currency)} – ${money(rec.high, currency)}); elasticity ${rec.elasticity.estimate.toFixed(2)} (80%: ${rec.elasticity.low.toFixed(2)} to ${rec.elasticity.high.toFixed(2)}).`),
      curveSvg(rec.curve.map((p) => ({ x: p.price, y: p[objective], low: p.low, high: p.high })), rec.price),
      list([...rec.reasons, ...rec.warnings.map((w) => w.message)]));
  }
}

/** Registers the elements (idempotent). `worker: false` runs the models on the main thread. */
export function defineStorecastElements(options: { worker?: boolean } = {}): void {
  useWorker = options.worker ?? true;
  if (!customElements.get('storecast-forecast')) customElements.define('storecast-forecast', StorecastForecastElement);
  if (!customElements.get('storecast-price')) customElements.define('storecast-price', StorecastPriceElement);
  if (!customElements.get('storecast-pricing')) customElements.define('storecast-pricing', StorecastPricingElement);
}
