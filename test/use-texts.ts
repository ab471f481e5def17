import { readFileSync } from 'node:fs';
import { hasShared, SHARED } from './helpers.js';

/**
 * Varied texts for the Universal Sentence Encoder parity tests: product titles with numbers, units
 * and brands, score-tie cases (hashes, rules, prices), non-Latin scripts, emoji, empty and very long
 * texts. Deterministic; real titles from the price benchmark are added when ../shared is present.
 */
export function useTestTexts(count = 240): string[] {
  const brands = ['Samsung', 'Philips', 'Bosch', 'Nike', 'IKEA', 'Sony', 'Logitech', 'Prestige', 'boAt', 'Xiaomi', 'Avery', 'Hon', 'Fellowes', 'Canon'];
  const things = ['USB-C cable', 'steam iron', 'running shoes', 'office chair', 'LED bulb', 'wireless mouse', 'pressure cooker', 'earbuds', 'smart TV', 'binder', 'paper shredder', 'ink cartridge', 'bookcase', 'phone case'];
  const specs = ['2 m', '1200W', 'size 42', '55 inch 4K UHD', '9W B22 pack of 4', '2.4GHz 1600 DPI', '5 L', 'IPX5 40h', '128GB', '3-ring 1"', '12-sheet cross-cut', 'XL black 2-pack', '5-shelf 72"', 'for iPhone 13/12'];
  const fixed = [
    '', ' ', 'a', 'I', '-----', '$999.99', '$1,299.00', '₹1,099', '€ 49,90', '#3f2a9c', 'a3f5c9e1d2b4', '0x7f3a', 'SKU-000123-XL', '99.9%', '1/2"', '3x4mm',
    '...', '!!!', '???', '***', '#####', '=====', '__init__', 'e-mail@example.com', 'https://example.com/p?id=42', ':30', ':-)', '”5', '<s>', '</s>', 'extra_token_id_1',
    'Hello world.', 'The quick brown fox jumps over the lazy dog.', 'Is this product worth the price?', 'Free shipping on orders over $50!',
    '日本語のテキスト', '中文产品标题 手机壳', 'Ноутбук Lenovo 15.6"', 'Δοκιμή ελληνικά', 'हिंदी उत्पाद', 'مرحبا بالعالم', '한국어 제품', 'ﬁne ligature ①②③ ＡＢＣ',
    'emoji 😀🎉 party', '🔥🔥🔥', 'tab\there', 'new\nline', 'double  space', ' leading and trailing ', '\u00a0nbsp\u00a0', 'café crème brûlée', 'naïve Zoë',
    'x'.repeat(300), 'stainless steel water bottle '.repeat(40), 'word '.repeat(200).trim(),
    'Wayona Nylon Braided USB to Lightning Fast Charging and Data Sync Cable Compatible for iPhone 13, 12,11, X, 8, 7, 6, 5, iPad Air, Pro, Mini (3 FT Pack of 1, Grey)',
  ];
  const out = [...fixed];
  for (let i = 0; out.length < count; i++) {
    const b = brands[i % brands.length];
    const t = things[(i * 5 + 3) % things.length];
    const s = specs[(i * 7 + 1) % specs.length];
    const price = ((i * 37) % 1000) + 0.99;
    switch (i % 6) {
      case 0: out.push(`${b} ${t}, ${s}`); break;
      case 1: out.push(`${t} by ${b} – ${s} – $${price.toFixed(2)}`); break;
      case 2: out.push(`${b.toUpperCase()} ${t.toUpperCase()} ${s}`); break;
      case 3: out.push(`${t} ${s} (${i % 9 + 1} pcs) #${(i * 2654435761 >>> 0).toString(16)}`); break;
      case 4: out.push(`Best ${t} for home and office use, ${s}, ${b} warranty ${i % 3 + 1} years`); break;
      default: out.push(`${b}-${t.replace(/ /g, '-')}-${i}`);
    }
  }
  return out;
}

/** Up to `count` real product titles from the price benchmark's training splits, or [] when absent. */
export function benchmarkTitles(count: number): string[] {
  const titles: string[] = [];
  for (const set of ['amazon_india', 'superstore']) {
    const path = `price/benchmark/${set}/train.jsonl`;
    if (!hasShared(path)) continue;
    const lines = readFileSync(SHARED + path, 'utf8').split('\n').filter(Boolean);
    titles.push(...lines.slice(0, Math.ceil(count / 2)).map((l) => (JSON.parse(l) as { title: string }).title));
  }
  return titles.slice(0, count);
}
