// Builds the distillation corpus for the BERT student (tools/encoder/train_student.py). Deterministic:
// the same inputs give the same corpus byte for byte.
//
// Sources (what each line is, in corpus-sources.txt):
//   catalog-title        titles of the price catalogs' TRAINING splits only: ../shared/data/price/benchmark/
//                        {amazon_india,superstore}/train.jsonl and amazon_electronics minus its test quarter
//                        (the same FNV-1a title bucket as bench/price-data.ts). Test splits are never read.
//   catalog-variant      those titles edited the way listings differ: other numbers, sizes, colours, brand,
//                        truncated, parentheses dropped, lower case, word order
//   catalog-description  description snippets of the same products (amazon_india '|' bullets, electronics features)
//   generated-title      synthetic titles: brands, model numbers, product types (catalog categories, WordNet
//                        artifact/food nouns), sizes, units, numbers, colours, materials, compatibility
//   generated-description  synthetic one-line descriptions
//   debian-short, debian-long, wordnet-gloss   general English (Debian package descriptions, WordNet glosses)
//
// Held out (never trained on; the evaluation set): every line whose key hashes into the held-out bucket,
// the key being the product's original title for catalog lines (so a held-out product's variants and
// description go with it) and the text itself otherwise. Catalog products: 1 in 8; other lines: 1 in 25.
// Held-out lines are the LAST `heldOut` lines of corpus.txt (bench/encoder.ts reads them that way).
//
// Usage: node tools/encoder/build-corpus.mjs [outDir=.cache/encoder] [--shared ../shared/data]
// Needs: apt-get install wordnet-base; apt-get -o Acquire::Languages=en update (Debian Translation-en).
// Without them, or without ../shared/data, those sources are skipped (the stats say what was used).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const flag = (name, fallback) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv.splice(i, 2)[1] : fallback; };
const shared = flag('shared', join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../../shared/data'));
const outDir = argv[0] ?? '.cache/encoder';
mkdirSync(outDir, { recursive: true });

// mulberry32: small, seedable; the corpus must be identical on every rebuild.
function rng(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(20261201);
const pick = (arr) => arr[Math.floor(random() * arr.length)];
const chance = (p) => random() < p;
const shuffle = (arr) => { for (let i = arr.length - 1; i > 0; i--) { const j = Math.floor(random() * (i + 1)); [arr[i], arr[j]] = [arr[j], arr[i]]; } return arr; };
const clip = (s, words) => s.split(/\s+/).slice(0, words).join(' ');
const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
/** FNV-1a over UTF-16 code units, as bench/price-data.ts. */
function fnv(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 0x01000193); }
  return h >>> 0;
}
// A second hash for the held-out split, independent of the bench's electronics bucket (which uses fnv % 4).
const holdHash = (key) => createHash('sha1').update(key.trim().toLowerCase()).digest().readUInt32BE(0);
const isHeldOut = (key, catalog) => holdHash(key) % (catalog ? 8 : 25) === 0;

// ---- price catalogs: training splits only ----
function readJsonl(path) { return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)); }
function catalogProducts() {
  const products = []; // { title, brand?, category?, snippets: string[] }
  for (const name of ['amazon_india', 'superstore']) {
    const file = join(shared, `price/benchmark/${name}/train.jsonl`);
    if (!existsSync(file)) continue;
    for (const p of readJsonl(file)) {
      const snippets = (p.description ?? '').split('|').map((s) => s.replace(/\s+/g, ' ').trim()).filter((s) => s.length >= 20).map((s) => clip(s, 40));
      products.push({ source: name, title: p.title.trim(), brand: p.brand, category: p.category, snippets });
    }
  }
  const csv = join(shared, 'price/amazon_electronics/ElectronicsData.csv');
  if (existsSync(csv)) {
    const Papa = require('papaparse');
    const rows = Papa.parse(readFileSync(csv, 'utf8'), { header: true, skipEmptyLines: true }).data;
    const seen = new Set();
    for (const r of rows) {
      const title = (r.Title ?? '').trim();
      if (!title || seen.has(title) || !/\$\d/.test(r.Price ?? '')) continue;
      seen.add(title);
      if (fnv(title) % 4 === 0) continue; // the benchmark's test quarter (bench/price-data.ts): never read further
      const snippets = (r.Feature ?? '').split(/\s{3,}/).map((s) => s.trim()).filter((s) => s.length >= 20).map((s) => clip(s, 40));
      products.push({ source: 'amazon_electronics', title, category: (r['Sub Category'] ?? '').trim(), snippets });
    }
  }
  return products;
}

