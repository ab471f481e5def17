import { invalidInput, throwIfAborted, yieldToEventLoop } from '../errors.js';
import { progressReporter, type LongTaskOptions } from '../progress.js';
import { getCached, putCached } from './cache.js';
import { loadEncoder, type EncoderOptions } from './encoder.js';

export { clearEmbeddingCache } from './cache.js';
export { DEFAULT_ENCODER, loadEncoder, type Encoder, type EncoderOptions } from './encoder.js';

export interface EmbedOptions extends LongTaskOptions {
  encoder?: EncoderOptions;
  /** Texts per model call. Default 32. */
  batchSize?: number;
  /** Use the memory + IndexedDB cache. Default true. */
  cache?: boolean;
}

/** Longer texts are cut before tokenising: the encoder reads at most its first 128 tokens anyway. */
export const MAX_TEXT_CHARS = 2000;
const MAX_TEXTS = 1_000_000;

/**
 * Embeds texts into L2-normalised vectors (one Float32Array per text, in input order).
 * Empty or whitespace-only texts get a zero vector: there is nothing to encode.
 */
export async function embedText(texts: string | string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
  const list = typeof texts === 'string' ? [texts] : texts;
  if (!Array.isArray(list)) throw invalidInput('embedText expects a string or an array of strings.');
  if (list.length > MAX_TEXTS) throw invalidInput(`embedText got ${list.length} texts; embed at most ${MAX_TEXTS} per call.`);
  list.forEach((t, i) => { if (typeof t !== 'string') throw invalidInput(`texts[${i}] is a ${t === null ? 'null' : typeof t}; embedText takes strings.`, { index: i }); });
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1024) throw invalidInput('batchSize must be an integer from 1 to 1024.');
  const encoder = await loadEncoder(options.encoder, options);
  const progress = progressReporter(options.onProgress);
  const prepared = list.map((t) => t.slice(0, MAX_TEXT_CHARS).trim());
  const useCache = options.cache !== false;
  const out: Array<Float32Array | undefined> = useCache ? await getCached(encoder.id, prepared) : new Array(prepared.length);
  const todo: number[] = [];
  prepared.forEach((t, i) => {
    if (out[i]) return;
    if (!t) out[i] = new Float32Array(encoder.dims);
    else todo.push(i);
  });
  // Identical texts are encoded once; sorted by length in tokens (characters when the encoder
  // cannot count tokens) so each batch pads to a similar length: padding is computed and thrown
  // away (product titles in input order: half the work; sorted by characters ~20%, by tokens ~10%).
  // Vectors do not depend on the batch a text lands in, so the order changes only the speed.
  const unique = [...new Set(todo.map((i) => prepared[i]))];
  const lengths = new Map(unique.map((t) => [t, encoder.tokenCount ? encoder.tokenCount(t) : t.length]));
  unique.sort((a, b) => lengths.get(a)! - lengths.get(b)! || a.length - b.length);
  const encoded = new Map<string, Float32Array>();
  // IndexedDB writes commit while the encoder runs the next batch; they are awaited at the end.
  const writes: Promise<void>[] = [];
  for (let start = 0; start < unique.length; start += batchSize) {
    throwIfAborted(options.signal);
    const batch = unique.slice(start, start + batchSize);
    const vectors = await encoder.run(batch);
    batch.forEach((t, i) => encoded.set(t, vectors[i]));
    if (useCache) writes.push(putCached(encoder.id, batch, vectors));
    progress.report('embed', Math.min(unique.length, start + batchSize), unique.length, 'texts');
    await yieldToEventLoop();
  }
  await Promise.all(writes);
  for (const i of todo) out[i] = encoded.get(prepared[i]);
  // Copies, so a caller (or a worker transfer) detaching one vector never empties the cache.
  return out.map((v) => new Float32Array(v!));
}

/** Cosine similarity of two normalised vectors. */
export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return dot;
}
