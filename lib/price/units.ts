/**
 * Numbers with units read from product text ("8GB RAM", "256GB SSD", "2.3GHz", '13.3"', "750 ml",
 * "pack of 50", "4/Set", "1.37kg", "1920x1080", "2021"), normalised to one unit per kind, so that
 * "1TB" and "1000 GB" or "1.37kg" and "1370 g" are the same feature. Prices follow these
 * quantities (storage, pack size, volume) far more closely than any n-gram of their digits.
 */
import { UNSPACED_LETTERS, foldSpellings } from '../text/scripts.js';

/** Kinds of quantity, each in one normalised unit. */
export const UNIT_KINDS = ['ram_gb', 'storage_gb', 'data_gb', 'ghz', 'inch', 'ml', 'g', 'count', 'watt', 'mah', 'volt', 'mm', 'megapixel', 'pixels', 'year', 'hz'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export interface Quantity { kind: UnitKind; value: number }

/** Unit word → kind and factor to the kind's unit. Longer spellings first so the regex prefers them. */
const UNITS: Array<[string, UnitKind, number]> = [
  ['terabytes', 'data_gb', 1000], ['terabyte', 'data_gb', 1000], ['tb', 'data_gb', 1000],
  ['gigabytes', 'data_gb', 1], ['gigabyte', 'data_gb', 1], ['gb', 'data_gb', 1],
  ['megabytes', 'data_gb', 0.001], ['mb', 'data_gb', 0.001],
  ['ghz', 'ghz', 1], ['mhz', 'ghz', 0.001],
  ['inches', 'inch', 1], ['inch', 'inch', 1], ['in', 'inch', 1], ['"', 'inch', 1], ['″', 'inch', 1], ["''", 'inch', 1],
  ['millilitres', 'ml', 1], ['milliliters', 'ml', 1], ['ml', 'ml', 1], ['cl', 'ml', 10],
  ['litres', 'ml', 1000], ['liters', 'ml', 1000], ['litre', 'ml', 1000], ['liter', 'ml', 1000], ['ltr', 'ml', 1000], ['l', 'ml', 1000],
  ['fl oz', 'ml', 29.5735], ['fl. oz', 'ml', 29.5735],
  ['kilograms', 'g', 1000], ['kilogram', 'g', 1000], ['kgs', 'g', 1000], ['kg', 'g', 1000],
  ['grams', 'g', 1], ['gram', 'g', 1], ['gms', 'g', 1], ['gm', 'g', 1], ['g', 'g', 1], ['mg', 'g', 0.001],
  ['pounds', 'g', 453.592], ['pound', 'g', 453.592], ['lbs', 'g', 453.592], ['lb', 'g', 453.592], ['oz', 'g', 28.3495], ['ounces', 'g', 28.3495],
  ['watts', 'watt', 1], ['watt', 'watt', 1], ['w', 'watt', 1], ['kw', 'watt', 1000],
  ['mah', 'mah', 1], ['volts', 'volt', 1], ['volt', 'volt', 1], ['v', 'volt', 1],
  ['mm', 'mm', 1], ['cm', 'mm', 10], ['meters', 'mm', 1000], ['metres', 'mm', 1000], ['meter', 'mm', 1000], ['metre', 'mm', 1000], ['m', 'mm', 1000], ['ft', 'mm', 304.8], ['feet', 'mm', 304.8],
  ['megapixels', 'megapixel', 1], ['megapixel', 'megapixel', 1], ['mp', 'megapixel', 1],
  ['hz', 'hz', 1],
  ['count', 'count', 1], ['ct', 'count', 1], ['pack', 'count', 1], ['pk', 'count', 1], ['pcs', 'count', 1], ['pieces', 'count', 1], ['piece', 'count', 1],
  ['bags', 'count', 1], ['sheets', 'count', 1], ['pages', 'count', 1], ['pairs', 'count', 1], ['rolls', 'count', 1], ['tablets', 'count', 1], ['capsules', 'count', 1],
  ['labels', 'count', 1], ['envelopes', 'count', 1], ['sets', 'count', 1], ['units', 'count', 1], ['boxes', 'count', 1], ['pens', 'count', 1],
];
const UNIT_LOOKUP = new Map(UNITS.map(([word, kind, factor]) => [word, { kind, factor }]));
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const UNIT_PATTERN = UNITS.map(([w]) => w).sort((a, b) => b.length - a.length).map(escape).join('|');
const NUMBER = String.raw`(\d+(?:[.,]\d+)?)`;
/**
 * A letter that joins the letters next to it into one word. Chinese, Japanese or Thai letters do not:
 * "手机256GB黑色" has "256GB" between two words, with no spaces.
 */
const WORD_LETTER = String.raw`(?:(?![${UNSPACED_LETTERS}])\p{L})`;
/** "8GB", "750 ml", "40-count", '13.3"' (the unit must not run on into a longer word). */
const NUMBER_UNIT = new RegExp(String.raw`(?<!${WORD_LETTER}|[\d.])${NUMBER}\s?-?\s?(${UNIT_PATTERN})(?!${WORD_LETTER}|\d)`, 'giu');
/** "pack of 50", "set of 4", "box of 100", "case of 12". */
const PACK_OF = /\b(?:pack|set|box|case|bag|carton|bundle|lot)\s+of\s+(\d+)/giu;
/** "4/Set", "100/Box", "12/Pack", "50 / Carton". */
const PER_PACKAGE = /(?<![\d.])(\d+)\s?\/\s?(?:set|box|pack|pk|carton|case|bag|ctn|roll|ream|dozen|each|pkg)\b/giu;
/** "1920x1080", "3840 × 2160". */
const RESOLUTION = /(?<!\d)(\d{3,4})\s?[x×]\s?(\d{3,4})(?!\d)/giu;
/** "1080p", "4K", "8K". */
const VIDEO = new RegExp(String.raw`(?<!${WORD_LETTER}|\d)(480p|720p|1080p|1440p|2160p|4k|8k)(?!${WORD_LETTER}|\d)`, 'giu');
const VIDEO_PIXELS: Record<string, number> = { '480p': 640 * 480, '720p': 1280 * 720, '1080p': 1920 * 1080, '1440p': 2560 * 1440, '2160p': 3840 * 2160, '4k': 3840 * 2160, '8k': 7680 * 4320 };
const YEAR = /(?<![\d.,])(19[5-9]\d|20[0-4]\d)(?![\d.,])/gu;
/** Words after a data size that say it is working memory or storage. */
const RAM_WORDS = /^\s*(?:of\s+)?(?:ddr\d?\s*)?(?:(?:ram|memory|lpddr\d?x?)\b|运行内存|内存|メモリ)/iu;
const STORAGE_WORDS = /^\s*(?:of\s+)?(?:ssd|hdd|emmc|rom|storage|internal|nvme|flash|hard\s+drive|sd\b|micro\s*sd|存储|硬盘|固态|ストレージ)/iu;

const parseNumber = (text: string): number => {
  // "1,5" is a decimal comma only with 1–2 digits after it; "1,000" is a thousands separator.
  if (/,\d{3}$/.test(text)) return Number(text.replace(',', ''));
  return Number(text.replace(',', '.'));
};

/** Every quantity found in the text, in order. */
export function parseQuantities(text: string): Quantity[] {
  const out: Quantity[] = [];
  const lower = foldSpellings(text).toLowerCase();
  for (const m of lower.matchAll(NUMBER_UNIT)) {
    const unit = UNIT_LOOKUP.get(m[2].replace(/\s+/g, ' '));
    const value = parseNumber(m[1]);
    if (!unit || !Number.isFinite(value) || value <= 0) continue;
    let kind = unit.kind;
    if (kind === 'data_gb') {
      const after = lower.slice((m.index ?? 0) + m[0].length, (m.index ?? 0) + m[0].length + 24);
      if (RAM_WORDS.test(after)) kind = 'ram_gb';
      else if (STORAGE_WORDS.test(after)) kind = 'storage_gb';
    }
    // "in" is also a word ("2 in 1", "Made in"): a unit only when written against the number ("10in").
    if (m[2] === 'in' && /\s/.test(m[0])) continue;
    out.push({ kind, value: value * unit.factor });
  }
  for (const m of lower.matchAll(PACK_OF)) out.push({ kind: 'count', value: Number(m[1]) });
  for (const m of lower.matchAll(PER_PACKAGE)) out.push({ kind: 'count', value: Number(m[1]) });
  for (const m of lower.matchAll(RESOLUTION)) out.push({ kind: 'pixels', value: Number(m[1]) * Number(m[2]) });
  for (const m of lower.matchAll(VIDEO)) out.push({ kind: 'pixels', value: VIDEO_PIXELS[m[1]] });
  for (const m of lower.matchAll(YEAR)) out.push({ kind: 'year', value: Number(m[1]) });
  return out.filter((q) => q.value > 0 && Number.isFinite(q.value));
}

/** The largest quantity of each kind (a "16GB RAM, 512GB SSD" laptop: its headline numbers). */
export function quantitiesByKind(text: string): Map<UnitKind, number> {
  const out = new Map<UnitKind, number>();
  for (const q of parseQuantities(text)) out.set(q.kind, Math.max(out.get(q.kind) ?? 0, q.value));
  return out;
}

/** Tokens for the hashed features: the kind, and its value on a half-octave grid (so "8GB" ≈ "8 GB" and near sizes share). */
export function quantityTokens(quantities: Map<UnitKind, number>): string[] {
  const out: string[] = [];
  for (const [kind, value] of quantities) {
    const bin = kind === 'year' ? value : Math.round(2 * Math.log2(value));
    out.push(`q:${kind}`, `q:${kind}=${bin}`);
  }
  return out;
}
