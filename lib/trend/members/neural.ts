import { ensureRuntime } from '../../runtime/index.js';
import { neuralForecasts, resolveTrendModel, trendModelLoadFailure, type TrendModel } from '../neural/index.js';
import { networkPeriod } from '../neural/normalise.js';
import { normalBands, type BatchOutcome, type ForecastModel, type ModelForecast, type SeriesContext } from '../model.js';
import type { MemberForecast } from '../types.js';

/** Its quantiles where it has the level's, normal bands from its 10–90% spread otherwise. */
function toBands(f: MemberForecast, levels: number[]): ModelForecast {
  const normal = normalBands('lstm', f.mean, f.sd ?? f.mean.map(() => 0), levels);
  for (const level of levels) {
    const lower = f.quantiles?.get(50 - level / 2);
    const upper = f.quantiles?.get(50 + level / 2);
    if (lower && upper) { normal.lower.set(level, lower); normal.upper.set(level, upper); }
  }
  return normal;
}

/**
 * The pretrained global LSTM (zero-shot, or fine-tuned with fineTuneTrendModel) as a batching
 * member: all series' windows (every backtest window and the final forecast) run as one tensor
 * batch. Covariates reach it as they reach every member: it reads the history with their effects
 * taken out, and the engine adds them to its forecast.
 */
export function lstmModel(options: { trendModel?: TrendModel } = {}): ForecastModel {
  let trained: readonly string[] = [];
  // The network's seasonal period of a series, found once for its two batches (backtest, final).
  const periods = new WeakMap<SeriesContext, number>();
  const periodOf = (series: SeriesContext): number => {
    let period = periods.get(series);
    if (period === undefined) { period = networkPeriod(series.y, series.prepared.frequency); periods.set(series, period); }
    return period;
  };
  const zeroShot = (series: SeriesContext): boolean => !series.prepared.frequency || !trained.includes(series.prepared.frequency);
  return {
    name: 'lstm',
    // Weighted by its backtest like a fitted member on the frequencies it was trained on; elsewhere
    // it joins only where its error over the backtest windows beats the best statistical member's.
    zeroShot,
    async batch(requests, context): Promise<BatchOutcome> {
      const model = await resolveTrendModel(options.trendModel, context.required);
      if (model) trained = model.manifest.trainedFrequencies ?? [];
      const result = model && await neuralForecasts(requests.map((r) => ({
        // The history as every member sees it (scaled, covariate effects and a final pulse taken out):
        // the dynamic regression adds the effects back, as for the statistical members.
        prepared: { ...r.series.prepared, values: r.series.y },
        cuts: r.cuts,
        horizon: r.horizon,
        period: periodOf(r.series),
      })), { required: context.required, model, signal: context.signal });
      if (!result) {
        return { forecasts: requests.map(() => undefined), skipped: requests.map(() => undefined), unavailable: `The pretrained LSTM could not be loaded (${trendModelLoadFailure() ?? 'unknown reason'}); this forecast uses the statistical models only.` };
      }
      const ran = result.forecasts.some((f) => f?.length);
      return {
        forecasts: result.forecasts.map((list, k) => list?.map((f) => toBands(f, requests[k].series.levels))),
        skipped: result.skipped.map((reason) => reason && `The LSTM did not take part: ${reason}.`),
        warnings: ran ? (await ensureRuntime()).info.warnings : [],
      };
    },
  };
}
