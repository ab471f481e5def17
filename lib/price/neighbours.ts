import { ensureRuntime } from '../runtime/index.js';
import { yieldToEventLoop } from '../errors.js';
import type { SparseRow } from './features.js';
import { select } from '../selection.js';

/** Nearest neighbours by cosine similarity of normalised embeddings (brute force: exact, and fast enough for in-page catalogs). */
export function topK(query: Float32Array, matrix: Float32Array, dims: number, k: number, exclude?: (index: number) => boolean): Array<{ index: number; similarity: number }> {
  const count = matrix.length / dims;
  const best: Array<{ index: number; similarity: number }> = [];
  for (let i = 0; i < count; i++) {
    if (exclude?.(i)) continue;
    let s = 0;
    const offset = i * dims;
    for (let d = 0; d < dims; d++) s += query[d] * matrix[offset + d];
    if (best.length < k) {
      best.push({ index: i, similarity: s });
      best.sort((a, b) => b.similarity - a.similarity);
    } else if (s > best[k - 1].similarity) {
      best[k - 1] = { index: i, similarity: s };
      best.sort((a, b) => b.similarity - a.similarity);
    }
  }
  return best;
}

export interface Neighbour { index: number; similarity: number }

/** Candidates each side (lexical, embedding) contributes before fusion. */
const CANDIDATES = 40;

const MIN_POSTING_CAP = 1000;
const MAX_POSTING_SHARE = 0.02;
const LARGE_CATALOG = 5000;
const LARGE_QUERY_FEATURES = 64;

/**
 * A query's cosine similarities: `rows` (every catalog row sharing a feature, in the order the
 * postings reached them) and `values`; `get(row)` reads any row's score (0 when not touched) and is
 * valid until the index answers its next query.
 */
export interface LexicalScores { rows: Int32Array; values: Float32Array; get(row: number): number }

/** Inverted index over the catalog's lexical rows: a query costs the postings of its features, not the catalog size. */
export class LexicalIndex {
  readonly #postings = new Map<number, { rows: Int32Array; values: Float32Array }>();
  /** Reused accumulator (one slot per catalog row), cleared lazily at the next query; the rows the last query touched. */
  readonly #accumulator: Float32Array;
  readonly #seen: Uint8Array;
  readonly #touched: Int32Array;
  #touchedCount = 0;
  #query = 0;
  constructor(readonly rows: SparseRow[]) {
    const lists = new Map<number, { rows: number[]; values: number[] }>();
    rows.forEach((row, r) => {
      for (let k = 0; k < row.indices.length; k++) {
        let list = lists.get(row.indices[k]);
        if (!list) { list = { rows: [], values: [] }; lists.set(row.indices[k], list); }
        list.rows.push(r);
        list.values.push(row.values[k]);
      }
    });
    // Features in more than MAX_POSTING_SHARE of a large catalog (common trigrams, a top-level category)
    // separate little and would make every query cost O(catalog): they are left out of the index.
    const cap = rows.length <= LARGE_CATALOG ? Infinity : Math.max(MIN_POSTING_CAP, Math.ceil(MAX_POSTING_SHARE * rows.length));
    for (const [h, list] of lists) if (list.rows.length <= cap) this.#postings.set(h, { rows: Int32Array.from(list.rows), values: Float32Array.from(list.values) });
    this.#accumulator = new Float32Array(rows.length);
    this.#seen = new Uint8Array(rows.length);
    this.#touched = new Int32Array(rows.length);
  }

