import { addHashedGroup, hash32, letterRuns, signedLog, words, type SparseRow } from './features.js';
import { UNIT_KINDS, quantitiesByKind, quantityTokens, type UnitKind } from './units.js';
import type { Product } from './types.js';
import { scriptCoverage, scriptOf } from '../text/scripts.js';

/**
 * The one featurizer: training, cross-validation and prediction all read products through it.
 * A product becomes
 * - a hashed sparse row (TF-IDF of title word 1–2-grams and char n-grams in any script,
 *   description words, category path levels, brand, brand × title word and leaf category × title
 *   word crosses, string attributes, quantity tokens) with dense slots appended for numeric
 *   attributes and parsed quantities (standardised signed log, plus a presence flag);
 * - a lexical row for neighbours (title words and char 3–4-grams, TF-IDF, unit length);
 * - the text the encoder reads.
 */
export const FEATURE_HASH_BITS = 18;
const HASH_SIZE = 1 << FEATURE_HASH_BITS;
const DESCRIPTION_CHARS = 600;
/** Columns each sparse MLP view keeps (most frequent first): bounds its first layer's size. */
export const MAX_MLP_COLUMNS = 1 << 15;
const MAX_NUMERIC_ATTRIBUTES = 32;
/** Title characters the encoder reads: its cost grows with length, and the head of a title names the product. */
const ENCODER_TITLE_CHARS = 100;

export interface Standardiser { name: string; mean: number; sd: number }

export interface FeaturizerState {
  /** IDF per hashed slot (0 = never seen in the catalog). */
  idf: Float32Array;
  /** IDF of the lexical (neighbour) space. */
  lexicalIdf: Float32Array;
  numeric: Standardiser[];
  quantities: Standardiser[];
  /** Hashed slots the word-view MLP reads (word-level features), most frequent first. */
  mlpColumns: Int32Array;
  /** Hashed slots the n-gram-view MLP reads (every feature, char n-grams included), most frequent first. */
  mlpGramColumns: Int32Array;
  /** Share of catalog titles per script (Latin, Han, Arabic, ...): an unseen script means an unfamiliar product. */
  scripts: Record<string, number>;
}

const NON_LATIN = /[^\p{Script=Latin}\p{N}\p{P}\p{S}\s]/u;

function addGroup(target: Map<number, number>, features: string[], weight: number): void {
  addHashedGroup(target, features.map((f) => hash32(f) & (HASH_SIZE - 1)), weight);
}


const FNV_PRIME = 0x01000193;
const CHAR_PREFIX_HASH = hash32('c:');

/**
 * Hashes of the char n-grams of each word (as hash32('c:' + gram)), extended one character at a
 * time instead of slicing and rehashing every gram. Scripts other than Latin also get single
 * characters (a Chinese character is often a word). Grams span whole letter runs, not segmented
 * words: a segmenter that cuts an unknown word into characters does not lose its bigrams.
 */
function charGramHashes(text: string, min: number, max: number): number[] {
  const out: number[] = [];
  for (const w of letterRuns(text)) {
    const from = NON_LATIN.test(w) ? 1 : min;
    const padded = ` ${w} `;
    for (let i = 0; i < padded.length; i++) {
      let h = CHAR_PREFIX_HASH;
      for (let n = 1; n <= max && i + n <= padded.length; n++) {
        h = Math.imul(h ^ padded.charCodeAt(i + n - 1), FNV_PRIME);
        if (n >= from && !(n === 1 && padded[i] === ' ')) out.push((h >>> 0) & (HASH_SIZE - 1));
      }
    }
  }
  return out;
}

const categoryLevels = (category: string | undefined): string[] => (category ? category.split('>').map((s) => s.trim().toLowerCase()).filter(Boolean) : []);
export const leafCategory = (p: Product): string => categoryLevels(p.category).join('>');

/** Hashed features before IDF weighting: word-level groups, and the title's char n-grams apart (the MLP reads words only). */
function hashedFeatures(p: Product, quantities: Map<UnitKind, number>): { words: Map<number, number>; chars: Map<number, number> } {
  const f = new Map<number, number>();
  const chars = new Map<number, number>();
  const titleWords = words(p.title);
  const bigrams = titleWords.slice(1).map((w, i) => `b:${titleWords[i]} ${w}`);
  addGroup(f, titleWords.map((w) => 'w:' + w).concat(bigrams), 1);
  addHashedGroup(chars, charGramHashes(p.title, 2, 5), 1);
  if (p.description) addGroup(f, words(p.description.slice(0, DESCRIPTION_CHARS)).map((w) => 'd:' + w), 0.5);
  const levels = categoryLevels(p.category);
  if (levels.length) {
    addGroup(f, levels.map((_, i) => 'cat:' + levels.slice(0, i + 1).join('>')), 1);
    // The same word prices differently by category ("case" of wine vs phone case).
    const leaf = levels[levels.length - 1];
    addGroup(f, titleWords.map((w) => `cx:${leaf}|${w}`), 0.5);
  }
  const brand = p.brand?.trim().toLowerCase();
  if (brand) {
    addGroup(f, ['brand:' + brand], 1);
    addGroup(f, titleWords.map((w) => `bx:${brand}|${w}`), 0.5);
  }
  const attributes = Object.entries(p.attributes ?? {}).filter(([, v]) => typeof v !== 'number');
  if (attributes.length) addGroup(f, attributes.map(([k, v]) => `attr:${k.toLowerCase()}=${String(v).toLowerCase()}`), 0.7);
  const tokens = quantityTokens(quantities);
  if (tokens.length) addGroup(f, tokens, 0.7);
  return { words: f, chars };
}

