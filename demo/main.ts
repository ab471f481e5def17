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
  if (name === 'catalog') renderRows();
  if (name === 'forecast') void renderForecast();
  if (name === 'pricing') pricing.show();
}

// ---------- catalog & prices ----------
// The table is virtualised: only the rows in view (and a few either side) are in the DOM, between
// two spacer rows, so a catalog of 30,000 products scrolls and answers clicks like one of 40.
/** Fixed row height in px (styles.css: #catalog-table td). */
const ROW_HEIGHT = 30;
const OVERSCAN = 10;
/** Suggestions arrive in parts of this many products: the table fills in as they come, and Cancel stops between parts. */
const SUGGESTION_PART = 500;
let scheduled = false;

function rowHtml(i: number): string {
  const p = catalog[i];
  const s = suggestions[i];
  const delta = s && p.price ? ((s.price - p.price) / p.price) * 100 : undefined;
  return `<tr data-index="${i}" class="${i === selected ? 'selected' : ''}"><td title="${escape(p.title)}">${escape(p.title)}</td><td>${escape(p.category ?? '')}</td><td class="num">${money(p.price)}</td>
    <td class="num">${s ? money(s.price) : '—'}</td><td class="num">${s ? `${money(s.low)} – ${money(s.high)}` : '—'}</td>
    <td class="num ${delta === undefined ? '' : delta > 0 ? 'up' : 'down'}">${delta === undefined ? '' : `${delta > 0 ? '+' : ''}${delta.toFixed(0)}%`}</td></tr>`;
}

const spacer = (rows: number): string => `<tr class="spacer" aria-hidden="true"><td colspan="6" style="height:${rows * ROW_HEIGHT}px"></td></tr>`;

/** Renders the rows in view; cheap enough to run on every scroll frame. */
function renderRows(): void {
  const scroller = $('#catalog-scroll');
  // A hidden view has no height yet: render a screenful, the scroll handler does the rest.
  const height = scroller.clientHeight || 900;
  const first = Math.max(0, Math.floor(scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(catalog.length, first + Math.ceil(height / ROW_HEIGHT) + 2 * OVERSCAN);
  const rows: string[] = [];
  for (let i = first; i < last; i++) rows.push(rowHtml(i));
  $('#catalog-body').innerHTML = spacer(first) + rows.join('') + spacer(catalog.length - last);
}

function scheduleRows(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => { scheduled = false; renderRows(); });
}

function renderComparables(): void {
  const panel = $('#comparables');
  const s = suggestions[selected];
  const product = catalog[selected];
  if (!product) { panel.innerHTML = '<h2>Comparables</h2><p class="muted">Suggest prices, then click a product to see the catalog products that justify its price.</p>'; return; }
  if (!s) {
    panel.innerHTML = `<h2>Comparables</h2><p><b id="selected-title">${escape(product.title)}</b></p><p class="muted">${model ? 'Suggesting a price…' : 'Suggest prices to see the catalog products that justify its price.'}</p>`;
    return;
  }
  const units = s.extras?.unitsSold;
  panel.innerHTML = `<h2>Why ${money(s.price)}?</h2><p><b id="selected-title">${escape(product.title)}</b><br>80% range ${money(s.low)} – ${money(s.high)} · confidence ${s.confidence}${s.reason ? ` (${escape(s.reason)})` : ''}</p>
    ${units === undefined ? '' : `<p id="expected-units" class="muted">Products like this sold about ${Math.round(units)} units (the model's second head, learnt from the catalog's unitsSold).</p>`}
    <table><thead><tr><th>Comparable product</th><th class="num">price</th><th class="num">similarity</th></tr></thead><tbody>
    ${s.comparables.map((c) => `<tr><td>${escape(c.title)}</td><td class="num">${money(c.price)}</td><td class="num">${c.similarity.toFixed(2)}</td></tr>`).join('')}</tbody></table>`;
}

/** A click answers from the suggestions in memory; a product whose part has not arrived yet is suggested alone. */
function select(index: number): void {
  selected = index;
  // Only the highlight moves: the rows in view stay as they are.
  document.querySelectorAll('#catalog-body tr.selected').forEach((row) => row.classList.remove('selected'));
  document.querySelector(`#catalog-body tr[data-index="${index}"]`)?.classList.add('selected');
  renderComparables();
  const current = model;
  if (current && !suggestions[index]) {
    void storecast.predictPrice([catalog[index]], { model: current, comparables: 5 }).then(([s]) => {
      if (model !== current) return;
      suggestions[index] ??= s;
      if (selected === index) { renderRows(); renderComparables(); }
    }, (e) => { $('#status').innerHTML = `<span class="error">${escape(describeError(e))}</span>`; });
  }
}

function setupCatalog(): void {
  $('#view-catalog').innerHTML = `
    <div class="toolbar">
      <button class="primary" id="train">Suggest prices</button>
      <button class="secondary" id="cancel" disabled>Cancel</button>
      <progress id="progress" max="1" value="0"></progress>
      <span id="status" class="muted">${catalog.length.toLocaleString('en-US')} products. Prices are learned from your own catalog, in this tab.</span>
    </div>
    <div class="layout">
      <div class="scroll" id="catalog-scroll"><table id="catalog-table"><colgroup><col style="width:31%"><col style="width:17%"><col style="width:10%"><col style="width:12%"><col style="width:20%"><col style="width:10%"></colgroup>
        <thead><tr><th>Product</th><th>Category</th><th class="num">Current</th><th class="num">Suggested</th><th class="num">80% range</th><th class="num">Δ</th></tr></thead><tbody id="catalog-body"></tbody></table></div>
      <div class="panel" id="comparables"></div>
    </div>`;
  $('#catalog-body').addEventListener('click', (event) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('tr[data-index]');
    if (row) select(Number(row.dataset.index));
  });
  $('#catalog-scroll').addEventListener('scroll', scheduleRows, { passive: true });
  $('#train').addEventListener('click', () => void train());
  $('#cancel').addEventListener('click', () => training?.abort());
  renderRows();
  renderComparables();
}

