// One progress shape everywhere: fraction 0–1 that only grows within a phase, a unit, and for
// training an overall fraction and a time-left estimate. The clock is injected: no real timing.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { progressReporter, type Progress } from '../../lib/progress.js';
import { yieldToEventLoop } from '../../lib/errors.js';
import { trainPriceModel, embedText, type Product } from '../../lib/index.js';

function expectWellFormed(events: Progress[]): void {
  const last = new Map<string, number>();
  let overall = 0;
  for (const e of events) {
    expect(e.fraction).toBeGreaterThanOrEqual(0);
    expect(e.fraction).toBeLessThanOrEqual(1);
    expect(e.fraction).toBeCloseTo(e.total > 0 ? e.loaded / e.total : 1, 9);
    expect(e.fraction).toBeGreaterThanOrEqual(last.get(e.phase) ?? 0);
    last.set(e.phase, e.fraction);
    expect(typeof e.unit).toBe('string');
    if (e.overall !== undefined) { expect(e.overall).toBeGreaterThanOrEqual(overall); overall = e.overall; }
  }
}

describe('progressReporter', () => {
  it('drops events that would move a phase backwards and clamps past the end', () => {
    const events: Progress[] = [];
    const progress = progressReporter((p) => events.push(p));
    progress.report('download', 50, 100, 'bytes');
    progress.report('download', 40, 100, 'bytes');
    progress.report('download', 150, 100, 'bytes');
    expect(events.map((e) => [e.loaded, e.fraction])).toEqual([[50, 0.5], [100, 1]]);
  });

  it('gives an overall fraction across weighted phases and an ETA from the elapsed time', () => {
    let now = 0;
    const events: Progress[] = [];
    const progress = progressReporter((p) => events.push(p), { embed: 1, train: 3 }, () => now);
    now = 1000;
    progress.report('embed', 10, 10, 'texts');
    now = 2500;
    progress.report('train', 30, 150, 'epochs');
    progress.finish('train');
    expect(events.map((e) => e.overall)).toEqual([0.25, 0.25 + 0.75 * 0.2, 1]);
    // 1 s for a quarter of the work: 3 s left.
    expect(events[0].etaMs).toBe(3000);
    expect(events[2]).toMatchObject({ phase: 'train', fraction: 1, loaded: 150, total: 150, unit: 'epochs', etaMs: 0 });
  });
});

describe('ETA of phases that run side by side', () => {
  it('counts the longer track, not both: an encoder worker embedding while the page trains', () => {
    // The truth, at 1 s per unit of cost on the page: ridge 0–6 s, mlp 6–15 s, and beside them the
    // embedding 0–10 s (slower per unit); then the neighbours 15–19 s.
    let now = 0;
    const events: Progress[] = [];
    const plan = { costs: { embed: 5, ridge: 6, mlp: 9, neighbours: 4 }, stages: [[['embed'], ['ridge', 'mlp']], [['neighbours']]] };
    const progress = progressReporter((p) => events.push(p), plan, () => now);
    now = 3000;
    progress.report('embed', 3, 10, 'texts');
    progress.report('ridge', 1, 2, 'folds');
    const eta = events[events.length - 1].etaMs!;
    // 16 s are left. Elapsed × (1 − overall) / overall says 13 s: it counts the embedding as
    // work the page does besides the ridge.
    expect(Math.abs(eta - 16_000) / 16_000).toBeLessThan(0.1);
    now = 6000;
    progress.report('ridge', 2, 2, 'folds');
    now = 10_000;
    progress.report('embed', 10, 10, 'texts');
    now = 12_000;
    progress.report('mlp', 6, 9, 'steps');
    // 7 s are left (the simple rule: 4.9 s).
    expect(Math.abs(events[events.length - 1].etaMs! - 7000) / 7000).toBeLessThan(0.2);
  });
});

describe('yieldToEventLoop', () => {
  // Long loops yield hundreds of times; a nested setTimeout(0) is clamped to 4 ms in browsers.
  const host = globalThis as unknown as Record<string, unknown>;
  async function withoutTimers(hidden: string[], run: () => Promise<void>): Promise<void> {
    const saved = ['setTimeout', ...hidden].map((n) => [n, host[n]] as const);
    host.setTimeout = () => { throw new Error('setTimeout must not be used to yield'); };
    for (const n of hidden) host[n] = undefined;
    try { await run(); } finally { for (const [n, v] of saved) host[n] = v; }
  }

  it('lets queued callbacks run first, without timers: setImmediate in Node, a MessageChannel message in browsers', async () => {
    let ran = false;
    setImmediate(() => { ran = true; });
    await withoutTimers([], () => yieldToEventLoop());
    expect(ran).toBe(true);
    await withoutTimers(['setImmediate'], () => yieldToEventLoop());
  });
});

describe('progress of long operations', () => {
  const shop = JSON.parse(readFileSync(new URL('../../demo/data/sample-shop.json', import.meta.url), 'utf8')) as { products: Product[] };

  it('embedText reports texts embedded, ending at 1', async () => {
    const events: Progress[] = [];
    await embedText(shop.products.slice(0, 70).map((p) => p.title), { batchSize: 16, cache: false, onProgress: (p) => events.push(p) });
    const embed = events.filter((e) => e.phase === 'embed');
    expect(embed.every((e) => e.unit === 'texts')).toBe(true);
    expect(embed.at(-1)!.fraction).toBe(1);
    expectWellFormed(events);
  });

  it('training ends every phase at 1 (early stopping included) and the overall fraction at 1, with an ETA', async () => {
    const events: Progress[] = [];
    const model = await trainPriceModel(shop.products.slice(0, 120), { epochs: 200, onProgress: (p) => events.push(p) });
    expectWellFormed(events);
    const phases = [...new Set(events.map((e) => e.phase))];
    expect(phases.length).toBeGreaterThan(2);
    for (const phase of phases) expect(events.filter((e) => e.phase === phase).at(-1)!.fraction).toBe(1);
    expect(events.at(-1)!.overall).toBeCloseTo(1, 9);
    expect(events.some((e) => e.etaMs !== undefined && e.etaMs >= 0)).toBe(true);
    model.dispose();
  });
});
