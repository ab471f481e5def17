// temporary: fill the R forecast cache at low priority (not committed)
import { rForecasts, heldOutMonthly } from './forecast.js';
import { readWide } from './data.js';
const log = (s: string): void => console.log(new Date().toISOString(), s);
const weekly = readWide('forecast/m4/Weekly-train.csv');
rForecasts(weekly, 13, 1, ['thetaf', 'ets', 'auto.arima'], log, { timeoutMinutes: 60 });
const held = heldOutMonthly().map((y) => y.slice(0, -18));
rForecasts(held, 18, 12, ['ets', 'thetaf', 'auto.arima'], log, { timeoutMinutes: 30 });
const hourly = readWide('forecast/m4/Hourly-train.csv');
rForecasts(hourly, 48, 24, ['thetaf'], log, { timeoutMinutes: 30 });
rForecasts(hourly, 48, 24, ['ets', 'auto.arima'], log, { timeoutMinutes: 40 });
