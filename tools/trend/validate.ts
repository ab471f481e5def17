// Scores a trained trend LSTM where design choices are made: on the last window of the M4 Hourly and
// Weekly train parts, which tools/trend/train_lstm.py never trains on (HELD_OUT) and which is not the
// benchmark's test set. Prints the full ensemble, statistics only and the network alone (OWA against
// Naive2 computed here) with the model in public/models/trend-lstm.
//   npx tsx tools/trend/validate.ts
// The engine's backtest windows for this origin lie before it; the earliest of the three was in the
// network's training windows, so its weight there is slightly flattered.
import { forecastTrends, smape, mase, owa, type ModelChoice } from '../../lib/index.js';
import { naive2 } from '../../lib/trend/models/naive.js';
import { readWide } from '../../bench/data.js';

async function main(): Promise<void> {
  for (const f of [{ name: 'Hourly', horizon: 48, period: 24, frequency: 'hourly' as const }, { name: 'Weekly', horizon: 13, period: 1, frequency: 'weekly' as const }]) {
    const full = readWide(`forecast/m4/${f.name}-train.csv`);
    const train = full.map((s) => s.slice(0, s.length - f.horizon));
    const test = full.map((s) => s.slice(s.length - f.horizon));
    const scores = (forecasts: number[][]): [number, number] => [
      forecasts.reduce((a, x, i) => a + smape(test[i], x), 0) / forecasts.length,
      forecasts.reduce((a, x, i) => a + mase(test[i], x, train[i], f.period), 0) / forecasts.length,
    ];
    const [naiveSmape, naiveMase] = scores(train.map((y) => naive2(y, f.period, f.horizon)));
    const parts: string[] = [];
    for (const [label, model, neural] of [['full ensemble', 'auto', true], ['statistics only', 'ensemble', false], ['LSTM alone', 'lstm', true]] as Array<[string, ModelChoice, boolean]>) {
      const results = await forecastTrends(train.map((values) => ({ values, frequency: f.frequency })), { horizon: f.horizon, model, neural });
      const [s, m] = scores(results.map((r) => r.forecast));
      parts.push(`${label} OWA ${owa(s, m, naiveSmape, naiveMase).toFixed(4)} (sMAPE ${s.toFixed(3)}, MASE ${m.toFixed(3)})`);
    }
    console.log(`M4 ${f.name}, last train window (${train.length} series, h=${f.horizon}): ${parts.join('; ')}`);
  }
}

void main();
