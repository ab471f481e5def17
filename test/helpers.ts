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
