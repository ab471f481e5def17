import { isNode } from '../config.js';
import { StorecastError, invalidInput } from '../errors.js';
import { openIndexedDb, readModelFile } from '../io.js';
import type { PriceModelState } from './model.js';
import { dequantiseRows, quantiseRows } from './quantize.js';

/**
 * One-file format: MAGIC, a little-endian uint32 manifest length, the JSON manifest, then binary
 * blobs it points into. FORMAT_VERSION changes only with incompatible layouts; older versions
 * are refused with a clear message rather than misread.
 */
const MAGIC = 'STORECAST-PRICE\n';
const MAGIC_BYTES = new TextEncoder().encode(MAGIC);
export const FORMAT_VERSION = 5;
/** What the current version changed, for the message that refuses an older file. */
const FORMAT_CHANGE = 'version 5: Chinese, Japanese and Thai titles split into words, quantities read next to their characters, full-width and Arabic spellings folded; version 4: a sixth member, the ridge-adjusted neighbours, with the fold ridges and each catalog product\'s fold, and one MLP per view trained on every product; version 3: sparse MLPs on two views (word presence, TF-IDF n-grams); version 2: one featurizer with parsed quantities, stacked members, out-of-fold catalog predictions, int8 matrices';
const DB_NAME = 'storecast-price-models';

interface Blob_ { offset: number; length: number; type: 'f32' | 'i32' | 'f64' | 'u8' | 'i8' }
type Typed = Float32Array | Int32Array | Float64Array | Uint8Array | Int8Array;

/** A mostly-zero vector (IDF, ridge weights over 2^18 slots) stored as its non-zero slots. */
interface SparseVector { slots: Blob_; values: Blob_; length: number }

export async function encodeModel(s: PriceModelState): Promise<Uint8Array> {
  const blobs: Uint8Array[] = [];
  let offset = 0;
  const add = (view: Typed): Blob_ => {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
    blobs.push(bytes);
    const type: Blob_['type'] = view instanceof Float32Array ? 'f32' : view instanceof Int32Array ? 'i32' : view instanceof Float64Array ? 'f64' : view instanceof Int8Array ? 'i8' : 'u8';
    const blob = { offset, length: bytes.length, type };
    offset += bytes.length;
    return blob;
  };
  const sparse = (v: Float32Array): SparseVector => {
    const slots: number[] = [];
    v.forEach((x, i) => { if (x !== 0) slots.push(i); });
    return { slots: add(Int32Array.from(slots)), values: add(Float32Array.from(slots, (i) => v[i])), length: v.length };
  };
  /** Int8 with a scale per row: the model already predicts with these values (quantize.ts). */
  const quantised = (data: Float32Array, width: number): { values: Blob_; scales: Blob_; width: number } => {
    const q = quantiseRows(data, width);
    return { values: add(q.values), scales: add(q.scales), width };
  };
  const c = s.catalog;
  const lexicalOffsets = new Int32Array(c.lexical.length + 1);
  c.lexical.forEach((row, i) => { lexicalOffsets[i + 1] = lexicalOffsets[i] + row.indices.length; });
  const lexicalIndices = new Int32Array(lexicalOffsets[c.lexical.length]);
  const lexicalValues = new Float32Array(lexicalOffsets[c.lexical.length]);
  c.lexical.forEach((row, i) => { lexicalIndices.set(row.indices, lexicalOffsets[i]); lexicalValues.set(row.values, lexicalOffsets[i]); });
  const f = s.featurizer;
  const manifest = {
    format: 'storecast-price-model',
    version: FORMAT_VERSION,
    encoderId: s.encoderId,
    encoder: s.encoder,
    createdAt: s.createdAt,
    metrics: s.metrics,
    featurizer: { idf: sparse(f.idf), lexicalIdf: sparse(f.lexicalIdf), numeric: f.numeric, quantities: f.quantities, mlpColumns: add(f.mlpColumns), mlpGramColumns: add(f.mlpGramColumns), scripts: f.scripts },
    ridge: { weights: sparse(s.ridge.weights), intercept: s.ridge.intercept, lambda: s.ridge.lambda },
    ridgeFolds: s.ridgeFolds.map((m) => ({ weights: sparse(m.weights), intercept: m.intercept })),
    encoderRidge: { weights: add(s.encoderRidge.weights), intercept: s.encoderRidge.intercept },
    mlps: s.mlps.map((m) => ({ table: quantised(m.table, m.hidden), bias1: add(m.bias1), kernel2: add(m.kernel2), bias2: add(m.bias2), kernel3: add(m.kernel3), bias3: m.bias3, inputs: m.inputs, hidden: m.hidden, input: m.input, binary: m.binary })),
    target: s.target,
    lexicalWeight: s.lexicalWeight,
    ...(s.encoderScripts ? { encoderScripts: s.encoderScripts } : {}),
    temperature: s.temperature,
    embeddingBaseline: s.embeddingBaseline,
    categoryMedians: s.categoryMedians,
    stacker: s.stacker,
    range: s.range,
    lowSimilarity: s.lowSimilarity,
    typicalScale: s.typicalScale,
    typicalSimilarity: s.typicalSimilarity,
    bounds: s.bounds,
    extraTargets: s.extraTargets,
    extraModels: s.extraModels.map((m) => ({ weights: sparse(m.weights), intercept: m.intercept })),
    catalog: {
      ids: c.ids, titles: c.titles, leaves: c.leaves, dims: c.dims,
      prices: add(c.prices), embeddings: quantised(c.embeddings, c.dims), outOfFold: add(c.outOfFold), fold: add(c.fold),
      lexicalOffsets: add(lexicalOffsets), lexicalIndices: add(lexicalIndices), lexicalValues: add(lexicalValues),
    },
  };
  const json = new TextEncoder().encode(JSON.stringify(manifest));
  const magic = MAGIC_BYTES;
  const out = new Uint8Array(magic.length + 4 + json.length + offset);
  out.set(magic, 0);
  new DataView(out.buffer).setUint32(magic.length, json.length, true);
  out.set(json, magic.length + 4);
  let at = magic.length + 4 + json.length;
  for (const b of blobs) { out.set(b, at); at += b.length; }
  return out;
}

