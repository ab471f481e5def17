import type { ForecastModel } from '../model.js';

export const arimaModel: ForecastModel = { name: 'arima', fit: () => undefined };
