// npm run bench -- bundle : size of storecast's own code (TF.js, transformers.js and zod are
// external dependencies, loaded lazily), raw and gzipped, per entry point.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { table } from './results.js';

export async function runBundleBenchmark(log: (s: string) => void): Promise<string> {
  execFileSync('npx', ['vite', 'build', '--config', 'vite.config.ts', '--mode', 'lib', '--logLevel', 'error'], { stdio: 'inherit' });
  const files = readdirSync('dist').filter((f) => f.endsWith('.js'));
  const rows = files.map((f) => {
    const bytes = readFileSync(`dist/${f}`);
    return [f, statSync(`dist/${f}`).size, gzipSync(bytes).length] as [string, number, number];
  }).sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((a, r) => a + r[2], 0);
  log(`bundle: ${rows.length} files, ${total} bytes gzipped`);
  return [
    'Library build (`vite build --mode lib`, unminified ES modules; TF.js, transformers.js and zod are dependencies the app bundler resolves). Chunks load lazily: importing `forecastTrend` alone does not load the encoder chunk.',
    table(['file', 'bytes', 'gzip bytes'], rows),
    `Total gzipped: ${total} bytes.`,
  ].join('\n\n');
}
