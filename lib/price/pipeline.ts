import { embedText } from '../text/index.js';
import type { EncoderOptions } from '../text/encoder.js';
import { loadEncoder } from '../text/encoder.js';
import type { LongTaskOptions } from '../progress.js';
import { knnEstimate, topK } from './neighbours.js';

/** Neighbours read for the k-NN estimate. */
export const KNN = 10;

/** What the head sees besides the embedding: base estimates and how much the neighbours agree. */
export const STACK_FEATURES = 4;

export interface Catalog {
  ids: Array<string | undefined>;
  titles: string[];
  prices: Float64Array;
  logPrices: Float64Array;
  /** N × dims, normalised rows. */
  embeddings: Float32Array;
  dims: number;
}

export async function embedProducts(texts: string[], encoder: EncoderOptions | undefined, task: LongTaskOptions): Promise<{ matrix: Float32Array; dims: number; encoderId: string }> {
  const loaded = await loadEncoder(encoder, task);
  const vectors = await embedText(texts, { encoder, signal: task.signal, onProgress: task.onProgress });
  const dims = loaded.dims || vectors[0]?.length || 0;
  const matrix = new Float32Array(texts.length * dims);
  vectors.forEach((v, i) => matrix.set(v, i * dims));
  return { matrix, dims, encoderId: loaded.id };
}

export interface StackInputs {
  ridge: number;
  knn: number;
  knnSpread: number;
  topSimilarity: number;
}

export function knnFeatures(query: Float32Array, catalog: Catalog, exclude?: (i: number) => boolean): StackInputs & { neighbours: Array<{ index: number; similarity: number }> } {
  const neighbours = topK(query, catalog.embeddings, catalog.dims, KNN, exclude);
  const knn = knnEstimate(neighbours, catalog.logPrices);
  let spread = 0;
  for (const n of neighbours) spread += (catalog.logPrices[n.index] - knn) ** 2;
  return { ridge: NaN, knn, knnSpread: Math.sqrt(spread / Math.max(1, neighbours.length)), topSimilarity: neighbours[0]?.similarity ?? 0, neighbours };
}

/** Mixing weight of ridge vs k-NN in the base estimate (the head learns the residual over it). */
export function baseEstimate(s: StackInputs, ridgeWeight: number): number {
  return Number.isFinite(s.knn) ? ridgeWeight * s.ridge + (1 - ridgeWeight) * s.knn : s.ridge;
}

/** Head input row: [embedding..., standardised stack features..., numeric attributes...]. */
export function headRow(embedding: Float32Array, s: StackInputs, center: number, numeric: Array<[number, number]>, numericSlots: number): Float32Array {
  const row = new Float32Array(embedding.length + STACK_FEATURES + numericSlots);
  row.set(embedding);
  const o = embedding.length;
  row[o] = s.ridge - center;
  row[o + 1] = (Number.isFinite(s.knn) ? s.knn : s.ridge) - center;
  row[o + 2] = s.knnSpread;
  row[o + 3] = s.topSimilarity;
  for (const [slot, v] of numeric) row[o + STACK_FEATURES + slot] = v;
  return row;
}

