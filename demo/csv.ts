// The merchant's own catalog from a CSV file: parsed by Papa Parse, columns mapped by the user.
import Papa from 'papaparse';
import type { Product } from '../lib/index.js';
import { columnSeparator, parseMoney, type DecimalSeparator } from './money.js';

export interface ParsedCsv { columns: string[]; rows: Record<string, string>[] }

export function parseCsv(text: string): ParsedCsv {
  const result = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: 'greedy', transformHeader: (h) => h.trim() });
  const fatal = result.errors.find((e) => e.type === 'Delimiter' || e.code === 'TooFewFields' || e.code === 'TooManyFields');
  if (!result.meta.fields?.length || result.data.length === 0) throw new Error('The file has no header row or no data rows.');
  if (fatal) throw new Error(`Row ${fatal.row === undefined ? '?' : fatal.row + 2}: ${fatal.message}.`);
  return { columns: result.meta.fields, rows: result.data };
}

export type Mapping = Partial<Record<'title' | 'price' | 'category' | 'brand' | 'description' | 'id', string>>;

/** Guesses a mapping from common column names. */
export function guessMapping(columns: string[]): Mapping {
  const find = (...names: string[]): string | undefined => columns.find((c) => names.some((n) => c.toLowerCase().replace(/[^a-z]/g, '').includes(n)));
  return { title: find('title', 'productname', 'name'), price: find('price', 'unitprice'), category: find('category'), brand: find('brand'), description: find('description', 'about'), id: find('productid', 'sku', 'id') };
}

/** Applies the mapping; returns products and, per row, what was wrong. */
export function toProducts(csv: ParsedCsv, mapping: Mapping): { products: Product[]; errors: string[] } {
  const errors: string[] = [];
  const products: Product[] = [];
  if (!mapping.title) return { products, errors: ['Choose which column holds the product title.'] };
  let separator: DecimalSeparator | undefined;
  try {
    separator = mapping.price ? columnSeparator(csv.rows.map((row) => row[mapping.price!] ?? '')) : undefined;
  } catch (error) {
    return { products, errors: [(error as Error).message] };
  }
  csv.rows.forEach((row, i) => {
    const title = row[mapping.title!]?.trim();
    if (!title) { errors.push(`Row ${i + 2}: empty title.`); return; }
    const product: Product = { title };
    if (mapping.id && row[mapping.id]) product.id = row[mapping.id];
    if (mapping.category && row[mapping.category]) product.category = row[mapping.category];
    if (mapping.brand && row[mapping.brand]) product.brand = row[mapping.brand];
    if (mapping.description && row[mapping.description]) product.description = row[mapping.description];
    if (mapping.price && row[mapping.price]?.trim()) {
      const { value, problem } = parseMoney(row[mapping.price], separator);
      if (problem) { errors.push(`Row ${i + 2}: price "${row[mapping.price].trim()}" ${problem}.`); return; }
      if (!(value > 0)) { errors.push(`Row ${i + 2}: price "${row[mapping.price].trim()}" is not a positive number.`); return; }
      product.price = value;
    }
    products.push(product);
  });
  return { products, errors };
}
