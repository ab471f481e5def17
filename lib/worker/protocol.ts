import type { Progress } from '../progress.js';
import type { StorecastErrorCode } from '../errors.js';

/** Messages between the page and the storecast worker; everything is structured-clone safe. */
export type Request =
  | { kind: 'call'; id: number; method: string; args: unknown[]; env: Record<string, unknown> }
  | { kind: 'abort'; id: number };

export type Response =
  | { kind: 'progress'; id: number; progress: Progress }
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'error'; id: number; error: { code: StorecastErrorCode; message: string; details?: Record<string, unknown> } };

/** Typed arrays found in a result, so their buffers move instead of being copied. */
export function transferables(value: unknown, out: Transferable[] = [], depth = 0): Transferable[] {
  if (depth > 4 || value === null || typeof value !== 'object') return out;
  if (ArrayBuffer.isView(value)) {
    if (!out.includes(value.buffer as ArrayBuffer)) out.push(value.buffer as ArrayBuffer);
    return out;
  }
  for (const v of Array.isArray(value) ? value : Object.values(value)) transferables(v, out, depth + 1);
  return out;
}
