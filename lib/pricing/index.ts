import { DemandModelImpl } from './model.js';
import { fitDemandState } from './fit.js';
import { decodeDemand, loadDemandBytes } from './persist.js';
import type { DemandModel, DemandObservation, FitDemandOptions } from './types.js';

export type { DemandModel, DemandObservation, DemandPrediction, DemandPredictionBatch, DemandScenario, DemandWarning, Elasticity, ElasticityDetail, FitDemandOptions, OptimizePriceOptions, PricePoint, PriceRecommendation } from './types.js';
export { optimizePrice } from './optimize.js';

/**
 * Fits demand per product: log units = ETS baseline (level/trend) + pooled seasonality + own-price
 * elasticity × log price + promotion, competitor-price, holiday and covariate effects, with
 * elasticities partially pooled within `groups`. See lib/pricing/README.md.
 */
export async function fitDemand(observations: DemandObservation[], options: FitDemandOptions = {}): Promise<DemandModel> {
  return new DemandModelImpl(await fitDemandState(observations, options));
}

/** Rebuilds a demand model from `toBytes()` output, a URL, 'indexeddb://name' or (in Node) a file path. */
export async function loadDemandModel(source: Uint8Array | ArrayBuffer | string): Promise<DemandModel> {
  const { bytes, name } = await loadDemandBytes(source);
  return new DemandModelImpl(decodeDemand(bytes, name));
}
