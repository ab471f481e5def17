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
  /** A member of an ensemble could not take part for this input (named in the message, with why). */
  | 'MEMBER_SKIPPED'
  /** A requested model cannot handle this input; another one answered (named in the message). */
  | 'MODEL_SUBSTITUTED'
  /** A TF.js backend failed to start or lost its device; a slower one runs instead. */
  | 'BACKEND_FALLBACK'
  /** The input was regrouped or reinterpreted (e.g. daily dates summed into weeks). */
  | 'INPUT_REGROUPED'
  /** Demand: periods with 0 units were left out of the log-scale fit. */
  | 'ZERO_UNITS_LEFT_OUT'
  /** Demand: a driver (covariate) given for a product that never had it was ignored. */
  | 'DRIVER_IGNORED'
  /** Demand: a driver not given for a scenario took the product's last observed value. */
  | 'DRIVER_ASSUMED'
  /** Demand: a product never changed price; its elasticity is its group's prior. */
  | 'NO_PRICE_VARIATION'
  /** Demand: too few informative products to pool; a wide default prior is used. */
  | 'DEFAULT_PRIOR'
  /** Demand: a group too small to pool borrows the prior of all products. */
  | 'GROUP_TOO_SMALL'
  /** Demand: seasonality could not be estimated and was left out. */
  | 'SEASON_NOT_POOLED'
  /** Price: the product is unlike the catalog (low similarity to everything, unseen script); the range is widened. */
  | 'UNLIKE_CATALOG'
  /** Price: the product is in the training catalog; its suggestion comes from models that did not see its price. */
  | 'CATALOG_PRODUCT'
  /** Price: this runtime cannot split Chinese, Japanese or Thai text into words (no Intl.Segmenter); only its characters are matched. */
  | 'TEXT_NOT_SEGMENTED';

export const warning = (code: StorecastWarningCode, message: string): StorecastWarning => ({ code, message });

/** Adds warnings to a list once each (the same warning for many series or products is said once per result). */
export function addWarnings(into: StorecastWarning[], ...more: StorecastWarning[]): StorecastWarning[] {
  for (const w of more) if (!into.some((x) => x.code === w.code && x.message === w.message)) into.push(w);
  return into;
}