export async function decodeModel(bytes: Uint8Array, source: string): Promise<PriceModelState> {
  const corrupt = (why: string): StorecastError => new StorecastError('MODEL_LOAD_FAILED', `${source} is not a readable storecast price model (${why}).`, { details: { source } });
  const magic = MAGIC_BYTES;
  if (bytes.length < magic.length + 4 || new TextDecoder().decode(bytes.subarray(0, magic.length)) !== MAGIC) throw corrupt('missing header');
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(magic.length, true);
  if (magic.length + 4 + length > bytes.length) throw corrupt('truncated manifest');
  let manifest: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  try { manifest = JSON.parse(new TextDecoder().decode(bytes.subarray(magic.length + 4, magic.length + 4 + length))); } catch { throw corrupt('manifest is not JSON'); }
  if (manifest.format !== 'storecast-price-model') throw corrupt('unknown format');
  if (manifest.version !== FORMAT_VERSION) {
    throw new StorecastError('MODEL_LOAD_FAILED', `${source} is a version ${manifest.version} price model; this storecast reads version ${FORMAT_VERSION} (${FORMAT_CHANGE}). Retrain it with this version.`, { details: { source, version: manifest.version, expected: FORMAT_VERSION } });
  }
  const base = magic.length + 4 + length;
  const read = (b: Blob_): Typed => {
    if (!b || b.offset + b.length + base > bytes.length) throw corrupt('truncated data');
    const copy = bytes.slice(base + b.offset, base + b.offset + b.length).buffer;
    return b.type === 'f32' ? new Float32Array(copy) : b.type === 'i32' ? new Int32Array(copy) : b.type === 'f64' ? new Float64Array(copy) : b.type === 'i8' ? new Int8Array(copy) : new Uint8Array(copy);
  };
  const f32 = (b: Blob_): Float32Array => read(b) as Float32Array;
  const dense = (v: SparseVector): Float32Array => {
    const out = new Float32Array(v.length);
    const slots = read(v.slots) as Int32Array;
    const values = f32(v.values);
    slots.forEach((slot, i) => { out[slot] = values[i]; });
    return out;
  };
  const dequantised = (q: { values: Blob_; scales: Blob_; width: number }): Float32Array => dequantiseRows({ values: read(q.values) as Int8Array, scales: f32(q.scales), width: q.width });
  try {
    const c = manifest.catalog;
    const offsets = read(c.lexicalOffsets) as Int32Array;
    const indices = read(c.lexicalIndices) as Int32Array;
    const values = f32(c.lexicalValues);
    const prices = read(c.prices) as Float64Array;
    const fz = manifest.featurizer;
    return {
      encoderId: manifest.encoderId,
      encoder: manifest.encoder,
      createdAt: manifest.createdAt,
      metrics: manifest.metrics,
      featurizer: { idf: dense(fz.idf), lexicalIdf: dense(fz.lexicalIdf), numeric: fz.numeric, quantities: fz.quantities, mlpColumns: read(fz.mlpColumns) as Int32Array, mlpGramColumns: read(fz.mlpGramColumns) as Int32Array, scripts: fz.scripts },
      ridge: { weights: dense(manifest.ridge.weights), intercept: manifest.ridge.intercept, lambda: manifest.ridge.lambda },
      ridgeFolds: manifest.ridgeFolds.map((m: { weights: SparseVector; intercept: number }) => ({ weights: dense(m.weights), intercept: m.intercept })),
      encoderRidge: { weights: read(manifest.encoderRidge.weights) as Float64Array, intercept: manifest.encoderRidge.intercept },
      mlps: manifest.mlps.map((m: any) => ({ table: dequantised(m.table), bias1: f32(m.bias1), kernel2: f32(m.kernel2), bias2: f32(m.bias2), kernel3: f32(m.kernel3), bias3: m.bias3, inputs: m.inputs, hidden: m.hidden, input: m.input, binary: m.binary })), // eslint-disable-line @typescript-eslint/no-explicit-any
      target: manifest.target,
      lexicalWeight: manifest.lexicalWeight,
      ...(manifest.encoderScripts ? { encoderScripts: manifest.encoderScripts } : {}),
      temperature: manifest.temperature,
      embeddingBaseline: manifest.embeddingBaseline,
      categoryMedians: manifest.categoryMedians,
      stacker: manifest.stacker,
      range: manifest.range,
      lowSimilarity: manifest.lowSimilarity,
      typicalScale: manifest.typicalScale,
      typicalSimilarity: manifest.typicalSimilarity,
      bounds: manifest.bounds,
      extraTargets: manifest.extraTargets,
      extraModels: manifest.extraModels.map((m: { weights: SparseVector; intercept: number }) => ({ weights: dense(m.weights), intercept: m.intercept })),
      catalog: {
        ids: c.ids, titles: c.titles, leaves: c.leaves, dims: c.dims, prices, logPrices: Float64Array.from(prices, Math.log1p),
        embeddings: dequantised(c.embeddings), outOfFold: read(c.outOfFold) as Float64Array, fold: read(c.fold) as Int32Array,
        lexical: Array.from({ length: offsets.length - 1 }, (_, i) => ({ indices: indices.subarray(offsets[i], offsets[i + 1]), values: values.subarray(offsets[i], offsets[i + 1]) })),
      },
    };
  } catch (error) {
    if (error instanceof StorecastError) throw error;
    throw corrupt(`malformed manifest: ${error instanceof Error ? error.message : String(error)}`);
  }
}


