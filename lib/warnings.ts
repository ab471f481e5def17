/**
 * Something a result leaves out or changes, and why: a member or model that could not take part,
 * a backend that failed and was replaced, input that was regrouped. Results carry these in
 * `warnings` so nothing is degraded silently. Switch on `code`, show `message`.
 */
export interface StorecastWarning {
  code: StorecastWarningCode;
  message: string;
}

export type StorecastWarningCode =
  /** A model file could not be loaded; the result was computed without it. */
  | 'MODEL_UNAVAILABLE'
  /** A requested model cannot handle this input; another one answered (named in the message). */
  | 'MODEL_SUBSTITUTED'
  /** A TF.js backend failed to start or lost its device; a slower one runs instead. */
  | 'BACKEND_FALLBACK'
  /** The input was regrouped or reinterpreted (e.g. daily dates summed into weeks). */
  | 'INPUT_REGROUPED'
  /** An estimate rests on too little data and falls back to a prior or a wide range. */
  | 'WEAK_EVIDENCE';

export const warning = (code: StorecastWarningCode, message: string): StorecastWarning => ({ code, message });

/** Adds warnings to a list once each (the same warning for many series or products is said once per result). */
export function addWarnings(into: StorecastWarning[], ...more: StorecastWarning[]): StorecastWarning[] {
  for (const w of more) if (!into.some((x) => x.code === w.code && x.message === w.message)) into.push(w);
  return into;
}
