import { invalidInput } from '../errors.js';
import { etsForecast, filter, type EtsFit, type EtsParams } from '../trend/models/ets.js';
import { normalQuantile } from '../trend/stats.js';
import type { DemandState, ProductState } from './state.js';

export const Z80 = normalQuantile(0.9);
/** Forecasts further out than this many times the history are refused, as forecastTrend does. */
const MAX_HORIZON_RATIO = 10;

export interface LogPrediction { mean: number; sd: number }

function etsFit(p: ProductState): EtsFit {
  const b = p.baseline;
  const params: EtsParams = { alpha: b.alpha, beta: b.beta, gamma: 0, phi: b.phi, level: b.level, slope: b.slope, seasonal: new Float64Array(1) };
  return { spec: b.spec, params, aicc: 0, sigma: 0, optimum: new Float64Array(0) };
}

/**
 * Log units of one product at any period and feature vector: the ETS baseline (its forecast after
 * the history, its one-step fit inside it) + the group's seasonal index + effects · features.
 * The variance adds the baseline's error to the effects' posterior variance at the features'
 * distance from the product's average (the baseline already carries the average).
 */
export function productPredictor(state: DemandState, p: ProductState): (period: number, x: Float64Array, where: string) => LogPrediction {
  const history = Float64Array.from(p.history);
  const fit = etsFit(p);
  const inSample = filter(history, fit.spec, fit.params, true).residuals!;
  let sigma = 0;
  for (const e of inSample) sigma += e * e;
  sigma = Math.sqrt(sigma / Math.max(1, inSample.length - (fit.spec.trend === 'N' ? 2 : 5)));
  let future: { mean: number[]; sd: number[] } = { mean: [], sd: [] };
  const season = state.seasons[p.season];
  const k = state.featureNames.length;
  return (period, x, where) => {
    let base: number;
    let baseSd: number;
    if (period < p.first) throw invalidInput(`${where}: the date is before product '${p.product}''s first observation; predictions start there.`);
    if (period <= p.last) {
      const t = period - p.first;
      base = history[t] - inSample[t];
      baseSd = sigma;
    } else {
      const h = period - p.last;
      if (h > MAX_HORIZON_RATIO * history.length) throw invalidInput(`${where}: the date is ${h} periods after product '${p.product}''s history of ${history.length}; forecasts that far out are not meaningful.`);
      if (h > future.mean.length) {
        const f = etsForecast(fit, history, Math.max(h, 2 * future.mean.length, 13));
        future = { mean: f.mean, sd: f.sd! };
      }
      base = future.mean[h - 1];
      baseSd = future.sd[h - 1];
    }
    const m = state.seasonPeriod;
    let mean = base + (season && m ? season[((period % m) + m) % m] : 0);
    let effectVariance = 0;
    for (let i = 0; i < k; i++) {
      mean += p.coefficients[i] * x[i];
      const di = x[i] - p.featureMeans[i];
      effectVariance += di * di * p.priorMeanVariance[i];
      for (let j = 0; j < k; j++) effectVariance += di * (x[j] - p.featureMeans[j]) * p.covariance[i * k + j];
    }
    return { mean, sd: Math.sqrt(baseSd * baseSd + Math.max(0, effectVariance)) };
  };
}