async function idb<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  if (typeof indexedDB === 'undefined') throw invalidInput('indexeddb:// needs a browser with IndexedDB.');
  const db = await openIndexedDb(DB_NAME, 'models');
  return new Promise<T>((resolve, reject) => {
    const request = run(db.transaction('models', mode).objectStore('models'));
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export async function saveBytes(url: string, bytes: Uint8Array): Promise<void> {
  if (typeof url !== 'string' || !url) throw invalidInput("save(url) needs 'indexeddb://name', 'downloads://file.storecast' or (in Node) a file path.");
  if (url.startsWith('indexeddb://')) {
    await idb('readwrite', (store) => store.put(bytes, url.slice('indexeddb://'.length)));
    return;
  }
  if (url.startsWith('downloads://')) {
    if (typeof document === 'undefined') throw invalidInput('downloads:// works on a page; in a worker use toBytes().');
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
    link.download = url.slice('downloads://'.length) || 'price-model.storecast';
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    return;
  }
  if (isNode && !/^https?:/.test(url)) {
    await (await import('../node-files.js')).writeLocalFile(url, bytes);
    return;
  }
  throw invalidInput(`Cannot save to '${url}': use indexeddb://, downloads:// or (in Node) a file path.`);
}

export async function loadBytes(url: string): Promise<Uint8Array> {
  if (typeof url !== 'string' || !url) throw invalidInput('loadPriceModel needs a URL, a file path, indexeddb://name, or the model\'s bytes (Uint8Array or ArrayBuffer).');
  if (url.startsWith('indexeddb://')) {
    const stored = await idb<Uint8Array | undefined>('readonly', (store) => store.get(url.slice('indexeddb://'.length)) as IDBRequest<Uint8Array | undefined>);
    if (!stored) throw new StorecastError('MODEL_LOAD_FAILED', `No price model saved under ${url}.`);
    return stored;
  }
  return readModelFile(url, { setting: 'none' });
}
