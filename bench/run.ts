// npm run bench [-- forecast|price|pricing|encoder|browser|bundle ...] [--no-r] [--r-slow] (default: all). Writes bench/RESULTS.md.
// Iterating: --forecast-only=m4,walmart,… and --price-only=superstore,superstore_zh,… run parts and write nothing.
// --r-slow also runs R's ets()/auto.arima() on M4 Hourly (hours on one core; run on every core, each series cached in .cache/r-forecasts as it is done, so a stopped run resumes).
// --large adds the 30,000-product training rows (price: Node, ~4 min; browser: Chromium wasm).
import { FORECAST_ONLY, runForecastBenchmark } from './forecast.js';
import { PRICE_ONLY, runPriceBenchmark } from './price.js';
import { table, writeSection } from './results.js';

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const all = wanted.length === 0;
const log = (s: string): void => console.log(s);

if (all || wanted.includes('forecast')) {
  const { rows, m5, speed } = await runForecastBenchmark(log, { withR: !process.argv.includes('--no-r'), rSlow: process.argv.includes('--r-slow') });
  const body = [
    'Accuracy on the M4 test sets (sMAPE, MASE and OWA as defined by the M4 competition; OWA relative to the official Naive2). "official:" rows come from the competition\'s published table; every other row was computed in this run on the same series. Coverage = share of test points inside the interval. Rows marked "(cached)" reuse R\'s forecasts of the same series by the same script (bench/r/forecast.R) from an earlier run; R\'s Hourly ets()/auto.arima() run only with `--r-slow` (hours here). "R datasets" rows: the monthly and quarterly series of R\'s datasets/forecast packages (AirPassengers, USAccDeaths, gas, wineind; UKgas, JohnsonJohnson, woolyrnq), last h points held out, OWA relative to Naive2 computed in this run; the ensemble runs without the LSTM there because the LSTM was trained on these series. "Held-out monthly" rows: monthly series the LSTM never saw (Texas housing sales, volume and median price by city from ggplot2::txhousing, ggplot2::economics, modeldata::drinks; each from its last missing value on, 6+ years), last 18 points held out, with the full ensemble and R beside. R rows appear only where R (apt-get install r-cran-forecast) or its cache (.cache/r-forecasts) is present. "Walmart" rows: 45 stores\' weekly sales, last 13 weeks held out (a window with Labor Day only), without covariates, with the data set\'s holiday flag as a covariate (split per holiday by time of year), and with the built-in US calendar. M5 rows: with and without SNAP days and event types (Sporting, Cultural, National, Religious) from the calendar as covariates. The 3,003 short series are synthetic (M3\'s mix of yearly, quarterly and monthly lengths): a speed test only.',
    table(['data set', 'method', 'sMAPE', 'MASE', 'OWA', '80% cov.', '95% cov.', 'series/s (Node)'], rows.map((r) => [r.dataset, r.method, r.smape, r.mase, r.owa, r.coverage80, r.coverage95, r.seriesPerSecond])),
    '### M5 FOODS_3, store TX_3 (823 daily series, 28-day validation period)',
    table(['metric', 'value'], Object.entries(m5).map(([k, v]) => [k, v])),
    '### Speed (Node, this machine)',
    table(['what', 'value'], Object.entries(speed).map(([k, v]) => [k, v])),
  ].join('\n\n');
  // A partial run (--forecast-only=…) is for iterating: it logs, and leaves RESULTS.md as it was.
  if (!FORECAST_ONLY) writeSection('Forecasting (forecastTrend)', 'npm run bench -- forecast', body);
}