/** Weight of the category path next to the title's words and char grams in the neighbour similarity. */
const LEXICAL_CATEGORY_WEIGHT = 1;

/** Title words, char 3–4-grams and the category path: what "looks like the same kind of product" to a merchant. */
function lexicalFeatures(p: Product): Map<number, number> {
  const f = new Map<number, number>();
  addGroup(f, words(p.title).map((w) => 'w:' + w), 1);
  addHashedGroup(f, charGramHashes(p.title, 3, 4), 1);
  const levels = categoryLevels(p.category);
  // A comparable from the same leaf category explains a price better than a lookalike from another aisle.
  if (levels.length) addGroup(f, levels.map((_, i) => 'cat:' + levels.slice(0, i + 1).join('>')), LEXICAL_CATEGORY_WEIGHT);
  return f;
}

const quantityText = (p: Product): string => [p.title, p.description?.slice(0, DESCRIPTION_CHARS) ?? ''].join(' \n ');

/** Adds a value to a keyed list (in place: catalogs of 50,000 products). */
export function append<K>(lists: Map<K, number[]>, key: K, value: number): void {
  const list = lists.get(key);
  if (list) list.push(value);
  else lists.set(key, [value]);
}

function standardisers(values: Map<string, number[]>, minimum: number, limit: number): Standardiser[] {
  return [...values].filter(([, v]) => v.length >= minimum).slice(0, limit).map(([name, v]) => {
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) || 1;
    return { name, mean, sd };
  });
}

function idfOf(df: Float32Array, n: number): Float32Array {
  const idf = new Float32Array(df.length);
  for (let i = 0; i < df.length; i++) idf[i] = df[i] ? Math.log((1 + n) / (1 + df[i])) + 1 : 0;
  return idf;
}

/** A product's raw (unweighted) features: computed once, used by fitting and by featurizing. */
export interface RawFeatures { words: Map<number, number>; chars: Map<number, number>; lexical: Map<number, number>; quantities: Map<UnitKind, number>; script: string }

export function rawFeatures(p: Product): RawFeatures {
  const quantities = quantitiesByKind(quantityText(p));
  return { ...hashedFeatures(p, quantities), lexical: lexicalFeatures(p), quantities, script: scriptOf(p.title) };
}

export function fitFeaturizer(products: Product[], raws: RawFeatures[] = products.map(rawFeatures)): FeaturizerState {
  const n = products.length;
  const df = new Float32Array(HASH_SIZE);
  const wordDf = new Float32Array(HASH_SIZE);
  const lexicalDf = new Float32Array(HASH_SIZE);
  const numericValues = new Map<string, number[]>();
  const quantityValues = new Map<string, number[]>();
  const scriptCounts: Record<string, number> = {};
  products.forEach((p, i) => {
    const raw = raws[i];
    const hashed = new Set([...raw.words.keys(), ...raw.chars.keys()]);
    for (const h of hashed) df[h]++;
    for (const h of raw.words.keys()) wordDf[h]++;
    for (const h of raw.lexical.keys()) lexicalDf[h]++;
    for (const [k, v] of Object.entries(p.attributes ?? {})) if (typeof v === 'number' && Number.isFinite(v)) append(numericValues, k, signedLog(v));
    for (const [k, v] of raw.quantities) append(quantityValues, k, Math.log(v));
    scriptCounts[raw.script] = (scriptCounts[raw.script] ?? 0) + 1 / n;
  });
  // The MLPs read features seen at least twice (once is noise they would memorise), most frequent first.
  const frequent = (counts: Float32Array): Int32Array => {
    const seen: number[] = [];
    for (let h = 0; h < HASH_SIZE; h++) if (counts[h] >= 2 || (n < 200 && counts[h] >= 1)) seen.push(h);
    seen.sort((a, b) => counts[b] - counts[a] || a - b);
    return Int32Array.from(seen.slice(0, MAX_MLP_COLUMNS));
  };
  return {
    idf: idfOf(df, n),
    lexicalIdf: idfOf(lexicalDf, n),
    numeric: standardisers(numericValues, Math.max(3, 0.05 * n), MAX_NUMERIC_ATTRIBUTES),
    quantities: standardisers(new Map(UNIT_KINDS.filter((k) => quantityValues.has(k)).map((k) => [k, quantityValues.get(k)!])), Math.max(3, 0.02 * n), UNIT_KINDS.length),
    mlpColumns: frequent(wordDf),
    mlpGramColumns: frequent(df),
    scripts: scriptCounts,
  };
}

