// The demo merchant dashboard: everything runs in a storecast worker, so the page stays responsive.
import { createStorecast, StorecastError, type PriceModel, type PriceSuggestion, type Product, type TrendForecast } from '../lib/index.js';
import { drawForecast } from './chart.js';
import { guessMapping, parseCsv, toProducts, type Mapping, type ParsedCsv } from './csv.js';
import sampleShop from './data/sample-shop.json';
import { setupPricing } from './pricing-view.js';

interface Shop { products: Product[]; weeks: string[]; categoryUnits: Record<string, number[]> }
const shop: Shop = sampleShop as unknown as Shop;
let catalog: Product[] = shop.products;
let model: PriceModel | undefined;
let suggestions: PriceSuggestion[] = [];
let selected = -1;
let training: AbortController | undefined;

const $ = <T extends HTMLElement>(selector: string): T => document.querySelector(selector) as T;
const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const money = (v: number | undefined): string => (v === undefined ? '—' : v.toLocaleString('en-US', { style: 'currency', currency: 'USD' }));
const timings: Record<string, string> = {};
function timed<T>(name: string, run: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  return run().finally(() => {
    timings[name] = `${((performance.now() - t0) / 1000).toFixed(2)} s`;
    $('#timings').textContent = Object.entries(timings).map(([k, v]) => `${k}: ${v}`).join(' · ');
  });
}
const describeError = (e: unknown): string => (e instanceof StorecastError ? `${e.code}: ${e.message}` : String(e));

const storecast = await createStorecast({ worker: true });

// Runtime badge: which backend, on what, and why the others were skipped.
void storecast.init().then((info) => {
  const badge = $('#runtime');
  badge.textContent = `TF.js on ${info.backend}${info.adapter ? ` (${info.adapter})` : ''} · worker`;
  badge.title = info.skipped.map((s) => `${s.backend} skipped: ${s.reason}`).join('\n') || 'first choice';
  badge.dataset.backend = info.backend;
}, (e) => { $('#runtime').textContent = describeError(e); });

// Privacy note backed by the browser's own record of what this page requested.
function updatePrivacy(): void {
  const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
  const foreign = entries.filter((e) => new URL(e.name).origin !== location.origin);
  $('#privacy').textContent = foreign.length
    ? `Warning: ${foreign.length} request(s) left this site: ${foreign.map((e) => new URL(e.name).host).join(', ')}`
    : `Private: computed in this tab — ${entries.length} requests, all to ${location.host}; your data is never uploaded`;
}
new PerformanceObserver(updatePrivacy).observe({ type: 'resource', buffered: true });

// ---------- navigation ----------
document.querySelectorAll<HTMLButtonElement>('nav button').forEach((button) => button.addEventListener('click', () => showView(button.dataset.view!)));
function showView(name: string): void {
  document.querySelectorAll<HTMLButtonElement>('nav button').forEach((b) => b.classList.toggle('active', b.dataset.view === name));
  for (const view of ['catalog', 'forecast', 'pricing', 'import']) $(`#view-${view}`).hidden = view !== name;
  if (name === 'forecast') void renderForecast();
  if (name === 'pricing') pricing.show();
}

// ---------- catalog & prices ----------
function renderCatalog(): void {
  const rows = catalog.map((p, i) => {
    const s = suggestions[i];
    const delta = s && p.price ? ((s.price - p.price) / p.price) * 100 : undefined;
    return `<tr data-index="${i}" class="${i === selected ? 'selected' : ''}"><td>${escape(p.title)}</td><td>${escape(p.category ?? '')}</td><td class="num">${money(p.price)}</td>
      <td class="num">${s ? money(s.price) : '—'}</td><td class="num">${s ? `${money(s.low)} – ${money(s.high)}` : '—'}</td>
      <td class="num ${delta === undefined ? '' : delta > 0 ? 'up' : 'down'}">${delta === undefined ? '' : `${delta > 0 ? '+' : ''}${delta.toFixed(0)}%`}</td></tr>`;
  }).join('');
  $('#catalog-body').innerHTML = rows;
  renderComparables();
}

