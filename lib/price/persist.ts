import { isNode } from '../config.js';
import { StorecastError, invalidInput } from '../errors.js';
import { openIndexedDb, readModelFile } from '../io.js';
import { ensureRuntime } from '../runtime/index.js';
import type { PriceModelState } from './model.js';

/**
 * One-file format: MAGIC, a little-endian uint32 manifest length, the JSON manifest, then binary
 * blobs it points into. FORMAT_VERSION changes only with incompatible layouts; older versions
 * are refused with a clear message rather than misread.
 */
const MAGIC = 'STORECAST-PRICE\n';
const MAGIC_BYTES = new TextEncoder().encode(MAGIC);
export const FORMAT_VERSION = 1;
const DB_NAME = 'storecast-price-models';

interface Blob_ { offset: number; length: number; type: 'f32' | 'i32' | 'f64' | 'u8' }

export async function encodeModel(s: PriceModelState): Promise<Uint8Array> {
  const { tf } = await ensureRuntime();
  let artifacts: import('@tensorflow/tfjs').io.ModelArtifacts | undefined;
  await s.head.save(tf.io.withSaveHandler(async (a) => { artifacts = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
  const blobs: Uint8Array[] = [];
  let offset = 0;
  const add = (view: ArrayBufferView, type: Blob_['type']): Blob_ => {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
    blobs.push(bytes);
    const blob = { offset, length: bytes.length, type };
    offset += bytes.length;
    return blob;
  };
  // Ridge weights and IDF are sparse in practice: only the hashed slots seen in training are stored.
  const used: number[] = [];
  s.ridge.weights.forEach((w, i) => { if (w !== 0 || (i < s.space.idf.length && s.space.idf[i] !== 0)) used.push(i); });
  const headWeights = artifacts!.weightData instanceof ArrayBuffer ? new Uint8Array(artifacts!.weightData) : new Uint8Array(await new Blob((artifacts!.weightData as ArrayBuffer[])).arrayBuffer());
  const manifest = {
    format: 'storecast-price-model',
    version: FORMAT_VERSION,
    encoderId: s.encoderId,
    encoder: s.encoder,
    createdAt: s.createdAt,
    metrics: s.metrics,
    ridge: { intercept: s.ridge.intercept, lambda: s.ridge.lambda, dimension: s.ridge.weights.length },
    idfDimension: s.space.idf.length,
    numeric: s.space.numeric,
    ridgeWeight: s.ridgeWeight,
    center: s.center,
    calibration: s.calibration,
    extraTargets: s.extraTargets,
    head: { modelTopology: artifacts!.modelTopology, weightSpecs: artifacts!.weightSpecs },
    catalog: { ids: s.catalog.ids, titles: s.catalog.titles, dims: s.catalog.dims },
    blobs: {
      slots: add(Int32Array.from(used), 'i32'),
      ridgeValues: add(Float32Array.from(used, (i) => s.ridge.weights[i]), 'f32'),
      idfValues: add(Float32Array.from(used, (i) => (i < s.space.idf.length ? s.space.idf[i] : 0)), 'f32'),
      prices: add(s.catalog.prices, 'f64'),
      embeddings: add(s.catalog.embeddings, 'f32'),
      headWeights: add(headWeights, 'u8'),
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
  if (manifest.version !== FORMAT_VERSION) throw new StorecastError('MODEL_LOAD_FAILED', `${source} is a version ${manifest.version} price model; this storecast reads version ${FORMAT_VERSION}. Retrain it with this version.`);
  const base = magic.length + 4 + length;
  const read = (b: Blob_): ArrayBufferView => {
    if (b.offset + b.length + base > bytes.length) throw corrupt('truncated data');
    const copy = bytes.slice(base + b.offset, base + b.offset + b.length).buffer;
    return b.type === 'f32' ? new Float32Array(copy) : b.type === 'i32' ? new Int32Array(copy) : b.type === 'f64' ? new Float64Array(copy) : new Uint8Array(copy);
  };
  const slots = read(manifest.blobs.slots) as Int32Array;
  const ridgeValues = read(manifest.blobs.ridgeValues) as Float32Array;
  const idfValues = read(manifest.blobs.idfValues) as Float32Array;
  const weights = new Float32Array(manifest.ridge.dimension);
  const idf = new Float32Array(manifest.idfDimension);
  slots.forEach((slot, i) => { weights[slot] = ridgeValues[i]; if (slot < idf.length) idf[slot] = idfValues[i]; });
  const prices = read(manifest.blobs.prices) as Float64Array;
  const embeddings = read(manifest.blobs.embeddings) as Float32Array;
  const headWeights = read(manifest.blobs.headWeights) as Uint8Array;
  const { tf } = await ensureRuntime();
  const head = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: manifest.head.modelTopology, weightSpecs: manifest.head.weightSpecs, weightData: headWeights.buffer as ArrayBuffer }));
  return {
    encoderId: manifest.encoderId,
    encoder: manifest.encoder,
    createdAt: manifest.createdAt,
    metrics: manifest.metrics,
    space: { idf, numeric: manifest.numeric },
    ridge: { weights, intercept: manifest.ridge.intercept, lambda: manifest.ridge.lambda },
    ridgeWeight: manifest.ridgeWeight,
    center: manifest.center,
    calibration: manifest.calibration,
    // Files written before multi-task heads existed have none.
    extraTargets: manifest.extraTargets ?? [],
    head,
    catalog: { ids: manifest.catalog.ids, titles: manifest.catalog.titles, prices, logPrices: Float64Array.from(prices, Math.log1p), embeddings, dims: manifest.catalog.dims },
  };
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
