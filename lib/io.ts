import { env, isNode } from './config.js';
import { StorecastError, throwIfAborted } from './errors.js';
import { progressReporter, type LongTaskOptions } from './progress.js';

const isRemote = (url: string): boolean => /^(https?:|blob:|data:)/i.test(url);

/** Default location of the shipped models: the page's /models/ in a browser, the package's folder in Node. */
export async function defaultModelBase(): Promise<string> {
  if (!isNode) return '/models/';
  return (await import('./node-files.js')).packageFolder('public', 'models');
}

/** Which setting points at a file, so a failure can name what to fix. */
export type FileSetting = 'modelBaseUrl' | 'wasmBaseUrl' | 'none';

export interface ReadFileOptions extends LongTaskOptions {
  phase?: string;
  setting?: FileSetting;
}

function settingHint(setting: FileSetting | undefined): string {
  if (setting === 'none') return '';
  const name = setting ?? 'modelBaseUrl';
  const folder = name === 'wasmBaseUrl' ? 'node_modules/storecast/dist/wasm/' : 'node_modules/storecast/public/models/';
  return ` Serve ${folder} at env.${name} (now '${env[name]}'), e.g. with the storecast/vite plugin.`;
}

/** An HTML page where a model or wasm file was expected: what single-page-app servers answer for a missing file. */
export function looksLikeHtml(bytes: Uint8Array, contentType?: string | null): boolean {
  if (contentType && /text\/html/i.test(contentType)) return true;
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html') || head.startsWith('<head') || head.startsWith('<body');
}

export function htmlInsteadOfFile(url: string, setting?: FileSetting): StorecastError {
  return new StorecastError('MODEL_LOAD_FAILED', `${url} returned an HTML page, not the file: the server answered with a page (often an app's index.html fallback for a missing file).${settingHint(setting)}`, { details: { url, setting } });
}

/**
 * Reads a model file as bytes: fetch in browsers (same-origin unless configured otherwise), the
 * file system in Node for plain paths. Failures become MODEL_LOAD_FAILED naming the URL and the
 * setting to fix; an HTML page served in its place is recognised as such.
 */
export async function readModelFile(url: string, options: ReadFileOptions = {}): Promise<Uint8Array> {
  throwIfAborted(options.signal);
  const progress = progressReporter(options.onProgress);
  const phase = options.phase ?? 'download';
  let bytes: Uint8Array;
  let contentType: string | null = null;
  try {
    if (isNode && !isRemote(url)) {
      bytes = await (await import('./node-files.js')).readLocalFile(url);
      progress.report(phase, bytes.length, bytes.length, 'bytes');
    } else {
      const response = await fetch(url, { signal: options.signal });
      if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
      contentType = response.headers.get('content-type');
      bytes = await readBody(response, (loaded, total) => progress.report(phase, loaded, total, 'bytes'));
    }
  } catch (error) {
    if (options.signal?.aborted) throwIfAborted(options.signal);
    throw new StorecastError('MODEL_LOAD_FAILED', `Could not read ${url}: ${error instanceof Error ? error.message : String(error)}.${settingHint(options.setting)}`, { cause: error, details: { url } });
  }
  if (looksLikeHtml(bytes, contentType)) throw htmlInsteadOfFile(url, options.setting);
  return bytes;
}

async function readBody(response: Response, onBytes: (loaded: number, total: number) => void): Promise<Uint8Array> {
  const length = Number(response.headers.get('content-length') ?? 0);
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onBytes(bytes.length, bytes.length);
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    // A compressed response's content-length counts compressed bytes: never report past the end.
    onBytes(loaded, Math.max(length, loaded));
  }
  onBytes(loaded, loaded);
  const out = new Uint8Array(loaded);
  let offset = 0;
  for (const c of chunks) { out.set(c, offset); offset += c.length; }
  return out;
}

/**
 * Why a file a library fetches itself (the wasm files) could not be used, when the file is the
 * problem: missing, or an HTML page in its place. Undefined when it looks fine.
 */
export async function diagnoseServedFile(url: string, setting: FileSetting): Promise<string | undefined> {
  try {
    const response = await fetch(url);
    // The first bytes tell an HTML page from the file: the rest (27 MB for onnxruntime) is not downloaded.
    const reader = response.body?.getReader();
    const head = reader ? ((await reader.read()).value ?? new Uint8Array()).subarray(0, 64) : new Uint8Array(await response.arrayBuffer()).subarray(0, 64);
    await reader?.cancel();
    if (!response.ok) return `${url}: HTTP ${response.status}.${settingHint(setting)}`;
    if (looksLikeHtml(head, response.headers.get('content-type'))) return htmlInsteadOfFile(url, setting).message;
  } catch (error) {
    return `${url}: ${error instanceof Error ? error.message : String(error)}.${settingHint(setting)}`;
  }
  return undefined;
}

export async function readJson<T>(url: string, options: ReadFileOptions = {}): Promise<T> {
  const bytes = await readModelFile(url, options);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch (error) {
    throw new StorecastError('MODEL_LOAD_FAILED', `${url} is not valid JSON (corrupt or truncated download).`, { cause: error, details: { url } });
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
