import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { trainPriceModel, predictPrice, loadPriceModel, rmsle, StorecastError, type Product } from '../../lib/index.js';
import { loadTf } from '../../lib/runtime/index.js';
import { MEMBER_NAMES, NEAR_DUPLICATE, adjustedNeighbourEstimate, keepNearDuplicatePrices } from '../../lib/price/members.js';
import { chooseStacker } from '../../lib/price/stack.js';
import type { PriceModelImpl } from '../../lib/price/model.js';
import { encoderCoverages, featurize, fitFeaturizer, sparseDimension } from '../../lib/price/featurizer.js';
import { rankCandidates } from '../../lib/price/neighbours.js';
import { fitRidge, predictRidge } from '../../lib/price/ridge.js';
import { withEditedManifest } from '../helpers.js';

// The demo's sample shop (derived from the MIT Superstore data, committed): real titles and prices.
const shop = JSON.parse(readFileSync(new URL('../../demo/data/sample-shop.json', import.meta.url), 'utf8')) as { products: Product[] };
const products = shop.products;
const ADJUSTED = MEMBER_NAMES.indexOf('ridge-adjusted neighbours');
const NEIGHBOURS = MEMBER_NAMES.indexOf('neighbours');
const member = (model: PriceModelImpl, row: number, j: number): number => model.state.catalog.outOfFold[row * MEMBER_NAMES.length + j];
/** The model with its stacker replaced by one member alone: what that member suggests at prediction time. */
const alone = (model: PriceModelImpl, j: number): void => { model.state.stacker = { name: MEMBER_NAMES[j], weights: MEMBER_NAMES.map((_, k) => (k === j ? 1 : 0)), intercept: 0 }; };

