import { env } from '../config.js';
import { StorecastError } from '../errors.js';
import type { LongTaskOptions } from '../progress.js';
import type { PriceModel } from '../price/types.js';

/**
 * The operations a worker serves. Each receives the call's arguments (options last) with the
 * worker-side signal and progress callback merged in. Modules load lazily, as on the main thread.
 */
type Handler = (args: unknown[], task: Required<LongTaskOptions>) => Promise<unknown>;

const withTask = (options: unknown, task: Required<LongTaskOptions>): Record<string, unknown> => ({ ...(options as object | undefined), signal: task.signal, onProgress: task.onProgress });

export const handlers: Record<string, Handler> = {
  init: async ([options]) => (await import('../runtime/index.js')).init(options as never),
  runtimeInfo: async () => (await import('../runtime/index.js')).runtimeInfo(),
  forecastTrend: async ([series, options], task) => (await import('../trend/index.js')).forecastTrend(series as never, withTask(options, task)),
  forecastTrends: async ([list, options], task) => (await import('../trend/index.js')).forecastTrends(list as never, withTask(options, task)),
  embedText: async ([texts, options], task) => (await import('../text/index.js')).embedText(texts as never, withTask(options, task)),
  trainPriceModel: async ([catalog, options], task) => register(await (await import('../price/index.js')).trainPriceModel(catalog, withTask(options, task))),
  loadPriceModel: async ([url, options]) => register(await (await import('../price/index.js')).loadPriceModel(url as string | Uint8Array, options as never)),
  predictPrice: async ([product, options], task) => {
    const { handle, ...rest } = options as { handle: number; comparables?: number };
    return (await import('../price/index.js')).predictPrice(product as never, { ...rest, model: modelFor(handle), signal: task.signal });
  },
  savePriceModel: async ([handle, url]) => modelFor(handle as number).save(url as string),
  priceModelBytes: async ([handle]) => modelFor(handle as number).toBytes(),
  disposePriceModel: async ([handle]) => {
    priceModels.get(handle as number)?.dispose();
    priceModels.delete(handle as number);
  },
  memory: async () => {
    const { loadTf } = await import('../runtime/index.js');
    const tf = await loadTf();
    return tf.memory();
  },
};

const priceModels = new Map<number, PriceModel>();
let nextHandle = 1;

/** What crosses to the page for a model living in the worker: a handle plus its plain data. */
export interface PriceModelHandle { handle: number; encoderId: string; metrics: PriceModel['metrics']; createdAt: string }

/** Keeps the model where it was made and hands out its handle. */
function register(model: PriceModel): PriceModelHandle {
  const handle = nextHandle++;
  priceModels.set(handle, model);
  return { handle, encoderId: model.encoderId, metrics: model.metrics, createdAt: model.createdAt };
}

function modelFor(handle: number): PriceModel {
  const model = priceModels.get(handle);
  if (!model) throw new StorecastError('NOT_TRAINED', 'This price model is not in the worker (disposed, or the worker was restarted): train or load it again.');
  return model;
}

export function registerHandler(name: string, handler: Handler): void {
  handlers[name] = handler;
}

export function applyEnv(snapshot: Record<string, unknown>): void {
  Object.assign(env, snapshot);
}

export function unknownMethod(method: string): StorecastError {
  return new StorecastError('INVALID_INPUT', `Unknown worker method '${method}'.`);
}
