// The demo's CSV import reads prices typed in any locale, or refuses them with a reason.
import { describe, expect, it } from 'vitest';
import { columnSeparator, parseMoney } from '../../demo/money.js';
import { parseCsv, toProducts } from '../../demo/csv.js';

describe('prices from CSV in any locale', () => {
  it('reads decimal commas and thousands dots when the column shows them', () => {
    const values = ['12,50', '1.299,00', '€ 3,99', '7'];
    const sep = columnSeparator(values);
    expect(sep).toBe(',');
    expect(values.map((v) => parseMoney(v, sep).value)).toEqual([12.5, 1299, 3.99, 7]);
  });

  it('reads decimal points and thousands commas when the column shows them', () => {
    const values = ['$12.50', '1,299.00', '1,299', '0.99'];
    const sep = columnSeparator(values);
    expect(sep).toBe('.');
    expect(values.map((v) => parseMoney(v, sep).value)).toEqual([12.5, 1299, 1299, 0.99]);
  });

  it('refuses a value that could be read two ways when nothing in the column decides', () => {
    const sep = columnSeparator(['1.299', '2.500']);
    expect(sep).toBeUndefined();
    const result = parseMoney('1.299', sep);
    expect(result.value).toBeNaN();
    expect(result.problem).toMatch(/ambiguous.*1299 or 1\.299/);
  });

  it('refuses a column that mixes the two conventions', () => {
    expect(() => columnSeparator(['12.50', '12,50'])).toThrow(/mixes decimal points and decimal commas/);
  });

  it('imports a European CSV with the right prices and names the refused rows', () => {
    const csv = parseCsv('title;price\nKaffeebecher;12,50\nEspressomaschine;1.299,00\nTeeglas;n/a\n');
    const { products, errors } = toProducts(csv, { title: 'title', price: 'price' });
    expect(products.map((p) => p.price)).toEqual([12.5, 1299]);
    expect(errors).toEqual(['Row 4: price "n/a" has no digits.']);
  });
});