const formatDuration = (ms: number): string => (ms < 60_000 ? `${Math.max(1, Math.round(ms / 1000))} s` : `${Math.round(ms / 60_000)} min`);

async function train(): Promise<void> {
  training = new AbortController();
  const signal = training.signal;
  const status = $('#status');
  const progress = $<HTMLProgressElement>('#progress');
  $<HTMLButtonElement>('#train').disabled = true;
  $<HTMLButtonElement>('#cancel').disabled = false;
  try {
    model?.dispose();
    model = undefined;
    suggestions = [];
    const phases: Record<string, string> = { 'load-encoder': 'Loading the text encoder', embed: 'Reading product texts', features: 'Learning from words', train: 'Training the price model' };
    // Multi-task: when the catalog records units sold, the model learns them next to the price.
    const withUnits = catalog.filter((p) => typeof p.attributes?.unitsSold === 'number').length >= 20;
    const trained = await timed('training', () => storecast.trainPriceModel(catalog, {
      extraTargets: withUnits ? ['unitsSold'] : undefined,
      signal,
      // One bar for the whole training (overall), the current phase and the time left in words.
      onProgress: (p) => { progress.value = p.overall ?? p.fraction; status.textContent = `${phases[p.phase] ?? p.phase}… ${Math.round(100 * p.fraction)}%${p.etaMs === undefined ? '' : ` · about ${formatDuration(p.etaMs)} left`}`; },
    }));
    model = trained;
    await timed('suggestions', async () => {
      for (let start = 0; start < catalog.length; start += SUGGESTION_PART) {
        status.textContent = `Suggesting prices… ${start.toLocaleString('en-US')} of ${catalog.length.toLocaleString('en-US')}`;
        progress.value = start / catalog.length;
        const part = await storecast.predictPrice(catalog.slice(start, start + SUGGESTION_PART), { model: trained, comparables: 5, signal });
        part.forEach((s, k) => { suggestions[start + k] = s; });
        scheduleRows();
        if (selected >= start && selected < start + part.length) renderComparables();
      }
    });
    status.textContent = `Trained on ${trained.metrics.trainedOn.toLocaleString('en-US')} priced products (validation RMSLE ${trained.metrics.validationRmsle.toFixed(2)}). Click a product for its comparables.`;
    select(selected < 0 ? 0 : selected);
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
