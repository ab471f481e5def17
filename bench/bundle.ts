// npm run bench -- bundle : what users download and ship. storecast's own code per entry point
// (TF.js, transformers.js and zod are dependencies the app's bundler resolves), the npm tarball,
// and a fresh Vite host app's production build with the storecast/vite plugin (test/fixtures/host-app).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { packIntoHostApp } from '../test/package/pack.js';
import { table } from './results.js';

const MB = (bytes: number): string => (bytes / 1e6).toFixed(2) + ' MB';
const filesUnder = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String).filter((f) => statSync(join(dir, f)).isFile());

export async function runBundleBenchmark(log: (s: string) => void): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'storecast-bundle-'));
  try {
    const { app, sizes } = packIntoHostApp(work);
    const own = readdirSync('dist').filter((f) => f.endsWith('.js')).map((f) => {
      const bytes = readFileSync(`dist/${f}`);
      return [f, bytes.length, gzipSync(bytes).length] as [string, number, number];
    }).sort((a, b) => b[1] - a[1]);
    const ownGzip = own.reduce((a, r) => a + r[2], 0);
    execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { cwd: app, stdio: 'inherit' });
    const dist = join(app, 'dist');
    const built = filesUnder(dist).map((f) => ({ file: f, bytes: statSync(join(dist, f)).size, hash: createHash('sha256').update(readFileSync(join(dist, f))).digest('hex') }));
    const hostTotal = built.reduce((a, f) => a + f.bytes, 0);
    const copies = new Map<string, string[]>();
    for (const f of built) copies.set(f.hash, [...(copies.get(f.hash) ?? []), f.file]);
    const twice = [...copies.values()].filter((names) => names.length > 1);
    const largest = [...built].sort((a, b) => b.bytes - a.bytes).slice(0, 8);
    log(`bundle: tarball ${MB(sizes.tarball)}, host app dist ${MB(hostTotal)}, ${twice.length} file(s) shipped twice`);
    return [
      '### What users download and ship',
      table(['what', 'size'], [
        ['npm tarball (`npm pack`)', MB(sizes.tarball)],
        ['installed package (unpacked)', MB(sizes.unpacked)],
        ['host app `vite build` output (test/fixtures/host-app with `storecast()` plugin: widgets, worker, models, wasm)', MB(hostTotal)],
        ['files shipped twice in the host build (same bytes)', twice.length ? twice.map((n) => n.join(' = ')).join('; ') : 'none'],
      ]),
      'Largest files of the host app build:',
      table(['file', 'bytes'], largest.map((f) => [f.file, f.bytes])),
      '### storecast\'s own code per chunk',
      'Library build (`vite build --mode lib`, unminified ES modules). Chunks load lazily: importing `forecastTrend` alone does not load the encoder chunk.',
      table(['file', 'bytes', 'gzip bytes'], own),
      `Total gzipped: ${ownGzip} bytes.`,
    ].join('\n\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
