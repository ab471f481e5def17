import { env } from '../config.js';
import { StorecastError } from '../errors.js';
import type { LongTaskOptions } from '../progress.js';

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
  memory: async () => {
    const { loadTf } = await import('../runtime/index.js');
    const tf = await loadTf();
    return tf.memory();
  },
};

export function registerHandler(name: string, handler: Handler): void {
  handlers[name] = handler;
}

export function applyEnv(snapshot: Record<string, unknown>): void {
  Object.assign(env, snapshot);
}

export function unknownMethod(method: string): StorecastError {
  return new StorecastError('INVALID_INPUT', `Unknown worker method '${method}'.`);
}
