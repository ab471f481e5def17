// `npm pack` (its prepack script builds the library) and an install of the tarball into a fresh
// copy of the host-app fixture, exactly as the README tells a user to install storecast.
// Shared by the package tests (setup.ts) and the bundle benchmark (bench/bundle.ts).
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The README's install command: onnxruntime-node's postinstall would download CUDA binaries storecast never uses. */
export const INSTALL_ENV = { ONNXRUNTIME_NODE_INSTALL: 'skip' };

export const run = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });

export interface PackedApp {
  /** The host app folder, storecast and vite installed, the sample data in public/. */
  app: string;
  tarball: string;
  sizes: { tarball: number; unpacked: number };
}

export function packIntoHostApp(work: string): PackedApp {
  const root = resolve('.');
  // The prepack build prints to stdout too: the JSON report is the last top-level array.
  const output = run('npm', ['pack', '--json', '--pack-destination', work], root);
  const packed = JSON.parse(output.slice(output.lastIndexOf('\n[\n') + 1)) as Array<{ filename: string; unpackedSize: number }>;
  const tarball = join(work, packed[0].filename);
  const app = join(work, 'app');
  cpSync('test/fixtures/host-app', app, { recursive: true });
  // The host app's own data, in its public/ folder (Vite serves it in dev and copies it into builds).
  cpSync('demo/data/sample-shop.json', join(app, 'public', 'shop.json'));
  cpSync('demo/data/sample-sales.json', join(app, 'public', 'sales.json'));
  const viteVersion = JSON.parse(readFileSync('node_modules/vite/package.json', 'utf8')).version as string;
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, `vite@${viteVersion}`], app, INSTALL_ENV);
  return { app, tarball, sizes: { tarball: statSync(tarball).size, unpacked: packed[0].unpackedSize } };
}
