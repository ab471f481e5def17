// Timing of forecastTrends' batch path for the issue-15 speed targets (not part of `npm run bench`):
//   npx tsx bench/trend-speed.ts [short|hourly|weekly ...] [--stat] [--dump=file.json] [--compare=file.json]
// short: the 3,003 synthetic M3-like series of bench/forecast.ts; hourly/weekly: M4.
// --stat: statistical members only (no LSTM). --dump writes the forecasts; --compare reports the
// largest relative difference against a dump (forecasts must not change beyond float noise).
import { readFileSync, writeFileSync } from 'node:fs';
import { forecastTrends, smape, mase, owa } from '../lib/index.js';
import { has, readWide } from './data.js';
import { shortSeries } from './forecast.js';

const args = process.argv.slice(2);
const parts = args.filter((a) => !a.startsWith('--'));
const stat = args.includes('--stat');
const dump = args.find((a) => a.startsWith('--dump='))?.slice(7);
const compare = args.find((a) => a.startsWith('--compare='))?.slice(10);
const out: Record<string, number[][]> = {};
/** CPU seconds of this process since `c0` (user + system): steadier than wall time on a shared machine. */
const cpu = (c0: NodeJS.CpuUsage): string => { const c = process.cpuUsage(c0); return ((c.user + c.system) / 1e6).toFixed(2); };

const model = stat ? 'ensemble' : 'auto';
for (const part of parts.length ? parts : ['short', 'hourly']) {
  if (part === 'short') {
    const series = shortSeries();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = await forecastTrends(series.map((s) => ({ values: s.values, frequency: s.frequency })), { model, neural: !stat });
    console.log(`short 3,003: ${((performance.now() - t0) / 1000).toFixed(2)} s, CPU ${cpu(c0)} s (${model})`);
    out.short = r.map((x) => x.forecast);
  } else {
    const name = part === 'hourly' ? 'Hourly' : 'Weekly';
    const horizon = part === 'hourly' ? 48 : 13;
    const period = part === 'hourly' ? 24 : 1;
    if (!has(`forecast/m4/${name}-train.csv`)) { console.log(`no ${name} data`); continue; }
    const train = readWide(`forecast/m4/${name}-train.csv`);
    const test = readWide(`forecast/m4/${name}-test.csv`);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = await forecastTrends(train.map((values) => ({ values, frequency: part as 'hourly' })), { horizon, model, neural: !stat });
    const s = (performance.now() - t0) / 1000;
    const f = r.map((x) => x.forecast);
    const sm = f.reduce((a, x, i) => a + smape(test[i], x), 0) / f.length;
    const ma = f.reduce((a, x, i) => a + mase(test[i], x, train[i], period), 0) / f.length;
    const naive = part === 'hourly' ? { s: 18.383, m: 2.395 } : { s: 9.161, m: 2.777 };
    console.log(`${name} ${train.length}: ${s.toFixed(2)} s, ${(train.length / s).toFixed(1)} series/s, CPU ${cpu(c0)} s (${model}); sMAPE ${sm.toFixed(3)} MASE ${ma.toFixed(3)} OWA ${owa(sm, ma, naive.s, naive.m).toFixed(4)}`);
    out[part] = f;
  }
}
if (dump) writeFileSync(dump, JSON.stringify(out));
if (compare) {
  const ref = JSON.parse(readFileSync(compare, 'utf8')) as Record<string, number[][]>;
  for (const [k, list] of Object.entries(out)) {
    if (!ref[k]) continue;
    let worst = 0, at = -1, changed = 0;
    list.forEach((f, i) => {
      let d = 0;
      f.forEach((v, h) => { d = Math.max(d, Math.abs(v - ref[k][i][h]) / (Math.abs(ref[k][i][h]) + 1e-9)); });
      if (d > 1e-6) changed++;
      if (d > worst) { worst = d; at = i; }
    });
    console.log(`${k}: max rel diff ${worst.toExponential(2)} (series ${at}), ${changed} series differ by > 1e-6`);
  }
}
