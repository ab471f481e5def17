// Scores a trained trend LSTM where design choices are made: on the last window of the M4 Hourly and
// Weekly train parts, which tools/trend/train_lstm.py never trains on (HELD_OUT) and which is not the
// benchmark's test set. Prints the full ensemble, statistics only and the network alone (OWA against
// Naive2 computed here) with the model in public/models/trend-lstm.
//   npx tsx tools/trend/validate.ts
// The engine's backtest windows for this origin lie before it; the earliest of the three was in the
// network's training windows, so its weight there is slightly flattered.
import { forecastTrends, type ModelChoice } from '../../lib/index.js';
import { naive2 } from '../../lib/trend/models/naive.js';
import { readWide } from '../../bench/data.js';
import { score } from '../../bench/forecast.js';

async function main(): Promise<void> {
  for (const f of [{ name: 'Hourly', horizon: 48, period: 24, frequency: 'hourly' as const }, { name: 'Weekly', horizon: 13, period: 1, frequency: 'weekly' as const }]) {
    const full = readWide(`forecast/m4/${f.name}-train.csv`);
    const train = full.map((s) => s.slice(0, s.length - f.horizon));
    const test = full.map((s) => s.slice(s.length - f.horizon));
    const dataset = `M4 ${f.name}, last train window (${train.length} series, h=${f.horizon})`;
    const reference = score(dataset, 'Naive2', train, test, train.map((y) => naive2(y, f.period, f.horizon)), f.period, { smape: 1, mase: 1 });
    const parts: string[] = [];
    for (const [label, model, neural] of [['full ensemble', 'auto', true], ['statistics only', 'ensemble', false], ['LSTM alone', 'lstm', true]] as Array<[string, ModelChoice, boolean]>) {
      const results = await forecastTrends(train.map((values) => ({ values, frequency: f.frequency })), { horizon: f.horizon, model, neural });
      const row = score(dataset, label, train, test, results.map((r) => r.forecast), f.period, reference);
      parts.push(`${label} OWA ${row.owa.toFixed(4)} (sMAPE ${row.smape.toFixed(3)}, MASE ${row.mase.toFixed(3)})`);
    }
    console.log(`${dataset}: ${parts.join('; ')}`);
  }
}

void main();
