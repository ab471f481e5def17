/// <reference lib="webworker" />
import { StorecastError } from '../errors.js';
import { applyEnv, dispatch } from './handlers.js';
import { transferables, type Request, type Response } from './protocol.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const running = new Map<number, AbortController>();

function post(message: Response, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

scope.addEventListener('message', (event: MessageEvent<Request>) => {
  const message = event.data;
  if (message.kind === 'abort') {
    running.get(message.id)?.abort(new StorecastError('ABORTED', 'Aborted by the page.'));
    return;
  }
  const controller = new AbortController();
  running.set(message.id, controller);
  void (async () => {
    try {
      applyEnv(message.env);
      const value = await dispatch(message.method, message.args, {
        signal: controller.signal,
        onProgress: (progress) => post({ kind: 'progress', id: message.id, progress }),
      });
      post({ kind: 'result', id: message.id, value }, transferables(value));
    } catch (error) {
      const e = error instanceof StorecastError ? error : new StorecastError('INTERNAL', error instanceof Error ? error.message : String(error));
      post({ kind: 'error', id: message.id, error: e.toJSON() });
    } finally {
      running.delete(message.id);
    }
  })();
});
