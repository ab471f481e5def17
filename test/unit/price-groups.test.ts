import { describe, expect, it } from 'vitest';
import { featurize, fitFeaturizer } from '../../lib/price/featurizer.js';
import { groupFolds, nearDuplicateGroups } from '../../lib/price/groups.js';
import { LexicalIndex } from '../../lib/price/neighbours.js';
import type { Product } from '../../lib/index.js';

const catalog: Product[] = [
  { title: 'Avery Durable Binder, 1 inch, Blue', category: 'Office > Binders' },
  { title: 'Avery Durable Binder, 1 inch, Red', category: 'Office > Binders' },
  { title: 'Avery Durable Binder, 1 inch, Black', category: 'Office > Binders' },
  { title: 'Oak bookcase, 5 shelves', category: 'Furniture > Bookcases' },
  { title: 'Stainless steel kettle 1.7 l', category: 'Kitchen > Kettles' },
  { title: 'Wireless optical mouse', category: 'Technology > Accessories' },
  { title: 'USB-C charging cable 2 m', category: 'Technology > Accessories' },
  { title: 'Ceramic coffee mug', category: 'Kitchen > Mugs' },
];

describe('cross-validation groups of near-duplicates', () => {
  const state = fitFeaturizer(catalog);
  const lexical = catalog.map((p) => featurize(p, state).lexical);

  it('puts colour variants of one item in one group, and unrelated products apart', async () => {
    const groups = await nearDuplicateGroups(lexical, 0.7, undefined, undefined, 4);
    expect(groups[1]).toBe(groups[0]);
    expect(groups[2]).toBe(groups[0]);
    expect(new Set(Array.from(groups).slice(3)).size).toBe(5);
    expect(groups.slice(3).every((g) => g !== groups[0])).toBe(true);
  });

  it('caps a chain of lookalikes at the maximum group size', async () => {
    const groups = await nearDuplicateGroups(lexical, 0.7, undefined, undefined, 2);
    const sizes = new Map<number, number>();
    groups.forEach((g) => sizes.set(g, (sizes.get(g) ?? 0) + 1));
    expect(Math.max(...sizes.values())).toBeLessThanOrEqual(2);
  });

  it('assigns whole groups to folds, balanced by rows, the same for the same seed', async () => {
    const groups = await nearDuplicateGroups(lexical, 0.7, undefined, undefined, 4);
    const folds = groupFolds(groups, 4, 42);
    expect(folds[1]).toBe(folds[0]);
    expect(folds[2]).toBe(folds[0]);
    const counts = [0, 1, 2, 3].map((f) => folds.filter((x) => x === f).length);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(1);
    expect(Array.from(groupFolds(groups, 4, 42))).toEqual(Array.from(folds));
  });
});

describe('lexical index', () => {
  const state = fitFeaturizer(catalog);
  const lexical = catalog.map((p) => featurize(p, state).lexical);
  const cosine = (a: number, b: number): number => {
    let s = 0;
    lexical[a].indices.forEach((h, k) => { const at = lexical[b].indices.indexOf(h); if (at >= 0) s += lexical[a].values[k] * lexical[b].values[at]; });
    return s;
  };

  it('scores every product that shares a feature with its cosine, and reads any row by get()', () => {
    const index = new LexicalIndex(lexical);
    for (let q = 0; q < catalog.length; q++) {
      const { rows, values, get } = index.scores(lexical[q]);
      const expected = catalog.map((_, j) => j).filter((j) => cosine(q, j) > 0);
      expect([...rows].sort((a, b) => a - b)).toEqual(expected);
      rows.forEach((j, t) => expect(values[t]).toBeCloseTo(cosine(q, j), 5));
      for (let j = 0; j < catalog.length; j++) expect(get(j)).toBeCloseTo(cosine(q, j), 5);
      expect(values[rows.indexOf(q)]).toBeCloseTo(1, 5);
    }
  });

  it('refuses to read a query\'s scores after a newer query reused its buffer', () => {
    const index = new LexicalIndex(lexical);
    const first = index.scores(lexical[0]);
    expect(first.get(1)).toBeGreaterThan(0.7);
    index.scores(lexical[4]);
    expect(() => first.get(1)).toThrow(/newer query/);
  });
});
