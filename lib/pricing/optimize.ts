import { StorecastError, invalidInput } from '../errors.js';
import { periodIndex, toMs } from './calendar.js';
import { DemandModelImpl } from './model.js';
import { Z80 } from './predict.js';
import type { DemandModel, DemandWarning, OptimizePriceOptions, PricePoint, PriceRecommendation } from './types.js';

const OPTION_KEYS = new Set(['product', 'cost', 'objective', 'min', 'max', 'maxChange', 'inventory', 'periods', 'date', 'promotion', 'competitorPrice', 'covariates', 'points']);
/** Without min/max, candidates span the observed prices widened by this factor each way. */
const DEFAULT_WIDEN = 1.3;
/** A price outside the observed range must beat the best observed-range price by this much to be chosen. */
const EXTRAPOLATION_MARGIN = 0.02;

const round = (v: number, digits = 2): number => Number(v.toFixed(digits));
const percent = (v: number): string => `${v >= 0 ? '+' : ''}${(100 * v).toFixed(1)}%`;

function optionalNumber(value: unknown, name: string, check: (v: number) => boolean, rule: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) throw invalidInput(`options.${name} must be ${rule}, got ${JSON.stringify(value)}.`, { field: name });
  return value;
}

/**
 * The price that maximises profit (or revenue) under the guardrails, from the demand curve the
 * model predicts at each candidate price: the whole curve comes back with 80% intervals.
 */
