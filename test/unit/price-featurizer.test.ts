import { describe, expect, it } from 'vitest';
import { parseQuantities, quantitiesByKind } from '../../lib/price/units.js';
import { featurize, fitFeaturizer, encoderText } from '../../lib/price/featurizer.js';
import { letterRuns, words } from '../../lib/price/features.js';
import { scriptOf } from '../../lib/text/scripts.js';
import type { Product } from '../../lib/index.js';

const quantities = (text: string): Record<string, number> => Object.fromEntries(quantitiesByKind(text));

describe('quantities parsed from product text, units normalised', () => {
  it.each([
    ['Laptop 8GB RAM, 256GB SSD', { ram_gb: 8, storage_gb: 256 }],
    ['8GB DDR4 memory', { ram_gb: 8 }],
    ['1TB external hard drive', { data_gb: 1000 }],
    ['Intel Core i5 2.3GHz', { ghz: 2.3 }],
    ['MacBook Pro 13.3" Retina', { inch: 13.3 }],
    ['Samsung 55 inch 4K TV', { inch: 55, pixels: 3840 * 2160 }],
    ['Monitor 1920x1080', { pixels: 1920 * 1080 }],
    ['Cabernet Sauvignon 750 ml 2015', { ml: 750, year: 2015 }],
    ['Electric kettle 1.5 l', { ml: 1500 }],
    ['Green tea, 100 bags', { count: 100 }],
    ['Stacking chairs, 4/Set', { count: 4 }],
    ['Ballpoint pens, pack of 50', { count: 50 }],
    ['Duracell AA Batteries, 40-count', { count: 40 }],
    ['Dumbbell 1.37kg', { g: 1370 }],
    ['Dumbbell 1370 g', { g: 1370 }],
    ['Rice 5 lb bag', { g: 5 * 453.592 }],
    ['Power bank 10000mAh 18W', { mah: 10000, watt: 18 }],
    ['Copy paper, 5,000 sheets', { count: 5000 }],
    // Chinese and Japanese put no spaces around a quantity: their letters do not join it into a word.
    ['苹果iPhone15手机8GB内存+256GB存储黑色', { ram_gb: 8, storage_gb: 256 }],
    ['索尼4K电视55英寸', { pixels: 3840 * 2160 }],
    ['ノートパソコン16GBメモリ 13.3"', { ram_gb: 16, inch: 13.3 }],
    ['ＵＳＢメモリ　１２８ＧＢ', { data_gb: 128 }], // full-width letters and digits
  ])('%s', (text, expected) => {
    const got = quantities(text);
    for (const [kind, value] of Object.entries(expected)) expect(got[kind]).toBeCloseTo(value, 3);
  });

  it('does not read ordinary words or bare model numbers as units', () => {
    expect(parseQuantities('Apple iPhone 13, 12, 11')).toEqual([]);
    expect(parseQuantities('Made in Italy')).toEqual([]);
    expect(parseQuantities('RAM8GB SKU4K')).toEqual([]); // Latin letters still join a number into a word
    expect(quantities('Chair 2 in 1')).toEqual({});
  });
});

describe('the featurizer', () => {
  const catalog: Product[] = [
    { title: 'Dell laptop 8GB RAM 256GB SSD', brand: 'Dell', category: 'Computers > Laptops', price: 600 },
    { title: 'Dell laptop 16GB RAM 512GB SSD', brand: 'Dell', category: 'Computers > Laptops', price: 900 },
    { title: 'HP laptop 8GB RAM 1TB HDD', brand: 'HP', category: 'Computers > Laptops', price: 550 },
    { title: 'Logitech wireless mouse', brand: 'Logitech', category: 'Computers > Accessories', price: 30 },
  ];
  const state = fitFeaturizer(catalog);

  it('gives the same row for the same product, whether training or predicting (one featurizer)', () => {
    const a = featurize(catalog[0], state);
    const b = featurize({ ...catalog[0], price: undefined }, state);
    expect(Array.from(b.sparse.indices)).toEqual(Array.from(a.sparse.indices));
    expect(Array.from(b.sparse.values)).toEqual(Array.from(a.sparse.values));
  });

  it('puts parsed quantities into standardised dense slots', () => {
    const kinds = state.quantities.map((q) => q.name);
    expect(kinds).toEqual(expect.arrayContaining(['ram_gb']));
    const small = featurize(catalog[0], state).dense;
    const large = featurize(catalog[1], state).dense;
    const slot = 2 * state.numeric.length + 2 * kinds.indexOf('ram_gb');
    expect(large[slot]).toBeGreaterThan(small[slot]);
    expect(small[slot + 1]).toBe(1);
  });

  it('reads any script: Chinese and Arabic titles get char n-gram features, and their script is known', () => {
    const zh = featurize({ title: '无线鼠标 黑色' }, fitFeaturizer([{ title: '无线鼠标 白色' }, { title: '机械键盘' }]));
    expect(zh.sparse.indices.length).toBeGreaterThan(3);
    expect(zh.script).toBe('Han');
    expect(scriptOf('فأرة لاسلكية')).toBe('Arabic');
    expect(scriptOf('Wireless mouse')).toBe('Latin');
  });

  it('splits Chinese, Japanese and Thai text into words (written without spaces); other scripts keep their spaces', () => {
    expect(words('苹果iPhone15手机256GB黑色')).toEqual(['苹果', 'iphone15', '手机', '256gb', '黑色']);
    expect(words('ノートパソコン16GBメモリ')).toEqual(['ノート', 'パソコン', '16gb', 'メモリ']);
    expect(words('โทรศัพท์มือถือสีดำ').length).toBeGreaterThan(2);
    // Latin and Arabic titles: letter runs, as before.
    for (const title of ['Avery 508 Labels, 2.5" x 1", 1,000/Box', 'فأرة لاسلكية سوداء']) expect(words(title)).toEqual(letterRuns(title));
    // Segmented titles share words: the same phone model unspaced and spaced.
    // Spellings of one word fold together: full-width letters, Arabic hamza / teh marbuta / diacritics.
    expect(words('ＵＳＢ３．０ケーブル')).toEqual(words('USB3.0ケーブル'));
    expect(words('طابعة ليزر أسود')).toEqual(words('طابعه ليزر اسود'));
    expect(words('كِتَاب آلة')).toEqual(words('كتاب الة'));
    const unspaced = new Set(words('无线手机黑色'));
    expect(words('手机 白色').filter((w) => unspaced.has(w))).toEqual(['手机']);
  });

  it('gives the encoder the head of the title and the last category level', () => {
    expect(encoderText({ title: 'Oak bookcase', category: 'Furniture > Bookcases' })).toBe('Oak bookcase. bookcases');
  });
});
