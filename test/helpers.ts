import { existsSync, readFileSync } from 'node:fs';

/** Benchmark data lives outside the repository; tests that need it skip (with a reason) when absent. */
export const SHARED = process.env.STORECAST_SHARED ?? new URL('../../shared/data/', import.meta.url).pathname;
export const hasShared = (path: string): boolean => existsSync(SHARED + path);

/** M4 wide CSV: `V1` id, then values padded with "". */
export function readM4(path: string): { ids: string[]; series: number[][] } {
  const lines = readFileSync(SHARED + path, 'utf8').trim().split('\n').slice(1);
  const ids: string[] = [];
  const series = lines.map((line) => {
    const cells = line.split(',').map((c) => c.replace(/["\r]/g, '').trim());
    ids.push(cells[0]);
    return cells.slice(1).filter((c) => c !== '' && c !== 'NA').map(Number);
  });
  return { ids, series };
}

/** A saved price model (toBytes) with its JSON manifest edited: for tests of what loading refuses. */
export function withEditedManifest(bytes: Uint8Array, edit: (manifest: Record<string, unknown>) => void): Uint8Array {
  const magic = 'STORECAST-PRICE\n'.length;
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(magic, true);
  const manifest = JSON.parse(new TextDecoder().decode(bytes.subarray(magic + 4, magic + 4 + length)));
  edit(manifest);
  const json = new TextEncoder().encode(JSON.stringify(manifest));
  const out = new Uint8Array(magic + 4 + json.length + bytes.length - magic - 4 - length);
  out.set(bytes.subarray(0, magic));
  new DataView(out.buffer).setUint32(magic, json.length, true);
  out.set(json, magic + 4);
  out.set(bytes.subarray(magic + 4 + length), magic + 4 + json.length);
  return out;
}
