/**
 * Int8 storage of the two big matrices of a price model (the sparse MLP's first-layer tables and
 * the catalog's embeddings): one scale per row, value = round(x / scale) with scale = max|row| / 127.
 * A model is quantised once when training ends, and what it predicts with is the dequantised
 * matrix, so a saved and reloaded model predicts exactly as the one that was saved.
 */
export interface QuantisedRows { values: Int8Array; scales: Float32Array; width: number }

export function quantiseRows(data: Float32Array, width: number): QuantisedRows {
  const rows = width ? data.length / width : 0;
  const values = new Int8Array(data.length);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let j = r * width; j < (r + 1) * width; j++) max = Math.max(max, Math.abs(data[j]));
    const scale = max / 127 || 1;
    scales[r] = scale;
    for (let j = r * width; j < (r + 1) * width; j++) values[j] = Math.round(data[j] / scale);
  }
  return { values, scales, width };
}

export function dequantiseRows(q: QuantisedRows): Float32Array {
  const out = new Float32Array(q.values.length);
  for (let r = 0; r < q.scales.length; r++) for (let j = r * q.width; j < (r + 1) * q.width; j++) out[j] = q.values[j] * q.scales[r];
  return out;
}

/** The matrix as the saved model will hold it. */
export const roundTrip = (data: Float32Array, width: number): Float32Array => dequantiseRows(quantiseRows(data, width));
