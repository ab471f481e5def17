// The packed library, installed into a host app the way a user would, embedded as widgets and
// driven in headless Chromium under a strict Content-Security-Policy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, existsSync, createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, artifactsDir, chromiumAvailable } from './harness.js';

/** What the wasm needs and nothing more: no 'unsafe-eval', no 'unsafe-inline' scripts, no other origins. */
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm', '.onnx': 'application/octet-stream', '.bin': 'application/octet-stream', '.css': 'text/css' };

describe.skipIf(!chromiumAvailable)('embedding the packed library in a host app (npm pack → install → build)', () => {
  let app: string;
  let server: Server;
  let origin: string;
  let browser: Browser;
  const run = (cmd: string, args: string[], cwd: string): string => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_onnxruntime_node_install: 'skip' } });

  beforeAll(async () => {
    const root = resolve('.');
    run('npm', ['run', 'build', '--silent'], root);
    const work = mkdtempSync(join(tmpdir(), 'storecast-host-'));
    const tarball = run('npm', ['pack', '--silent', '--pack-destination', work], root).trim().split('\n').pop()!;
    app = join(work, 'app');
    cpSync('test/fixtures/host-app', app, { recursive: true });
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', join(work, tarball), `vite@${JSON.parse(readFileSync('node_modules/vite/package.json', 'utf8')).version}`], app);
    run('npx', ['vite', 'build', '--logLevel', 'error'], app);
    // Hosting, as the README documents it: the models and wasm files next to the app, same origin.
    cpSync(join(app, 'node_modules/storecast/public/models'), join(app, 'dist/models'), { recursive: true });
    cpSync(join(app, 'node_modules/storecast/dist/wasm'), join(app, 'dist/wasm'), { recursive: true });
    cpSync('demo/data/sample-shop.json', join(app, 'dist/shop.json'));
    server = createServer((req, res) => {
      const path = join(app, 'dist', decodeURIComponent(new URL(req.url!, 'http://x').pathname));
      const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'index.html') : path;
      if (!existsSync(file)) { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': CSP, 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' });
      createReadStream(file).pipe(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it('packs the built library, types, models and wasm files', () => {
    const files = readdirSync(join(app, 'node_modules/storecast'), { recursive: true }).map(String);
    for (const expected of ['dist/storecast.js', 'dist/widgets.js', 'dist/types/index.d.ts', 'dist/wasm/tfjs-backend-wasm-simd.wasm', 'dist/wasm/ort-wasm-simd-threaded.asyncify.wasm', 'public/models/storecast-use-lite/onnx/model_quantized.onnx', 'public/models/trend-lstm/weights.bin']) {
      expect(files).toContain(expected);
    }
  });

  it('keeps heavy parts lazy: the trend entry statically reaches neither transformers.js nor TF.js', () => {
    const dist = join(app, 'node_modules/storecast/dist');
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(join(dist, file), 'utf8');
      // Static imports only: `import ... from "x"` at statement level (dynamic import() is lazy by definition).
      for (const [, spec] of code.matchAll(/^\s*(?:import|export)\s[^;]*?from\s*["']([^"']+)["']/gm)) {
        expect(spec).not.toMatch(/@huggingface\/transformers|@tensorflow\//);
        if (spec.startsWith('./')) visit(spec.slice(2));
      }
    };
    visit('trend.js');
    expect(seen.size).toBeGreaterThan(1);
  });

  it('shows a price suggestion and a forecast under a strict CSP, with no request leaving the origin', async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
    const requests: string[] = [];
    context.on('request', (r) => requests.push(r.url()));
    await context.route('**/*', (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort('blockedbyclient')));
    const page = await context.newPage();
    const violations: string[] = [];
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(origin + '/');
    await page.waitForFunction(() => {
      const text = (id: string): string => document.getElementById(id)?.shadowRoot?.textContent ?? '';
      return /Suggested/.test(text('price')) && /Expected to/.test(text('forecast'));
    }, undefined, { timeout: 240_000 }).catch(async (e) => { throw new Error(`${e}\nconsole errors: ${errors.join('\n')}`); });
    const shown = await page.evaluate(() => ({
      price: document.getElementById('price')!.shadowRoot!.textContent,
      forecast: document.getElementById('forecast')!.shadowRoot!.textContent,
      suggestion: (document.getElementById('price') as unknown as { suggestion: { price: number; low: number; high: number } }).suggestion,
    }));
    await page.screenshot({ path: join(artifactsDir(), 'embedded-widgets.png'), fullPage: true });
    expect(shown.suggestion.price).toBeGreaterThan(0);
    expect(shown.suggestion.low).toBeLessThanOrEqual(shown.suggestion.price);
    expect(shown.suggestion.high).toBeGreaterThanOrEqual(shown.suggestion.price);
    expect(shown.forecast).toMatch(/next 13 weeks/);
    expect(violations).toEqual([]);
    expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'))).toEqual([]);
    expect(requests.some((u) => u.includes('/models/storecast-use-lite/'))).toBe(true);
    await context.close();
  });
});

afterAll(() => {
  for (const dir of readdirSync(tmpdir()).filter((d) => d.startsWith('storecast-host-'))) rmSync(join(tmpdir(), dir), { recursive: true, force: true });
});
