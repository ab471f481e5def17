import { env } from '../config.js';
import { StorecastError, throwIfAborted } from '../errors.js';
import type { LongTaskOptions } from '../progress.js';
import type { InitOptions, RuntimeInfo } from '../runtime/types.js';
import type { ForecastOptions, SeriesInput, TrendForecast } from '../trend/types.js';
import type { Request, Response } from './protocol.js';
import type { PredictOptions, PriceModel, PriceSuggestion, Product, TrainPriceOptions } from '../price/types.js';
import type { EmbedOptions } from '../text/index.js';
import type { EncoderOptions } from '../text/encoder.js';
import type { PriceModelSource } from '../price/index.js';
import type { DemandModel, DemandObservation, FitDemandOptions, OptimizePriceOptions, PriceRecommendation } from '../pricing/types.js';
import { encoderThreadsPerWorker, splitAcross, workerCount, type SplitPlan } from './pool.js';
import { PRICE_MODEL_METHODS, type OperationArgs, type OperationName, type OperationResult, type PriceModelHandle } from './operations.js';

export interface CreateStorecastOptions {
  /** Run models in a dedicated Web Worker so the page's main thread never blocks. */
  worker?: boolean;
  /**
   * How many workers: 1 (the default), a number, or 'auto' (one per core, at most 4). With more than
   * one, `forecastTrends` and `embedText` split their lists across them (results in the list's order,
   * progress merged; env.encoderThreads 'auto' shares the cores out among them); `trainPriceModel` and
   * `predictPrice` embed their products across them first. Everything else runs in the first, which
   * holds the price models. Implies `worker: true`. Each worker loads its own models.
   */
  workers?: number | 'auto';
  /** Provide your own worker (e.g. bundled by your app); called once per worker. Default: storecast's own module worker. */
  createWorker?: () => Worker;
}

/** The same API whether it runs on the main thread or in a worker. */
export interface Storecast {
  readonly inWorker: boolean;
  init(options?: InitOptions): Promise<RuntimeInfo>;
  runtimeInfo(): Promise<RuntimeInfo>;
  forecastTrend(series: number[] | SeriesInput, options?: ForecastOptions): Promise<TrendForecast>;
  forecastTrends(list: Array<number[] | SeriesInput>, options?: ForecastOptions): Promise<TrendForecast[]>;
  embedText(texts: string | string[], options?: EmbedOptions): Promise<Float32Array[]>;
  trainPriceModel(catalog: Product[], options?: TrainPriceOptions): Promise<PriceModel>;
  loadPriceModel(source: PriceModelSource): Promise<PriceModel>;
  predictPrice(product: Product, options: { model: PriceModel; comparables?: number; signal?: AbortSignal }): Promise<PriceSuggestion>;
  predictPrice(product: Product[], options: { model: PriceModel; comparables?: number; signal?: AbortSignal }): Promise<PriceSuggestion[]>;
  /** Fits where the models run (the worker); the model comes back as plain data, so its methods answer at once on the page. */
  fitDemand(observations: DemandObservation[], options?: FitDemandOptions): Promise<DemandModel>;
  loadDemandModel(source: Uint8Array | ArrayBuffer | string): Promise<DemandModel>;
  optimizePrice(model: DemandModel, options: OptimizePriceOptions): Promise<PriceRecommendation>;
  /** Low-level: call an operation of the table in operations.ts by name, typed by it. */
  call<K extends OperationName>(method: K, args: OperationArgs<K>, options?: LongTaskOptions): Promise<OperationResult<K>>;
  /** TF.js memory counters where the models run, summed over a pool's workers (for leak checks). */
  memory(): Promise<{ numTensors: number; numBytes: number }>;
  terminate(): void;
}

/** Calls an operation wherever the instance runs its models. */
type Caller = <K extends OperationName>(method: K, args: OperationArgs<K>, task?: LongTaskOptions) => Promise<OperationResult<K>>;

/** Options objects carry a signal and a progress callback, which cannot cross to a worker: they travel apart. */
function splitTask<T extends object>(options: (T & LongTaskOptions) | undefined): { options: T | undefined; task: LongTaskOptions } {
  if (!options) return { options, task: {} };
  const { signal, onProgress, ...rest } = options;
  return { options: rest as T, task: { signal, onProgress } };
}

