/**
 * storecast: price suggestions and sales/price forecasts computed in the page.
 * Few entry points, options objects and one config object (`env`), like transformers.js.
 * Heavy parts (TF.js backends, the text encoder) load lazily on first use.
 */
export { env, type StorecastEnv } from './config.js';
export { StorecastError, type StorecastErrorCode } from './errors.js';
export type { Progress, ProgressCallback, ProgressUnit, LongTaskOptions } from './progress.js';
export type { StorecastWarning, StorecastWarningCode } from './warnings.js';
export { init, runtimeInfo, type BackendName, type InitOptions, type RuntimeInfo, type SkippedBackend } from './runtime/index.js';
export * from './trend/index.js';
export * from './text/index.js';
export * from './price/index.js';
export * from './pricing/index.js';
export { createStorecast, type Storecast, type CreateStorecastOptions } from './worker/index.js';