// ---- Debian descriptions ----
function debianDescriptions() {
  const lists = '/var/lib/apt/lists';
  const file = existsSync(lists) && readdirSync(lists).find((f) => f.includes('bookworm_main_i18n_Translation-en'));
  if (!file) { console.error('Debian Translation-en missing (apt-get -o Acquire::Languages=en update): skipped'); return { short: [], long: [] }; }
  const text = execFileSync('/usr/lib/apt/apt-helper', ['cat-file', join(lists, file)], { maxBuffer: 1 << 30 }).toString('utf8');
  const short = [], long = [];
  for (const block of text.split('\n\n')) {
    const m = block.match(/^Description-en: (.*)$/m);
    if (!m) continue;
    short.push(m[1].trim());
    const body = block.split('\n').filter((l) => l.startsWith(' ') && l.trim() !== '.').map((l) => l.trim()).join(' ');
    for (const sentence of body.split(/(?<=[.!?])\s+(?=[A-Z])/)) {
      const s = sentence.trim();
      if (s.length >= 25 && s.length <= 300 && !/[<>{}$\\]|https?:|\s\*\s/.test(s)) long.push(clip(s, 40));
    }
  }
  return { short, long };
}

// ---- WordNet ----
function readWordnet(pos) {
  const path = `/usr/share/wordnet/data.${pos}`;
  if (!existsSync(path)) { console.error(`${path} missing (apt-get install wordnet-base): skipped`); return []; }
  const rows = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line || line.startsWith('  ')) continue;
    const [head, gloss] = line.split(' | ');
    const f = head.split(' ');
    const lexFile = Number(f[1]);
    const count = parseInt(f[3], 16);
    const words = [];
    for (let i = 0; i < count; i++) words.push(f[4 + 2 * i].replace(/_/g, ' ').replace(/\(.*\)$/, ''));
    rows.push({ lexFile, words, gloss: (gloss ?? '').split(';')[0].replace(/"/g, '').trim() });
  }
  return rows;
}

const products = catalogProducts();
const nouns = readWordnet('noun');
const adjectives = readWordnet('adj');
// lexicographer files: 06 artifact, 13 food, 27 substance
const wordnetTypes = nouns.filter((n) => [6, 13].includes(n.lexFile) && n.words[0].length < 24);
const curatedMaterials = ['cotton', 'polyester', 'leather', 'steel', 'stainless steel', 'aluminium', 'plastic', 'ABS', 'silicone', 'glass', 'wood', 'bamboo', 'nylon', 'ceramic', 'copper', 'rubber', 'wool', 'denim', 'linen', 'PU leather', 'velvet', 'fabric', 'carbon fibre', 'brass', 'marble', 'foam', 'mesh', 'acrylic'];
const wordnetMaterials = [...nouns.filter((n) => n.lexFile === 27 && n.words[0].length < 14 && !/\s/.test(n.words[0])).slice(0, 300).map((n) => n.words[0])];
const materials = [...curatedMaterials, ...curatedMaterials, ...curatedMaterials, ...wordnetMaterials.slice(0, 30)];
const curatedAdjectives = ['premium', 'portable', 'wireless', 'smart', 'heavy duty', 'compact', 'ultra slim', 'waterproof', 'rechargeable', 'ergonomic', 'foldable', 'adjustable', 'durable', 'lightweight', 'professional', 'digital', 'automatic', 'classic', 'deluxe', 'eco-friendly', 'non-stick', 'fast charging', 'noise cancelling', 'high speed', 'anti-slip', 'multipurpose', 'vintage', 'modern', 'soft', 'extra large', 'universal', 'magnetic', 'insulated', 'handmade', 'organic', 'stainless', 'cordless', 'silent', 'breathable'];
const wordnetAdjectives = [...adjectives.map((a) => a.words[0]).filter((w) => w.length > 3 && w.length < 12 && !/[\s_-]/.test(w)).slice(0, 1500)];
// Mostly words listings use; some WordNet adjectives for variety.
const adjWords = Array.from({ length: 4 }, () => curatedAdjectives).flat().concat(wordnetAdjectives.filter((_, i) => i % 5 === 0));
const colours = ['Black', 'White', 'Red', 'Blue', 'Navy Blue', 'Green', 'Grey', 'Silver', 'Gold', 'Rose Gold', 'Beige', 'Brown', 'Pink', 'Purple', 'Yellow', 'Orange', 'Multicolour', 'Transparent', 'Matte Black', 'Olive', 'Space Grey', 'Midnight Blue', 'Charcoal', 'Teal', 'Maroon', 'Ivory'];
const colourRe = new RegExp(`\\b(${colours.join('|')})\\b`, 'gi');
const sizes = ['S', 'M', 'L', 'XL', 'XXL', 'Small', 'Medium', 'Large', 'King Size', 'Queen Size', 'Mini', 'Travel Size', 'Family Pack', 'Letter', 'Legal', 'A4', 'A5'];
const audiences = ['for Men', 'for Women', 'for Kids', 'for Home', 'for Office', 'for Kitchen', 'for Travel', 'for Outdoor Use', 'for Pets', 'for Gaming', 'for School', 'for Babies', 'for Laptop', 'for Car', 'for Bathroom'];
const units = ['ml', 'L', 'g', 'kg', 'cm', 'mm', 'inch', 'inches', 'ft', 'W', 'V', 'A', 'mAh', 'GB', 'TB', 'MB', 'pcs', 'm', 'oz', 'lb', 'Hz', 'MP', 'Wh', 'litre', 'sheets', 'count'];
const devices = ['iPhone 13', 'iPhone 14 Pro', 'iPhone 12', 'Samsung Galaxy S22', 'Galaxy A53', 'OnePlus 9', 'Redmi Note 11', 'iPad Air', 'iPad Pro', 'MacBook Air', 'MacBook Pro', 'Pixel 7', 'PS5', 'Xbox Series X', 'Nintendo Switch', 'Windows 11', 'Android', 'Smart TV', 'Fire TV Stick'];
const features = ['Bluetooth 5.3', 'USB-C', 'Type-C', 'HDMI 2.1', 'Wi-Fi 6', '4K Ultra HD', 'Full HD 1080p', 'Dual Band', 'Fast Charging', 'Noise Cancellation', 'LED Display', 'Touch Control', 'Voice Assistant', 'Quick Release', 'Auto Shut-Off', 'Memory Foam', 'Soft Close', 'BPA Free', 'Dishwasher Safe', 'Anti-Glare', 'IP67 Water Resistant', 'Long Battery Life', 'Built-in Mic', 'Magnetic', 'Cordless'];
const syllables = ['ka', 'zen', 'lo', 'vi', 'tro', 'nex', 'ar', 'mo', 'quo', 'sy', 'pra', 'del', 'fin', 'gra', 'ion', 'tek', 'bel', 'ora', 'lux', 'ven', 'max', 'ton', 'ri', 'sa'];
const catalogBrands = [...new Set(products.map((p) => p.brand ?? p.title.split(/\s+/)[0]).filter((b) => b && /^[A-Za-z][\w&.-]{1,14}$/.test(b)))];
const brand = () => {
  if (catalogBrands.length && chance(0.5)) return pick(catalogBrands);
  const s = pick(syllables) + pick(syllables) + (chance(0.4) ? pick(syllables) : '');
  return chance(0.15) ? s.toUpperCase() : cap(s);
};
const letters = 'ABCDEFGHJKLMNPRSTUVWXZ';
const model = () => {
  const r = random();
  const L = () => letters[Math.floor(random() * letters.length)];
  const n = () => String(Math.floor(random() * (chance(0.5) ? 100 : 10000)));
  if (r < 0.3) return `${L()}${L()}${n()}`;
  if (r < 0.5) return `${L()}-${n()}${chance(0.5) ? L() : ''}`;
  if (r < 0.7) return `${cap(pick(syllables) + pick(syllables))} ${n()}${chance(0.4) ? ' ' + pick(['Pro', 'Max', 'Plus', 'Lite', 'Ultra', 'Mini', 'SE', 'Neo']) : ''}`;
  if (r < 0.85) return `${pick(['Series', 'Gen', 'Mark', 'Model'])} ${1 + Math.floor(random() * 9)}`;
  return `${n()}${L()}${L()}${n()}`;
};
const number = () => {
  const r = random();
  if (r < 0.5) return String(pick([1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 16, 20, 24, 25, 30, 32, 40, 48, 50, 64, 65, 75, 100, 120, 128, 150, 200, 250, 256, 300, 500, 512, 750, 1000, 1500, 2000, 5000, 10000]));
  if (r < 0.75) return (random() * 20).toFixed(1);
  return String(Math.floor(random() * 3000));
};
const spec = () => {
  const r = random();
  if (r < 0.3) return `${number()}${chance(0.5) ? '' : ' '}${pick(units)}`;
  if (r < 0.38) return `${number()} x ${number()}${chance(0.5) ? ' ' + pick(['cm', 'inch', 'mm', 'in']) : ''}`;
  if (r < 0.46) return pick([`Pack of ${pick([2, 3, 4, 5, 6, 10, 12, 24])}`, `${pick([2, 3, 4, 6, 12, 24, 40, 100])}-Count`, `${pick([10, 12, 50, 100, 250, 500])}/Box`, `Set of ${pick([2, 3, 4, 6])}`]);
  if (r < 0.58) return pick(colours);
  if (r < 0.66) return `Size ${pick(sizes)}`;
  if (r < 0.76) return pick(features);
  if (r < 0.84) return `Compatible with ${pick(devices)}`;
  if (r < 0.92) return pick(audiences);
  return `${pick(materials)}`;
};
// Product types: catalog category segments (split "USBCables" → "USB Cables") and WordNet artifact/food nouns.
const splitCamel = (s) => s.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
const categoryTypes = [...new Set(products.flatMap((p) => (p.category ?? '').split(/\s*>\s*/).slice(-2)).flatMap((c) => splitCamel(c).split(/\s*&\s*|,\s*/)).map((c) => c.trim()).filter((c) => c.length > 2 && c.length < 30))];
const productType = () => (categoryTypes.length && chance(0.45) ? pick(categoryTypes) : pick(pick(wordnetTypes)?.words ?? ['Cable']));

function generatedTitle() {
  const r = random();
  const type = productType();
  const specs = Array.from({ length: Math.floor(random() * 4) }, spec);
  const tail = specs.length ? (chance(0.4) ? ` (${specs.join(', ')})` : chance(0.5) ? `, ${specs.join(', ')}` : ` - ${specs.join(' | ')}`) : '';
  if (r < 0.35) return `${brand()} ${chance(0.5) ? model() + ' ' : ''}${chance(0.5) ? cap(pick(adjWords)) + ' ' : ''}${cap(type)}${tail}`;
  if (r < 0.55) return `${brand()} ${cap(type)} with ${pick(features)}${tail}`;
  if (r < 0.7) return `${cap(pick(adjWords))} ${pick(materials)} ${type} ${pick(audiences)}${tail}`;
  if (r < 0.82) return `${brand()} ${number()} ${pick(units)} ${cap(type)}${tail}`;
  if (r < 0.92) return `${cap(type)}, ${spec()}, ${spec()}`;
  return `${brand()} ${model()}`;
}
function generatedDescription() {
  const n = pick(wordnetTypes);
  const name = n ? pick(n.words) : productType();
  const templates = [
    () => `${cap(name)}: ${n?.gloss ?? 'a useful product'}.`,
    () => `This ${pick(adjWords)} ${name} is ideal ${pick(audiences).toLowerCase()}, with ${pick(features).toLowerCase()}.`,
    () => `${cap(pick(adjWords))} ${name} made of ${pick(materials)}; ${spec()}.`,
    () => `${brand()} ${productType()} - ${spec()}, ${spec()}. ${cap(pick(adjWords))} design.`,
    () => `Premium quality ${productType().toLowerCase()} ${pick(audiences).toLowerCase()} with ${pick(materials)} finish and ${pick(adjWords)} design.`,
    () => `Package includes: 1 x ${productType()}, 1 x ${pick(['USB cable', 'user manual', 'charging case', 'carry pouch', 'wall adapter', 'mounting kit'])}.`,
    () => `Warranty: ${pick([6, 12, 18, 24])} months ${pick(['manufacturer', 'brand', 'seller'])} warranty on ${productType().toLowerCase()}.`,
  ];
  return pick(templates)();
}
// Variants of a catalog title: the edits listings of the same or similar products show.
function variant(title) {
  const r = random();
  if (r < 0.25) return title.replace(/\d+(\.\d+)?/g, (m) => (chance(0.6) ? number() : m));
  if (r < 0.4) { const c = title.replace(colourRe, () => pick(colours)); return c !== title ? c : `${title} (${pick(colours)})`; }
  if (r < 0.55) { const w = title.split(/\s+/); return chance(0.5) ? `${brand()} ${w.slice(1).join(' ')}` : w.slice(0, 2 + Math.floor(random() * Math.max(1, w.length - 2))).join(' '); }
  if (r < 0.65) return title.replace(/\s*\([^)]*\)\s*/g, ' ').trim() || title.toLowerCase();
  if (r < 0.72) return title.toLowerCase();
  if (r < 0.85) return `${title.split(/[,(|]/)[0].trim()}, ${spec()}`;
  const w = title.split(/\s+/); if (w.length > 3) { const i = 1 + Math.floor(random() * (w.length - 2)); [w[i], w[i + 1]] = [w[i + 1], w[i]]; }
  return w.join(' ');
}