function workerCaller(worker: Worker, poolSize: number): { call: Caller; dispose: () => void } {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void; task: LongTaskOptions }>();
  const onMessage = (event: MessageEvent<Response>): void => {
    const message = event.data;
    const entry = pending.get(message.id);
    if (!entry) return;
    if (message.kind === 'progress') { entry.task.onProgress?.(message.progress); return; }
    pending.delete(message.id);
    if (message.kind === 'result') entry.resolve(message.value);
    else entry.reject(StorecastError.fromJSON(message.error));
  };
  const onError = (event: ErrorEvent): void => {
    const error = new StorecastError('WORKER_FAILED', `The storecast worker failed: ${event.message || 'could not start (check the worker URL and the Content-Security-Policy worker-src)'}.`);
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
  };
  worker.addEventListener('message', onMessage);
  worker.addEventListener('error', onError);
  return {
    call<K extends OperationName>(method: K, args: OperationArgs<K>, task: LongTaskOptions = {}): Promise<OperationResult<K>> {
      throwIfAborted(task.signal);
      const id = nextId++;
      return new Promise<OperationResult<K>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, task });
        task.signal?.addEventListener('abort', () => worker.postMessage({ kind: 'abort', id } satisfies Request), { once: true });
        // Only plain configuration crosses: URLs resolved against the page, so the worker fetches the same files.
        const snapshot = { ...env, modelBaseUrl: absolute(env.modelBaseUrl), wasmBaseUrl: absolute(env.wasmBaseUrl), encoderThreads: encoderThreadsPerWorker(env.encoderThreads, poolSize) };
        worker.postMessage({ kind: 'call', id, method, args, env: snapshot } satisfies Request);
      });
    },
    dispose(): void {
      worker.removeEventListener('message', onMessage);
      worker.removeEventListener('error', onError);
      const error = new StorecastError('ABORTED', 'The storecast worker was terminated.');
      for (const entry of pending.values()) entry.reject(error);
      pending.clear();
      worker.terminate();
    },
  };
}

const absolute = (url: string): string => (typeof location !== 'undefined' ? new URL(url, location.href).href : url);

/** Creates a storecast instance; with `{ worker: true }` every model runs in a Web Worker, with `{ workers: n }` in n of them. */
export async function createStorecast(options: CreateStorecastOptions = {}): Promise<Storecast> {
  const count = workerCount(options.workers);
  if (options.worker === false && options.workers !== undefined) throw new StorecastError('INVALID_INPUT', 'workers needs worker mode: drop worker: false, or drop workers.');
  if (!options.worker && options.workers === undefined) {
    const { runOperation } = await import('./operations.js');
    const call: Caller = (method, args, task = {}) => runOperation(method, args, { signal: task.signal ?? new AbortController().signal, onProgress: task.onProgress ?? (() => {}) });
    return facade(false, [call], () => {});
  }
  if (typeof Worker === 'undefined') throw new StorecastError('WORKER_FAILED', 'Web Workers are not available in this environment; use createStorecast({ worker: false }).');
  const callers = Array.from({ length: count }, (_, i) => workerCaller(options.createWorker?.() ?? new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: count > 1 ? `storecast-${i + 1}` : 'storecast' }), count));
  return facade(true, callers.map((c) => c.call), () => { for (const c of callers) c.dispose(); });
}

