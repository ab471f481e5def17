import { env } from '../config.js';
import { StorecastError } from '../errors.js';
import type { LongTaskOptions } from '../progress.js';
import type { PriceModel } from '../price/types.js';
import type { Handlers, PriceModelHandle, WorkerMethod } from './api.js';

export type { PriceModelHandle } from './api.js';

/**
 * The operations a worker serves, typed by the one table in api.ts. Each receives the call's
 * arguments (options last) with the worker-side signal and progress callback merged in. Modules
 * load lazily, as on the main thread.
 */
const withTask = <T extends object>(options: T | undefined, task: Required<LongTaskOptions>): T & Required<LongTaskOptions> => ({ ...(options ?? ({} as T)), signal: task.signal, onProgress: task.onProgress });

export const handlers: Handlers = {
  init: async ([options]) => (await import('../runtime/index.js')).init(options),
  runtimeInfo: async () => (await import('../runtime/index.js')).runtimeInfo(),
  forecastTrend: async ([series, options], task) => (await import('../trend/index.js')).forecastTrend(series, withTask(options, task)),
  forecastTrends: async ([list, options], task) => (await import('../trend/index.js')).forecastTrends(list, withTask(options, task)),
  embedText: async ([texts, options], task) => (await import('../text/index.js')).embedText(texts, withTask(options, task)),
  trainPriceModel: async ([catalog, options], task) => register(await (await import('../price/index.js')).trainPriceModel(catalog, withTask(options, task))),
  loadPriceModel: async ([source, options]) => register(await (await import('../price/index.js')).loadPriceModel(source, options)),
  predictPrice: async ([products, { handle, comparables }], task) => (await import('../price/index.js')).predictPrice(products, { comparables, model: modelFor(handle), signal: task.signal }),
  savePriceModel: async ([handle, url]) => modelFor(handle).save(url),
  priceModelBytes: async ([handle]) => modelFor(handle).toBytes(),
  disposePriceModel: async ([handle]) => {
    priceModels.get(handle)?.dispose();
    priceModels.delete(handle);
  },
  memory: async () => {
    const { loadTf } = await import('../runtime/index.js');
    const tf = await loadTf();
    return tf.memory();
  },
};

/** Runs an operation by name: a method from the table, or an error naming the unknown one. */
export function dispatch(method: string, args: unknown[], task: Required<LongTaskOptions>): Promise<unknown> {
  if (!Object.hasOwn(handlers, method)) throw unknownMethod(method);
  // Arguments from a message or the untyped `call` escape hatch: the handler validates what it uses.
  const handler = handlers[method as WorkerMethod] as (args: unknown[], task: Required<LongTaskOptions>) => Promise<unknown>;
  return handler(args, task);
}

const priceModels = new Map<number, PriceModel>();
let nextHandle = 1;

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

export function applyEnv(snapshot: Record<string, unknown>): void {
  Object.assign(env, snapshot);
}

export function unknownMethod(method: string): StorecastError {
  return new StorecastError('INVALID_INPUT', `Unknown worker method '${method}'.`);
}
