import { readFileSync } from 'node:fs';

/**
 * A CSV catalog of `rows` products for the demo's large-catalog test and bench: the sample shop's
 * products (demo/data/sample-shop.json, real Superstore listings) as numbered variants.
 */
export function largeCatalogCsv(rows: number): { csv: Buffer; title: (i: number) => string } {
  const shop = JSON.parse(readFileSync('demo/data/sample-shop.json', 'utf8')) as { products: Array<{ title: string; category?: string; price: number }> };
  const title = (i: number): string => `${shop.products[i % shop.products.length].title} #${i}`;
  const quote = (v: string): string => `"${v.replace(/"/g, '""')}"`;
  const lines = ['title,category,price'];
  for (let i = 0; i < rows; i++) {
    const p = shop.products[i % shop.products.length];
    lines.push([quote(title(i)), quote(p.category ?? ''), p.price.toFixed(2)].join(','));
  }
  return { csv: Buffer.from(lines.join('\n')), title };
}
