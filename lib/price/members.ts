import type { Candidate, Neighbour } from './neighbours.js';
import { append } from './featurizer.js';

/**
 * The stack's members, in the order of every member vector: a ridge on the hashed TF-IDF row,
 * the sparse MLP (the mean of its two views), the hybrid-neighbour estimate, the ridge-adjusted
 * neighbour estimate (each neighbour's price moved by the ridge's predicted difference to the
 * query), a ridge on the encoder's embedding with the parsed quantities (dense input), and the
 * category median (the fallback a small catalog can always trust; always last).
 */
export const MEMBER_NAMES = ['ridge', 'sparse MLP', 'neighbours', 'ridge-adjusted neighbours', 'encoder ridge', 'category median'] as const;
export const LEARNED_MEMBERS = [0, 1, 2, 3, 4];
/** The ridge member's column: a catalog product's prediction by its fold's ridge, which the ridge-adjusted neighbours read. */
export const RIDGE_MEMBER = MEMBER_NAMES.indexOf('ridge');
/** Neighbours read for the estimate and its spread. */
export const NEIGHBOURS = 10;
/** Softmax temperature of the neighbour weights (on the fused similarity, 0–1): chosen by cross-validation from these. */
export const TEMPERATURES = [0.03, 0.1, 0.3];
export const DEFAULT_TEMPERATURE = 0.1;
/** Lexical cosine (title words, char 3–4-grams, category path) at which two products are near-duplicates (and share a cross-validation fold, groups.ts). */
export const NEAR_DUPLICATE = 0.7;

export interface NeighbourStats { estimate: number; spread: number; top: number }

/**
 * The ridge-adjusted neighbour estimate: each neighbour's log price plus the ridge's predicted
 * difference between the query and that neighbour, `difference(j)` = ridge(query) − ridge(j),
 * weighted like the plain estimate. A neighbour answers for what the two products share, the
 * ridge for what tells them apart (a larger pack, another capacity). The ridge reading both must
 * have seen neither price: one that had seen the neighbour's would fit it, and the estimate would
 * count the neighbour's price twice. Without neighbours, `fallback` (the ridge's own estimate).
 */
export function adjustedNeighbourEstimate(neighbours: Neighbour[], logPrices: ArrayLike<number>, difference: (j: number) => number, fallback: number, temperature = DEFAULT_TEMPERATURE): number {
  if (!neighbours.length) return fallback;
  const weights = similarityWeights(neighbours, temperature);
  let weight = 0;
  let sum = 0;
  neighbours.forEach((n, k) => {
    weight += weights[k];
    sum += weights[k] * (logPrices[n.index] + difference(n.index));
  });
  return sum / weight;
}

/**
 * `difference` for the ridge-adjusted estimate, except that the query's near-duplicates among its
 * candidates answer with their own price, unadjusted. Grouped cross-validation never pairs a
 * product with a near-duplicate in another fold, so the stack never saw (nor weighted) the ridge
 * difference between twins; a new product does meet its twins, and there the plain price of the
 * twin is the better estimate (bench/RESULTS.md, price section).
 */
export function keepNearDuplicatePrices(candidates: Candidate[], difference: (j: number) => number): (j: number) => number {
  const twins = new Set(candidates.filter((c) => c.lexical >= NEAR_DUPLICATE).map((c) => c.index));
  return twins.size ? (j) => (twins.has(j) ? 0 : difference(j)) : difference;
}

/** Each neighbour's weight, exp((similarity − top) / temperature): the closest counts 1. */
function similarityWeights(neighbours: Neighbour[], temperature: number): number[] {
  const top = neighbours[0].similarity;
  return neighbours.map((n) => Math.exp((n.similarity - top) / temperature));
}

export function neighbourStats(neighbours: Neighbour[], logPrices: ArrayLike<number>, fallback: number, temperature = DEFAULT_TEMPERATURE): NeighbourStats {
  if (!neighbours.length) return { estimate: fallback, spread: 1, top: 0 };
  const weights = similarityWeights(neighbours, temperature);
  let weight = 0;
  let sum = 0;
  neighbours.forEach((n, k) => {
    weight += weights[k];
    sum += weights[k] * logPrices[n.index];
  });
  const estimate = sum / weight;
  let spread = 0;
  neighbours.forEach((n, k) => { spread += (weights[k] / weight) * (logPrices[n.index] - estimate) ** 2; });
  return { estimate, spread: Math.sqrt(spread), top: neighbours[0].similarity };
}

/** Log-price medians per category path prefix ('a', 'a>b', ...), for the category-median member. */
export interface CategoryMedians { byPath: Record<string, { median: number; count: number }>; global: number }

const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const pathPrefixes = (leaf: string): string[] => {
  const levels = leaf ? leaf.split('>') : [];
  return levels.map((_, i) => levels.slice(0, i + 1).join('>'));
};

export function fitCategoryMedians(leaves: string[], logPrices: ArrayLike<number>, rows?: number[]): CategoryMedians {
  const take = rows ?? leaves.map((_, i) => i);
  const groups = new Map<string, number[]>();
  for (const r of take) for (const p of pathPrefixes(leaves[r])) append(groups, p, logPrices[r]);
  return {
    byPath: Object.fromEntries([...groups].map(([k, v]) => [k, { median: median(v), count: v.length }])),
    global: median(take.map((r) => logPrices[r])),
  };
}

/** Median of the deepest category level with a priced product. */
export function categoryMedian(leaf: string, medians: CategoryMedians): number {
  const prefixes = pathPrefixes(leaf);
  for (let i = prefixes.length - 1; i >= 0; i--) {
    const m = medians.byPath[prefixes[i]];
    if (m && m.count >= 1) return m.median;
  }
  return medians.global;
}

/** Standard deviation of the learned members: where they disagree, the answer is less certain. */
export function memberSpread(members: ArrayLike<number>): number {
  let mean = 0;
  for (const j of LEARNED_MEMBERS) mean += members[j] / LEARNED_MEMBERS.length;
  let s = 0;
  for (const j of LEARNED_MEMBERS) s += (members[j] - mean) ** 2;
  return Math.sqrt(s / LEARNED_MEMBERS.length);
}

/** The dense input of the encoder ridge: the embedding scaled to unit-size coordinates, then the featurizer's dense slots. */
export function denseInput(embedding: Float32Array, dense: Float32Array): Float32Array {
  const z = new Float32Array(embedding.length + dense.length);
  const scale = Math.sqrt(embedding.length);
  for (let i = 0; i < embedding.length; i++) z[i] = embedding[i] * scale;
  z.set(dense, embedding.length);
  return z;
}
