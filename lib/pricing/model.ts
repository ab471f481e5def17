import { invalidInput } from '../errors.js';
import { periodIndex, toMs, type Calendar } from './calendar.js';
import { encodeDemand, saveDemandBytes } from './persist.js';
import { productPredictor, Z80, type LogPrediction } from './predict.js';
import type { DemandState, ProductState } from './state.js';
import { PRICE, scenarioFeatures } from './validate.js';
import type { DemandModel, DemandPredictionBatch, DemandScenario, DemandWarning, Elasticity, ElasticityDetail } from './types.js';

const MAX_PREDICT = 1_000_000;

/** A fitted demand model: its state (plain data, see state.ts) and the methods that read it. */
export class DemandModelImpl implements DemandModel {
  readonly #byProduct: Map<string, ProductState>;
  readonly #predictors = new Map<string, ReturnType<typeof productPredictor>>();
  readonly #holidays: Set<number>;

  constructor(readonly state: DemandState) {
    this.#byProduct = new Map(state.products.map((p) => [p.product, p]));
    this.#holidays = new Set(state.holidayPeriods);
  }

  get products(): string[] { return this.state.products.map((p) => p.product); }
  get frequency(): DemandState['frequency'] { return this.state.frequency; }
  get warnings(): DemandWarning[] { return this.state.warnings; }
  get effects(): string[] { return this.state.featureNames.filter((n) => n !== PRICE); }

  product(name: unknown, where = 'product'): ProductState {
    const p = typeof name === 'string' ? this.#byProduct.get(name) : undefined;
    if (!p) throw invalidInput(`${where}: unknown product ${JSON.stringify(name)}; the model knows ${this.state.products.length} product(s), e.g. ${this.products.slice(0, 3).map((s) => JSON.stringify(s)).join(', ')}.`, { product: name });
    return p;
  }

  #interval(p: ProductState, j: number): Elasticity {
    const k = this.state.featureNames.length;
    const estimate = p.coefficients[j];
    const sd = Math.sqrt(p.covariance[j * k + j] + p.priorMeanVariance[j]);
    return { estimate, low: estimate - Z80 * sd, high: estimate + Z80 * sd };
  }

  elasticity(product: string): Elasticity {
    return this.#interval(this.product(product), 0);
  }

  elasticityDetail(product: string): ElasticityDetail {
    const p = this.product(product);
    return { ...this.#interval(p, 0), ownWeight: p.ownWeight, priceChanges: p.prices.changes, group: p.group };
  }

  coefficients(product: string): Record<string, Elasticity> {
    const p = this.product(product);
    // A driver the product never had has no effect of its own (its column was constant): left out.
    return Object.fromEntries(this.state.featureNames.flatMap((name, j) => (p.present[j] ? [[name, this.#interval(p, j)]] : [])));
  }

  /** Log-scale mean and sd of one scenario (the optimiser's entry: no rounding, no batch). */
  predictLog(s: DemandScenario, where: string, warn: (w: DemandWarning) => void): LogPrediction {
    if (s === null || typeof s !== 'object') throw invalidInput(`${where} is not an object.`);
    const p = this.product(s.product, where);
    return this.predictAt(p, periodIndex(toMs(s.date, where), this.calendar), s, where, warn);
  }

  get calendar(): Calendar { return { frequency: this.state.frequency, anchor: this.state.anchor }; }

  /** As predictLog, for a product and period already resolved (the optimiser evaluates many prices at one). */
  predictAt(p: ProductState, period: number, s: DemandScenario, where: string, warn: (w: DemandWarning) => void): LogPrediction {
    const x = scenarioFeatures(s, where, this.state.featureNames, p.present, p.lastFeatures, period, this.#holidays, warn);
    let predictor = this.#predictors.get(p.product);
    if (!predictor) { predictor = productPredictor(this.state, p); this.#predictors.set(p.product, predictor); }
    return predictor(period, x, where);
  }

  async predict(scenarios: DemandScenario[]): Promise<DemandPredictionBatch> {
    if (!Array.isArray(scenarios)) throw invalidInput('predict expects an array of { product, date, price }.');
    if (scenarios.length > MAX_PREDICT) throw invalidInput(`predict takes at most ${MAX_PREDICT} scenarios per call.`);
    const warnings: DemandWarning[] = [];
    const seen = new Set<string>();
    const warn = (w: DemandWarning): void => { if (!seen.has(w.message) && warnings.length < 100) { seen.add(w.message); warnings.push(w); } };
    const out = scenarios.map((s, i) => {
      const { mean, sd } = this.predictLog(s, `scenarios[${i}]`, warn);
      return { units: Math.exp(mean), low: Math.exp(mean - Z80 * sd), high: Math.exp(mean + Z80 * sd) };
    });
    return Object.assign(out, { warnings });
  }

  async toBytes(): Promise<Uint8Array> {
    return encodeDemand(this.state);
  }

  async save(url: string): Promise<void> {
    await saveDemandBytes(url, await this.toBytes());
  }
}
