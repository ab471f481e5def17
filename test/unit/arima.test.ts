import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { arimaForecast, autoArima, chooseDifferences, fitArima, kpss } from '../../lib/trend/models/arima.js';
import { forecastTrend, mase } from '../../lib/index.js';
import { SHARED, hasShared } from '../helpers.js';
import { rng } from '../pricing-sim.js';

/** Standard normal draws (mulberry32 + Box–Muller, shared with the pricing simulator): reproducible. */
const gaussian = (seed: number): (() => number) => rng(seed).normal;

function ar1(n: number, phi: number, seed: number, mean = 10): Float64Array {
  const e = gaussian(seed);
  const y = new Float64Array(n);
  let x = 0;
  for (let t = 0; t < n + 100; t++) { x = phi * x + e(); if (t >= 100) y[t - 100] = mean + x; }
  return y;
}

describe('ARIMA', () => {
  it('recovers an AR(1) coefficient and mean from simulated data', () => {
    for (const [phi, seed] of [[0.7, 1], [-0.5, 2], [0.3, 3]]) {
      const y = ar1(2000, phi, seed);
      const fit = fitArima(y, { p: 1, d: 0, q: 0, P: 0, D: 0, Q: 0, m: 1 }, { from: 1, includeMean: true })!;
      expect(fit.phi[0]).toBeCloseTo(phi, 1);
      expect(fit.mean).toBeCloseTo(10, 0);
      expect(Math.sqrt(fit.sigma2)).toBeCloseTo(1, 1);
    }
  });

  it('recovers an MA(1) and selects a low order automatically on AR(1) data', () => {
    const e = gaussian(9);
    const noise = Array.from({ length: 601 }, e);
    const y = Float64Array.from({ length: 600 }, (_, t) => 5 + noise[t + 1] + 0.6 * noise[t]);
    const fit = fitArima(y, { p: 0, d: 0, q: 1, P: 0, D: 0, Q: 0, m: 1 }, { from: 1, includeMean: true })!;
    expect(fit.theta[0]).toBeCloseTo(0.6, 1);
    const auto = autoArima(ar1(400, 0.8, 4), 1)!;
    expect(auto.order.d).toBe(0);
    expect(auto.order.p + auto.order.q).toBeLessThanOrEqual(3);
  });

  it('KPSS: white noise is stationary, a random walk is not', () => {
    const e = gaussian(5);
    const noise = Float64Array.from({ length: 300 }, e);
    let s = 0;
    const walk = noise.map((v) => (s += v));
    expect(kpss(noise)).toBeLessThan(0.463);
    expect(kpss(walk)).toBeGreaterThan(0.463);
  });

  it('forecasts an AR(1) towards its mean, with ψ-weight intervals that widen to the unconditional spread', () => {
    const y = ar1(400, 0.8, 6);
    const fit = fitArima(y, { p: 1, d: 0, q: 0, P: 0, D: 0, Q: 0, m: 1 }, { from: 1, includeMean: true })!;
    const history = Float64Array.from(y);
    history[history.length - 1] = fit.mean + 5;
    const f = arimaForecast(fit, history, 40);
    expect(f.mean[0]).toBeCloseTo(fit.mean + 5 * fit.phi[0], 6);
    expect(Math.abs(f.mean[39] - fit.mean)).toBeLessThan(0.05);
    const sigma = Math.sqrt(fit.sigma2);
    expect(f.sd[0]).toBeCloseTo(sigma, 1);
    expect(f.sd[39]).toBeCloseTo(sigma / Math.sqrt(1 - fit.phi[0] ** 2), 1);
  });

  it('a random walk: d = 1, intervals grow like √h', () => {
    const e = gaussian(8);
    let s = 100;
    const y = Float64Array.from({ length: 300 }, () => (s += e()));
    const fit = autoArima(y, 1)!;
    expect(fit.order.d).toBe(1);
    const f = arimaForecast(fit, y, 16);
    expect(f.sd[15] / f.sd[0]).toBeGreaterThan(3);
    expect(f.sd[15] / f.sd[0]).toBeLessThan(5.5);
  });
});

describe.skipIf(!hasShared('r_debian/datasets__AirPassengers.csv'))("ARIMA against R's answers (needs ../shared/data)", () => {
  const read = (file: string): Float64Array => Float64Array.from(readFileSync(SHARED + 'r_debian/' + file, 'utf8').trim().split('\n').slice(1).map((row) => Number(row.split(',').pop())));

  it('log(AirPassengers): the airline model, d = D = 1, and its MA coefficients (R arima CSS: ma1 −0.38, sma1 −0.57)', () => {
    const y = read('datasets__AirPassengers.csv').map(Math.log);
    expect(chooseDifferences(y, 12)).toEqual({ d: 1, D: 1 });
    const fit = fitArima(y, { p: 0, d: 1, q: 1, P: 0, D: 1, Q: 1, m: 12 }, { from: 0, includeMean: false })!;
    expect(fit.theta[0]).toBeGreaterThan(-0.48);
    expect(fit.theta[0]).toBeLessThan(-0.3);
    expect(fit.seasonalTheta[0]).toBeGreaterThan(-0.66);
    expect(fit.seasonalTheta[0]).toBeLessThan(-0.48);
  });

  it("USAccDeaths: auto.arima chooses d = D = 1, as R's (ARIMA(0,1,1)(0,1,1)[12])", () => {
    const y = read('datasets__USAccDeaths.csv');
    const fit = autoArima(y, 12)!;
    expect(fit.order.d).toBe(1);
    expect(fit.order.D).toBe(1);
  });

  it('the arima member is within reach of R on its datasets (MASE vs R ets())', async () => {
    const reference = JSON.parse(readFileSync(new URL('../fixtures/r-forecast-reference.json', import.meta.url), 'utf8')) as Record<string, { h: number; frequency: number; etsMase: number }>;
    for (const [file, r] of Object.entries(reference)) {
      const y = Array.from(read(file));
      const train = y.slice(0, -r.h);
      const result = await forecastTrend({ values: train, frequency: r.frequency === 12 ? 'monthly' : 'quarterly' }, { horizon: r.h, models: ['arima'] });
      expect(result.model.name).toMatch(/^arima:arima\(/);
      expect(mase(y.slice(-r.h), result.forecast, train, r.frequency), file).toBeLessThan(r.etsMase * 1.5);
    }
  });
});
