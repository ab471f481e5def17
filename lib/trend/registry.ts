import { invalidInput } from '../errors.js';
import type { ForecastModel } from './model.js';
import { etsModel } from './members/ets.js';
import { thetaModel } from './members/theta.js';
import { driftModel, seasonalNaiveModel } from './members/naive.js';
import { crostonModel, tsbModel } from './members/intermittent.js';
import { arimaModel } from './members/arima.js';
import { lstmModel } from './members/neural.js';
import type { TrendModel } from './neural/index.js';
import type { ModelChoice } from './types.js';

export type ModelName = 'ets' | 'theta' | 'arima' | 'seasonal-naive' | 'drift' | 'croston-sba' | 'tsb' | 'lstm';

/** The built-in members by name; the LSTM is made per call (it may carry a fine-tuned network). */
const REGISTRY: Record<ModelName, (context: { trendModel?: TrendModel }) => ForecastModel> = {
  ets: () => etsModel,
  theta: () => thetaModel,
  arima: () => arimaModel,
  'seasonal-naive': () => seasonalNaiveModel,
  drift: () => driftModel,
  'croston-sba': () => crostonModel,
  tsb: () => tsbModel,
  lstm: (context) => lstmModel(context),
};

export const MODEL_NAMES = Object.keys(REGISTRY) as ModelName[];
export const MODEL_CHOICES: ModelChoice[] = ['auto', 'ensemble', 'lstm', 'ets', 'theta', 'arima', 'seasonal-naive', 'intermittent'];

/** What 'auto'/'ensemble' runs: every statistical member (each applies to its kind of demand) and the network. */
const ENSEMBLE: ModelName[] = ['ets', 'theta', 'arima', 'seasonal-naive', 'croston-sba', 'tsb'];

export interface ModelSelection { model?: ModelChoice; models?: Array<ModelName | ForecastModel>; neural?: boolean; trendModel?: TrendModel }

function isModelValue(value: unknown): value is ForecastModel {
  if (value === null || typeof value !== 'object') return false;
  const m = value as Partial<ForecastModel>;
  return typeof m.name === 'string' && (typeof m.fit === 'function' || typeof m.batch === 'function');
}

/** The members a call runs, and whether one was asked for alone (it must then answer or fail). */
export function resolveModels(selection: ModelSelection): { models: ForecastModel[]; alone: boolean } {
  const context = { trendModel: selection.trendModel };
  if (selection.models !== undefined) {
    if (selection.model !== undefined) throw invalidInput("Pass either 'model' or 'models', not both.");
    if (!Array.isArray(selection.models) || !selection.models.length) throw invalidInput(`models must be a non-empty array of model names (${MODEL_NAMES.join(', ')}) or model values.`);
    const models = selection.models.map((entry, i) => {
      if (typeof entry === 'string') {
        if (!(entry in REGISTRY)) throw invalidInput(`Unknown model '${entry}' in models[${i}]. Use one of: ${MODEL_NAMES.join(', ')}.`);
        return REGISTRY[entry](context);
      }
      if (!isModelValue(entry)) throw invalidInput(`models[${i}] is neither a model name nor a model value ({ name, fit } or { name, batch }).`);
      return entry;
    });
    const names = models.map((m) => m.name);
    const duplicate = names.find((name, i) => names.indexOf(name) !== i);
    if (duplicate) throw invalidInput(`Model '${duplicate}' is listed twice in models.`);
    return { models, alone: models.length === 1 };
  }
  const choice = selection.model ?? 'auto';
  if (!MODEL_CHOICES.includes(choice)) throw invalidInput(`Unknown model '${String(choice)}'. Use one of: ${MODEL_CHOICES.join(', ')}.`);
  const names: ModelName[] = choice === 'auto' || choice === 'ensemble'
    ? [...ENSEMBLE, ...(selection.neural === false ? [] : ['lstm' as const])]
    : choice === 'intermittent' ? ['croston-sba', 'tsb'] : [choice];
  return { models: names.map((name) => REGISTRY[name](context)), alone: names.length === 1 };
}
