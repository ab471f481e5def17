import { describe, expect, it } from 'vitest';
import { smape, mase, owa, rmsse, intervalCoverage, pinballLoss, rmsle } from '../../lib/trend/metrics.js';
import { naive2 } from '../../lib/trend/models/naive.js';
import { hasShared, readM4 } from '../helpers.js';

describe('metrics on hand-computed cases', () => {
  it('sMAPE, MASE, RMSSE, coverage, pinball, RMSLE', () => {
    expect(smape([100, 200], [110, 180])).toBeCloseTo(100 * (10 / 210 + 20 / 380), 10);
    // In-sample naive MAE = mean(|2-1|, |4-2|) = 1.5; forecast MAE = 1.
    expect(mase([5, 7], [6, 6], [1, 2, 4], 1)).toBeCloseTo(1 / 1.5, 12);
    // Leading zeros are skipped for the RMSSE scale (M5): diffs of [1, 3] → 4 / 1.
    expect(rmsse([2, 4], [3, 3], [0, 0, 1, 3])).toBeCloseTo(Math.sqrt(1 / 4), 12);
    expect(intervalCoverage([1, 2, 3, 4], [0, 2.5, 2, 0], [2, 3, 4, 3])).toBe(0.5);
    expect(pinballLoss([10, 10], [8, 12], 0.9)).toBeCloseTo((0.9 * 2 + 0.1 * 2) / 2, 12);
    expect(rmsle([9, 99], [9, 99])).toBe(0);
    expect(owa(10, 2, 20, 4)).toBe(0.5);
  });
});

// The official M4 Naive2 submission rows must score exactly as in the official table.
const frequencies = [
  { name: 'Hourly', file: 'H', period: 24, smape: 18.383, mase: 2.395 },
  { name: 'Weekly', file: 'W', period: 1, smape: 9.161, mase: 2.777 },
] as const;

describe.skipIf(!hasShared('forecast/m4/reference_forecasts/Naive2_H.csv'))('M4 official Naive2 scores (needs ../shared/data)', () => {
  for (const f of frequencies) {
    it(`reproduces Naive2 sMAPE ${f.smape} and MASE ${f.mase} on M4 ${f.name}`, () => {
      const train = readM4(`forecast/m4/${f.name}-train.csv`).series;
      const test = readM4(`forecast/m4/${f.name}-test.csv`).series;
      const reference = readM4(`forecast/m4/reference_forecasts/Naive2_${f.file}.csv`).series;
      const s = reference.reduce((a, fc, i) => a + smape(test[i], fc), 0) / reference.length;
      const m = reference.reduce((a, fc, i) => a + mase(test[i], fc, train[i], f.period), 0) / reference.length;
      expect(s).toBeCloseTo(f.smape, 3);
      expect(m).toBeCloseTo(f.mase, 3);
    });

    it(`our naive2 reproduces the official Naive2 forecasts on M4 ${f.name}`, () => {
      const train = readM4(`forecast/m4/${f.name}-train.csv`).series;
      const reference = readM4(`forecast/m4/reference_forecasts/Naive2_${f.file}.csv`).series;
      let worst = 0;
      reference.forEach((fc, i) => {
        const ours = naive2(train[i], f.period, fc.length);
        fc.forEach((v, k) => { worst = Math.max(worst, Math.abs(ours[k] - v) / Math.max(1, Math.abs(v))); });
      });
      expect(worst).toBeLessThan(1e-5);
    });
  }
});