if (all || wanted.includes('price')) {
  const { rows, curve, targets, timings } = await runPriceBenchmark(log, { large: process.argv.includes('--large') });
  const f = (v: number | undefined, digits = 3): string => (v === undefined || !Number.isFinite(v) ? '' : v.toFixed(digits));
  const body = [
    'Test-set accuracy per catalog (RMSLE on prices; ratio = RMSLE / TF-IDF + ridge of the same run; coverage of the 80% range; width = mean log(high/low) / RMSLE, Gaussian-calibrated would be 2.56; agreement = share of the top-5 comparables in the query\'s leaf category, for TF-IDF + ridge its TF-IDF cosine neighbours; low = share of suggestions with confidence \'low\'). All rows computed in this run. superstore_zh/_ar are synthetic (bench/price-translations.ts).',
    table(['catalog', 'method', 'RMSLE', 'ratio', '80% coverage', 'width', 'agreement', 'low', 'note'], rows.map((r) => [r.dataset, r.method, f(r.rmsle), f(r.ratio), f(r.coverage80), f(r.widthRatio, 2), f(r.agreement), f(r.lowConfidence), r.note ?? ''])),
    '### Targets',
    table(['catalog', 'target', 'value', ''], targets.map((t) => [t.dataset, t.target, t.value, t.met])),
    '### Learning curve (RMSLE on the full test set; models trained on random subsets of the training split)',
    table(['catalog', 'products', 'storecast', 'TF-IDF + ridge', 'category median'], curve.map((c) => [c.dataset, c.products, f(c.storecast), f(c.ridge), f(c.median)])),
    '### Speed (Node, this machine)',
    table(['timing', 'value'], Object.entries(timings).map(([k, v]) => [k, v])),
  ].join('\n\n');
  // A partial run (--price-only=…) is for iterating: it logs, and leaves RESULTS.md as it was.
  if (!PRICE_ONLY) writeSection('Price suggestions (predictPrice)', 'npm run bench -- price', body);
}

if (all || wanted.includes('pricing')) {
  const { runPricingBenchmark } = await import('./pricing.js');
  const { simulation, avocado, speed } = await runPricingBenchmark(log);
  const body = [
    'Simulated weekly demand with known truth (test/pricing-sim.ts): elasticities from −4 to −0.5 (group centres, products spread ±0.3 around them), a drifting level, annual seasonality per group, holiday lifts, promotions (−20% price, own lift) far more frequent in holiday weeks, a competitor price, log-normal noise. Bias and RMSE of the own-price elasticity, share of true elasticities inside the 80% interval (target 0.75–0.85); optimal-price error = |recommended / true optimum − 1| for profit under the same limits (0.75–1.3 × base price), target median ≤ 5%.',
    table(['scenario', 'products', 'fit s', 'bias', 'RMSE', '80% coverage', 'median price error', 'within 5%'], simulation.map((r) => [r.scenario, r.products, r.seconds, r.bias, r.rmse, r.coverage80, r.medianPriceError, r.within5])),
    '### Avocado (../shared/data/forecast/avocado): volume at the observed prices, last 20 weeks held out',
    'RMSE of log volume over every held-out week of every region × type series; ratio to the best baseline (target for fitDemand ≤ 0.95); coverage of the 80% interval where the method has one. All rows computed in this run.',
    table(['method', 'RMSE log units', 'ratio to best baseline', '80% coverage', 'note'], avocado.map((r) => [r.method, r.rmse, r.ratio, r.coverage80, r.note])),
    '### Speed (Node, this machine)',
    table(['what', 'value'], Object.entries(speed).map(([k, v]) => [k, v])),
  ].join('\n\n');
  writeSection('Dynamic pricing (fitDemand, optimizePrice)', 'npm run bench -- pricing', body);
}

if (all || wanted.includes('encoder')) {
  const { runEncoderBenchmark } = await import('./encoder.js');
  const body = await runEncoderBenchmark(log);
  writeSection('Text encoder (storecast-use-lite vs the TF.js original of USE lite)', 'npm run bench -- encoder', body);
}

if (all || wanted.includes('browser')) {
  const { runBrowserBenchmark } = await import('./browser.js');
  const body = await runBrowserBenchmark(log, { large: process.argv.includes('--large') });
  writeSection('In the browser (headless Chromium)', 'npm run bench -- browser', body);
}

if (all || wanted.includes('bundle')) {
  const { runBundleBenchmark } = await import('./bundle.js');
  writeSection('Bundle size', 'npm run bench -- bundle', await runBundleBenchmark(log));
}
process.exit(0);
