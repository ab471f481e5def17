// temporary: LSTM v2 evaluation (not committed)
import { forecastTrends, init } from '../lib/index.js';
import { smape, mase, owa } from '../lib/trend/metrics.js';
import { readWide } from './data.js';
import { lstmModel } from '../lib/trend/members/neural.js';
const stats = ['ets', 'theta', 'arima', 'seasonal-naive', 'croston-sba', 'tsb'] as const;
const which = (process.argv[2] ?? 'Hourly,Weekly').split(',');
await init({ backend: process.env.BACKEND ?? 'cpu' } as never);
for (const [name, horizon, period, frequency] of [['Hourly', 48, 24, 'hourly'], ['Weekly', 13, 1, 'weekly']] as const) {
  if (!which.includes(name)) continue;
  const train = readWide(`forecast/m4/${name}-train.csv`);
  const test = readWide(`forecast/m4/${name}-test.csv`).map((t) => t.slice(0, horizon));
  const naive2 = { Hourly: [18.383, 2.395], Weekly: [9.161, 2.777] }[name];
  const variants: Array<[string, object]> = [['auto', { model: 'auto' }], ['stats', { model: 'ensemble', neural: false }], ['lstm', { model: 'lstm' }], ['lstm as fitted member', { models: [...stats, { ...lstmModel(), zeroShot: false }] }], ['fitted-3', { models: [...stats, { ...lstmModel(), zeroShot: false, backtestWindows: 3 }] }], ['zs-3', { models: [...stats, { ...lstmModel(), backtestWindows: 3 }] }]];
  for (const [label, choice] of variants) {
    if (process.env.ONLY && !process.env.ONLY.split(',').includes(label)) continue;
    const t0 = performance.now();
    const res = await forecastTrends(train.map((values) => ({ values, frequency })), { horizon, ...choice });
    const s = res.reduce((a, r, i) => a + smape(test[i], r.forecast), 0) / res.length;
    const m = res.reduce((a, r, i) => a + mase(test[i], r.forecast, train[i], period), 0) / res.length;
    const used = res.filter((r) => (r.model.members?.find((x) => x.name === 'lstm')?.weight ?? 0) > 0).length;
    console.log(name, label, 'OWA', owa(s, m, naive2[0], naive2[1]).toFixed(4), 'sMAPE', s.toFixed(3), 'MASE', m.toFixed(3), 'lstm weighted in', used, ((performance.now() - t0) / 1000).toFixed(1) + 's');
  }
}
