// Loading of the benchmark data sets (../shared/data): read at run time, never copied into the repo.
import { existsSync, readFileSync } from 'node:fs';
import type { Product } from '../lib/index.js';

export const SHARED = process.env.STORECAST_SHARED ?? new URL('../../shared/data/', import.meta.url).pathname;
export const has = (path: string): boolean => existsSync(SHARED + path);

export function readJsonl(path: string): Product[] {
  return readFileSync(SHARED + path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Product);
}

export function readWide(path: string): number[][] {
  return readFileSync(SHARED + path, 'utf8').trim().split('\n').slice(1).map((line) =>
    line.split(',').slice(1).map((c) => c.replace(/["\r]/g, '').trim()).filter((c) => c !== '' && c !== 'NA').map(Number));
}
