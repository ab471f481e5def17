// The price benchmark's catalogs, read from ../shared/data at run time (never copied into the repo).
import Papa from 'papaparse';
import { readFileSync } from 'node:fs';
import { SHARED, has, readJsonl } from './data.js';
import { translate } from './price-translations.js';
import type { Product } from '../lib/index.js';

export interface PriceCatalog { name: string; train: Product[]; test: Product[]; note: string }

/** The amazon_india split lists some products twice (two categories): ids are made unique the way a merchant would have to. */
function uniqueIds(products: Product[]): Product[] {
  const seen = new Map<string, number>();
  return products.map((p) => {
    const count = (seen.get(p.id ?? '') ?? 0) + 1;
    seen.set(p.id ?? '', count);
    return count > 1 ? { ...p, id: `${p.id}#${count}` } : p;
  });
}

function split(name: string): PriceCatalog | undefined {
  if (!has(`price/benchmark/${name}/train.jsonl`)) return undefined;
  return { name, train: uniqueIds(readJsonl(`price/benchmark/${name}/train.jsonl`)), test: readJsonl(`price/benchmark/${name}/test.jsonl`), note: 'published split' };
}

/** FNV-1a of the title: a split that does not depend on file order. */
function titleBucket(title: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < title.length; i++) { h ^= title.charCodeAt(i); h = Math.imul(h, 0x01000193); }
  return (h >>> 0) % 4;
}

/** "$20.99 " or a range "$299.99through-$449.99" (its geometric middle). */
function dollars(text: string): number | undefined {
  const values = [...text.matchAll(/\$([\d,]+(?:\.\d+)?)/g)].map((m) => Number(m[1].replace(/,/g, ''))).filter((v) => v > 0);
  if (!values.length) return undefined;
  return values.length === 1 ? values[0] : Math.sqrt(values[0] * values[values.length - 1]);
}

/** amazon_electronics: 643 listings, 553 distinct titles; one product per title, 25% test by title hash. */
function electronics(): PriceCatalog | undefined {
  if (!has('price/amazon_electronics/ElectronicsData.csv')) return undefined;
  const rows = Papa.parse<Record<string, string>>(readFileSync(SHARED + 'price/amazon_electronics/ElectronicsData.csv', 'utf8'), { header: true, skipEmptyLines: true }).data;
  const seen = new Set<string>();
  const products: Product[] = [];
  rows.forEach((r, i) => {
    const price = dollars(r.Price ?? '');
    const title = (r.Title ?? '').trim();
    if (!price || !title || seen.has(title)) return;
    seen.add(title);
    products.push({ id: `E${i}`, title, category: (r['Sub Category'] ?? '').trim() || undefined, ...(r.Feature?.trim() ? { description: r.Feature.trim() } : {}), price });
  });
  return { name: 'amazon_electronics', train: products.filter((p) => titleBucket(p.title) !== 0), test: products.filter((p) => titleBucket(p.title) === 0), note: 'one row per title, price ranges → geometric middle, 25% test by title hash' };
}

/** Chinese is written without spaces between words: "Avery 活页夹 带 标签" reads "Avery活页夹带标签". */
const withoutSpacesNextToHan = (text: string): string => text.replace(/(?<=\p{Script=Han})\s+|\s+(?=\p{Script=Han})/gu, '');

function translated(base: PriceCatalog, language: 'zh' | 'ar', unspaced = false): PriceCatalog {
  const write = (text: string): string => (unspaced ? withoutSpacesNextToHan(translate(text, language)) : translate(text, language));
  const t = (p: Product): Product => ({ ...p, title: write(p.title), ...(p.category ? { category: translate(p.category, language) } : {}) });
  const note = `synthetic: superstore with categories and frequent title words in ${language === 'zh' ? 'Chinese' : 'Arabic'} (bench/price-translations.ts)`;
  return {
    name: `superstore_${language}${unspaced ? '_unspaced' : ''}`,
    train: base.train.map(t),
    test: base.test.map(t),
    note: unspaced ? `${note}; titles without spaces next to Chinese characters, as Chinese is written` : note,
  };
}

export function priceCatalogs(): PriceCatalog[] {
  const india = split('amazon_india');
  const superstore = split('superstore');
  return [india, superstore, electronics(), superstore && translated(superstore, 'zh'), superstore && translated(superstore, 'zh', true), superstore && translated(superstore, 'ar')].filter((c): c is PriceCatalog => Boolean(c));
}

/** A large synthetic catalog for the training-speed row: every catalog's products, repeated as variants with jittered prices. */
export function largeCatalog(size: number): Product[] {
  const base = priceCatalogs().flatMap((c) => c.train);
  const out: Product[] = [];
  let s = 7;
  for (let i = 0; out.length < size; i++) {
    const p = base[i % base.length];
    const round = Math.floor(i / base.length);
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push({ ...p, id: `L${i}`, title: round ? `${p.title} (variant ${round})` : p.title, price: Math.round(p.price! * Math.exp(((s / 4294967296) - 0.5) * 0.4) * 100) / 100 || p.price });
  }
  return out;
}