describe('ridge-adjusted neighbours member', () => {
  const train = products.filter((_, i) => i % 5 !== 0);
  const test = products.filter((_, i) => i % 5 === 0);

  it('moves each neighbour\'s price by the difference the ridge predicts, with the neighbour weights', () => {
    const logPrices = [Math.log1p(10), Math.log1p(40)];
    const neighbours = [{ index: 0, similarity: 0.9 }, { index: 1, similarity: 0.9 }];
    // Equal similarity: the mean of (price + difference) over both neighbours.
    expect(adjustedNeighbourEstimate(neighbours, logPrices, (j) => (j === 0 ? 0.5 : -0.5), 0)).toBeCloseTo((logPrices[0] + 0.5 + logPrices[1] - 0.5) / 2, 12);
    // No difference: the plain neighbour estimate; no neighbours: the fallback.
    expect(adjustedNeighbourEstimate([neighbours[0]], logPrices, () => 0, 0)).toBe(logPrices[0]);
    expect(adjustedNeighbourEstimate([], logPrices, () => 1, 2.5)).toBe(2.5);
  });

  it('takes a near-duplicate neighbour\'s price as it is, and moves the others by the ridge', () => {
    const candidates = [{ index: 0, lexical: NEAR_DUPLICATE + 0.05, embedding: 0.9, trust: 1 }, { index: 1, lexical: NEAR_DUPLICATE - 0.05, embedding: 0.9, trust: 1 }];
    const difference = keepNearDuplicatePrices(candidates, () => 0.5);
    expect(difference(0)).toBe(0);
    expect(difference(1)).toBe(0.5);
    const logPrices = [Math.log1p(10), Math.log1p(40)];
    const neighbours = [{ index: 0, similarity: 0.9 }, { index: 1, similarity: 0.9 }];
    expect(adjustedNeighbourEstimate(neighbours, logPrices, difference, 0)).toBeCloseTo((logPrices[0] + logPrices[1] + 0.5) / 2, 12);
  });

  it('fuses the two similarities only as far as the encoder reads both titles (trust), else ranks by the lexical one', () => {
    const candidates = (trust: number) => [{ index: 0, lexical: 0.6, embedding: 0.1, trust }, { index: 1, lexical: 0.3, embedding: 0.9, trust }];
    // Trusted embeddings: 0.5 × 0.6 + 0.5 × 0.1 = 0.35 < 0.5 × 0.3 + 0.5 × 0.9 = 0.6.
    expect(rankCandidates(candidates(1), 0.5, 2).map((n) => n.index)).toEqual([1, 0]);
    expect(rankCandidates(candidates(1), 0.5, 2)[0].similarity).toBeCloseTo(0.6, 12);
    // Unreadable titles: the lexical similarity alone.
    const unread = rankCandidates(candidates(0), 0.5, 2);
    expect(unread.map((n) => n.index)).toEqual([0, 1]);
    expect(unread[0].similarity).toBeCloseTo(0.6, 12);
  });

  it('is a stacked member, out of fold: a product\'s own price never moves its value', async () => {
    const tf = await loadTf();
    const clean = await trainPriceModel(train) as PriceModelImpl;
    expect(clean.state.stacker.weights).toHaveLength(MEMBER_NAMES.length);
    expect(clean.metrics.memberRmsle['ridge-adjusted neighbours']).toBeLessThan(clean.metrics.memberRmsle['category median']);
    // Out of fold: a product's member value comes from its neighbours' prices and ridges that saw
    // neither fold, so multiplying its own price changes none of it (the folds come from the text).
    const target = 11;
    const poisoned = await trainPriceModel(train.map((p, i) => (i === target ? { ...p, price: p.price! * 5 } : p))) as PriceModelImpl;
    expect(poisoned.metrics.ridgeLambda).toBe(clean.metrics.ridgeLambda);
    expect(Array.from(poisoned.state.catalog.fold)).toEqual(Array.from(clean.state.catalog.fold));
    expect(member(poisoned, target, ADJUSTED)).toBe(member(clean, target, ADJUSTED));
    expect(member(poisoned, target, MEMBER_NAMES.indexOf('ridge'))).toBe(member(clean, target, MEMBER_NAMES.indexOf('ridge')));
    // ...while it does read the other products' prices: a neighbour's value moves.
    const moved = Array.from(clean.state.catalog.fold.keys()).filter((r) => member(poisoned, r, ADJUSTED) !== member(clean, r, ADJUSTED));
    expect(moved.length).toBeGreaterThan(0);
    expect(moved).not.toContain(target);
    poisoned.dispose();

    // At prediction time it answers on its own, differently from the plain neighbours, better than
    // the category median on products the model never saw, and without leaking tensors.
    const actual = test.map((p) => p.price!);
    const stacker = clean.state.stacker;
    alone(clean, ADJUSTED);
    const before = tf.memory().numTensors;
    const adjusted = (await predictPrice(test, { model: clean })).map((s) => s.price);
    expect(tf.memory().numTensors).toBe(before);
    alone(clean, NEIGHBOURS);
    const plain = (await predictPrice(test, { model: clean })).map((s) => s.price);
    alone(clean, MEMBER_NAMES.length - 1);
    const median = (await predictPrice(test, { model: clean })).map((s) => s.price);
    expect(adjusted.filter((v, i) => v !== plain[i]).length).toBeGreaterThan(test.length / 2);
    expect(rmsle(actual, adjusted)).toBeLessThan(rmsle(actual, median));

    // Saved and loaded (the fold ridges and folds travel in the file): the same suggestions.
    const loaded = await loadPriceModel(await clean.toBytes()) as PriceModelImpl;
    expect(loaded.state.ridgeFolds).toHaveLength(clean.state.ridgeFolds.length);
    alone(loaded, ADJUSTED);
    alone(clean, ADJUSTED);
    expect((await predictPrice(test, { model: loaded })).map((s) => s.price)).toEqual(adjusted);
    clean.state.stacker = stacker;
    loaded.state.stacker = stacker;
    expect((await predictPrice(test, { model: loaded })).map((s) => s.price)).toEqual((await predictPrice(test, { model: clean })).map((s) => s.price));
    loaded.dispose();
    clean.dispose();
  });

  it('a warm-started ridge (from another λ\'s fit) converges to the cold-started one', () => {
    const state = fitFeaturizer(train);
    const rows = train.map((p) => featurize(p, state).sparse);
    const y = Float64Array.from(train, (p) => Math.log1p(p.price!));
    const cold = fitRidge(rows, y, sparseDimension(state), 0.03);
    const warm = fitRidge(rows, y, sparseDimension(state), 0.03, { initial: fitRidge(rows, y, sparseDimension(state), 0.3).weights });
    const test = products.filter((_, i) => i % 5 === 0).map((p) => featurize(p, state).sparse);
    const gap = Math.max(...test.map((r) => Math.abs(predictRidge(r, warm) - predictRidge(r, cold))));
    expect(gap).toBeLessThan(0.01);
    expect(warm.weights.some((w, i) => w !== cold.weights[i])).toBe(true);
  });

  it('with 2 folds (no rows left for a ridge that saw neither fold) is the plain neighbour estimate, in and out of fold', async () => {
    const model = await trainPriceModel(products.slice(0, 120), { folds: 2 }) as PriceModelImpl;
    expect(model.state.ridgeFolds).toHaveLength(0);
    for (let r = 0; r < 120; r++) expect(member(model, r, ADJUSTED)).toBe(member(model, r, NEIGHBOURS));
    alone(model, ADJUSTED);
    const adjusted = await predictPrice(test.slice(0, 10), { model });
    alone(model, NEIGHBOURS);
    const plain = await predictPrice(test.slice(0, 10), { model });
    expect(adjusted.map((s) => s.price)).toEqual(plain.map((s) => s.price));
    model.dispose();
  });

  it('records the scripts its encoder reads: a partly Chinese catalog reloads to the same suggestions; a file without them still loads', async () => {
    const words: Record<string, string> = { chair: '椅子', chairs: '椅子', paper: '纸张', mouse: '鼠标', binder: '活页夹', binders: '活页夹', phone: '电话', desk: '书桌', wireless: '无线', envelopes: '信封', labels: '标签', storage: '收纳', table: '桌子', bookcase: '书柜', accessories: '配件' };
    const zh = (text: string): string => text.replace(/\p{L}+/gu, (w) => words[w.toLowerCase()] ?? w);
    const catalog = products.slice(0, 240).map((p) => ({ ...p, title: zh(p.title) }));
    const queries = products.slice(240, 260).map((p) => ({ ...p, title: zh(p.title) }));
    const model = await trainPriceModel(catalog, { epochs: 1 }) as PriceModelImpl;
    expect(model.state.encoderScripts).toEqual(['Latin']);
    const coverage = encoderCoverages(catalog.map((p) => p.title), model.state.encoderScripts);
    expect(Math.min(...coverage)).toBeLessThan(1);
    const bytes = await model.toBytes();
    const reloaded = await loadPriceModel(bytes);
    const before = await predictPrice(queries, { model });
    const after = await predictPrice(queries, { model: reloaded });
    expect(after.map((s) => s.price)).toEqual(before.map((s) => s.price));
    expect(after.map((s) => s.comparables.map((c) => c.title))).toEqual(before.map((s) => s.comparables.map((c) => c.title)));
    // Saved before the scripts were recorded: the encoder is trusted on every title, as it was then.
    const older = await loadPriceModel(withEditedManifest(bytes, (manifest) => { delete manifest.encoderScripts; })) as PriceModelImpl;
    expect(older.state.encoderScripts).toBeUndefined();
    expect((await predictPrice(queries, { model: older })).every((s) => Number.isFinite(s.price) && s.price > 0)).toBe(true);
    for (const m of [model, reloaded, older]) m.dispose();
  });

  it('refuses a version-3 model (five members) with a message that says what changed and to retrain', async () => {
    const model = await trainPriceModel(products.slice(0, 60), { epochs: 1 });
    const bytes = await model.toBytes();
    model.dispose();
    const old = withEditedManifest(bytes, (manifest) => {
      manifest.version = 3;
      delete manifest.ridgeFolds;
    });
    const error = await loadPriceModel(old).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(StorecastError);
    expect((error as StorecastError).code).toBe('MODEL_LOAD_FAILED');
    expect((error as StorecastError).message).toMatch(/version 3 price model; this storecast reads version 5 \(version 5: .*version 4: a sixth member, the ridge-adjusted neighbours.*Retrain/);
  });
});

describe('stacker on a small catalog', () => {
  // Real log prices and category medians of 60 sample-shop products (a leave-one-out median, as out of fold).
  const rows = products.slice(0, 60);
  const y = Float64Array.from(rows, (p) => Math.log1p(p.price!));
  const median = (values: number[]): number => { const s = [...values].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
  const medians = rows.map((p, i) => median(rows.filter((q, j) => j !== i && q.category === p.category).map((q) => Math.log1p(q.price!))) ?? median(Array.from(y)));
  const fold = Int32Array.from(rows, (_, i) => i % 4);

  it('does not average in a member that beats the category median by less than its noise', () => {
    // A "member" that is the category median moved halfway to the price on three products and 30%
    // away from it on three others: it beats the median on these rows, by less than its noise.
    const lucky = medians.map((m, i) => (i < 3 ? m + 0.5 * (y[i] - m) : i < 6 ? m - 0.3 * (y[i] - m) : m));
    const x = rows.map((_, i) => Float64Array.from([lucky[i], medians[i]]));
    expect(lucky.reduce((a, v, i) => a + (v - y[i]) ** 2, 0)).toBeLessThan(medians.reduce((a, v, i) => a + (v - y[i]) ** 2, 0));
    const { stacker } = chooseStacker(x, y, fold, 4, ['lucky', 'category median'], [0]);
    expect(stacker.weights).toEqual([0, 1]);
    // A member that beats the median on most products clearly counts.
    const good = medians.map((m, i) => m + 0.7 * (y[i] - m));
    const chosen = chooseStacker(rows.map((_, i) => Float64Array.from([good[i], medians[i]])), y, fold, 4, ['good', 'category median'], [0]).stacker;
    expect(chosen.weights[0]).toBeGreaterThan(0.5);
  });
});