// ---- assemble ----
const rows = []; // { source, text, key, catalog }
for (const p of products) {
  rows.push({ source: 'catalog-title', text: p.title, key: p.title, catalog: true });
  for (let k = 0; k < 8; k++) rows.push({ source: 'catalog-variant', text: variant(p.title), key: p.title, catalog: true });
  for (const s of p.snippets.slice(0, 6)) rows.push({ source: 'catalog-description', text: s, key: p.title, catalog: true });
}
const { short, long } = debianDescriptions();
const glosses = nouns.concat(adjectives).filter((r) => r.gloss.length > 10).map((r) => `${r.words[0]}: ${r.gloss}`);
const general = {
  'generated-title': Array.from({ length: 80_000 }, generatedTitle),
  'generated-description': Array.from({ length: 12_000 }, generatedDescription),
  'debian-short': shuffle(short).slice(0, 22_000),
  'debian-long': shuffle(long).slice(0, 14_000),
  'wordnet-gloss': shuffle(glosses).slice(0, 10_000),
};
for (const [source, list] of Object.entries(general)) for (const text of list) rows.push({ source, text, key: text, catalog: false });

const seen = new Set();
const train = [], held = [];
for (const r of rows) {
  const t = r.text.replace(/\s+/g, ' ').trim();
  if (t.length < 3 || seen.has(t)) continue;
  seen.add(t);
  (isHeldOut(r.key, r.catalog) ? held : train).push({ source: r.source, text: t });
}
shuffle(train);
shuffle(held);
const all = train.concat(held);
const count = (list) => { const c = {}; for (const r of list) c[r.source] = (c[r.source] ?? 0) + 1; return c; };
const corpus = all.map((r) => r.text).join('\n') + '\n';
const stats = {
  total: all.length, heldOut: held.length, counts: count(all), heldOutCounts: count(held),
  catalogProducts: products.length, meanChars: Math.round(all.reduce((a, r) => a + r.text.length, 0) / all.length),
  sha256: createHash('sha256').update(corpus).digest('hex'),
};
writeFileSync(join(outDir, 'corpus.txt'), corpus);
writeFileSync(join(outDir, 'corpus-sources.txt'), all.map((r) => r.source).join('\n') + '\n');
writeFileSync(join(outDir, 'corpus-stats.json'), JSON.stringify(stats, null, 2));
console.log(JSON.stringify(stats, null, 1));
