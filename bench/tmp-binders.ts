import { forecastTrend } from '../lib/index.js';
import { readFileSync } from 'node:fs';
const s = JSON.parse(readFileSync('demo/data/sample-shop.json', 'utf8'));
for (const k of ['Office Supplies > Binders', Object.keys(s.categoryUnits)[3]]) {
  const v = s.categoryUnits[k];
  const l = await forecastTrend({ values: v, dates: s.weeks, frequency: 'weekly' }, { model: 'lstm', horizon: 13 });
  const a = await forecastTrend({ values: v, dates: s.weeks, frequency: 'weekly' }, { horizon: 13 });
  console.log(k, 'last', v.slice(-13).join(' '), '\n lstm', l.model.name, l.forecast.map((x) => x.toFixed(0)).join(' '), '\n auto', a.forecast.map((x) => x.toFixed(0)).join(' '), JSON.stringify(a.model.members), a.warnings.map((w) => w.code));
}