function renderComparables(): void {
  const panel = $('#comparables');
  const s = suggestions[selected];
  if (selected < 0 || !s) { panel.innerHTML = '<h2>Comparables</h2><p class="muted">Suggest prices, then click a product to see the catalog products that justify its price.</p>'; return; }
  const units = s.extras?.unitsSold;
  panel.innerHTML = `<h2>Why ${money(s.price)}?</h2><p><b>${escape(catalog[selected].title)}</b><br>80% range ${money(s.low)} – ${money(s.high)} · confidence ${s.confidence}${s.reason ? ` (${escape(s.reason)})` : ''}</p>
    ${units === undefined ? '' : `<p id="expected-units" class="muted">Products like this sold about ${Math.round(units)} units (the model's second head, learnt from the catalog's unitsSold).</p>`}
    <table><thead><tr><th>Comparable product</th><th class="num">price</th><th class="num">similarity</th></tr></thead><tbody>
    ${s.comparables.map((c) => `<tr><td>${escape(c.title)}</td><td class="num">${money(c.price)}</td><td class="num">${c.similarity.toFixed(2)}</td></tr>`).join('')}</tbody></table>`;
}

function setupCatalog(): void {
  $('#view-catalog').innerHTML = `
    <div class="toolbar">
      <button class="primary" id="train">Suggest prices</button>
      <button class="secondary" id="cancel" disabled>Cancel</button>
      <progress id="progress" max="1" value="0"></progress>
      <span id="status" class="muted">${catalog.length} products. Prices are learned from your own catalog, in this tab.</span>
    </div>
    <div class="layout">
      <div class="scroll"><table><thead><tr><th>Product</th><th>Category</th><th class="num">Current</th><th class="num">Suggested</th><th class="num">80% range</th><th class="num">Δ</th></tr></thead><tbody id="catalog-body"></tbody></table></div>
      <div class="panel" id="comparables"></div>
    </div>`;
  $('#catalog-body').addEventListener('click', (event) => {
    const row = (event.target as HTMLElement).closest('tr');
    if (!row) return;
    selected = Number(row.dataset.index);
    renderCatalog();
  });
  $('#train').addEventListener('click', () => void train());
  $('#cancel').addEventListener('click', () => training?.abort());
  renderCatalog();
}

const formatDuration = (ms: number): string => (ms < 60_000 ? `${Math.max(1, Math.round(ms / 1000))} s` : `${Math.round(ms / 60_000)} min`);

async function train(): Promise<void> {
  training = new AbortController();
  const status = $('#status');
  const progress = $<HTMLProgressElement>('#progress');
  $<HTMLButtonElement>('#train').disabled = true;
  $<HTMLButtonElement>('#cancel').disabled = false;
  try {
    model?.dispose();
    const phases: Record<string, string> = { 'load-encoder': 'Loading the text encoder', embed: 'Reading product texts', features: 'Learning from words', train: 'Training the price model' };
    // Multi-task: when the catalog records units sold, the model learns them next to the price.
    const withUnits = catalog.filter((p) => typeof p.attributes?.unitsSold === 'number').length >= 20;
    model = await timed('training', () => storecast.trainPriceModel(catalog, {
      extraTargets: withUnits ? ['unitsSold'] : undefined,
      signal: training!.signal,
      // One bar for the whole training (overall), the current phase and the time left in words.
      onProgress: (p) => { progress.value = p.overall ?? p.fraction; status.textContent = `${phases[p.phase] ?? p.phase}… ${Math.round(100 * p.fraction)}%${p.etaMs === undefined ? '' : ` · about ${formatDuration(p.etaMs)} left`}`; },
    }));
    status.textContent = 'Suggesting prices…';
    suggestions = await timed('suggestions', () => storecast.predictPrice(catalog, { model: model!, comparables: 5 }));
    status.textContent = `Trained on ${model.metrics.trainedOn} priced products (validation RMSLE ${model.metrics.validationRmsle.toFixed(2)}). Click a product for its comparables.`;
    if (selected < 0) selected = 0;
    renderCatalog();
  } catch (e) {
    status.innerHTML = `<span class="error">${escape(describeError(e))}</span>`;
  } finally {
    $<HTMLButtonElement>('#train').disabled = false;
    $<HTMLButtonElement>('#cancel').disabled = true;
    progress.value = 0;
  }
}

