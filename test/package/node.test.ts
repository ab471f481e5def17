// The packed package in plain Node: the models and wasm come from the installed package folder,
// price models round-trip through a file and through bytes, and missing files are typed errors.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

interface BatchResult {
  lstm: { name: string; forecast: number[]; warnings?: { code: string }[] };
  auto: { name: string; members?: { name: string; weight: number }[] };
  embeddings: { dims: number; norms: number[]; mouseMouse: number; mouseDrive: number };
  price: Record<'before' | 'fromFile' | 'fromBytes', { price: number; low: number; high: number; comparables: { title: string }[] }>;
  errors: Record<string, { isStorecastError: boolean; code: string; type: string; message: string } | string>;
}

describe('the packed package in a plain Node script', () => {
  let result: BatchResult;
  beforeAll(() => {
    const app = inject('hostApp');
    const stdout = execFileSync('node', [join(app, 'node-batch.mjs')], { cwd: app, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    result = JSON.parse(stdout.trim().split('\n').pop()!) as BatchResult;
  }, 300_000);

  it('forecasts with the LSTM it loads from the installed package', () => {
    expect(result.lstm.name).toBe('lstm');
    expect(result.lstm.forecast).toHaveLength(13);
    expect(result.lstm.forecast.every(Number.isFinite)).toBe(true);
    expect(result.auto.members?.length).toBeGreaterThan(1);
  });

  it('embeds text with the encoder it loads from the installed package', () => {
    expect(result.embeddings.dims).toBeGreaterThan(100);
    for (const norm of result.embeddings.norms) expect(norm).toBeCloseTo(1, 4);
    expect(result.embeddings.mouseMouse).toBeGreaterThan(result.embeddings.mouseDrive);
  });

  it('saves a price model to a file and loads it from the file and from bytes, predicting the same', () => {
    const { before, fromFile, fromBytes } = result.price;
    expect(before.price).toBeGreaterThan(0);
    expect(before.low).toBeLessThan(before.high);
    for (const loaded of [fromFile, fromBytes]) {
      expect(loaded.price).toBeCloseTo(before.price, 6);
      expect(loaded.low).toBeCloseTo(before.low, 6);
      expect(loaded.comparables.map((c) => c.title)).toEqual(before.comparables.map((c) => c.title));
    }
  });

  it('reports a model that cannot be read as MODEL_LOAD_FAILED naming the path, never a TypeError', () => {
    for (const [name, error] of Object.entries(result.errors)) {
      expect(error, name).not.toBe('no error');
      if (typeof error === 'string') continue;
      expect(error.isStorecastError, `${name}: ${error.type} ${error.message}`).toBe(true);
      expect(error.code, name).toBe('MODEL_LOAD_FAILED');
    }
    expect((result.errors.missingTrendModel as { message: string }).message).toContain('/nonexistent/trend-lstm/');
    expect((result.errors.missingEncoder as { message: string }).message).toContain('no-such-encoder');
    expect((result.errors.missingPriceModel as { message: string }).message).toContain('/nonexistent/model.storecast');
  });
});
