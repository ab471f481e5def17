/** Stable error codes: switch on `code`, never on the message text. */
export type StorecastErrorCode =
  | 'INVALID_INPUT'
  | 'MODEL_LOAD_FAILED'
  | 'MODEL_MISMATCH'
  | 'BACKEND_UNAVAILABLE'
  | 'NOT_TRAINED'
  | 'ABORTED'
  | 'WORKER_FAILED'
  | 'INTERNAL';

export class StorecastError extends Error {
  readonly code: StorecastErrorCode;
  /** Extra machine-readable context (the offending field, the URL that failed, ...). */
  readonly details?: Record<string, unknown>;

  constructor(code: StorecastErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StorecastError';
    this.code = code;
    this.details = options?.details;
  }

  /** Structured-clone-safe form, so errors cross the worker boundary with their code intact. */
  toJSON(): { name: string; code: StorecastErrorCode; message: string; details?: Record<string, unknown> } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }

  static fromJSON(json: { code: StorecastErrorCode; message: string; details?: Record<string, unknown> }): StorecastError {
    return new StorecastError(json.code, json.message, { details: json.details });
  }
}

export const invalidInput = (message: string, details?: Record<string, unknown>): StorecastError =>
  new StorecastError('INVALID_INPUT', message, { details });

/** Throws ABORTED if the signal has fired; call between units of work so cancellation is prompt. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new StorecastError('ABORTED', 'The operation was aborted by its AbortSignal.', { cause: signal.reason });
}

/**
 * Lets the event loop breathe (progress paints, input, abort events, other work's callbacks)
 * during long loops. Not setTimeout(0): browsers clamp nested timeouts to 4 ms, so a training run
 * that yields a few hundred times would spend a second asleep. Not scheduler.yield(): its
 * continuation jumps the task queue, so work running beside the loop (the encoder's replies, an
 * IndexedDB read) would wait for the loop to end. setImmediate in Node; a MessageChannel message,
 * queued behind the tasks already waiting, elsewhere.
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => { channel.port1.close(); resolve(); };
    channel.port2.postMessage(null);
  });
}

/**
 * A long loop's pacing: call the returned function once per item and await it; it yields (and
 * checks the signal) only when `ms` have passed since its last yield, so the loop neither blocks
 * the thread for long nor yields more than it needs to. The default, about a frame, also keeps
 * work that waits on this thread moving (the text encoder's worker needs it for each batch).
 */
export function breather(ms = 15, signal?: AbortSignal): () => Promise<void> | undefined {
  let last = Date.now();
  return () => {
    if (Date.now() - last < ms) return undefined;
    throwIfAborted(signal);
    return yieldToEventLoop().then(() => { last = Date.now(); });
  };
}