/** Dense slots after the hashed space: (value, present) per numeric attribute, then per quantity kind. */
export const denseSlots = (s: FeaturizerState): number => 2 * (s.numeric.length + s.quantities.length);
export const sparseDimension = (s: FeaturizerState): number => HASH_SIZE + denseSlots(s);

export interface ProductFeatures {
  /** Hashed TF-IDF row (unit length) plus dense slots at HASH_SIZE + i. */
  sparse: SparseRow;
  /** The word-level part of the hashed row (no char n-grams) plus the dense slots: the MLP's input. */
  wordLevel: SparseRow;
  /** Lexical row for neighbours, unit length. */
  lexical: SparseRow;
  /** Dense slot values (standardised), denseSlots(state) long. */
  dense: Float32Array;
  script: string;
}

function weighted(features: Map<number, number>, idf: Float32Array): { indices: number[]; values: number[] } {
  const indices: number[] = [];
  const values: number[] = [];
  let norm = 0;
  for (const [h, v] of features) {
    if (!idf[h]) continue;
    const w = v * idf[h];
    indices.push(h);
    values.push(w);
    norm += w * w;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < values.length; i++) values[i] /= norm;
  return { indices, values };
}

export function featurize(p: Product, s: FeaturizerState, raw: RawFeatures = rawFeatures(p)): ProductFeatures {
  const quantities = raw.quantities;
  const merged = new Map(raw.words);
  for (const [h, v] of raw.chars) merged.set(h, (merged.get(h) ?? 0) + v);
  const hashed = weighted(merged, s.idf);
  const wordLevel = weighted(raw.words, s.idf);
  const dense = new Float32Array(denseSlots(s));
  s.numeric.forEach((n, i) => {
    const v = p.attributes?.[n.name];
    // Clipped: a wild value in one product must not swing a linear member (a ridge on raw attributes explodes on small catalogs).
    if (typeof v === 'number' && Number.isFinite(v)) { dense[2 * i] = clip((signedLog(v) - n.mean) / n.sd); dense[2 * i + 1] = 1; }
  });
  const offset = 2 * s.numeric.length;
  s.quantities.forEach((q, i) => {
    const v = quantities.get(q.name as UnitKind);
    if (v !== undefined) { dense[offset + 2 * i] = clip((Math.log(v) - q.mean) / q.sd); dense[offset + 2 * i + 1] = 1; }
  });
  for (let i = 0; i < dense.length; i++) if (dense[i] !== 0) for (const row of [hashed, wordLevel]) { row.indices.push(HASH_SIZE + i); row.values.push(dense[i] * DENSE_WEIGHT); }
  const lexical = weighted(raw.lexical, s.lexicalIdf);
  return {
    sparse: { indices: Int32Array.from(hashed.indices), values: Float32Array.from(hashed.values) },
    wordLevel: { indices: Int32Array.from(wordLevel.indices), values: Float32Array.from(wordLevel.values) },
    lexical: { indices: Int32Array.from(lexical.indices), values: Float32Array.from(lexical.values) },
    dense,
    script: raw.script,
  };
}

/** Scale of the dense slots next to unit-length TF-IDF rows. */
const DENSE_WEIGHT = 0.3;
const clip = (v: number): number => Math.max(-4, Math.min(4, v));

/**
 * Share of a title's words the encoder can read (scripts.ts): 1 when `scripts` is absent (the
 * encoder reads every script). A Set is reused across a catalog.
 */
export function encoderCoverage(title: string, scripts: ReadonlySet<string> | undefined): number {
  return scripts ? scriptCoverage(title.slice(0, ENCODER_TITLE_CHARS), scripts) : 1;
}

export function encoderCoverages(titles: string[], scripts: readonly string[] | undefined): Float32Array {
  const set = scripts && new Set(scripts);
  return Float32Array.from(titles, (t) => encoderCoverage(t, set));
}

/** What the text encoder reads: the head of the title and the category's last level. */
export function encoderText(p: Product): string {
  const leaf = categoryLevels(p.category).pop();
  return leaf ? `${p.title.slice(0, ENCODER_TITLE_CHARS)}. ${leaf}` : p.title.slice(0, ENCODER_TITLE_CHARS);
}

/** Same product in the catalog: same id, or the same title once case and spacing are ignored. */
export const titleKey = (title: string): string => title.toLowerCase().replace(/\s+/g, ' ').trim();
