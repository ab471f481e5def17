// Speed and agreement of encoder graphs on onnxruntime-web's wasm backend in Node (the engine
// Chromium runs), one thread, on real product titles.
//   npx tsx tools/encoder/bench-wasm.ts [--titles 512] [--reps 1] [--threads 1] MODEL.onnx [REFERENCE.onnx ...]
// The first model is timed; every model's vectors are compared with the first one's (min / mean cosine).
// Also reports the padding waste of batches of 32 in input order, sorted by characters and by tokens.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { batchInputs, parseUseTokenizer } from '../../lib/text/use-encoder.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  args.splice(i, 2);
  return value;
};
const count = option('--titles', 512);
const reps = option('--reps', 1);
const threads = option('--threads', 1);
const models = args;
const SHARED = new URL('../../../shared/data/', import.meta.url).pathname;
const MODEL_DIR = new URL('../../public/models/storecast-use-lite/', import.meta.url).pathname;

const titles: string[] = [];
for (const set of ['amazon_india', 'superstore']) {
  const lines = readFileSync(`${SHARED}price/benchmark/${set}/train.jsonl`, 'utf8').split('\n').filter(Boolean);
  titles.push(...lines.slice(0, count / 2).map((l) => (JSON.parse(l) as { title: string }).title.trim()));
}
const tokenizer = parseUseTokenizer(readFileSync(`${MODEL_DIR}tokenizer.json`), 6);
const tokens = titles.map((t) => tokenizer.encode(t).slice(0, 128));

function waste(order: number[], batch = 32): number {
  let cells = 0, real = 0;
  for (let s = 0; s < order.length; s += batch) {
    const rows = order.slice(s, s + batch).map((i) => tokens[i].length);
    cells += Math.max(...rows) * rows.length;
    real += rows.reduce((a, b) => a + b, 0);
  }
  return 1 - real / cells;
}
const identity = titles.map((_, i) => i);
const byChars = [...identity].sort((a, b) => titles[a].length - titles[b].length);
const byTokens = [...identity].sort((a, b) => tokens[a].length - tokens[b].length);
const mean = tokens.reduce((a, t) => a + t.length, 0) / tokens.length;
console.log(`${titles.length} titles, mean ${mean.toFixed(1)} tokens, max ${Math.max(...tokens.map((t) => t.length))}; padding share at batch 32: input order ${(100 * waste(identity)).toFixed(1)}%, by chars ${(100 * waste(byChars)).toFixed(1)}%, by tokens ${(100 * waste(byTokens)).toFixed(1)}%`);

ort.env.wasm.numThreads = threads;

async function embed(session: ort.InferenceSession, order: number[], batch: number): Promise<Float32Array[]> {
  const out: Float32Array[] = new Array(order.length);
  for (let s = 0; s < order.length; s += batch) {
    const idx = order.slice(s, s + batch);
    const { inputIds, attentionMask, shape } = batchInputs(idx.map((i) => tokens[i]), 128);
    const result = await session.run({ input_ids: new ort.Tensor('int64', inputIds, shape), attention_mask: new ort.Tensor('int64', attentionMask, shape) });
    const data = result.sentence_embedding.data as Float32Array;
    idx.forEach((i, k) => { out[i] = data.slice(k * 512, (k + 1) * 512); });
  }
  return out;
}

const dot = (a: Float32Array, b: Float32Array): number => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };
// CPU time of this process (the wasm runs on this thread): steadier than wall time on a shared machine.
const cpuMs = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const time = async (f: () => Promise<unknown>): Promise<number> => { let best = Infinity; for (let r = 0; r < reps; r++) { const t = cpuMs(); await f(); best = Math.min(best, cpuMs() - t); } return best; };

let reference: Float32Array[] | undefined;
for (const [m, path] of models.entries()) {
  const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(path)));
  await embed(session, byTokens.slice(0, 64), 32); // warm-up
  const vectors = await embed(session, byTokens, 32);
  if (m === 0) {
    const sub = byTokens.filter((_, k) => k % Math.max(1, Math.floor(titles.length / 64)) === 0).slice(0, 64);
    const t32in = await time(() => embed(session, identity, 32));
    const t32chars = await time(() => embed(session, byChars, 32));
    const t32 = await time(() => embed(session, byTokens, 32));
    const t1 = await time(() => embed(session, sub, 1));
    console.log(`${path}: ms per title, batch 32 input order ${(t32in / titles.length).toFixed(2)}, sorted by characters ${(t32chars / titles.length).toFixed(2)}, sorted by tokens ${(t32 / titles.length).toFixed(2)} (${(1000 * titles.length / t32).toFixed(0)} titles/s), batch 1 ${(t1 / sub.length).toFixed(2)}`);
    // Determinism across batch composition: the same titles alone and in input-order batches.
    const alone = await embed(session, sub, 1);
    const mixed = await embed(session, identity, 32);
    const alonec = sub.map((i) => dot(alone[i], vectors[i])).sort((a, b) => a - b);
    const mixedc = identity.map((i) => dot(mixed[i], vectors[i])).sort((a, b) => a - b);
    const q = (c: number[]): string => [0, 0.01, 0.1, 0.5].map((f) => (1 - c[Math.floor(f * (c.length - 1))]).toExponential(1)).join(' / ');
    console.log(`  batch-composition agreement (1 - cosine: min, 1%, 10%, median): batch 1 vs sorted batches ${q(alonec)}; input-order vs sorted batches ${q(mixedc)}`);
    reference = vectors;
  } else {
    const c = vectors.map((v, i) => dot(v, reference![i]));
    console.log(`${path} vs ${models[0]}: min cosine ${Math.min(...c).toFixed(6)}, mean ${(c.reduce((a, b) => a + b, 0) / c.length).toFixed(6)}`);
  }
  await session.release();
}
