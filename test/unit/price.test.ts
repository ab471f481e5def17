import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainPriceModel, predictPrice, loadPriceModel, rmsle, StorecastError, type Product, type PriceModel } from '../../lib/index.js';
import { loadTf } from '../../lib/runtime/index.js';
import { withEditedManifest } from '../helpers.js';

// The demo's sample shop (derived from the MIT Superstore data, committed): real titles and prices.
const shop = JSON.parse(readFileSync(new URL('../../demo/data/sample-shop.json', import.meta.url), 'utf8')) as { products: Product[] };
const products = shop.products;

async function errorOf(p: Promise<unknown>): Promise<StorecastError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(StorecastError);
  return e as StorecastError;
}

describe('trainPriceModel / predictPrice on the sample shop', () => {
  let model: PriceModel;
  const train = products.filter((_, i) => i % 5 !== 0);
  const test = products.filter((_, i) => i % 5 === 0);

  it('learns prices better than the category median, with honest ranges and comparables, without leaking tensors', async () => {
    const tf = await loadTf();
    const phases = new Set<string>();
    model = await trainPriceModel(train, { onProgress: (p) => phases.add(p.phase) });
    expect([...phases]).toEqual(expect.arrayContaining(['embed', 'features', 'ridge', 'mlp', 'neighbours', 'stack']));
    expect(model.metrics.trainedOn).toBe(train.length);
    const before = tf.memory().numTensors;
    const suggestions = await predictPrice(test, { model, comparables: 3 });
    expect(tf.memory().numTensors).toBe(before);
    const actual = test.map((p) => p.price!);
    const ours = rmsle(actual, suggestions.map((s) => s.price));
    const byCategory = new Map<string, number[]>();
    for (const p of train) byCategory.set(p.category!, [...(byCategory.get(p.category!) ?? []), p.price!]);
    const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
    const baseline = rmsle(actual, test.map((p) => median(byCategory.get(p.category!) ?? [10])));
    expect(ours).toBeLessThan(baseline);
    const covered = suggestions.filter((s, i) => actual[i] >= s.low && actual[i] <= s.high).length / test.length;
    expect(covered).toBeGreaterThan(0.6);
    for (const s of suggestions) {
      expect(Number.isFinite(s.price) && s.low <= s.price && s.price <= s.high).toBe(true);
      expect(s.comparables).toHaveLength(3);
      expect(s.comparables[0].similarity).toBeGreaterThanOrEqual(s.comparables[2].similarity);
      expect(['high', 'medium', 'low']).toContain(s.confidence);
      expect(Array.isArray(s.warnings)).toBe(true);
    }
    // Per-product ranges: not one width for all.
    const widths = new Set(suggestions.map((s) => Math.log(s.high / s.low).toFixed(2)));
    expect(widths.size).toBeGreaterThan(5);
  });

  it('saves to a file and loads back with identical predictions', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'storecast-price-')), 'model.storecast');
    await model.save(file);
    const loaded = await loadPriceModel(file);
    const a = await predictPrice(test.slice(0, 5), { model });
    const b = await predictPrice(test.slice(0, 5), { model: loaded });
    expect(b.map((s) => s.price)).toEqual(a.map((s) => s.price));
    expect(loaded.encoderId).toBe(model.encoderId);
    loaded.dispose();
  });

  it('refuses a model saved in an older format with a clear message', async () => {
    const bytes = await model.toBytes();
    const magic = 'STORECAST-PRICE\n'.length;
    const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(magic, true);
    const manifest = JSON.parse(new TextDecoder().decode(bytes.subarray(magic + 4, magic + 4 + length)));
    manifest.version = 1;
    const json = new TextEncoder().encode(JSON.stringify(manifest));
    const old = new Uint8Array(magic + 4 + json.length);
    old.set(bytes.subarray(0, magic));
    new DataView(old.buffer).setUint32(magic, json.length, true);
    old.set(json, magic + 4);
    const error = await errorOf(loadPriceModel(old));
    expect(error.code).toBe('MODEL_LOAD_FAILED');
    expect(error.message).toMatch(/version 1 price model; this storecast reads version 5.*Retrain/);
  });

  it('refuses a model saved with another encoder, and corrupt files', async () => {
    const bytes = await model.toBytes();
    // Rewrite the manifest's encoder id, keeping the binary part intact (the format: magic, uint32 length, JSON, blobs).
    const forged = withEditedManifest(bytes, (manifest) => { manifest.encoderId = 'another-encoder@0123456789ab'; });
    const { writeFileSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'storecast-price-'));
    writeFileSync(join(dir, 'forged.storecast'), forged);
    expect((await errorOf(loadPriceModel(join(dir, 'forged.storecast')))).code).toBe('MODEL_MISMATCH');
    writeFileSync(join(dir, 'corrupt.storecast'), bytes.slice(0, 200));
    expect((await errorOf(loadPriceModel(join(dir, 'corrupt.storecast')))).code).toBe('MODEL_LOAD_FAILED');
  });

  it('rejects bad catalogs and bad calls with clear errors', async () => {
    const ok = products.slice(0, 25);
    expect((await errorOf(trainPriceModel([]))).message).toMatch(/empty/);
    expect((await errorOf(trainPriceModel(ok.slice(0, 19)))).message).toMatch(/at least 20/);
    expect((await errorOf(trainPriceModel([...ok, { title: 'x', price: 0 }]))).message).toMatch(/not a positive/);
    expect((await errorOf(trainPriceModel([...ok, { title: 'x', price: NaN }]))).message).toMatch(/not a positive/);
    expect((await errorOf(trainPriceModel([...ok, { title: 'x', price: '12' as unknown as number }]))).message).toMatch(/price is a string/);
    expect((await errorOf(trainPriceModel([...ok, { ...ok[0] }]))).message).toMatch(/duplicate id/);
    expect((await errorOf(trainPriceModel([...ok, { price: 3 } as unknown as Product]))).message).toMatch(/title/);
    expect((await errorOf(trainPriceModel([...ok, { title: 'x', colour: 'red' } as unknown as Product]))).message).toMatch(/unknown field/);
    expect((await errorOf(trainPriceModel([...ok, { title: 'x', attributes: { size: { w: 1 } } } as unknown as Product]))).message).toMatch(/attribute 'size'/);
    expect((await errorOf(trainPriceModel(new Array(100_000).fill(ok[0])))).message).toMatch(/limit/);
    expect((await errorOf(predictPrice({ title: 'x' }, {} as never))).code).toBe('NOT_TRAINED');
    expect((await errorOf(predictPrice({ title: '' }, { model }))).code).toBe('INVALID_INPUT');
    const aborted = new AbortController();
    aborted.abort();
    expect((await errorOf(trainPriceModel(ok, { signal: aborted.signal }))).code).toBe('ABORTED');
  });

  it('skips unpriced products and predicts for a huge description', async () => {
    const m = await trainPriceModel([...products.slice(0, 60), { title: 'Unpriced stapler' }], { epochs: 5 });
    expect(m.metrics.skippedUnpriced).toBe(1);
    const s = await predictPrice({ title: 'Heavy duty stapler', description: 'staples '.repeat(20_000) }, { model: m });
    expect(Number.isFinite(s.price) && s.price > 0).toBe(true);
    m.dispose();
    model.dispose();
  });
});