  /**
   * Cosine similarity (rows are unit length) to every catalog row sharing a feature. On a large
   * catalog only the query's LARGE_QUERY_FEATURES heaviest (rarest) features are looked up: they
   * decide the nearest products, and the common ones would cost O(catalog) per query. Typed arrays,
   * not a Map: a query on a large catalog touches thousands of rows.
   */
  scores(query: SparseRow): LexicalScores {
    for (let t = 0; t < this.#touchedCount; t++) { const r = this.#touched[t]; this.#accumulator[r] = 0; this.#seen[r] = 0; }
    let count = 0;
    let order = Array.from(query.indices.keys());
    if (this.rows.length > LARGE_CATALOG && order.length > LARGE_QUERY_FEATURES) order = order.sort((a, b) => query.values[b] - query.values[a]).slice(0, LARGE_QUERY_FEATURES);
    for (const k of order) {
      const list = this.#postings.get(query.indices[k]);
      if (!list) continue;
      const q = query.values[k];
      for (let i = 0; i < list.rows.length; i++) {
        const r = list.rows[i];
        if (!this.#seen[r]) { this.#seen[r] = 1; this.#touched[count++] = r; }
        this.#accumulator[r] += q * list.values[i];
      }
    }
    this.#touchedCount = count;
    const rows = this.#touched.slice(0, count);
    const values = new Float32Array(count);
    for (let t = 0; t < count; t++) values[t] = this.#accumulator[rows[t]];
    const asked = ++this.#query;
    const accumulator = this.#accumulator;
    return {
      rows,
      values,
      get: (row: number): number => {
        if (asked !== this.#query) throw new Error('LexicalIndex: scores read after a newer query');
        return accumulator[row];
      },
    };
  }
}

/**
 * How the two similarities are fused. Encoder cosines sit in a narrow band (unrelated products
 * often score 0.8+), so they are rescaled by the catalog's typical cosine `embeddingBaseline`:
 * (cos − baseline) / (1 − baseline), clipped at 0. Lexical TF-IDF cosine shares the leaf category
 * more often; the encoder finds synonyms n-grams miss. The fused score is their weighted mean.
 */
export interface HybridSpace { lexicalWeight: number; embeddingBaseline: number }

export const rescaledEmbedding = (cosine: number, baseline: number): number => Math.max(0, (cosine - baseline) / (1 - baseline));

/** Top embedding candidates for a batch of queries: one TF.js matMul per block, top-k on the backend. */
export async function embeddingCandidates(queries: Float32Array, catalog: Float32Array, dims: number, k: number, onBlock?: (done: number) => void): Promise<Array<{ indices: Int32Array; cosines: Float32Array }>> {
  const { tf } = await ensureRuntime();
  const rows = queries.length / dims;
  const count = catalog.length / dims;
  const take = Math.min(k, count);
  const out: Array<{ indices: Int32Array; cosines: Float32Array }> = [];
  if (!rows || !count || !dims) return Array.from({ length: rows }, () => ({ indices: new Int32Array(0), cosines: new Float32Array(0) }));
  // Transposed once: TF.js wasm's matMul with transposeB is an order of magnitude slower than on a [dims, count] operand.
  const matrix = tf.tidy(() => tf.tensor2d(catalog, [count, dims]).transpose());
  try {
    const block = 512;
    for (let start = 0; start < rows; start += block) {
      const size = Math.min(block, rows - start);
      const result = tf.tidy(() => tf.topk(tf.matMul(tf.tensor2d(queries.subarray(start * dims, (start + size) * dims), [size, dims]), matrix), take));
      const [values, indices] = await Promise.all([result.values.data() as Promise<Float32Array>, result.indices.data() as Promise<Int32Array>]);
      tf.dispose([result.values, result.indices]);
      for (let i = 0; i < size; i++) out.push({ indices: indices.slice(i * take, (i + 1) * take), cosines: values.slice(i * take, (i + 1) * take) });
      onBlock?.(start + size);
      await yieldToEventLoop();
    }
  } finally {
    matrix.dispose();
  }
  return out;
}

export interface NeighbourCatalog {
  embeddings: Float32Array;
  dims: number;
  lexical: SparseRow[];
  index: LexicalIndex;
  /** Per product, the share of its title the encoder can read (featurizer.ts `encoderCoverage`). */
  coverage: Float32Array;
}

/** Rows of the `k` largest scores (ties at the threshold may add a few). */
function topEntries(scores: LexicalScores, k: number): Int32Array {
  const { rows, values } = scores;
  if (rows.length <= k) return rows;
  const copy = Float64Array.from(values);
  select(copy, copy.length - k);
  const threshold = copy[copy.length - k];
  const out: number[] = [];
  for (let t = 0; t < rows.length; t++) if (values[t] >= threshold) out.push(rows[t]);
  return Int32Array.from(out);
}

/**
 * A candidate neighbour with both similarities (the embedding one rescaled) and how far the
 * embedding one can be trusted: the smaller of the two titles' encoder coverage (1 when the encoder
 * reads both titles' scripts).
 */
export interface Candidate { index: number; lexical: number; embedding: number; trust: number }

/** The union of a query's best lexical and embedding candidates, each scored by both similarities; `exclude` drops the product itself. */
export function candidateScores(query: { lexical: SparseRow; embedding: Float32Array; embeddingCandidates: { indices: Int32Array; cosines: Float32Array }; coverage: number }, catalog: NeighbourCatalog, embeddingBaselineValue: number, exclude: (i: number) => boolean): Candidate[] {
  const lexicalScores = catalog.index.scores(query.lexical);
  // The embedding candidates come with their cosines (from the batched matMul); only lexical-only candidates need a dot product here.
  const cosines = new Map<number, number>();
  query.embeddingCandidates.indices.forEach((i, k) => cosines.set(i, query.embeddingCandidates.cosines[k]));
  for (const i of topEntries(lexicalScores, CANDIDATES)) if (!cosines.has(i)) cosines.set(i, NaN);
  const dims = catalog.dims;
  const out: Candidate[] = [];
  for (const [i, known] of cosines) {
    if (exclude(i)) continue;
    let cosine = known;
    if (Number.isNaN(cosine)) {
      cosine = 0;
      for (let d = 0, o = i * dims; d < dims; d++) cosine += query.embedding[d] * catalog.embeddings[o + d];
    }
    out.push({ index: i, lexical: lexicalScores.get(i), embedding: rescaledEmbedding(cosine, embeddingBaselineValue), trust: Math.min(query.coverage, catalog.coverage[i]) });
  }
  return out;
}

/**
 * Ranks candidates by the fused score. The embedding's share, 1 − lexicalWeight, shrinks with the
 * pair's trust: titles the encoder cannot read are matched by their words and characters.
 */
export function rankCandidates(candidates: Candidate[], lexicalWeight: number, k: number): Neighbour[] {
  return candidates.map((c) => { const e = (1 - lexicalWeight) * c.trust; return { index: c.index, similarity: (1 - e) * c.lexical + e * c.embedding }; })
    .sort((a, b) => b.similarity - a.similarity || a.index - b.index).slice(0, k);
}

/** Mean cosine between catalog products (a sample of pairs): the "unrelated" level of this encoder on this catalog. */
export function embeddingBaseline(embeddings: Float32Array, dims: number): number {
  const n = embeddings.length / dims;
  if (n < 2) return 0;
  let sum = 0;
  let count = 0;
  let s = 12345;
  for (let t = 0; t < Math.min(2000, n * 4); t++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const a = s % n;
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const b = s % n;
    if (a === b) continue;
    let c = 0;
    for (let d = 0; d < dims; d++) c += embeddings[a * dims + d] * embeddings[b * dims + d];
    sum += c;
    count++;
  }
  return Math.min(0.95, Math.max(0, count ? sum / count : 0));
}
