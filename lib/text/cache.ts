// Embedding cache: memory first, then IndexedDB (browsers), keyed by encoder id and exact text,
// so retraining a price model or reopening the dashboard does not re-encode the catalog.
import { openIndexedDb } from '../io.js';

const DB_NAME = 'storecast-embeddings';
const STORE = 'vectors';
const MAX_MEMORY_ENTRIES = 50_000;

const memory = new Map<string, Float32Array>();
let database: Promise<IDBDatabase | undefined> | undefined;

const key = (encoderId: string, text: string): string => `${encoderId}\u0000${text}`;

function openDatabase(): Promise<IDBDatabase | undefined> {
  if (typeof indexedDB === 'undefined') return Promise.resolve(undefined);
  // A private window or a full disk must not break embedding: fall back to memory only.
  database ??= openIndexedDb(DB_NAME, STORE).catch(() => undefined);
  return database;
}

export async function getCached(encoderId: string, texts: string[]): Promise<Array<Float32Array | undefined>> {
  const out = texts.map((t) => memory.get(key(encoderId, t)));
  const missing = out.map((v, i) => (v ? -1 : i)).filter((i) => i >= 0);
  if (!missing.length) return out;
  const db = await openDatabase();
  if (!db) return out;
  await new Promise<void>((resolve) => {
    const tx = db.transaction(STORE, 'readonly');
    const store = tx.objectStore(STORE);
    for (const i of missing) {
      const request = store.get(key(encoderId, texts[i]));
      request.onsuccess = () => {
        if (request.result instanceof Float32Array) {
          out[i] = request.result;
          remember(key(encoderId, texts[i]), request.result);
        }
      };
    }
    tx.oncomplete = () => resolve();
    tx.onerror = () => resolve();
    tx.onabort = () => resolve();
  });
  return out;
}

function remember(k: string, v: Float32Array): void {
  if (memory.size >= MAX_MEMORY_ENTRIES) memory.delete(memory.keys().next().value as string);
  memory.set(k, v);
}

export async function putCached(encoderId: string, texts: string[], vectors: Float32Array[]): Promise<void> {
  texts.forEach((t, i) => remember(key(encoderId, t), vectors[i]));
  const db = await openDatabase();
  if (!db) return;
  await new Promise<void>((resolve) => {
    const tx = db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    texts.forEach((t, i) => store.put(vectors[i], key(encoderId, t)));
    tx.oncomplete = () => resolve();
    tx.onerror = () => resolve();
    tx.onabort = () => resolve();
  });
}

/** Empties both cache levels (e.g. after a model update or in tests). */
export async function clearEmbeddingCache(): Promise<void> {
  memory.clear();
  const db = await openDatabase();
  if (!db) return;
  await new Promise<void>((resolve) => {
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).clear();
    tx.oncomplete = () => resolve();
    tx.onerror = () => resolve();
  });
}

export function memoryCacheSize(): number {
  return memory.size;
}
