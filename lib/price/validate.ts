import { z } from 'zod';
import { invalidInput } from '../errors.js';
import type { Product } from './types.js';

/** Largest catalog trained on in the page; bigger ones should be sampled (README: "Price model"). */
export const MAX_TRAIN_PRODUCTS = 50_000;
export const MIN_TRAIN_PRODUCTS = 20;
const MAX_FIELD_CHARS = 100_000;
/** No product costs more; larger values are unit or data-entry errors, and would overflow the squared-error sums. */
export const MAX_PRICE = 1e12;

const attributeValue = z.union([z.string().max(MAX_FIELD_CHARS), z.number().finite(), z.boolean()]);
const productSchema = z.strictObject({
  id: z.string().max(200).optional(),
  title: z.string().trim().min(1, 'title must be a non-empty string').max(MAX_FIELD_CHARS),
  description: z.string().optional(),
  category: z.string().max(1000).optional(),
  brand: z.string().max(200).optional(),
  attributes: z.record(z.string(), attributeValue).optional(),
  price: z.unknown().optional(),
});

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}; known fields: id, title, description, category, brand, attributes, price`;
  if (issue.code === 'invalid_union' && issue.path[0] === 'attributes') return `attribute '${String(issue.path[1])}' must be a string, a finite number or a boolean`;
  return `${path || 'product'}: ${issue.message}`;
}

export function validateProduct(value: unknown, index: number): Product {
  const result = productSchema.safeParse(value);
  if (!result.success) throw invalidInput(`product ${index}: ${describeIssue(result.error.issues[0])}.`, { index });
  return result.data as Product;
}

/** Validates a catalog for training: returns the priced products, counts the unpriced ones. */
export function validateCatalog(catalog: unknown): { priced: Product[]; skipped: number } {
  if (!Array.isArray(catalog)) throw invalidInput('catalog must be an array of products.');
  if (catalog.length === 0) throw invalidInput('catalog is empty: train on at least 20 products with prices.');
  if (catalog.length > MAX_TRAIN_PRODUCTS) throw invalidInput(`catalog has ${catalog.length} products; the in-page limit is ${MAX_TRAIN_PRODUCTS}. Train on a sample (e.g. per category) instead.`);
  const ids = new Set<string>();
  const priced: Product[] = [];
  let skipped = 0;
  catalog.forEach((raw, index) => {
    const product = validateProduct(raw, index);
    if (product.id !== undefined) {
      if (ids.has(product.id)) throw invalidInput(`product ${index}: duplicate id '${product.id}'. Ids must be unique so comparables can point at one product.`, { index });
      ids.add(product.id);
    }
    const price = (raw as { price?: unknown }).price;
    if (price === undefined || price === null) { skipped++; return; }
    if (typeof price !== 'number') throw invalidInput(`product ${index}: price is a ${typeof price} (${JSON.stringify(price)}); prices must be numbers.`, { index });
    if (!Number.isFinite(price) || price <= 0) throw invalidInput(`product ${index}: price ${price} is not a positive finite number.`, { index });
    if (price > MAX_PRICE) throw invalidInput(`product ${index}: price ${price} is above ${MAX_PRICE}; check the unit (cents vs currency) or the data entry.`, { index });
    priced.push({ ...product, price });
  });
  if (priced.length < MIN_TRAIN_PRODUCTS) throw invalidInput(`only ${priced.length} product(s) have a price; at least ${MIN_TRAIN_PRODUCTS} are needed to learn prices.`);
  return { priced, skipped };
}
