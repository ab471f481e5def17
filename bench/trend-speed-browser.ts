// Browser half of bench/trend-speed.ts: forecastTrends (full ensemble, incl. the LSTM) on the first
// 200 M4 Hourly series in headless Chromium on wasm, as `npm run bench -- browser` times it, passes
// times over: npx tsx bench/trend-speed-browser.ts [passes] [--stat]
import { startHarness, stopAll } from '../test/browser/harness.js';
import { readWide } from './data.js';

const passes = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 3);
const neural = !process.argv.includes('--stat');
const h = await startHarness();
try {
  const series = readWide('forecast/m4/Hourly-train.csv').slice(0, 200);
  const page = await h.newPage();
  const rates = await page.evaluate(async ({ series, passes, neural }) => {
    const sc = await window.load('/lib/index.ts');
    await sc.init({ backend: 'wasm' });
    const inputs = series.map((values: number[]) => ({ values, frequency: 'hourly' }));
    await sc.forecastTrends(inputs.slice(0, 5), { horizon: 48, neural }); // warm-up: loads the LSTM
    const out: number[] = [];
    for (let pass = 0; pass < passes; pass++) {
      const t0 = performance.now();
      await sc.forecastTrends(inputs, { horizon: 48, neural });
      out.push(inputs.length / ((performance.now() - t0) / 1000));
    }
    return out;
  }, { series, passes, neural });
  console.log(`Chromium wasm, 200 M4 Hourly, ${neural ? 'full ensemble' : 'statistical only'}: ${rates.map((r) => r.toFixed(1)).join(', ')} series/s (first call, then steady)`);
  await page.close();
} finally {
  await stopAll();
}
