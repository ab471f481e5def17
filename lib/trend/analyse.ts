import type { SeriesContext } from './model.js';
import type { PreparedSeries } from './prepare.js';
import { cleanFinalPulse, type PulseCleaning } from './pulses.js';
import { estimateEffects, type CovariateEffects } from './regression.js';
import { splitRecurringFlags } from './events.js';
import { detectSeasonality } from './seasonality.js';
import { mean } from './stats.js';
import { isIntermittent } from './models/intermittent.js';

/** A series ready for the members, with what the analysis found (for the description). */
export interface Analysis {
  context: SeriesContext;
  /** Covariate effects in scaled units over history + horizon, centred on their history mean. */
  effects?: CovariateEffects;
  pulse?: PulseCleaning;
}

/**
 * Scales the series by its mean absolute value, estimates covariate effects, takes a final pulse
 * out and detects seasonality on what is left. Undefined for series too short (< 4 points) or
 * constant to model: the engine answers those directly.
 */
export function analyseSeries(prepared: PreparedSeries, index: number, seasonalPeriod: number | undefined, levels: number[]): Analysis | undefined {
  const { values } = prepared;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (values.length < 4 || lo === hi) return undefined;
  let scale = mean(values.map(Math.abs));
  if (!(scale > 0)) scale = 1;
  const observed = values.map((v) => v / scale);
  const intermittent = isIntermittent(observed);
  let decompositions = detectSeasonality(observed, prepared.frequency, seasonalPeriod);
  let y: Float64Array = observed;
  const effects = estimateEffects(observed, splitRecurringFlags(prepared), decompositions);
  // Intermittent members model the zeros as they are; the effect is only added to their rate.
  if (effects?.parts.length && !intermittent) {
    y = observed.map((v, t) => v - effects.effect[t]);
    decompositions = detectSeasonality(y, prepared.frequency, seasonalPeriod);
  }
  const pulse = intermittent ? undefined : cleanFinalPulse(y, prepared.frequency, decompositions);
  if (pulse) y = pulse.y;
  return {
    context: { index, prepared, y, observed, scale, decompositions, intermittent, levels: [...new Set([...levels, 80])].sort((a, b) => a - b) },
    effects: effects?.parts.length ? effects : undefined,
    pulse,
  };
}
