/**
 * The Universal Sentence Encoder's SentencePiece tokenizer, reproduced exactly.
 *
 * Re-implemented from `@tensorflow-models/universal-sentence-encoder` (src/tokenizer, Copyright 2019
 * Google LLC, Apache-2.0), itself a port of SentencePiece's `EncodeAsIds`. Parity with it is what
 * makes storecast's vectors identical to USE's; transformers.js' own Unigram tokenizer differs on
 * exact score ties (USE keeps the last candidate), on unknown characters (USE scores them 0) and on
 * its reserved pieces. Its quirks are kept on purpose:
 * - symbols are UTF-16 code units, not code points;
 * - a lattice end with no path yet (best score 0) accepts any candidate, and ties go to the later start;
 * - a position no vocabulary piece starts with is one unknown (id 0, score 0); runs of them merge;
 * - a null score counts as 0 (`null + x` in JavaScript).
 */

/** A vocabulary entry as stored in tokenizer.json (`model.vocab`): piece and log-probability. */
export type VocabEntry = [piece: string, score: number | null];

interface TrieNode {
  children: Map<number, TrieNode>;
  /** Vocabulary id of the piece ending here, or -1. */
  id: number;
  score: number;
}

const SEPARATOR = '\u2581';
const UNKNOWN_ID = 0;

const newNode = (): TrieNode => ({ children: new Map(), id: -1, score: 0 });

export class UseTokenizer {
  private readonly root = newNode();
  private readonly lengths: Int32Array;

  /** `reserved`: the first ids (unknown and control pieces) are never matched in text. */
  constructor(vocabulary: readonly VocabEntry[], reserved = 6) {
    this.lengths = Int32Array.from(vocabulary, ([piece]) => piece.length);
    for (let id = reserved; id < vocabulary.length; id++) {
      const [piece, score] = vocabulary[id];
      let node = this.root;
      for (let i = 0; i < piece.length; i++) {
        const unit = piece.charCodeAt(i);
        let child = node.children.get(unit);
        if (!child) node.children.set(unit, (child = newNode()));
        node = child;
      }
      // A duplicate piece keeps the later id, as in the original.
      if (piece.length > 0) { node.id = id; node.score = score ?? 0; }
    }
  }

  /** Token ids of one text (empty for an empty text). */
  encode(text: string): number[] {
    const normalized = text.normalize('NFKC');
    if (normalized.length === 0) return [];
    const input = SEPARATOR + normalized.replace(/ /g, SEPARATOR);
    const n = input.length;
    // arrivals[end] lists [start, id, score] of the pieces ending at `end`, by increasing start.
    const arrivals: Array<Array<[number, number, number]>> = Array.from({ length: n + 1 }, () => []);
    for (let start = 0; start < n; start++) {
      let node = this.root.children.get(input.charCodeAt(start));
      let matched = false;
      for (let end = start + 1; node; end++) {
        if (node.id >= 0) { arrivals[end].push([start, node.id, node.score]); matched = true; }
        node = end < n ? node.children.get(input.charCodeAt(end)) : undefined;
      }
      if (!matched) arrivals[start + 1].push([start, UNKNOWN_ID, 0]);
    }
    const best = new Float64Array(n + 1);
    const words = new Int32Array(n + 1);
    for (let end = 0; end <= n; end++) {
      for (const [start, id, score] of arrivals[end]) {
        const total = score + best[start];
        if (best[end] === 0 || total >= best[end]) { best[end] = total; words[end] = id; }
      }
    }
    // Walk back by the chosen pieces' lengths, then merge runs of unknowns.
    const reversed: number[] = [];
    for (let at = n; at > 0; at -= this.lengths[words[at]]) reversed.push(words[at]);
    const ids: number[] = [];
    let previousUnknown = false;
    for (const id of reversed) {
      if (!(previousUnknown && id === UNKNOWN_ID)) ids.push(id);
      previousUnknown = id === UNKNOWN_ID;
    }
    return ids.reverse();
  }
}
