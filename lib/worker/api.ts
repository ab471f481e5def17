import type { InitOptions, RuntimeInfo } from '../runtime/types.js';
import type { ForecastOptions, SeriesInput, TrendForecast } from '../trend/types.js';
import type { EmbedOptions } from '../text/index.js';
import type { PriceModel, PriceSuggestion, Product, TrainPriceOptions } from '../price/types.js';
import type { PriceModelSource } from '../price/index.js';
import type { EncoderOptions } from '../text/encoder.js';
import type { LongTaskOptions } from '../progress.js';

/** What crosses to the page for a model living in the worker: a handle plus its plain data. */
export interface PriceModelHandle { handle: number; encoderId: string; metrics: PriceModel['metrics']; createdAt: string }

/**
 * The one table of operations a storecast instance serves (in a worker or on the main thread):
 * method → [arguments, result]. The handlers, the worker protocol's caller and the facade are all
 * typed from it, so a method, its arguments and its result are declared once. Options travel
 * without their signal/onProgress: those become abort and progress messages.
 */
export interface WorkerApi {
  init: [[options: InitOptions], RuntimeInfo];
  runtimeInfo: [[], RuntimeInfo];
  forecastTrend: [[series: number[] | SeriesInput, options: ForecastOptions], TrendForecast];
  forecastTrends: [[list: Array<number[] | SeriesInput>, options: ForecastOptions], TrendForecast[]];
  embedText: [[texts: string | string[], options: EmbedOptions], Float32Array[]];
  trainPriceModel: [[catalog: Product[], options: TrainPriceOptions], PriceModelHandle];
  loadPriceModel: [[source: PriceModelSource, options: { encoder?: EncoderOptions }], PriceModelHandle];
  /** The methods of a price model living in the worker (PriceModel: predict, save, toBytes, dispose). */
  predictPrice: [[products: Product[], options: { handle: number; comparables?: number }], PriceSuggestion[]];
  savePriceModel: [[handle: number, url: string], void];
  priceModelBytes: [[handle: number], Uint8Array];
  disposePriceModel: [[handle: number], void];
  memory: [[], { numTensors: number; numBytes: number }];
}

export type WorkerMethod = keyof WorkerApi;
export type WorkerArgs<M extends WorkerMethod> = WorkerApi[M][0];
export type WorkerResult<M extends WorkerMethod> = WorkerApi[M][1];
export type Handler<M extends WorkerMethod> = (args: WorkerArgs<M>, task: Required<LongTaskOptions>) => Promise<WorkerResult<M>>;
export type Handlers = { [M in WorkerMethod]: Handler<M> };

/** The PriceModel method each worker operation serves: a local and a worker model are interchangeable. */
export const PRICE_MODEL_METHODS = { predict: 'predictPrice', save: 'savePriceModel', toBytes: 'priceModelBytes', dispose: 'disposePriceModel' } as const satisfies Record<Exclude<keyof PriceModel, 'encoderId' | 'metrics' | 'createdAt'>, WorkerMethod>;
