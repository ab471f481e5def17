// A dependency-free SVG sparkline chart for the widgets: history, forecast, 80%/95% bands.
const NS = 'http://www.w3.org/2000/svg';

/** An empty chart and a way to add a path to it. */
function canvas(width: number, height: number): { svg: SVGSVGElement; add(d: string, cls: string): void } {
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  return {
    svg,
    add(d, cls) {
      const p = document.createElementNS(NS, 'path');
      p.setAttribute('d', d);
      p.setAttribute('class', cls);
      svg.appendChild(p);
    },
  };
}

export function forecastSvg(history: number[], forecast: number[], bands: { lower: number[]; upper: number[] }[], width = 480, height = 180): SVGSVGElement {
  const { svg, add } = canvas(width, height);
  const total = history.length + forecast.length;
  const all = [...history, ...forecast, ...bands.flatMap((b) => [...b.lower, ...b.upper])].filter(Number.isFinite);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const pad = 6;
  const x = (i: number): number => pad + (i / Math.max(1, total - 1)) * (width - 2 * pad);
  const y = (v: number): number => height - pad - ((v - lo) / (hi - lo || 1)) * (height - 2 * pad);
  const path = (points: Array<[number, number]>): string => points.map(([i, v], k) => `${k ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join('');
  const n = history.length;
  for (const [k, band] of [...bands].reverse().entries()) {
    const upper = band.upper.map((v, h) => [n + h, v] as [number, number]);
    const lower = band.lower.map((v, h) => [n + h, v] as [number, number]).reverse();
    add(path([[n - 1, history[n - 1]], ...upper, ...lower, [n - 1, history[n - 1]]]) + 'Z', `band band-${k}`);
  }
  add(path(history.map((v, i) => [i, v])), 'history');
  add(path([[n - 1, history[n - 1]], ...forecast.map((v, h) => [n + h, v] as [number, number])]), 'forecast');
  return svg;
}

/** A curve over x (e.g. profit by price) with its 80% band and a marker at the chosen x. */
export function curveSvg(points: { x: number; y: number; low: number; high: number }[], markerX: number, width = 480, height = 180): SVGSVGElement {
  const { svg, add } = canvas(width, height);
  const xs = points.map((p) => p.x);
  const ys = points.flatMap((p) => [p.y, p.low, p.high]).filter(Number.isFinite);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const pad = 6;
  const x = (v: number): number => pad + ((v - x0) / (x1 - x0 || 1)) * (width - 2 * pad);
  const y = (v: number): number => height - pad - ((v - y0) / (y1 - y0 || 1)) * (height - 2 * pad);
  const line = (pairs: Array<[number, number]>): string => pairs.map(([a, b], k) => `${k ? 'L' : 'M'}${x(a).toFixed(1)},${y(b).toFixed(1)}`).join('');
  add(line([...points.map((p) => [p.x, p.high] as [number, number]), ...[...points].reverse().map((p) => [p.x, p.low] as [number, number])]) + 'Z', 'band band-0');
  add(line(points.map((p) => [p.x, p.y])), 'forecast');
  add(`M${x(markerX).toFixed(1)},${pad}L${x(markerX).toFixed(1)},${height - pad}`, 'history');
  return svg;
}