export async function optimizePrice(demand: DemandModel, options: OptimizePriceOptions): Promise<PriceRecommendation> {
  if (!(demand instanceof DemandModelImpl)) throw new StorecastError('NOT_TRAINED', 'optimizePrice needs a demand model from fitDemand() or loadDemandModel().');
  if (options === null || typeof options !== 'object') throw invalidInput('optimizePrice needs options { product, cost }.');
  for (const key of Object.keys(options)) if (!OPTION_KEYS.has(key)) throw invalidInput(`Unknown option '${key}'. Known options: ${[...OPTION_KEYS].join(', ')}.`);
  const p = demand.product(options.product, 'options.product');
  const cost = optionalNumber(options.cost, 'cost', (v) => v >= 0, 'a number ≥ 0');
  if (cost === undefined) throw invalidInput('options.cost is required (0 if unknown, with objective "revenue").', { field: 'cost' });
  const objective = options.objective ?? 'profit';
  if (objective !== 'profit' && objective !== 'revenue') throw invalidInput(`options.objective must be 'profit' or 'revenue', got ${JSON.stringify(objective)}.`);
  const min = optionalNumber(options.min, 'min', (v) => v > 0, 'a positive number');
  const max = optionalNumber(options.max, 'max', (v) => v > 0, 'a positive number');
  const maxChange = optionalNumber(options.maxChange, 'maxChange', (v) => v >= 0, 'a fraction ≥ 0 (0.1 = ±10%)');
  const inventory = optionalNumber(options.inventory, 'inventory', (v) => v >= 0, 'a number of units ≥ 0');
  const periods = optionalNumber(options.periods, 'periods', (v) => Number.isInteger(v) && v >= 1 && v <= 520, 'an integer from 1 to 520') ?? 1;
  const points = optionalNumber(options.points, 'points', (v) => Number.isInteger(v) && v >= 3 && v <= 1000, 'an integer from 3 to 1000') ?? 61;
  if (min !== undefined && max !== undefined && min > max) throw invalidInput(`options.min (${min}) is above options.max (${max}).`);

  const current = p.prices.last;
  const seenLow = p.prices.min;
  const seenHigh = p.prices.max;
  const bounds: { lo: number; hi: number; loBy: string; hiBy: string } = { lo: min ?? seenLow / DEFAULT_WIDEN, hi: max ?? seenHigh * DEFAULT_WIDEN, loBy: min !== undefined ? 'min' : 'default range', hiBy: max !== undefined ? 'max' : 'default range' };
  if (maxChange !== undefined) {
    if (current * (1 - maxChange) > bounds.lo) { bounds.lo = current * (1 - maxChange); bounds.loBy = 'maxChange'; }
    if (current * (1 + maxChange) < bounds.hi) { bounds.hi = current * (1 + maxChange); bounds.hiBy = 'maxChange'; }
  }
  if (cost >= bounds.hi) throw invalidInput(`options.cost (${cost}) is ≥ every allowed price (at most ${round(bounds.hi, 4)}, set by ${bounds.hiBy}): no price has a margin ≥ 0.`, { field: 'cost' });
  if (cost > bounds.lo) { bounds.lo = cost; bounds.loBy = 'cost (margin ≥ 0)'; }
  if (bounds.lo > bounds.hi) throw invalidInput(`The guardrails leave no price: the lowest allowed is ${round(bounds.lo, 4)} (${bounds.loBy}) and the highest ${round(bounds.hi, 4)} (${bounds.hiBy}).`);

  const start = options.date === undefined ? p.last + 1 : periodIndex(toMs(options.date, 'options.date'), demand.calendar);
  const candidates = new Set<number>();
  for (let i = 0; i < points; i++) candidates.add(bounds.lo * (bounds.hi / bounds.lo) ** (i / (points - 1)));
  // Prices the product was sold at are on the curve too: there the data speak, not the model's shape.
  for (const seen of p.prices.seen) if (seen >= bounds.lo && seen <= bounds.hi) candidates.add(seen);
  if (current >= bounds.lo && current <= bounds.hi) candidates.add(current);

  const warnings: DemandWarning[] = [];
  const seenMessages = new Set<string>();
  const warn = (w: DemandWarning): void => { if (!seenMessages.has(w.message)) { seenMessages.add(w.message); warnings.push(w); } };
  const scenario = { product: p.product, date: '', promotion: options.promotion, competitorPrice: options.competitorPrice, covariates: options.covariates };
  const evaluate = (price: number): PricePoint => {
    let units = 0;
    let unitsLow = 0;
    let unitsHigh = 0;
    for (let k = 0; k < periods; k++) {
      const { mean, sd } = demand.predictAt(p, start + k, { ...scenario, price }, 'options', warn);
      units += Math.exp(mean);
      // Periods summed at the same quantile: errors of one product's periods move together (its level).
      unitsLow += Math.exp(mean - Z80 * sd);
      unitsHigh += Math.exp(mean + Z80 * sd);
    }
    if (inventory !== undefined) { units = Math.min(units, inventory); unitsLow = Math.min(unitsLow, inventory); unitsHigh = Math.min(unitsHigh, inventory); }
    const margin = objective === 'profit' ? price - cost : price;
    return { price, units, revenue: price * units, profit: (price - cost) * units, low: margin * unitsLow, high: margin * unitsHigh, unitsLow, unitsHigh, extrapolated: price < seenLow * (1 - 1e-9) || price > seenHigh * (1 + 1e-9) };
  };
  const curve = [...candidates].sort((a, b) => a - b).map(evaluate);
  const value = (point: PricePoint): number => (objective === 'profit' ? point.profit : point.revenue);
  const best = (list: PricePoint[]): PricePoint | undefined => list.reduce<PricePoint | undefined>((b, c) => (!b || value(c) > value(b) ? c : b), undefined);
  const overall = best(curve)!;
  const inRange = best(curve.filter((c) => !c.extrapolated));
  const chosen = overall.extrapolated && inRange && value(overall) <= value(inRange) * (1 + EXTRAPOLATION_MARGIN) + 1e-12 ? inRange : overall;

  const elasticity = demand.elasticity(p.product);
  const detail = demand.elasticityDetail(p.product);
  const reasons: string[] = [];
  reasons.push(detail.priceChanges
    ? `Elasticity ${elasticity.estimate.toFixed(2)} (80%: ${elasticity.low.toFixed(2)} to ${elasticity.high.toFixed(2)}) rests on ${detail.priceChanges} price change(s) over ${p.observations} period(s); ${Math.round(100 * detail.ownWeight)}% of it comes from this product's own data, the rest from ${p.group ? `group '${p.group}'` : 'all products'}.`
    : `This product never changed price: its elasticity ${elasticity.estimate.toFixed(2)} (80%: ${elasticity.low.toFixed(2)} to ${elasticity.high.toFixed(2)}) is ${p.group ? `group '${p.group}'` : 'all products'}'s prior, not its own.`);
  const controls = demand.effects;
  reasons.push(`Controlled for the baseline (level${p.baseline.spec.trend === 'N' ? '' : ', damped trend'}${p.season ? ', seasonality' : ''})${controls.length ? ` and ${controls.join(', ')}` : ''}, so their effects are not counted as price effects.`);
  if (objective === 'profit' && elasticity.estimate < -1 && cost > 0) reasons.push(`For constant elasticity e and cost c the profit-maximising price is c·e/(1+e) = ${round((cost * elasticity.estimate) / (1 + elasticity.estimate))}.`);
  if (objective === 'profit' && elasticity.estimate >= -1) reasons.push('Demand looks inelastic (elasticity ≥ −1): profit keeps rising with price, so the upper limit decides.');
  if (objective === 'revenue' && elasticity.estimate < -1) reasons.push('Demand is elastic (elasticity < −1): revenue rises as price falls, so the lower limit decides.');
  const at = (v: number, limit: number): boolean => Math.abs(v - limit) <= 1e-9 * limit;
  if (at(chosen.price, bounds.hi)) reasons.push(`At the upper limit ${round(bounds.hi)} (set by ${bounds.hiBy}${bounds.hiBy === 'maxChange' ? ` ${percent(maxChange!)} from the last price ${round(current)}` : ''}).`);
  if (at(chosen.price, bounds.lo)) reasons.push(`At the lower limit ${round(bounds.lo)} (set by ${bounds.loBy}${bounds.loBy === 'maxChange' ? ` −${(100 * maxChange!).toFixed(1)}% from the last price ${round(current)}` : ''}).`);
  if (chosen.extrapolated) reasons.push(`${round(chosen.price)} is outside the prices this product was sold at (${round(seenLow)}–${round(seenHigh)}): the model extrapolates there.`);
  else if (overall.extrapolated) reasons.push(`Stays within the observed prices ${round(seenLow)}–${round(seenHigh)}: the best price outside them (${round(overall.price)}) would gain ${percent(value(overall) / value(chosen) - 1)}, less than the ${(100 * EXTRAPOLATION_MARGIN).toFixed(0)}% an extrapolation must earn.`);
  if (inventory !== undefined && curve.some((c) => c.units >= inventory)) {
    const binding = curve.filter((c) => c.units >= inventory).map((c) => c.price);
    reasons.push(`Stock of ${inventory} unit(s) over ${periods} period(s) binds at prices up to ${round(Math.max(...binding))}: sales there are capped by stock.`);
  }
  const now = curve.find((c) => c.price === current) ?? evaluate(current);
  reasons.push(`${round(chosen.price)} vs the last price ${round(current)} (${percent(chosen.price / current - 1)}): units ${round(now.units)} → ${round(chosen.units)}, ${objective} ${round(value(now))} → ${round(value(chosen))} over ${periods} period(s).`);
  if (p.prices.changes === 0) warn({ code: 'NO_PRICE_VARIATION', message: `Product '${p.product}' never changed price: the curve's shape is its group's prior.` });
  return { ...chosen, curve, elasticity, reasons, warnings };
}
