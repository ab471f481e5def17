/**
 * Text primitives shared by the featurizer (`featurizer.ts`): hashing, word splitting, a field's
 * hashed group, the signed log. The benchmark's TF-IDF + ridge baseline builds on them too
 * (bench/tfidf-baseline.ts).
 */
import { foldSpellings, hasUnspacedScript, segmentWords } from '../text/scripts.js';

export interface SparseRow { indices: Int32Array; values: Float32Array }

/** FNV-1a, 32 bits: fast, stable across platforms and versions (saved models depend on it). */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Runs of letters and digits, lower-cased, spellings folded: the words of scripts that put spaces between words. */
export function letterRuns(text: string): string[] {
  return foldSpellings(text).toLowerCase().match(/[\p{L}\p{N}]+(?:[.,][\p{N}]+)?/gu) ?? [];
}

/**
 * Words, lower-cased. Chinese, Japanese or Thai runs ("苹果iphone15手机256gb黑色") are split by
 * Unicode word segmentation (苹果 | iphone15 | 手机 | 256gb | 黑色): as one run, a title would be one
 * "word" no other title shares. Char n-grams read the unsplit runs (`letterRuns`), so characters
 * the segmenter cuts apart still make bigrams.
 */
export function words(text: string): string[] {
  const runs = letterRuns(text);
  return hasUnspacedScript(text) ? runs.flatMap((w) => (hasUnspacedScript(w) ? segmentWords(w) : [w])) : runs;
}

/** Adds one field's hashed features to `target`: sublinear term frequency, the group L2-normalised so long fields do not drown short ones. */
export function addHashedGroup(target: Map<number, number>, hashes: number[], weight: number): void {
  if (!hashes.length) return;
  const counts = new Map<number, number>();
  for (const h of hashes) counts.set(h, (counts.get(h) ?? 0) + 1);
  let norm = 0;
  for (const [h, c] of counts) { const v = 1 + Math.log(c); counts.set(h, v); norm += v * v; }
  norm = Math.sqrt(norm);
  for (const [h, v] of counts) target.set(h, (target.get(h) ?? 0) + (weight * v) / norm);
}

export const signedLog = (v: number): number => Math.sign(v) * Math.log1p(Math.abs(v));

