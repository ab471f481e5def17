import type { Analysis } from './analyse.js';
import type { EngineResult } from './engine.js';
import type { PreparedSeries } from './prepare.js';
import type { Frequency } from './types.js';
import { olsSlope, mean } from './stats.js';

/** Seasonal strength below which a pattern is too weak to mention. */
const NOTABLE_SEASON = 0.3;
/** Covariate effects smaller than this share of the level are not worth a word. */
const NOTABLE_EFFECT = 0.03;

function patternName(period: number, frequency: Frequency | undefined): string {
  const known: Partial<Record<Frequency, Record<number, string>>> = {
    hourly: { 24: 'daily pattern', 168: 'weekly pattern' },
    daily: { 7: 'weekly pattern', 365: 'yearly pattern' },
    weekly: { 52: 'yearly pattern' },
    monthly: { 12: 'yearly pattern' },
    quarterly: { 4: 'yearly pattern' },
  };
  return (frequency && known[frequency]?.[period]) ?? `pattern repeating every ${period} periods`;
}

function trendWords(changePerHorizon: number): string {
  const size = Math.abs(changePerHorizon);
  if (size < 0.03) return 'steady level';
  const way = changePerHorizon > 0 ? 'rising' : 'falling';
  return size < 0.1 ? `gently ${way} trend` : size < 0.3 ? `${way} trend` : `strongly ${way} trend`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function when(step: number, dates: string[] | undefined, frequency: Frequency | undefined): string {
  const iso = dates?.[step];
  if (!iso) return `in period ${step + 1} ahead`;
  const d = new Date(iso);
  const day = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
  if (frequency === 'hourly') return `on ${day} at ${String(d.getUTCHours()).padStart(2, '0')}:00`;
  if (frequency === 'weekly') return `in the week of ${day}`;
  if (frequency === 'monthly') return `in ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  if (frequency === 'quarterly' || frequency === 'yearly') return `in ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  return `on ${day}`;
}

const percent = (v: number): string => `${v >= 0 ? '+' : '−'}${Math.abs(100 * v).toFixed(0)}%`;

/**
 * What drives the forecast, in words a merchant reads: the seasonal patterns, the trend of the
 * forecast net of seasonality and covariate effects, each covariate's effect where it next applies,
 * and what was done about a spike at the end of the history. Member names stay in `model.members`.
 */
export function describeDrivers(result: EngineResult, prepared: PreparedSeries, dates: string[] | undefined): string {
  const parts: string[] = [];
  const a = result.analysis;
  const n = prepared.values.length;
  if (!a) return result.name === 'constant' ? 'the same value every period' : `too little history (${n} point${n === 1 ? '' : 's'}): the last value carried forward`;
  const { scale, decompositions, intermittent } = a.context;
  for (const d of decompositions) if (d.strength >= NOTABLE_SEASON) parts.push(`${patternName(d.period, prepared.frequency)}${d.strength >= 0.7 ? ' (strong)' : ''}`);
  // The baseline: the forecast without covariate effects and seasonal pattern.
  const effect = a.effects?.effect;
  const baseline = result.mean.map((v, h) => {
    let b = v - (effect ? effect[n + h] * scale : 0);
    for (const d of decompositions) {
      const index = d.indices[(n + h) % d.period];
      b = d.multiplicative ? b / (index || 1) : b - index * scale;
    }
    return b;
  });
  const level = Math.abs(mean(baseline)) || scale;
  if (intermittent) parts.push('sales in some periods only: forecast as an average rate');
  else parts.push(trendWords((olsSlope(baseline) * Math.max(prepared.horizon, 2)) / level));
  // Effects are told against each covariate's usual value (a promotion against none) and the
  // forecast with every covariate at its usual value.
  const liftOf = (part: NonNullable<Analysis['effects']>['parts'][number], t: number): number => part.coefficient * (part.values[t] - part.usual);
  const usualForecast = result.mean.map((v, h) => Math.abs(v - (a.effects?.parts ?? []).reduce((sum, part) => sum + liftOf(part, n + h) * scale, 0)) || level);
  for (const part of a.effects?.parts ?? []) {
    const lift = (t: number): number => liftOf(part, t);
    const base = (h: number): number => usualForecast[h];
    const sizes = result.mean.map((_, h) => (lift(n + h) * scale) / base(h));
    const step = sizes.findIndex((s) => Math.abs(s) >= NOTABLE_EFFECT);
    if (step >= 0) parts.push(`${part.name} effect ${percent(sizes[step])} ${when(step, dates, prepared.frequency)}`);
    else {
      // Not in the forecast span: how big it was in the history, where it applied.
      let peak = 0;
      for (let t = 0; t < n; t++) if (Math.abs(lift(t)) > Math.abs(peak)) peak = lift(t);
      const relative = (peak * scale) / level;
      if (Math.abs(relative) >= NOTABLE_EFFECT) parts.push(`${part.name} effect ${percent(relative)} when it applies (not in the forecast span)`);
    }
  }
  if (a.pulse) parts.push(a.pulse.kind === 'one-off' ? `the ${a.pulse.direction === 'up' ? 'spike' : 'dip'} at the end of the history treated as one-off, like earlier ones` : `the ${a.pulse.direction === 'up' ? 'spike' : 'dip'} at the end of the history not carried forward in full`);
  return parts.join(', ');
}
