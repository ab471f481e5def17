import { describe, expect, it, vi } from 'vitest';
import { cpSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embedText, cosineSimilarity, StorecastError, clearEmbeddingCache, loadEncoder, env } from '../../lib/index.js';
import { encoderThreadCount } from '../../lib/config.js';
import { memoryCacheSize } from '../../lib/text/cache.js';
import { scriptCoverage } from '../../lib/text/scripts.js';

const MODELS = new URL('../../public/models/', import.meta.url).pathname;

async function errorOf(p: Promise<unknown>): Promise<StorecastError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(StorecastError);
  return e as StorecastError;
}

describe('embedText with the shipped int8 encoder (Node, onnxruntime CPU)', () => {
  it('returns normalised 512-d vectors where related products are closer than unrelated ones', async () => {
    const [phone, phone2, sofa] = await embedText(['Samsung Galaxy smartphone 128GB, black', 'Android mobile phone with 6.5 inch screen', 'Three-seater leather sofa for the living room']);
    expect(phone).toHaveLength(512);
    expect(Math.hypot(...phone)).toBeCloseTo(1, 4);
    expect(cosineSimilarity(phone, phone2)).toBeGreaterThan(cosineSimilarity(phone, sofa));
  });

  it('knows which scripts it reads: the shipped vocabulary is Latin only, so a Chinese word counts as unread', async () => {
    const encoder = await loadEncoder();
    expect(encoder.scripts).toEqual(['Latin']);
    const latin = new Set(encoder.scripts);
    expect(scriptCoverage('Wireless mouse M325', latin)).toBe(1);
    expect(scriptCoverage('Avery 508 标签', latin)).toBe(0.5); // one Latin word, one two-character Chinese word
    expect(scriptCoverage('无线鼠标', latin)).toBe(0);
    expect(scriptCoverage('ملف حلقي Avery', latin)).toBeCloseTo(1 / 3, 12);
    expect(scriptCoverage('#10 4 1/8"', latin)).toBe(1); // numbers and symbols belong to no script
  });

  it('caches by model and text: a second call does not re-encode and returns equal vectors', async () => {
    await clearEmbeddingCache();
    const first = await embedText(['USB-C charging cable, 2 m']);
    expect(memoryCacheSize()).toBe(1);
    const second = await embedText(['USB-C charging cable, 2 m']);
    expect(Array.from(second[0])).toEqual(Array.from(first[0]));
    // Returned arrays are copies: changing one does not poison the cache.
    second[0].fill(0);
    expect(Math.hypot(...(await embedText(['USB-C charging cable, 2 m']))[0])).toBeCloseTo(1, 4);
  });

  it('batches texts of similar token length together, and returns vectors in input order', async () => {
    const encoder = await loadEncoder();
    // Characters and tokens disagree here: a long plain word is 1-2 tokens, a short code is many.
    const texts = ['stainlesssteelwaterbottle', 'X9-Q7/Z3#K', 'sofa', 'SKU 4Z-88/QX-1 v2', 'Samsung Galaxy smartphone 128GB, black', 'leather', 'Q', 'LED TV 4K'];
    const counts = texts.map((t) => encoder.tokenCount!(t));
    expect(counts.every((c) => Number.isInteger(c) && c > 0)).toBe(true);
    const widths: number[][] = [];
    const run = encoder.run;
    encoder.run = async (batch) => { widths.push(batch.map((t) => encoder.tokenCount!(t))); return run(batch); };
    try {
      const got = await embedText(texts, { cache: false, batchSize: 3 });
      expect(widths.flat()).toEqual([...counts].sort((a, b) => a - b));
      const alone = await Promise.all(texts.map(async (t) => (await embedText([t], { cache: false }))[0]));
      got.forEach((v, i) => expect(cosineSimilarity(v, alone[i])).toBeGreaterThan(0.99999));
    } finally {
      encoder.run = run;
    }
  });

  it('handles empty strings (zero vector) and 100k-character text, and rejects non-strings', async () => {
    const [empty, huge] = await embedText(['   ', 'stainless steel water bottle '.repeat(4000)]);
    expect(Array.from(empty).every((v) => v === 0)).toBe(true);
    expect(Math.hypot(...huge)).toBeCloseTo(1, 4);
    expect((await errorOf(embedText([42 as unknown as string]))).code).toBe('INVALID_INPUT');
    expect((await errorOf(embedText(null as unknown as string[]))).message).toMatch(/string or an array/);
    expect((await errorOf(embedText(['a'], { batchSize: 0 }))).code).toBe('INVALID_INPUT');
  });

  it('refuses a corrupt model file (sha256 mismatch) with MODEL_LOAD_FAILED, and a missing one too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'storecast-models-'));
    cpSync(join(MODELS, 'storecast-use-lite'), join(dir, 'storecast-use-lite'), { recursive: true });
    const onnx = join(dir, 'storecast-use-lite/onnx/model_quantized.onnx');
    const bytes = readFileSync(onnx);
    bytes[bytes.length - 100] ^= 0xff;
    writeFileSync(onnx, bytes);
    const corrupt = await errorOf(embedText(['x'], { encoder: { baseUrl: dir + '/' }, cache: false }));
    expect(corrupt.code).toBe('MODEL_LOAD_FAILED');
    expect(corrupt.message).toMatch(/Integrity check failed/);
    const missing = await errorOf(embedText(['x'], { encoder: { baseUrl: join(dir, 'nowhere') + '/' }, cache: false }));
    expect(missing.code).toBe('MODEL_LOAD_FAILED');
    // The library stays usable with the good model afterwards.
    expect((await embedText(['still works'], { cache: false }))[0]).toHaveLength(512);
  });
});

describe('env.encoderThreads (onnxruntime-web threads of the encoder)', () => {
  it("'auto' is min(4, cores) on a cross-origin isolated page and 1 elsewhere; a number is taken as is", () => {
    expect(env.encoderThreads).toBe('auto');
    expect(encoderThreadCount('auto')).toBe(1); // Node: not isolated
    try {
      vi.stubGlobal('crossOriginIsolated', true);
      vi.stubGlobal('navigator', { hardwareConcurrency: 16 });
      expect(encoderThreadCount('auto')).toBe(4);
      vi.stubGlobal('navigator', { hardwareConcurrency: 2 });
      expect(encoderThreadCount('auto')).toBe(2);
      vi.stubGlobal('crossOriginIsolated', false);
      expect(encoderThreadCount('auto')).toBe(1);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(encoderThreadCount(3)).toBe(3);
    expect(encoderThreadCount(0)).toBe(1);
    expect(encoderThreadCount(1.5)).toBe(1);
  });
});
