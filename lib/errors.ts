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

/** Lets the event loop breathe (progress paints, abort events arrive) during long loops. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
