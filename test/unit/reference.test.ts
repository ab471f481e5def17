// Our statistical members against R's forecast package on the same R datasets (reference numbers
// made by tools/reference/r-forecast-reference.R, stored in test/fixtures). The bar: no worse than
// R by more than the stated margin on the held-out tail, for ETS and for the ensemble.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { forecastTrend, mase } from '../../lib/index.js';
import { SHARED, hasShared } from '../helpers.js';

const reference = JSON.parse(readFileSync(new URL('../fixtures/r-forecast-reference.json', import.meta.url), 'utf8')) as Record<string, { h: number; frequency: number; etsModel: string; etsMase: number; thetafMase: number }>;
const FREQUENCY: Record<number, 'monthly' | 'quarterly'> = { 12: 'monthly', 4: 'quarterly' };

describe.skipIf(!hasShared('r_debian/datasets__AirPassengers.csv'))("against R's forecast package (needs ../shared/data)", () => {
  const results: Record<string, { ets: number; ensemble: number }> = {};
  for (const [file, r] of Object.entries(reference)) {
    it(`${file}: ETS and the ensemble are within reach of R's ets() (MASE ${r.etsMase.toFixed(3)})`, async () => {
      const rows = readFileSync(SHARED + 'r_debian/' + file, 'utf8').trim().split('\n').slice(1);
      const y = rows.map((row) => Number(row.split(',').pop()));
      const train = y.slice(0, -r.h);
      const test = y.slice(-r.h);
      const input = { values: train, frequency: FREQUENCY[r.frequency] };
      const ets = await forecastTrend(input, { horizon: r.h, model: 'ets' });
      const ensemble = await forecastTrend(input, { horizon: r.h, model: 'ensemble', neural: false });
      results[file] = { ets: mase(test, ets.forecast, train, r.frequency), ensemble: mase(test, ensemble.forecast, train, r.frequency) };
      // Both within 20% of R's ets(): before ETS initialised seasons as R does (moving-average
      // decomposition) and screened forms on the whole window, USAccDeaths was 46% behind.
      expect(results[file].ets).toBeLessThan(r.etsMase * 1.2);
      expect(results[file].ensemble).toBeLessThan(r.etsMase * 1.2);
    });
  }
});
