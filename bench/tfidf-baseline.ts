// The benchmark's reference representation: the TF-IDF space (word 1–2 + char 2–5 grams,
// categories, attributes) of the TF-IDF + ridge baseline and the encoder bench's k-NN. The price
// model itself reads products through lib/price/featurizer.ts; both share lib/price/features.ts.
import type { Product } from '../lib/index.js';
import { addHashedGroup, hash32, letterRuns, signedLog, words, type SparseRow } from '../lib/price/features.js';

export const HASH_BITS = 17;
const HASH_SIZE = 1 << HASH_BITS;
/** Text read for n-grams; descriptions can be huge and their first lines carry the product. */
const DESCRIPTION_CHARS = 600;

export const hash = (text: string): number => hash32(text) & (HASH_SIZE - 1);

/** What the encoder bench embeds for a product's k-NN price: title, brand, category, the head of the description. */
export function productText(p: Product): string {
  const parts = [p.title];
  if (p.brand) parts.push(`Brand: ${p.brand}`);
  if (p.category) parts.push(`Category: ${p.category.split('>').map((s) => s.trim()).slice(-2).join(', ')}`);
  if (p.description) parts.push(p.description.slice(0, 300));
  return parts.join('. ');
}

const addGroup = (target: Map<number, number>, features: string[], weight: number): void => addHashedGroup(target, features.map(hash), weight);

function charGrams(text: string, min: number, max: number): string[] {
  const out: string[] = [];
  for (const w of letterRuns(text)) {
    const padded = ` ${w} `;
    for (let n = min; n <= max; n++) for (let i = 0; i + n <= padded.length; i++) out.push('c:' + padded.slice(i, i + n));
  }
  return out;
}

/** Sparse features before IDF weighting. Numbers in attributes are handled by `numericFeatures`. */
export function sparseFeatures(p: Product): Map<number, number> {
  const f = new Map<number, number>();
  const titleWords = words(p.title);
  const bigrams = titleWords.slice(1).map((w, i) => `b:${titleWords[i]} ${w}`);
  addGroup(f, titleWords.map((w) => 'w:' + w).concat(bigrams), 1);
  addGroup(f, charGrams(p.title, 2, 5), 1);
  if (p.description) addGroup(f, words(p.description.slice(0, DESCRIPTION_CHARS)).map((w) => 'd:' + w), 0.5);
  if (p.category) {
    // Every level of a category path is a feature: 'Electronics', 'Electronics > Phones', ...
    const levels = p.category.split('>').map((s) => s.trim().toLowerCase());
    addGroup(f, levels.map((_, i) => 'cat:' + levels.slice(0, i + 1).join('>')), 1);
  }
  if (p.brand) addGroup(f, ['brand:' + p.brand.trim().toLowerCase()], 1);
  const attributes = Object.entries(p.attributes ?? {}).filter(([, v]) => typeof v !== 'number');
  if (attributes.length) addGroup(f, attributes.map(([k, v]) => `attr:${k.toLowerCase()}=${String(v).toLowerCase()}`), 0.7);
  return f;
}

export interface FeatureSpace {
  idf: Float32Array;
  /** Numeric attribute names, with mean/sd of log1p(|x|)·sign(x) for standardising. */
  numeric: { name: string; mean: number; sd: number }[];
}

export function fitFeatureSpace(products: Product[]): FeatureSpace {
  const df = new Float32Array(HASH_SIZE);
  for (const p of products) for (const h of sparseFeatures(p).keys()) df[h]++;
  const idf = new Float32Array(HASH_SIZE);
  const n = products.length;
  for (let i = 0; i < HASH_SIZE; i++) idf[i] = df[i] ? Math.log((1 + n) / (1 + df[i])) + 1 : 0;
  const numericValues = new Map<string, number[]>();
  for (const p of products) for (const [k, v] of Object.entries(p.attributes ?? {})) if (typeof v === 'number') {
    const list = numericValues.get(k) ?? [];
    list.push(signedLog(v));
    numericValues.set(k, list);
  }
  const numeric = [...numericValues].filter(([, v]) => v.length >= Math.max(3, 0.05 * n)).slice(0, 32).map(([name, v]) => {
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) || 1;
    return { name, mean, sd };
  });
  return { idf, numeric };
}

export function sparseRow(p: Product, space: FeatureSpace): SparseRow {
  const f = sparseFeatures(p);
  const entries = [...f].filter(([h]) => space.idf[h] > 0);
  let norm = 0;
  for (const e of entries) { e[1] *= space.idf[e[0]]; norm += e[1] * e[1]; }
  norm = Math.sqrt(norm) || 1;
  // Numeric attributes live at reserved slots past the hashed space: value and a "present" flag.
  const numeric = numericFeatures(p, space);
  const indices = new Int32Array(entries.length + numeric.length);
  const values = new Float32Array(entries.length + numeric.length);
  entries.forEach(([h, v], i) => { indices[i] = h; values[i] = v / norm; });
  numeric.forEach(([slot, v], i) => { indices[entries.length + i] = HASH_SIZE + slot; values[entries.length + i] = v; });
  return { indices, values };
}

/** [slot, value] pairs for numeric attributes: 2 slots per attribute (standardised value, presence). */
export function numericFeatures(p: Product, space: FeatureSpace): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  space.numeric.forEach((n, i) => {
    const v = p.attributes?.[n.name];
    if (typeof v === 'number' && Number.isFinite(v)) out.push([2 * i, (signedLog(v) - n.mean) / n.sd], [2 * i + 1, 1]);
  });
  return out;
}

export const sparseDimension = (space: FeatureSpace): number => HASH_SIZE + 2 * space.numeric.length;
