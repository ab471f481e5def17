import { StorecastError, invalidInput } from '../errors.js';
import { loadBytes, saveBytes } from '../price/persist.js';
import { DEMAND_FORMAT_VERSION } from './fit.js';
import type { DemandState } from './state.js';

/**
 * One file: MAGIC then the state as JSON. The state is a few numbers per product and period, and
 * JSON keeps every double exactly (shortest round-trip form), so a reloaded model predicts the same.
 * Storage (indexeddb://, downloads://, file paths in Node) is the price models'.
 */
const MAGIC = 'STORECAST-DEMAND\n';

export function encodeDemand(state: DemandState): Uint8Array {
  const magic = new TextEncoder().encode(MAGIC);
  const json = new TextEncoder().encode(JSON.stringify(state));
  const out = new Uint8Array(magic.length + json.length);
  out.set(magic, 0);
  out.set(json, magic.length);
  return out;
}

export function decodeDemand(bytes: Uint8Array, source: string): DemandState {
  const corrupt = (why: string): StorecastError => new StorecastError('MODEL_LOAD_FAILED', `${source} is not a readable storecast demand model (${why}).`, { details: { source } });
  if (!(bytes instanceof Uint8Array)) throw invalidInput('loadDemandModel needs bytes (Uint8Array), a URL or a file path.');
  const magic = new TextEncoder().encode(MAGIC);
  if (bytes.length < magic.length || new TextDecoder().decode(bytes.subarray(0, magic.length)) !== MAGIC) throw corrupt('missing header');
  let state: DemandState;
  try { state = JSON.parse(new TextDecoder().decode(bytes.subarray(magic.length))) as DemandState; } catch { throw corrupt('not JSON'); }
  if (state?.format !== 'storecast-demand-model' || !Array.isArray(state.products)) throw corrupt('unknown format');
  if (state.version !== DEMAND_FORMAT_VERSION) throw new StorecastError('MODEL_LOAD_FAILED', `${source} is a version ${state.version} demand model; this storecast reads version ${DEMAND_FORMAT_VERSION}. Fit it again with this version.`);
  return state;
}

export async function saveDemandBytes(url: string, bytes: Uint8Array): Promise<void> {
  await saveBytes(url, bytes);
}

export async function loadDemandBytes(source: Uint8Array | ArrayBuffer | string): Promise<{ bytes: Uint8Array; name: string }> {
  if (source instanceof Uint8Array) return { bytes: source, name: 'bytes' };
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source), name: 'bytes' };
  if (typeof source !== 'string' || !source) throw invalidInput('loadDemandModel needs bytes, a URL, indexeddb://name or (in Node) a file path.');
  return { bytes: await loadBytes(source), name: source };
}