// ---------- forecast ----------
let forecastReady = false;
async function renderForecast(): Promise<void> {
  const view = $('#view-forecast');
  if (!forecastReady) {
    forecastReady = true;
    const options = Object.keys(shop.categoryUnits).map((c) => `<option>${escape(c)}</option>`).join('');
    view.innerHTML = `<div class="toolbar"><label>Category <select id="category">${options}</select></label><label>Horizon <select id="horizon"><option>8</option><option selected>13</option><option>26</option></select> weeks</label></div>
      <div class="panel"><p class="summary" id="trend-summary">…</p><div id="chart" class="chart"></div><p class="muted" id="members"></p></div>`;
    $('#category').addEventListener('change', () => void renderForecast());
    $('#horizon').addEventListener('change', () => void renderForecast());
  }
  const category = $<HTMLSelectElement>('#category').value;
  const values = shop.categoryUnits[category];
  try {
    const result: TrendForecast = await timed('forecast', () => storecast.forecastTrend({ values, dates: shop.weeks, frequency: 'weekly' }, { horizon: Number($<HTMLSelectElement>('#horizon').value) }));
    const arrow = result.trend.direction === 'up' ? '▲' : result.trend.direction === 'down' ? '▼' : '▶';
    $('#trend-summary').innerHTML = `<span class="${result.trend.direction}">${arrow}</span> ${escape(category)}: ${escape(result.summary)}`;
    drawForecast($('#chart'), shop.weeks, values, result);
    $('#members').textContent = `Model: ${result.model.name}${result.model.members ? ' — ' + result.model.members.map((m) => `${m.name} ${(m.weight * 100).toFixed(0)}%`).join(', ') : ''}. Seasonality: ${result.seasonality.map((s) => `period ${s.period} (strength ${s.strength.toFixed(2)})`).join(', ') || 'none detected'}.`;
  } catch (e) {
    $('#trend-summary').innerHTML = `<span class="error">${escape(describeError(e))}</span>`;
  }
}

// ---------- CSV import ----------
function setupImport(): void {
  const view = $('#view-import');
  view.innerHTML = `<div class="panel"><h2>Use your own catalog</h2><p>Choose a CSV file with one product per row (a header row, then at least a title column and a price column). It is read in this tab and never uploaded.</p>
    <input type="file" id="csv-file" accept=".csv,text/csv" /><div id="mapping"></div><div id="import-result"></div></div>`;
  $('#csv-file').addEventListener('change', async (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (!file) return;
    try {
      showMapping(parseCsv(await file.text()));
    } catch (e) {
      $('#mapping').innerHTML = '';
      $('#import-result').innerHTML = `<p class="error">${escape(file.name)}: ${escape(String(e instanceof Error ? e.message : e))}</p>`;
    }
  });
}

function showMapping(csv: ParsedCsv): void {
  const guess = guessMapping(csv.columns);
  const fields: Array<keyof Mapping> = ['title', 'price', 'category', 'brand', 'description', 'id'];
  $('#mapping').innerHTML = `<p>${csv.rows.length} rows. Map the columns:</p><div class="toolbar">${fields.map((f) => `<label>${f} <select data-field="${f}"><option value="">—</option>${csv.columns.map((c) => `<option ${guess[f] === c ? 'selected' : ''}>${escape(c)}</option>`).join('')}</select></label>`).join('')}</div><button class="primary" id="use-csv">Use this catalog</button>`;
  $('#use-csv').addEventListener('click', () => {
    const mapping: Mapping = {};
    document.querySelectorAll<HTMLSelectElement>('#mapping select').forEach((s) => { if (s.value) mapping[s.dataset.field as keyof Mapping] = s.value; });
    const { products, errors } = toProducts(csv, mapping);
    const priced = products.filter((p) => p.price !== undefined).length;
    if (errors.length || priced < 20) {
      $('#import-result').innerHTML = `<div class="error">${[...errors.slice(0, 8), ...(priced < 20 ? [`Only ${priced} rows have a valid price; at least 20 are needed.`] : [])].map(escape).join('<br>')}${errors.length > 8 ? `<br>…and ${errors.length - 8} more` : ''}</div>`;
      return;
    }
    catalog = products;
    suggestions = [];
    selected = -1;
    model?.dispose();
    model = undefined;
    setupCatalog();
    $('#import-result').innerHTML = `<p>Loaded ${products.length} products (${priced} priced). Open “Catalog &amp; prices” and suggest prices.</p>`;
  });
}

setupCatalog();
setupImport();
const pricing = setupPricing($('#view-pricing'), storecast, describeError);
