import { invalidInput } from '../errors.js';
import { signedLog } from './features.js';
import type { Product } from './types.js';

/**
 * Extra targets (multi-task heads): numeric attributes such as units sold or rating that the head
 * learns next to the price. They are outcomes, not inputs: a new product does not have them yet,
 * so they are removed from the features, and predicted instead.
 */
export interface ExtraTarget { name: string; mean: number; sd: number }

export const MAX_EXTRA_TARGETS = 4;

export function checkExtraTargets(names: unknown, priced: Product[]): ExtraTarget[] {
  if (names === undefined) return [];
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string' || !n) || new Set(names).size !== names.length) throw invalidInput('extraTargets must be a list of distinct attribute names.');
  if (names.length > MAX_EXTRA_TARGETS) throw invalidInput(`extraTargets takes at most ${MAX_EXTRA_TARGETS} attributes.`);
  const minimum = Math.max(10, Math.ceil(0.1 * priced.length));
  return (names as string[]).map((name) => {
    const values = priced.map((p) => p.attributes?.[name]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).map(signedLog);
    if (values.length < minimum) throw invalidInput(`extra target '${name}' is a number in only ${values.length} priced products; at least ${minimum} are needed.`);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) || 1;
    return { name, mean, sd };
  });
}

/** Standardised targets, rows × targets, NaN where a product lacks one. */
export function extraTargetMatrix(products: Product[], targets: ExtraTarget[]): Float32Array {
  const out = new Float32Array(products.length * targets.length).fill(NaN);
  products.forEach((p, i) => targets.forEach((t, j) => {
    const v = p.attributes?.[t.name];
    if (typeof v === 'number' && Number.isFinite(v)) out[i * targets.length + j] = (signedLog(v) - t.mean) / t.sd;
  }));
  return out;
}

/** The product as the features see it: without the attributes that are targets. */
export function withoutTargets(p: Product, targets: ReadonlyArray<{ name: string }>): Product {
  if (!targets.length || !p.attributes) return p;
  const attributes = { ...p.attributes };
  for (const t of targets) delete attributes[t.name];
  return { ...p, attributes };
}

/** Back from the standardised scale to the attribute's units. */
export function extraTargetValue(t: ExtraTarget, standardised: number): number {
  const v = standardised * t.sd + t.mean;
  return Math.sign(v) * Math.expm1(Math.abs(v));
}
