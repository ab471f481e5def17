// Prices typed by merchants around the world: "12.50", "12,50", "1,299.00", "1.299,00", "€ 1 299".
// The decimal separator is decided per column from the values that say it unambiguously; a value
// that could be read two ways with no evidence in the column is refused, never guessed.

export type DecimalSeparator = '.' | ',';

/** The number part of a price: currency symbols, letters and spaces (also thin/no-break) removed. */
const numberPart = (text: string): string => text.replace(/[^0-9.,\-]/g, '');

/** What one value says about the decimal separator: a separator, or undefined when it cannot tell. */
export function separatorEvidence(text: string): DecimalSeparator | undefined {
  const s = numberPart(text);
  const lastDot = s.lastIndexOf('.');
  const lastComma = s.lastIndexOf(',');
  if (lastDot >= 0 && lastComma >= 0) return lastDot > lastComma ? '.' : ',';
  const sep: DecimalSeparator | undefined = lastDot >= 0 ? '.' : lastComma >= 0 ? ',' : undefined;
  if (!sep) return undefined;
  const parts = s.split(sep);
  // Several of the same separator can only be thousands groups: the other one is the decimal.
  if (parts.length > 2) return sep === '.' ? ',' : '.';
  // "12,50" or "0.5": not a group of three digits, so it is the decimal separator.
  if (parts[1].length !== 3 || parts[0] === '' || parts[0] === '0' || parts[0] === '-0') return sep;
  return undefined;
}

/** The column's decimal separator, or undefined when no value decides it. Throws when values disagree. */
export function columnSeparator(values: string[]): DecimalSeparator | undefined {
  const votes = { '.': 0, ',': 0 };
  for (const v of values) { const e = separatorEvidence(v); if (e) votes[e]++; }
  if (votes['.'] && votes[',']) throw new Error(`The price column mixes decimal points and decimal commas (${votes['.']} values like 12.50, ${votes[',']} like 12,50): use one format.`);
  return votes['.'] ? '.' : votes[','] ? ',' : undefined;
}

/** Parses a price with the column's separator; NaN with a reason when it cannot be read for sure. */
export function parseMoney(text: string, separator: DecimalSeparator | undefined): { value: number; problem?: string } {
  const s = numberPart(text);
  if (!/\d/.test(s)) return { value: NaN, problem: 'has no digits' };
  const sep = separatorEvidence(text) ?? separator;
  const hasSeparator = /[.,]/.test(s);
  if (hasSeparator && !sep) return { value: NaN, problem: `is ambiguous: "${text.trim()}" could be ${s.replace(/[.,]/g, '')} or ${s.replace(',', '.')}; write it with decimals (e.g. ${s.replace(/[.,]/g, '')}.00)` };
  const thousands = sep === ',' ? '.' : ',';
  const normalised = s.split(thousands).join('').replace(sep ?? '.', '.');
  const value = Number(normalised);
  return Number.isFinite(value) ? { value } : { value: NaN, problem: 'is not a number' };
}
