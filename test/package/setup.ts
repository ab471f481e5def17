// Builds and packs storecast once (`npm pack` runs the `prepack` build), then installs the tarball
// into a fresh host app exactly as the README tells a user to, so the package tests exercise what
// users get. The folder is handed to the tests with `provide`.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The host app folder with the packed storecast installed in node_modules. */
    hostApp: string;
    /** Sizes in bytes: the tarball and the unpacked package. */
    packSizes: { tarball: number; unpacked: number };
  }
}

const run = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });

/** The README's install command: onnxruntime-node's postinstall would download CUDA binaries storecast never uses. */
const INSTALL_ENV = { ONNXRUNTIME_NODE_INSTALL: 'skip' };

let work: string | undefined;

export default function setup(project: TestProject): () => void {
  const root = resolve('.');
  work = mkdtempSync(join(tmpdir(), 'storecast-package-'));
  // The prepack build prints to stdout too: the JSON report is the last top-level array.
  const output = run('npm', ['pack', '--json', '--pack-destination', work], root);
  const packed = JSON.parse(output.slice(output.lastIndexOf('\n[\n') + 1)) as Array<{ filename: string; size: number; unpackedSize: number }>;
  const tarball = join(work, packed[0].filename);
  const app = join(work, 'app');
  cpSync('test/fixtures/host-app', app, { recursive: true });
  // The host app's own data, in its public/ folder (Vite serves it in dev and copies it into builds).
  cpSync('demo/data/sample-shop.json', join(app, 'public', 'shop.json'));
  cpSync('demo/data/sample-sales.json', join(app, 'public', 'sales.json'));
  const viteVersion = JSON.parse(readFileSync('node_modules/vite/package.json', 'utf8')).version as string;
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, `vite@${viteVersion}`], app, INSTALL_ENV);
  project.provide('hostApp', app);
  project.provide('packSizes', { tarball: statSync(tarball).size, unpacked: packed[0].unpackedSize });
  return () => { if (work) rmSync(work, { recursive: true, force: true }); };
}
