import { isNode } from './config.js';
import { StorecastError, throwIfAborted } from './errors.js';
import type { LongTaskOptions } from './progress.js';

const isRemote = (url: string): boolean => /^(https?:|blob:|data:)/i.test(url);

/** Default location of the shipped models: the page's /models/ in a browser, the package's folder in Node. */
export async function defaultModelBase(): Promise<string> {
  if (!isNode) return '/models/';
  const { fileURLToPath } = await import('node:url');
  // Both lib/ (source) and dist/ (build) sit one level below the package root.
  return fileURLToPath(new URL(['..', 'public', 'models', ''].join('/'), import.meta.url));
}

/**
 * Reads a model file as bytes: fetch in browsers (same-origin unless configured otherwise), the
 * file system in Node for plain paths. Failures become MODEL_LOAD_FAILED naming the URL.
 */
export async function readModelFile(url: string, options: LongTaskOptions & { phase?: string } = {}): Promise<Uint8Array> {
  throwIfAborted(options.signal);
  try {
    if (isNode && !isRemote(url)) {
      const { readFile } = await import('node:fs/promises');
      const path = url.startsWith('file:') ? (await import('node:url')).fileURLToPath(url) : url;
      const bytes = new Uint8Array(await readFile(path));
      options.onProgress?.({ phase: options.phase ?? 'download', loaded: bytes.length, total: bytes.length });
      return bytes;
    }
    const response = await fetch(url, { signal: options.signal });
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    const total = Number(response.headers.get('content-length') ?? 0);
    if (!response.body || !options.onProgress) return new Uint8Array(await response.arrayBuffer());
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let loaded = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.length;
      options.onProgress({ phase: options.phase ?? 'download', loaded, total: total || loaded });
    }
    const out = new Uint8Array(loaded);
    let offset = 0;
    for (const c of chunks) { out.set(c, offset); offset += c.length; }
    return out;
  } catch (error) {
    if (options.signal?.aborted) throwIfAborted(options.signal);
    throw new StorecastError('MODEL_LOAD_FAILED', `Could not read model file ${url}: ${error instanceof Error ? error.message : String(error)}. Check that the models folder is served at the configured base URL (env.modelBaseUrl).`, { cause: error, details: { url } });
  }
}

export async function readJson<T>(url: string, options: LongTaskOptions = {}): Promise<T> {
  const bytes = await readModelFile(url, options);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch (error) {
    throw new StorecastError('MODEL_LOAD_FAILED', `Model file ${url} is not valid JSON (corrupt or truncated download).`, { cause: error, details: { url } });
  }
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Refuses a file whose bytes do not match the hash published with the model. */
export async function verifySha256(bytes: Uint8Array, expected: string | undefined, url: string): Promise<void> {
  if (!expected) return;
  const actual = await sha256Hex(bytes);
  if (actual !== expected) {
    throw new StorecastError('MODEL_LOAD_FAILED', `Integrity check failed for ${url}: sha256 ${actual.slice(0, 12)}… does not match the expected ${expected.slice(0, 12)}…. The file is corrupt or was replaced; re-deploy the models folder.`, { details: { url, expected, actual } });
  }
}

/** Opens (creating on first use) an IndexedDB database with one object store. Rejects when blocked or refused. */
export function openIndexedDb(name: string, store: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(store);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error(`IndexedDB database ${name} is blocked by another tab`));
  });
}
