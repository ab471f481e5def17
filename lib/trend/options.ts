import { StorecastError, invalidInput } from '../errors.js';
import { addHolidayCovariates } from './holidays.js';
import { prepareSeries, type PreparedSeries } from './prepare.js';
import type { TrendModel } from './neural/index.js';
import type { ForecastOptions, SeriesInput } from './types.js';

const OPTION_KEYS = new Set(['horizon', 'levels', 'model', 'models', 'holidays', 'signal', 'onProgress', 'duplicateDates', 'trendModel', 'neural']);

export type TrendOptions = ForecastOptions & { trendModel?: TrendModel };

export function checkOptions(options: TrendOptions, known = OPTION_KEYS): void {
  if (options === null || typeof options !== 'object') throw invalidInput('options must be an object.');
  for (const key of Object.keys(options)) if (!known.has(key)) throw invalidInput(`Unknown option '${key}'. Known options: ${[...known].join(', ')}.`);
  if (options.holidays !== undefined && (typeof options.holidays !== 'object' || options.holidays === null || typeof options.holidays.country !== 'string')) {
    throw invalidInput("holidays must be { country: 'US' } (a country code of the built-in calendars).");
  }
}

/** Validates and prepares every series (named by position in errors), with holiday covariates when asked. */
export function prepareAll(list: Array<number[] | SeriesInput>, options: TrendOptions): PreparedSeries[] {
  return list.map((series, index) => {
    try {
      const prepared = prepareSeries(series, options);
      if (options.holidays) addHolidayCovariates(prepared, options.holidays.country);
      return prepared;
    } catch (error) {
      if (error instanceof StorecastError && list.length > 1) throw new StorecastError(error.code, `series ${index}: ${error.message}`, { details: { ...error.details, series: index } });
      throw error;
    }
  });
}

export function seasonalPeriods(list: Array<number[] | SeriesInput>): Array<number | undefined> {
  return list.map((s) => (Array.isArray(s) || ArrayBuffer.isView(s) ? undefined : (s as SeriesInput).seasonalPeriod));
}