describe('multi-task heads (extraTargets)', () => {
  const train = products.filter((_, i) => i % 5 !== 0);
  const test = products.filter((_, i) => i % 5 === 0);
  const units = (p: Product): number => p.attributes!.unitsSold as number;

  it('learns units sold next to the price, predicts it, and no longer reads it as an input', async () => {
    const model = await trainPriceModel(train, { extraTargets: ['unitsSold'] });
    const [metric] = model.metrics.extraTargets!;
    expect(metric.name).toBe('unitsSold');
    expect(Number.isFinite(metric.validationRmse)).toBe(true);
    const suggestions = await predictPrice(test, { model });
    const predicted = suggestions.map((s) => s.extras!.unitsSold);
    expect(predicted.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    // Better than the catalog's mean units for every product (RMSLE on the held-out fifth).
    const meanUnits = train.reduce((a, p) => a + units(p), 0) / train.length;
    expect(rmsle(test.map(units), predicted)).toBeLessThan(rmsle(test.map(units), test.map(() => meanUnits)));
    // A target is an outcome: changing it on the input changes nothing.
    const changed = await predictPrice({ ...test[0], attributes: { ...test[0].attributes, unitsSold: 99_999 } }, { model });
    expect(changed.price).toBe(suggestions[0].price);
    // Saved and loaded, the extra head comes back.
    const file = join(mkdtempSync(join(tmpdir(), 'storecast-mt-')), 'm.storecast');
    await model.save(file);
    const back = await loadPriceModel(file);
    expect((await predictPrice(test[1], { model: back })).extras).toEqual(suggestions[1].extras);
    back.dispose();
    model.dispose();
  });

  it('refuses extra targets that are not numeric attributes of the catalog', async () => {
    expect((await errorOf(trainPriceModel(train, { extraTargets: ['rating'] }))).message).toMatch(/extra target 'rating'/);
    expect((await errorOf(trainPriceModel(train, { extraTargets: ['unitsSold', 'unitsSold'] }))).message).toMatch(/distinct/);
    expect((await errorOf(trainPriceModel(train, { extraTargets: 'unitsSold' as unknown as string[] }))).message).toMatch(/distinct/);
  });
});

describe('honest suggestions for the catalog\'s own products, comparables that explain, confidence', () => {
  const catalog = products.slice(0, 200);

  it('never lets a catalog product see its own price, and never lists it as its own comparable', async () => {
    // One product's price is absurd (×1000): its own suggestion must not follow it.
    const target = catalog[7];
    const poisoned = catalog.map((p) => (p.id === target.id ? { ...p, price: p.price! * 1000 } : p));
    const model = await trainPriceModel(poisoned);
    const [byId, byTitle] = await predictPrice([{ ...target, price: undefined }, { title: target.title, category: target.category }], { model, comparables: 5 });
    for (const s of [byId, byTitle]) {
      expect(s.price).toBeLessThan(target.price! * 20);
      expect(s.comparables.some((c) => c.id === target.id || c.title === target.title)).toBe(false);
      expect(s.warnings.map((w) => w.code)).toContain('CATALOG_PRODUCT');
    }
    // A product with a new id but the same title (a duplicate listing) is the same product.
    const twin = await predictPrice({ ...target, id: 'new-listing' }, { model });
    expect(twin.comparables.some((c) => c.title === target.title)).toBe(false);
    // An id that comes back with another title names another product (catalogs reuse ids): answered like a new one.
    const reused = await predictPrice({ id: target.id, title: 'Ceramic coffee mug, 350 ml', category: target.category }, { model });
    expect(reused.warnings.map((w) => w.code)).not.toContain('CATALOG_PRODUCT');
    model.dispose();
  });

  it('flags a product in an unseen script with low confidence, a reason, a warning and a wider range', async () => {
    const model = await trainPriceModel(catalog);
    const [latin, chinese] = await predictPrice([
      { title: 'Xerox copy paper, 500 sheets', category: 'Office Supplies > Paper' },
      { title: '无线蓝牙耳机 降噪 长续航', category: 'Technology > Accessories' },
    ], { model });
    expect(chinese.confidence).toBe('low');
    expect(chinese.reason).toMatch(/Han script/);
    expect(chinese.warnings.map((w) => w.code)).toContain('UNLIKE_CATALOG');
    expect(Math.log(chinese.high / chinese.low)).toBeGreaterThan(Math.log(latin.high / latin.low));
    expect(latin.confidence).not.toBe('low');
    model.dispose();
  });

  it('says so when the runtime cannot split a Chinese title into words (no Intl.Segmenter), and only then', async () => {
    const model = await trainPriceModel(catalog);
    const product = { title: '无线蓝牙耳机降噪长续航', category: 'Technology > Accessories' };
    expect((await predictPrice(product, { model })).warnings.map((w) => w.code)).not.toContain('TEXT_NOT_SEGMENTED');
    const segmenter = Intl.Segmenter;
    try {
      Object.defineProperty(Intl, 'Segmenter', { value: undefined, configurable: true, writable: true });
      const suggestion = await predictPrice(product, { model });
      expect(suggestion.warnings.find((w) => w.code === 'TEXT_NOT_SEGMENTED')?.message).toMatch(/Intl\.Segmenter/);
      expect(Number.isFinite(suggestion.price)).toBe(true);
      const latin = await predictPrice({ title: 'Xerox copy paper, 500 sheets' }, { model });
      expect(latin.warnings.map((w) => w.code)).not.toContain('TEXT_NOT_SEGMENTED');
    } finally {
      Object.defineProperty(Intl, 'Segmenter', { value: segmenter, configurable: true, writable: true });
      model.dispose();
    }
  });

  it('beats the category median with only 50 products (small catalogs fall back, never worse)', async () => {
    const small = products.filter((_, i) => i % 8 === 1).slice(0, 50);
    const test = products.filter((_, i) => i % 8 === 4);
    const model = await trainPriceModel(small);
    const suggestions = await predictPrice(test, { model });
    const byCategory = new Map<string, number[]>();
    for (const p of small) byCategory.set(p.category!, [...(byCategory.get(p.category!) ?? []), p.price!]);
    const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
    const all = median(small.map((p) => p.price!));
    const actual = test.map((p) => p.price!);
    const baseline = rmsle(actual, test.map((p) => median(byCategory.get(p.category!) ?? [all])));
    expect(rmsle(actual, suggestions.map((s) => s.price))).toBeLessThan(baseline);
    expect(suggestions.every((s) => Number.isFinite(s.low) && Number.isFinite(s.high) && s.low > 0)).toBe(true);
    model.dispose();
  });
});

describe('local and worker price models are interchangeable', () => {
  it('expose the same methods, and every worker-side model method has a handler', async () => {
    const { PriceModelImpl } = await import('../../lib/price/model.js');
    const { HandlePriceModel } = await import('../../lib/worker/index.js');
    const { operations, PRICE_MODEL_METHODS } = await import('../../lib/worker/operations.js');
    const publicMethods = (proto: object): string[] => Object.getOwnPropertyNames(proto).filter((name) => name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(proto, name)?.value === 'function').sort();
    const getters = (proto: object): string[] => Object.getOwnPropertyNames(proto).filter((name) => Object.getOwnPropertyDescriptor(proto, name)?.get).sort();
    expect(publicMethods(HandlePriceModel.prototype)).toEqual(publicMethods(PriceModelImpl.prototype));
    expect(getters(HandlePriceModel.prototype)).toEqual(getters(PriceModelImpl.prototype));
    // Every PriceModel method of the local model is served by a worker operation of the one typed table.
    expect(Object.keys(PRICE_MODEL_METHODS).sort()).toEqual(publicMethods(PriceModelImpl.prototype));
    for (const method of [...Object.values(PRICE_MODEL_METHODS), 'trainPriceModel', 'loadPriceModel'] as const) expect(typeof operations[method]).toBe('function');
  });

  it('predictPrice delegates to model.predict, so a worker-backed model works with it too', async () => {
    const calls: unknown[][] = [];
    const fake = { encoderId: 'x', metrics: {} as never, createdAt: '', save: async () => {}, toBytes: async () => new Uint8Array(), dispose: () => {}, predict: async (list: Product[], o?: { comparables?: number }) => { calls.push([list, o?.comparables]); return list.map(() => ({ price: 1, low: 1, high: 1, confidence: 'high' as const, comparables: [], warnings: [] })); } };
    const s = await predictPrice({ title: 'Stapler' }, { model: fake, comparables: 2 });
    expect(s.price).toBe(1);
    expect(calls).toEqual([[[{ title: 'Stapler' }], 2]]);
  });
});
