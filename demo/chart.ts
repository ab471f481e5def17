// History + forecast with 80%/95% bands, drawn with uPlot (small, fast canvas charts).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { TrendForecast } from '../lib/index.js';

export function drawForecast(target: HTMLElement, dates: string[], history: number[], result: TrendForecast): uPlot {
  target.innerHTML = '';
  const future = result.dates ?? result.forecast.map((_, i) => `+${i + 1}`);
  const x = [...dates, ...future].map((d) => Date.parse(d) / 1000);
  const pad = (values: number[], before: number): Array<number | null> => [...new Array(before).fill(null), ...values];
  const n = history.length;
  // The forecast line starts at the last observation so the two lines join.
  const bands = result.intervals;
  const data = [
    x,
    [...history, ...new Array(result.forecast.length).fill(null)],
    pad([history[n - 1], ...result.forecast], n - 1),
    pad([history[n - 1], ...bands[1].lower], n - 1),
    pad([history[n - 1], ...bands[1].upper], n - 1),
    pad([history[n - 1], ...bands[0].lower], n - 1),
    pad([history[n - 1], ...bands[0].upper], n - 1),
  ] as uPlot.AlignedData;
  const width = Math.max(320, target.clientWidth || 800);
  return new uPlot({
    width,
    height: 340,
    scales: { x: { time: true } },
    axes: [{ label: 'week' }, { label: 'units sold', size: 70 }],
    series: [
      { label: 'date', value: (_, v) => (v == null ? '' : new Date(v * 1000).toISOString().slice(0, 10)) },
      { label: 'history', stroke: '#1d2330', width: 1.5 },
      { label: 'forecast', stroke: '#2a5bd7', width: 2, dash: [6, 4] },
      { label: '95% low', stroke: 'rgba(42,91,215,0.25)' },
      { label: '95% high', stroke: 'rgba(42,91,215,0.25)' },
      { label: '80% low', stroke: 'rgba(42,91,215,0.5)' },
      { label: '80% high', stroke: 'rgba(42,91,215,0.5)' },
    ],
    bands: [
      { series: [4, 3], fill: 'rgba(42,91,215,0.10)' },
      { series: [6, 5], fill: 'rgba(42,91,215,0.20)' },
    ],
  }, data, target);
}

/** A curve by price (units or profit) with its 80% band; the observed price range is shaded apart by the x-axis label. */
export function drawPriceCurve(target: HTMLElement, points: { price: number; value: number; low: number; high: number }[], label: string): uPlot {
  target.innerHTML = '';
  const data = [points.map((p) => p.price), points.map((p) => p.value), points.map((p) => p.low), points.map((p) => p.high)] as uPlot.AlignedData;
  return new uPlot({
    width: Math.max(300, target.clientWidth || 420),
    height: 260,
    scales: { x: { time: false } },
    axes: [{ label: 'price' }, { label, size: 70 }],
    series: [
      { label: 'price', value: (_, v) => (v == null ? '' : v.toFixed(2)) },
      { label, stroke: '#2a5bd7', width: 2 },
      { label: '80% low', stroke: 'rgba(42,91,215,0.5)' },
      { label: '80% high', stroke: 'rgba(42,91,215,0.5)' },
    ],
    bands: [{ series: [3, 2], fill: 'rgba(42,91,215,0.15)' }],
  }, data, target);
}
