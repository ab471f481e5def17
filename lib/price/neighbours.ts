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

/** Similarity-weighted mean of neighbour log-prices; the temperature sharpens towards the closest. */
export function knnEstimate(neighbours: Array<{ index: number; similarity: number }>, logPrices: ArrayLike<number>, temperature = 0.05): number {
  if (!neighbours.length) return NaN;
  const top = neighbours[0].similarity;
  let weight = 0;
  let sum = 0;
  for (const n of neighbours) {
    const w = Math.exp((n.similarity - top) / temperature);
    weight += w;
    sum += w * logPrices[n.index];
  }
  return sum / weight;
}
