// The one table of what a storecast instance can do. The worker serves it, the main-thread
// instance calls it directly, and the page-side API (index.ts) is typed from it: a method added
// here is added everywhere, with its argument and result types.
import { env } from '../config.js';
import { StorecastError } from '../errors.js';
import type { LongTaskOptions } from '../progress.js';
import type { InitOptions, RuntimeInfo } from '../runtime/types.js';
import type { ForecastOptions, SeriesInput, TrendForecast } from '../trend/types.js';
import type { EmbedOptions } from '../text/index.js';
import type { EncoderOptions } from '../text/encoder.js';
import type { PriceModel, PriceModelMetrics, PriceSuggestion, Product, TrainPriceOptions } from '../price/types.js';
import type { PriceModelSource } from '../price/index.js';
import type { DemandObservation, FitDemandOptions } from '../pricing/types.js';

/** The worker's own signal and progress callback, merged into the call's options. */
export type Task = Required<LongTaskOptions>;

/** What crosses to the page for a price model living where the operations run: a handle plus its plain data. */
export interface PriceModelHandle { handle: number; encoderId: string; encoderOptions?: EncoderOptions; metrics: PriceModelMetrics; createdAt: string }

const withTask = <T extends object>(options: T | undefined, task: Task): T & Task => ({ ...(options ?? ({} as T)), signal: task.signal, onProgress: task.onProgress });

export const operations = {
  init: async (_task: Task, options?: InitOptions): Promise<RuntimeInfo> => (await import('../runtime/index.js')).init(options),
  runtimeInfo: async (_task: Task): Promise<RuntimeInfo> => (await import('../runtime/index.js')).runtimeInfo(),
  forecastTrend: async (task: Task, series: number[] | SeriesInput, options?: ForecastOptions): Promise<TrendForecast> => (await import('../trend/index.js')).forecastTrend(series, withTask(options, task)),
  forecastTrends: async (task: Task, list: Array<number[] | SeriesInput>, options?: ForecastOptions): Promise<TrendForecast[]> => (await import('../trend/index.js')).forecastTrends(list, withTask(options, task)),
  embedText: async (task: Task, texts: string | string[], options?: EmbedOptions): Promise<Float32Array[]> => (await import('../text/index.js')).embedText(texts, withTask(options, task)),
  trainPriceModel: async (task: Task, catalog: Product[], options?: TrainPriceOptions): Promise<PriceModelHandle> => register(await (await import('../price/index.js')).trainPriceModel(catalog, withTask(options, task))),
  loadPriceModel: async (_task: Task, source: PriceModelSource): Promise<PriceModelHandle> => register(await (await import('../price/index.js')).loadPriceModel(source)),
  predictPrice: async (task: Task, products: Product[], options: { handle: number; comparables?: number }): Promise<PriceSuggestion[]> =>
    (await import('../price/index.js')).predictPrice(products, { comparables: options.comparables, model: modelFor(options.handle), signal: task.signal }),
  savePriceModel: async (_task: Task, handle: number, url: string): Promise<void> => modelFor(handle).save(url),
  priceModelBytes: async (_task: Task, handle: number): Promise<Uint8Array> => modelFor(handle).toBytes(),
  disposePriceModel: async (_task: Task, handle: number): Promise<void> => {
    priceModels.get(handle)?.dispose();
    priceModels.delete(handle);
  },
  /** The fitted demand model as bytes: it is plain data, rebuilt where it is used (its methods are synchronous). */
  fitDemandBytes: async (task: Task, observations: DemandObservation[], options?: FitDemandOptions): Promise<Uint8Array> =>
    (await (await import('../pricing/index.js')).fitDemand(observations, withTask(options, task))).toBytes(),
  memory: async (_task: Task): Promise<{ numTensors: number; numBytes: number }> => {
    const tf = await (await import('../runtime/index.js')).loadTf();
    return tf.memory();
  },
};

export type Operations = typeof operations;

/** The operation that serves each PriceModel method for a model living where the operations run: a local and a worker model are interchangeable. */
export const PRICE_MODEL_METHODS = { predict: 'predictPrice', save: 'savePriceModel', toBytes: 'priceModelBytes', dispose: 'disposePriceModel' } as const satisfies Record<Exclude<keyof PriceModel, 'encoderId' | 'encoderOptions' | 'metrics' | 'createdAt'>, keyof typeof operations>;
export type OperationName = keyof Operations;
/** An operation's arguments as the page passes them (without the worker-side task). */
export type OperationArgs<K extends OperationName> = Operations[K] extends (task: Task, ...args: infer A) => unknown ? A : never;
export type OperationResult<K extends OperationName> = Awaited<ReturnType<Operations[K]>>;

/** The table seen through its own types: indexing it with a name gives that operation's signature. */
const table: { [K in OperationName]: (task: Task, ...args: OperationArgs<K>) => Promise<OperationResult<K>> } = operations;

/** Runs an operation by name. */
export function runOperation<K extends OperationName>(method: K, args: OperationArgs<K>, task: Task): Promise<OperationResult<K>> {
  return table[method](task, ...args);
}

export function isOperation(method: string): method is OperationName {
  return Object.prototype.hasOwnProperty.call(operations, method);
}

const priceModels = new Map<number, PriceModel>();
let nextHandle = 1;

/** Keeps the model where it was made and hands out its handle. */
function register(model: PriceModel): PriceModelHandle {
  const handle = nextHandle++;
  priceModels.set(handle, model);
  return { handle, encoderId: model.encoderId, encoderOptions: model.encoderOptions, metrics: model.metrics, createdAt: model.createdAt };
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
  return new StorecastError('INVALID_INPUT', `Unknown storecast operation '${method}'.`);
}
