import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { useReferenceVectors } from '../use-reference.js';
import { chromiumAvailable, startHarness, stopAll, type Harness } from './harness.js';

const TITLES = ['Wireless optical mouse, 2.4 GHz, black', 'Oak bookcase with five shelves', 'Stainless steel water bottle 750 ml', 'Organic green tea, 100 bags', 'Ergonomic office chair with lumbar support'];
const shop = JSON.parse(readFileSync('demo/data/sample-shop.json', 'utf8')) as { products: Array<{ title: string; price: number }> };

describe.skipIf(!chromiumAvailable)('encoder and price model in headless Chromium', () => {
  let h: Harness;
  let reference: number[][];
  beforeAll(async () => {
    h = await startHarness();
    // The original TF.js model, not this machine's onnxruntime-node: a CPU's integer kernels cannot move the reference.
    reference = (await useReferenceVectors(TITLES)).map((v) => Array.from(v!));
  });
  afterAll(async () => { await h?.close(); await stopAll(); });

  for (const device of ['wasm', 'webgpu'] as const) {
    // wasm runs the integer-compute file, WebGPU the float-compute one.
    const file = device === 'wasm' ? 'model_uint8.onnx' : 'model_quantized.onnx';
    it(`embedText on ${device} (${file}) matches the original USE within 2e-3 cosine, loading only same-origin files`, async () => {
      const page = await h.newPage();
      const vectors: number[][] = await page.evaluate(async ({ titles, device }) => {
        const sc = await window.load('/lib/index.ts');
        return (await sc.embedText(titles, { encoder: { device }, cache: false })).map((v: Float32Array) => Array.from(v)) as number[][];
      }, { titles: TITLES, device });
      await page.close();
      vectors.forEach((v, i) => {
        const cos = v.reduce((a, x, k) => a + x * reference[i][k], 0);
        expect(cos).toBeGreaterThan(1 - 2e-3);
      });
      expect(h.requests.some((u) => u.endsWith(`/models/storecast-use-lite/onnx/${file}`))).toBe(true);
      expect(h.offOrigin).toEqual([]);
    });
  }

  it("env.encoderWorker: the wasm encoder runs in onnxruntime's proxy worker (same origin, same vectors as on the page's thread); off, no such worker", async () => {
    const run = async (encoderWorker: boolean): Promise<{ vectors: number[][]; started: string[] }> => {
      const page = await h.newPage();
      const result: { vectors: number[][]; started: string[] } = await page.evaluate(async ({ titles, encoderWorker }) => {
        // Records the workers the page starts (a Proxy, not a subclass: the page must not need bundler helpers).
        const started: string[] = [];
        window.Worker = new Proxy(window.Worker, { construct(target, args: [string | URL, WorkerOptions?]) { started.push(`${args[1]?.name ?? ''} ${String(args[0])}`); return Reflect.construct(target, args); } });
        const sc = await window.load('/lib/index.ts');
        sc.env.encoderWorker = encoderWorker;
        const vectors = (await sc.embedText(titles, { encoder: { device: 'wasm' }, cache: false })).map((v: Float32Array) => Array.from(v)) as number[][];
        return { vectors, started };
      }, { titles: TITLES, encoderWorker });
      await page.close();
      return result;
    };
    const inWorker = await run(true);
    const onPage = await run(false);
    const proxies = (r: { started: string[] }) => r.started.filter((w) => w.startsWith('ort-wasm-proxy-worker '));
    expect(proxies(inWorker)).toHaveLength(1);
    expect(new URL(proxies(inWorker)[0].split(' ')[1], h.origin).origin).toBe(h.origin);
    expect(proxies(onPage)).toEqual([]);
    inWorker.vectors.forEach((v, i) => v.forEach((x, k) => expect(Math.abs(x - onPage.vectors[i][k])).toBeLessThan(1e-6)));
    expect(h.offOrigin).toEqual([]);
  });

  it('refuses a tampered model file in the browser and stays usable', async () => {
    const page = await h.newPage();
    await page.route('**/storecast-use-lite/onnx/model_uint8.onnx', async (route) => {
      const response = await route.fetch();
      const body = Buffer.from(await response.body());
      body[body.length - 10] ^= 0xff;
      await route.fulfill({ response, body });
    });
    const result = await page.evaluate(async () => {
      const sc = await window.load('/lib/index.ts');
      const error = await sc.embedText(['x'], { cache: false }).then(() => null, (e: { code: string; message: string }) => ({ code: e.code, message: e.message }));
      const forecast = await sc.forecastTrend([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { horizon: 2, model: 'theta' });
      return { error, forecast: forecast.forecast.length };
    });
    await page.close();
    expect(result.error?.code).toBe('MODEL_LOAD_FAILED');
    expect(result.error?.message).toMatch(/Integrity check failed/);
    expect(result.forecast).toBe(2);
  });

  it('names the wasm file and the setting to fix when an app serves its index.html in its place', async () => {
    const page = await h.newPage();
    await page.route('**/wasm/ort-wasm-*', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><html><body>My admin app</body></html>' }));
    const error = await page.evaluate(async () => {
      const sc = await window.load('/lib/index.ts');
      return sc.embedText(['x'], { cache: false, encoder: { device: 'wasm' } }).then(() => null, (e: { code: string; message: string }) => ({ code: e.code, message: e.message }));
    });
    await page.close();
    expect(error?.code).toBe('MODEL_LOAD_FAILED');
    expect(error?.message).toMatch(/\/wasm\/ort-wasm-simd-threaded\.asyncify\.wasm returned an HTML page.*env\.wasmBaseUrl/);
  });

  it('trains and predicts prices in a worker on wasm (with a units-sold head), caches embeddings in IndexedDB, leaks no tensors', async () => {
    const page = await h.newPage();
    const result = await page.evaluate(async (catalog) => {
      const sc = await window.load('/lib/index.ts');
      const storecast = await sc.createStorecast({ worker: true });
      await storecast.init({ backend: 'wasm' });
      const phases = new Set<string>();
      const model = await storecast.trainPriceModel(catalog.slice(0, 120), { epochs: 30, extraTargets: ['unitsSold'], onProgress: (p: { phase: string }) => phases.add(p.phase) });
      await storecast.predictPrice(catalog.slice(120, 125), { model });
      const before = (await storecast.memory()).numTensors;
      const suggestions = await storecast.predictPrice(catalog.slice(120, 140), { model });
      const after = (await storecast.memory()).numTensors;
      await model.save('indexeddb://test-shop');
      const loaded = await storecast.loadPriceModel('indexeddb://test-shop');
      const again = await storecast.predictPrice(catalog.slice(120, 140), { model: loaded });
      const cached = await new Promise<number>((resolve) => {
        const request = indexedDB.open('storecast-embeddings');
        request.onsuccess = () => { const count = request.result.transaction('vectors').objectStore('vectors').count(); count.onsuccess = () => resolve(count.result); };
      });
      storecast.terminate();
      const units = suggestions.map((s: { extras?: { unitsSold: number } }) => s.extras?.unitsSold);
      return { phases: [...phases], before, after, prices: suggestions.map((s: { price: number }) => s.price), again: again.map((s: { price: number }) => s.price), comparables: suggestions[0].comparables.length, cached, units, extraMetric: model.metrics.extraTargets?.[0]?.name };
    }, shop.products);
    await page.close();
    expect(result.phases).toEqual(expect.arrayContaining(['embed', 'features', 'mlp', 'stack']));
    expect(result.after).toBe(result.before);
    expect(result.prices.every((p: number) => p > 0 && Number.isFinite(p))).toBe(true);
    expect(result.again).toEqual(result.prices);
    expect(result.comparables).toBe(5);
    expect(result.units.every((u: number | undefined) => typeof u === 'number' && u > 0)).toBe(true);
    expect(result.extraMetric).toBe('unitsSold');
    expect(result.cached).toBeGreaterThanOrEqual(120);
    expect(h.offOrigin).toEqual([]);
  });

  it('trains and prices in a pool of two workers, embedding across both, answering like a model in one worker', async () => {
    const page = await h.newPage();
    const result = await page.evaluate(async (catalog) => {
      const sc = await window.load('/lib/index.ts');
      const train = catalog.slice(0, 80);
      const query = catalog.slice(120, 130);
      await sc.clearEmbeddingCache();
      const single = await sc.createStorecast({ worker: true });
      const alone = await single.predictPrice(query, { model: await single.trainPriceModel(train, { epochs: 10 }) });
      single.terminate();
      await sc.clearEmbeddingCache();
      const { pool, answers } = await (await window.load('/test/browser/pool-page.ts')).countingPool(sc, 2);
      const model = await pool.trainPriceModel(train, { epochs: 10 });
      const embedded: number[] = [...answers];
      const pooled = await pool.predictPrice(query, { model });
      const afterPredict: number[] = [...answers];
      pool.terminate();
      return { alone: alone.map((s: { price: number }) => s.price), pooled: pooled.map((s: { price: number }) => s.price), embedded, afterPredict };
    }, shop.products);
    await page.close();
    // Each worker encoded a part of the 80 titles; the training worker read the other part from the shared cache.
    expect(result.embedded.every((n: number) => n > 0)).toBe(true);
    expect(result.embedded[0] + result.embedded[1]).toBe(80);
    // The batch to price was embedded across both as well (the second worker holds no model: it only embeds).
    expect(result.afterPredict[1]).toBeGreaterThan(result.embedded[1]);
    // The same model up to noise: the browser's uint8 encoder file quantises activations per batch, so
    // vectors encoded in other batches differ slightly, and training carries that into the prices.
    result.pooled.forEach((p: number, i: number) => expect(Math.abs(p - result.alone[i]) / result.alone[i]).toBeLessThan(0.01));
  });

  it('trains the price head on webgl and webgpu as well (same catalog, finite prices, no leaked tensors)', async () => {
    const page = await h.newPage();
    const result = await page.evaluate(async (catalog) => {
      const sc = await window.load('/lib/index.ts');
      const out: Array<{ backend: string; prices: number[]; leaked: number; epochs: number }> = [];
      for (const backend of ['webgl', 'webgpu']) {
        const info = await sc.init({ backend });
        const tf = await (await window.load('/lib/runtime/index.ts')).loadTf();
        // The encoder stays on wasm: this test is about the TF.js head on each backend.
        const encoder = { device: 'wasm' };
        const model = await sc.trainPriceModel(catalog.slice(0, 60), { epochs: 4, encoder });
        const before = tf.memory().numTensors;
        const suggestions = await sc.predictPrice(catalog.slice(60, 66), { model });
        out.push({ backend: info.backend, prices: suggestions.map((s: { price: number }) => s.price), leaked: tf.memory().numTensors - before, epochs: model.metrics.epochs });
        model.dispose();
      }
      return out;
    }, shop.products);
    await page.close();
    expect(result.map((r) => r.backend)).toEqual(['webgl', 'webgpu']);
    for (const r of result) {
      expect(r.prices.every((p) => Number.isFinite(p) && p > 0)).toBe(true);
      expect(r.leaked).toBe(0);
      expect(r.epochs).toBeGreaterThan(0);
    }
  });
});