/** A price model that lives wherever the storecast instance runs its models: the same methods as a local one (PRICE_MODEL_METHODS). */
export class HandlePriceModel implements PriceModel {
  readonly #call: Caller;
  constructor(readonly info: PriceModelHandle, call: Caller) { this.#call = call; }
  get encoderId(): string { return this.info.encoderId; }
  get encoderOptions(): EncoderOptions | undefined { return this.info.encoderOptions; }
  get metrics(): PriceModel['metrics'] { return this.info.metrics; }
  get createdAt(): string { return this.info.createdAt; }
  predict(products: Product[], options: PredictOptions = {}): Promise<PriceSuggestion[]> {
    return this.#call(PRICE_MODEL_METHODS.predict, [products, { handle: this.info.handle, comparables: options.comparables }], { signal: options.signal });
  }
  save(url: string): Promise<void> {
    // downloads:// needs the page's document, so the bytes come over and the page saves them.
    if (url.startsWith('downloads://')) return this.toBytes().then(async (bytes) => (await import('../price/persist.js')).saveBytes(url, bytes));
    return this.#call(PRICE_MODEL_METHODS.save, [this.info.handle, url]);
  }
  toBytes(): Promise<Uint8Array> { return this.#call(PRICE_MODEL_METHODS.toBytes, [this.info.handle]); }
  dispose(): void { void this.#call(PRICE_MODEL_METHODS.dispose, [this.info.handle]); }
}

/** Model values hold functions, which cannot be posted to a worker: names only there. */
function forecastOptions<T extends ForecastOptions>(inWorker: boolean, options: T | undefined): T | undefined {
  if (inWorker && options?.models?.some((m) => typeof m !== 'string')) {
    throw new StorecastError('INVALID_INPUT', 'Model values (objects with fit/batch functions) cannot be sent to a worker: pass model names in models, or forecast without { worker: true }.');
  }
  return options;
}

/**
 * Forecasts: two parts per worker, as series differ in cost; progress counts series of the list.
 * Texts: one part per worker, all started at once (similar cost each); progress counts the texts
 * still to encode (not cached, not repeated), so the parts' totals are summed.
 */
const FORECAST_SPLIT: SplitPlan = { partsPerCaller: 2, itemUnit: 'series' };
const EMBED_SPLIT: SplitPlan = { partsPerCaller: 1 };

/**
 * In a pool, the encoder texts of a catalog (before training) or of a batch to price are embedded
 * across all the workers first: they meet in the embedding cache the workers share (IndexedDB), so
 * the first worker reads them instead of encoding them alone. The texts are made as the price model
 * makes them (validated products, encoderText); input that fails validation is left to the call
 * itself to report.
 */
async function embedProductsAcross(callers: Caller[], products: unknown, kind: 'catalog' | 'products', encoder: EncoderOptions | undefined, task: LongTaskOptions): Promise<void> {
  if (callers.length < 2 || !Array.isArray(products) || products.length < 2) return;
  const [{ validateCatalog, validateProduct }, { encoderText }] = await Promise.all([import('../price/validate.js'), import('../price/featurizer.js')]);
  let texts: string[];
  try {
    texts = (kind === 'catalog' ? validateCatalog(products).priced : products.map(validateProduct)).map(encoderText);
  } catch {
    return;
  }
  await splitAcross(callers, texts, EMBED_SPLIT, (caller, part, partTask) => caller('embedText', [part, { encoder }], partTask), task);
}

/** The API over one caller, or several (a worker pool): the first holds the price models; forecast and text lists are split across all. */
function facade(inWorker: boolean, callers: Caller[], terminate: () => void): Storecast {
  const call = callers[0];
  const handleOf = (model: PriceModel): number => {
    if (!(model instanceof HandlePriceModel)) throw new StorecastError('NOT_TRAINED', 'Pass a model trained or loaded through this storecast instance (createStorecast().trainPriceModel / loadPriceModel).');
    return model.info.handle;
  };
  const pricing = (): Promise<typeof import('../pricing/index.js')> => import('../pricing/index.js');
  return {
    inWorker,
    init: async (o) => (await Promise.all(callers.map((c) => c('init', [o]))))[0],
    runtimeInfo: () => call('runtimeInfo', []),
    forecastTrend: async (series, o) => { const { options, task } = splitTask(forecastOptions(inWorker, o)); return call('forecastTrend', [series, options], task); },
    forecastTrends: async (list, o) => {
      const { options, task } = splitTask(forecastOptions(inWorker, o));
      if (!Array.isArray(list)) return call('forecastTrends', [list, options], task); // the operation reports the bad input
      return splitAcross(callers, list, FORECAST_SPLIT, (caller, part, partTask) => caller('forecastTrends', [part, options], partTask), task);
    },
    embedText: async (texts, o) => {
      const { options, task } = splitTask(o);
      if (!Array.isArray(texts)) return call('embedText', [texts, options], task);
      return splitAcross(callers, texts, EMBED_SPLIT, (caller, part, partTask) => caller('embedText', [part, options], partTask), task);
    },
    trainPriceModel: async (catalog, o) => {
      const { options, task } = splitTask(o);
      await embedProductsAcross(callers, catalog, 'catalog', options?.encoder, task);
      return new HandlePriceModel(await call('trainPriceModel', [catalog, options], task), call);
    },
    loadPriceModel: async (source) => new HandlePriceModel(await call('loadPriceModel', [source]), call),
    predictPrice: (async (product: Product | Product[], o: { model: PriceModel; comparables?: number; signal?: AbortSignal }) => {
      const list = Array.isArray(product) ? product : [product];
      const handle = handleOf(o.model);
      await embedProductsAcross(callers, list, 'products', o.model.encoderOptions, { signal: o.signal });
      const out = await call('predictPrice', [list, { handle, comparables: o.comparables }], { signal: o.signal });
      return Array.isArray(product) ? out : out[0];
    }) as Storecast['predictPrice'],
    fitDemand: async (observations, o) => { const { options, task } = splitTask(o); return (await pricing()).loadDemandModel(await call('fitDemandBytes', [observations, options], task)); },
    loadDemandModel: async (source) => (await pricing()).loadDemandModel(source),
    optimizePrice: async (model, o) => (await pricing()).optimizePrice(model, o),
    call: (method, args, task) => call(method, args, task),
    memory: async () => (await Promise.all(callers.map((c) => c('memory', [])))).reduce((a, m) => ({ numTensors: a.numTensors + m.numTensors, numBytes: a.numBytes + m.numBytes })),
    terminate,
  };
}
