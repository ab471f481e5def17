import { breather } from '../errors.js';
import type { SparseRow } from './features.js';
import { LexicalIndex } from './neighbours.js';
import { seededOrder } from './mlp.js';

/**
 * Cross-validation groups: near-duplicate products (the same item in another colour, size or pack)
 * share a fold, so no product is scored by a model that saw its twin's price. Random K-fold lets
 * those twins leak across folds and makes every member look better than it is on products the
 * catalog has not seen — most of all the neighbours — which skews the stacker and the ranges.
 */
export async function nearDuplicateGroups(lexical: SparseRow[], threshold: number, index = new LexicalIndex(lexical), signal?: AbortSignal, maxSize = Math.max(2, Math.floor(lexical.length / 10))): Promise<Int32Array> {
  const n = lexical.length;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const size = new Int32Array(n).fill(1);
  const find = (i: number): number => {
    while (parent[i] !== i) { parent[i] = parent[parent[i]]; i = parent[i]; }
    return i;
  };
  const breathe = breather(undefined, signal);
  for (let i = 0; i < n; i++) {
    await breathe();
    const { rows, values } = index.scores(lexical[i]);
    for (let t = 0; t < rows.length; t++) {
      const j = rows[t];
      if (j <= i || values[t] < threshold) continue;
      const a = find(i);
      const b = find(j);
      // Chains of lookalikes stop at maxSize: one group must not fill a fold.
      if (a === b || size[a] + size[b] > maxSize) continue;
      parent[Math.max(a, b)] = Math.min(a, b);
      size[Math.min(a, b)] += size[Math.max(a, b)];
    }
  }
  return Int32Array.from({ length: n }, (_, i) => find(i));
}

/** Folds of whole groups: groups in a seeded order, each to the fold with the fewest rows so far (largest groups first). */
export function groupFolds(groups: Int32Array, folds: number, seed: number): Int32Array {
  const members = new Map<number, number[]>();
  groups.forEach((g, i) => { const list = members.get(g); if (list) list.push(i); else members.set(g, [i]); });
  const keys = [...members.keys()];
  const order = seededOrder(keys.length, seed).map((k) => keys[k]);
  order.sort((a, b) => members.get(b)!.length - members.get(a)!.length);
  const sizes = new Array<number>(folds).fill(0);
  const fold = new Int32Array(groups.length);
  for (const g of order) {
    let f = 0;
    for (let k = 1; k < folds; k++) if (sizes[k] < sizes[f]) f = k;
    for (const i of members.get(g)!) fold[i] = f;
    sizes[f] += members.get(g)!.length;
  }
  return fold;
}
