// npm run bench -- browser : speed of the full forecast ensemble, the encoder, the price model and dynamic pricing
// in headless Chromium, per backend (wasm, webgl; WebGPU is SwiftShader here and listed for
// the encoder only).
import { startHarness, stopAll } from '../test/browser/harness.js';
import { largeCatalogCsv } from '../test/large-catalog-csv.js';
import { table } from './results.js';
import { has, readJsonl, readWide } from './data.js';
import { largeCatalog } from './price-data.js';

export async function runBrowserBenchmark(log: (s: string) => void, options: { large?: boolean } = {}): Promise<string> {
  const h = await startHarness();
  const rows: Array<Array<string | number>> = [];
  try {
    if (has('forecast/m4/Hourly-train.csv')) {
      const series = readWide('forecast/m4/Hourly-train.csv').slice(0, 200);
      for (const backend of ['wasm', 'webgl']) {
        const page = await h.newPage();
        const [cold, warm] = await page.evaluate(async ({ series, backend }) => {
          const sc = await window.load('/lib/index.ts');
          await sc.init({ backend });
          const inputs = series.map((values: number[]) => ({ values, frequency: 'hourly' }));
          await sc.forecastTrends(inputs.slice(0, 5), { horizon: 48 }); // warm-up: loads the LSTM
          const rates: number[] = [];
          // The first pass includes the JavaScript engine's optimisation of the statistical code; the second is steady state.
          for (let pass = 0; pass < 2; pass++) {
            const t0 = performance.now();
            await sc.forecastTrends(inputs, { horizon: 48 });
            rates.push(inputs.length / ((performance.now() - t0) / 1000));
          }
          return rates;
        }, { series, backend });
        rows.push([`forecastTrends full ensemble (incl. LSTM), 200 M4 Hourly series, h=48: first call`, backend, `${cold.toFixed(1)} series/s`]);
        rows.push([`forecastTrends full ensemble (incl. LSTM), 200 M4 Hourly series, h=48: second call (steady state)`, backend, `${warm.toFixed(1)} series/s`]);
        log(`browser forecast ${backend}: ${cold.toFixed(1)} / ${warm.toFixed(1)} series/s`);
        await page.close();
      }
      // The same work through createStorecast({ workers: 'auto' }): one worker per core (2 here), the list split across them.
      const page = await h.newPage();
      const pool = await page.evaluate(async (series) => {
        const sc = await window.load('/lib/index.ts');
        const storecast = await sc.createStorecast({ workers: 'auto' });
        await storecast.init({ backend: 'wasm' });
        const inputs = series.map((values: number[]) => ({ values, frequency: 'hourly' }));
        await storecast.forecastTrends(inputs.slice(0, 10), { horizon: 48 }); // warm-up: each worker loads the LSTM
        const rates: number[] = [];
        for (let pass = 0; pass < 2; pass++) {
          const t0 = performance.now();
          await storecast.forecastTrends(inputs, { horizon: 48 });
          rates.push(inputs.length / ((performance.now() - t0) / 1000));
        }
        storecast.terminate();
        return { rates, workers: navigator.hardwareConcurrency };
      }, series);
      const label = `forecastTrends full ensemble (incl. LSTM), 200 M4 Hourly series, h=48, createStorecast({ workers: 'auto' }) = ${Math.min(4, pool.workers)} workers`;
      rows.push([`${label}: first call`, 'wasm', `${pool.rates[0].toFixed(1)} series/s`]);
      rows.push([`${label}: second call (steady state)`, 'wasm', `${pool.rates[1].toFixed(1)} series/s`]);
      log(`browser forecast wasm, ${Math.min(4, pool.workers)} workers: ${pool.rates.map((r) => r.toFixed(1)).join(' / ')} series/s`);
      await page.close();
    }
    const titles = has('price/benchmark/amazon_india/train.jsonl') ? readJsonl('price/benchmark/amazon_india/train.jsonl').map((p) => p.title) : [];
    // WebGPU is timed only on a hardware adapter: on SwiftShader (this machine) it measures the emulator.
    const gpu = await h.page.evaluate(async () => {
      const adapter = await (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: { architecture?: string; vendor?: string } } | null> } }).gpu?.requestAdapter();
      return adapter ? `${adapter.info?.vendor ?? ''} ${adapter.info?.architecture ?? ''}`.trim() : 'none';
    });
    const software = /swiftshader|llvmpipe|none/i.test(gpu);
    if (software) rows.push(['embedText on webgpu', `adapter: ${gpu}`, 'not timed (software GPU)']);
    // wasm with one onnxruntime thread and with env.encoderThreads 'auto' (the default: min(4, cores) on
    // this cross-origin isolated page). Batch 32 twice over the same titles: V8 runs wasm on its baseline
    // compiler until the hot functions are optimised, so the first pass includes that warm-up.
    for (const [device, threads] of (software ? [['wasm', 1], ['wasm', 'auto']] : [['wasm', 1], ['wasm', 'auto'], ['webgpu', 1]]) as Array<[string, number | 'auto']>) {
      if (!titles.length) break;
      const page = await h.newPage();
      const result = await page.evaluate(async ({ titles, device, threads }) => {
        const sc = await window.load('/lib/index.ts');
        sc.env.encoderThreads = threads;
        const encoder = { device };
        await sc.embedText(['warm up'], { encoder, cache: false });
        let t0 = performance.now();
        for (const t of titles.slice(0, 32)) await sc.embedText([t], { encoder, cache: false, batchSize: 1 });
        const single = (performance.now() - t0) / 32;
        t0 = performance.now();
        await sc.embedText(titles.slice(32, 288), { encoder, cache: false, batchSize: 32 });
        const batched = (performance.now() - t0) / 256;
        t0 = performance.now();
        await sc.embedText(titles.slice(32, 288), { encoder, cache: false, batchSize: 32 });
        const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
        return { single, batched, steady: (performance.now() - t0) / 256, threads: threads === 'auto' ? (isolated ? Math.min(4, navigator.hardwareConcurrency) : 1) : threads };
      }, { titles, device, threads });
      const label = device === 'wasm' ? `wasm, ${result.threads} thread${result.threads > 1 ? 's' : ''}${threads === 'auto' ? ' (encoderThreads auto)' : ''}` : device;
      rows.push(['embedText, ms per title, batch 1', label, result.single.toFixed(1)]);
      rows.push(['embedText, ms per title, batch 32 (first pass)', label, `${result.batched.toFixed(1)} (${(1000 / result.batched).toFixed(0)} titles/s)`]);
      rows.push(['embedText, ms per title, batch 32 (second pass, same titles)', label, `${result.steady.toFixed(1)} (${(1000 / result.steady).toFixed(0)} titles/s)`]);
      log(`browser encoder ${label}: ${JSON.stringify(result)}`);
      await page.close();
    }
    const catalogs = ['amazon_india', 'superstore'].filter((name) => has(`price/benchmark/${name}/train.jsonl`));
    if (catalogs.length) {
      // Throughput depends on title length (tokens per title): each catalog's titles after a warm-up
      // of 768 titles, so V8 has optimised the encoder's wasm (the passes above include that tier-up).
      const sets = Object.fromEntries(catalogs.map((name) => [name, readJsonl(`price/benchmark/${name}/train.jsonl`).map((p) => p.title).slice(0, 512)]));
      const page = await h.newPage();
      const result = await page.evaluate(async (sets) => {
        const sc = await window.load('/lib/index.ts');
        sc.env.encoderThreads = 1;
        const options = { encoder: { device: 'wasm' }, cache: false, batchSize: 32 };
        const all = Object.values(sets).flat();
        await sc.embedText(all.slice(0, 768), options);
        const rates: Record<string, number> = {};
        for (const [name, titles] of Object.entries(sets)) {
          const t0 = performance.now();
          await sc.embedText(titles, options);
          rates[name] = titles.length / ((performance.now() - t0) / 1000);
        }
        return rates;
      }, sets);
      for (const name of catalogs) {
        const words = sets[name].reduce((a, t) => a + t.trim().split(/\s+/).length, 0) / sets[name].length;
        rows.push([`embedText, batch 32, after a warm-up of 768 titles: ${name} titles (512, ${words.toFixed(1)} words each on average)`, 'wasm, 1 thread', `${result[name].toFixed(0)} titles/s`]);
      }
      log(`browser encoder by catalog: ${JSON.stringify(result)}`);
      await page.close();
    }
    if (titles.length) {
      // The same batched work through createStorecast({ workers: 'auto' }): the titles split across one
      // worker per core, each encoder with its share of the cores (1 thread each here).
      const page = await h.newPage();
      const result = await page.evaluate(async (titles) => {
        const sc = await window.load('/lib/index.ts');
        const pool = await sc.createStorecast({ workers: 'auto' });
        const options = { encoder: { device: 'wasm' }, cache: false, batchSize: 32 };
        // Warm-up on other titles: each worker loads the encoder and V8 optimises its wasm code (per worker).
        await pool.embedText(titles.slice(288, 544), options);
        const passes: number[] = [];
        for (let pass = 0; pass < 2; pass++) {
          const t0 = performance.now();
          await pool.embedText(titles.slice(32, 288), options);
          passes.push((performance.now() - t0) / 256);
        }
        pool.terminate();
        return { passes, workers: Math.min(4, navigator.hardwareConcurrency) };
      }, titles);
      const label = `wasm, createStorecast({ workers: 'auto' }) = ${result.workers} workers`;
      rows.push(['embedText, ms per title, batch 32 (first pass over these titles, after a warm-up pass over 256 others)', label, `${result.passes[0].toFixed(1)} (${(1000 / result.passes[0]).toFixed(0)} titles/s)`]);
      rows.push(['embedText, ms per title, batch 32 (second pass, same titles)', label, `${result.passes[1].toFixed(1)} (${(1000 / result.passes[1]).toFixed(0)} titles/s)`]);
      log(`browser encoder ${label}: ${JSON.stringify(result)}`);
      await page.close();
    }
    if (has('price/benchmark/amazon_india/train.jsonl')) {
      const seen = new Set<string>();
      const catalog = readJsonl('price/benchmark/amazon_india/train.jsonl').filter((p) => !seen.has(p.id!) && seen.add(p.id!));
      const test = readJsonl('price/benchmark/amazon_india/test.jsonl');
      // TF.js wasm single-threaded (the default), wasm with env.wasmThreads (uses both cores; needs cross-origin isolation, which this server sends), webgl.
      // The text encoder runs with env.encoderThreads 'auto' in every row (min(4, cores) threads on this isolated page).
      // The last row runs the encoder on the page's thread (env.encoderWorker false), as before it had its own worker.
      for (const [backend, threads, encoderWorker] of [['wasm', false, true], ['wasm', true, true], ['webgl', false, true], ['wasm', false, false]] as const) {
        const page = await h.newPage();
        const result = await page.evaluate(async ({ catalog, test, backend, threads, encoderWorker }) => {
          const sc = await window.load('/lib/index.ts');
          sc.env.wasmThreads = threads;
          sc.env.encoderWorker = encoderWorker;
          await sc.init({ backend });
          await sc.clearEmbeddingCache();
          // The encoder is loaded once per page (a dashboard does it at start-up): timed on its own.
          let t0 = performance.now();
          await sc.embedText(['warm up'], { cache: false });
          const encoderLoadMs = performance.now() - t0;
          t0 = performance.now();
          // Seconds from the start of training to each phase's first and last report: where the time goes (the embedding overlaps the text members).
          const phases: Record<string, [number, number]> = {};
          // A method, not an arrow assigned to a key: the bundler would wrap a named arrow in a helper the page lacks (__name).
          const trained = await sc.trainPriceModel(catalog, { onProgress(p: { phase: string }) { const at = (performance.now() - t0) / 1000; phases[p.phase] ??= [at, at]; phases[p.phase][1] = at; } });
          const trainMs = performance.now() - t0;
          t0 = performance.now();
          await sc.predictPrice(test, { model: trained });
          return { encoderLoadMs, trainMs, phases, perSecond: test.length / ((performance.now() - t0) / 1000), products: catalog.length, threads: sc.runtimeInfo().wasmThreads };
        }, { catalog, test, backend, threads, encoderWorker });
        const label = `${backend}${threads ? ' + env.wasmThreads' : ''}${encoderWorker ? '' : ', env.encoderWorker false'}`;
        rows.push(['text encoder load (once per page: fetch, sha256 check, onnxruntime-web compile)', label, `${(result.encoderLoadMs / 1000).toFixed(1)} s`]);
        // Each phase's span, first to last report, in seconds from the start.
        const split = Object.entries(result.phases).sort((a, b) => a[1][0] - b[1][0]).map(([phase, [from, to]]) => `${phase} ${from.toFixed(1)}–${to.toFixed(1)}`).join(', ');
        rows.push([`trainPriceModel on ${result.products} amazon_india products (encoder loaded, cold embedding cache)`, label, `${(result.trainMs / 1000).toFixed(1)} s (${split})`]);
        rows.push(['predictPrice', label, `${result.perSecond.toFixed(0)} predictions/s`]);
        log(`browser price ${label}: ${JSON.stringify(result)}`);
        await page.close();
      }
      // The same through createStorecast({ workers: 'auto' }): the catalog is embedded across the workers, the first trains and predicts.
      const page = await h.newPage();
      const result = await page.evaluate(async ({ catalog, test }) => {
        const sc = await window.load('/lib/index.ts');
        const pool = await sc.createStorecast({ workers: 'auto' });
        await pool.init({ backend: 'wasm' });
        await sc.clearEmbeddingCache();
        await pool.embedText(['warm up', 'warm up too'], { cache: false }); // one text per worker: each loads the encoder
        let t0 = performance.now();
        const model = await pool.trainPriceModel(catalog);
        const trainMs = performance.now() - t0;
        t0 = performance.now();
        await pool.predictPrice(test, { model });
        const perSecond = test.length / ((performance.now() - t0) / 1000);
        pool.terminate();
        return { trainMs, perSecond, products: catalog.length, workers: Math.min(4, navigator.hardwareConcurrency) };
      }, { catalog, test });
      const label = `wasm, createStorecast({ workers: 'auto' }) = ${result.workers} workers`;
      rows.push([`trainPriceModel on ${result.products} amazon_india products (encoder loaded, cold embedding cache)`, label, `${(result.trainMs / 1000).toFixed(1)} s`]);
      rows.push(['predictPrice', label, `${result.perSecond.toFixed(0)} predictions/s`]);
      log(`browser price ${label}: ${JSON.stringify(result)}`);
      await page.close();
    }
    // 30,000 products (the Node price bench's synthetic variants of every catalog) in the page, defaults (wasm, encoder worker):
    // the time, where it goes, and the ETA at each tenth of the time next to the time actually left.
    if (options.large && has('price/benchmark/amazon_india/train.jsonl')) {
      const page = await h.newPage();
      const result = await page.evaluate(async ({ catalog }) => {
        const sc = await window.load('/lib/index.ts');
        await sc.init({ backend: 'wasm' });
        await sc.clearEmbeddingCache();
        await sc.embedText(['warm up'], { cache: false });
        const t0 = performance.now();
        const etas: Array<[number, number]> = [];
        const phases: Record<string, [number, number]> = {};
        const model = await sc.trainPriceModel(catalog, { onProgress(p: { phase: string; etaMs?: number }) { const at = performance.now() - t0; phases[p.phase] ??= [at, at]; phases[p.phase][1] = at; if (p.etaMs !== undefined) etas.push([at, p.etaMs]); } });
        const trainMs = performance.now() - t0;
        model.dispose();
        const tenths = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map((f) => etas.find(([at]) => at >= f * trainMs)).filter((e): e is [number, number] => !!e);
        return { trainMs, phases, products: catalog.length, etaErrors: tenths.map(([at, eta]) => (eta - (trainMs - at)) / (trainMs - at)) };
      }, { catalog: largeCatalog(30_000) });
      const split = Object.entries(result.phases).sort((a, b) => a[1][0] - b[1][0]).map(([phase, [from, to]]) => `${phase} ${(from / 1000).toFixed(0)}–${(to / 1000).toFixed(0)}`).join(', ');
      const errors = result.etaErrors.map((e) => `${e > 0 ? '+' : ''}${(100 * e).toFixed(0)}%`).join(' ');
      rows.push([`trainPriceModel on ${result.products} products (synthetic variants of every price catalog, as the Node row; encoder loaded, cold embedding cache)`, 'wasm', `${(result.trainMs / 1000).toFixed(0)} s (${split}); ETA at each tenth of the time vs the time actually left: ${errors}`]);
      log(`browser price 30k: ${JSON.stringify(result)}`);
      await page.close();
    } else rows.push(['trainPriceModel on 30,000 products', 'wasm', 'not run (npm run bench -- browser --large)']);
    // Dynamic pricing is plain JavaScript (no TF.js): the same code on every backend.
    {
      const page = await h.newPage();
      const result = await page.evaluate(async () => {
        const sc = await window.load('/lib/index.ts');
        const { simulateDemand } = await window.load('/test/pricing-sim.ts');
        const sim = simulateDemand({ products: 1000, weeks: 104, groups: 10, seed: 3 });
        let t0 = performance.now();
        const demand = await sc.fitDemand(sim.observations, { frequency: 'weekly', groups: sim.groups, holidays: sim.holidays });
        const fitMs = performance.now() - t0;
        const products = sim.products.slice(0, 100);
        t0 = performance.now();
        for (const p of products) await sc.optimizePrice(demand, { product: p.product, cost: p.basePrice * 0.6, maxChange: 0.2 });
        return { fitMs, optimizeMs: (performance.now() - t0) / products.length, rows: sim.observations.length };
      });
      rows.push([`fitDemand, 1,000 products × 104 weeks (${result.rows} rows, simulated)`, 'main thread', `${(result.fitMs / 1000).toFixed(1)} s`]);
      rows.push(['optimizePrice, per product (61 candidate prices)', 'main thread', `${result.optimizeMs.toFixed(1)} ms`]);
      log(`browser pricing: ${JSON.stringify(result)}`);
      await page.close();
    }
    {
      // The demo with a 30,000-row catalog (the sample shop's products as numbered variants), imported
      // as a merchant would: a row click answers from memory and renders the rows in view only.
      const page = await h.newPage('/demo/');
      await page.setViewportSize({ width: 1280, height: 900 });
      const { csv } = largeCatalogCsv(30_000);
      await page.click('nav button[data-view=import]');
      await page.setInputFiles('#csv-file', { name: 'large.csv', mimeType: 'text/csv', buffer: csv });
      await page.click('#use-csv');
      await page.waitForFunction(() => /Loaded 30000/.test(document.getElementById('import-result')?.textContent ?? ''));
      await page.click('nav button[data-view=catalog]');
      const clicks = await page.evaluate(async () => {
        const scroller = document.getElementById('catalog-scroll')!;
        // The demo's own row height (demo/main.ts ROW_HEIGHT), read from a rendered row.
        const rowHeight = document.querySelector<HTMLElement>('#catalog-body tr[data-index]')!.offsetHeight;
        const times: number[] = [];
        for (let k = 0; k < 25; k++) {
          const index = Math.floor(((k * 7919) % 30_000));
          scroller.scrollTop = index * rowHeight;
          await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
          await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
          const row = document.querySelector<HTMLElement>(`#catalog-body tr[data-index="${index}"]`)!;
          const t0 = performance.now();
          row.click();
          // Layout forced: the answer is on screen at the next paint.
          void document.getElementById('selected-title')!.offsetHeight;
          times.push(performance.now() - t0);
        }
        return { times: times.sort((a, b) => a - b), rowsInPage: document.querySelectorAll('#catalog-body tr[data-index]').length };
      });
      rows.push(['demo, 30,000-product catalog: row click to comparables panel laid out (median / max of 25, no model: the panel names the product)', 'main thread', `${clicks.times[12].toFixed(1)} / ${clicks.times[24].toFixed(1)} ms (${clicks.rowsInPage} rows in the page)`]);
      log(`browser demo 30k: ${JSON.stringify(clicks)}`);
      await page.close();
    }
  } finally {
    await h.close();
    await stopAll();
  }
  return table(['what', 'backend / device', 'result'], rows);
}
