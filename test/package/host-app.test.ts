// The packed library installed into a host app the way a user would (see setup.ts), set up exactly
// as the README says (the storecast/vite plugin, nothing copied by hand), and driven in headless
// Chromium: the production build under a strict Content-Security-Policy, and the Vite dev server.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type AddressInfo } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, artifactsDir, chromiumAvailable } from '../browser/harness.js';

/** What the wasm needs and nothing more: no 'unsafe-eval', no 'unsafe-inline' scripts, no other origins. */
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm', '.onnx': 'application/octet-stream', '.bin': 'application/octet-stream', '.css': 'text/css' };
const FLAGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const folderSize = (dir: string): number => readdirSync(dir, { recursive: true }).map(String).reduce((sum, f) => sum + (statSync(join(dir, f)).isFile() ? statSync(join(dir, f)).size : 0), 0);

async function freePort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

interface Shown { price: string; forecast: string; pricing: string; suggestion: { price: number; low: number; high: number }; recommendation: { price: number; curve: unknown[] } }

/** Opens the app, waits for both widgets to show results, and checks the network and CSP guarantees. */
async function showsWidgets(browser: Browser, origin: string, screenshot: string): Promise<{ shown: Shown; requests: string[]; violations: string[] }> {
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
  // Done when every widget shows its result, or as soon as one shows an error.
  const failed = await page.waitForFunction(() => {
    const root = (id: string): ShadowRoot | null | undefined => document.getElementById(id)?.shadowRoot;
    const error = ['price', 'forecast', 'pricing'].map((id) => root(id)?.querySelector('.error')?.textContent).find(Boolean);
    if (error) return error;
    const text = (id: string): string => root(id)?.textContent ?? '';
    return /Suggested/.test(text('price')) && /Expected to/.test(text('forecast')) && /Recommended/.test(text('pricing')) ? 'ok' : false;
  }, undefined, { timeout: 240_000 }).then((handle) => handle.jsonValue()).catch(async (e) => { throw new Error(`${e}\nconsole errors: ${errors.join('\n')}`); });
  expect(failed, `a widget shows an error; console errors: ${errors.join('\n')}`).toBe('ok');
  const shown = await page.evaluate(() => ({
    price: document.getElementById('price')!.shadowRoot!.textContent!,
    forecast: document.getElementById('forecast')!.shadowRoot!.textContent!,
    pricing: document.getElementById('pricing')!.shadowRoot!.textContent!,
    suggestion: (document.getElementById('price') as unknown as { suggestion: Shown['suggestion'] }).suggestion,
    recommendation: (document.getElementById('pricing') as unknown as { recommendation: Shown['recommendation'] }).recommendation,
  }));
  await page.screenshot({ path: join(artifactsDir(), screenshot), fullPage: true });
  await context.close();
  return { shown, requests, violations };
}

/** The last price the host app's sales history records for the product its pricing widget shows. */
function lastPrice(app: string, product: string): number {
  const sales = JSON.parse(readFileSync(join(app, 'public', 'sales.json'), 'utf8')) as { observations: { product: string; date: string; price: number }[] };
  const rows = sales.observations.filter((o) => o.product === product).sort((a, b) => a.date.localeCompare(b.date));
  return rows[rows.length - 1].price;
}

function expectWidgets({ shown, requests }: { shown: Shown; requests: string[] }, origin: string, app: string): void {
  expect(shown.suggestion.price).toBeGreaterThan(0);
  expect(shown.suggestion.low).toBeLessThanOrEqual(shown.suggestion.price);
  expect(shown.suggestion.high).toBeGreaterThanOrEqual(shown.suggestion.price);
  expect(shown.forecast).toMatch(/next 13 weeks/);
  // Guardrails (index.html): within ±15% of the last price, never below the cost of 7.50.
  const last = lastPrice(app, 'Xerox 1881');
  expect(shown.recommendation.price).toBeGreaterThanOrEqual(Math.max(7.5, last * 0.85) - 0.01);
  expect(shown.recommendation.price).toBeLessThanOrEqual(last * 1.15 + 0.01);
  expect(shown.recommendation.curve.length).toBeGreaterThan(10);
  expect(shown.pricing).toMatch(/elasticity -\d/);
  expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'))).toEqual([]);
  // The encoder and its wasm came from the app's own /models/ and /wasm/, served by the plugin.
  expect(requests.some((u) => u.startsWith(origin + '/models/') && u.endsWith('.onnx'))).toBe(true);
  expect(requests.some((u) => u.startsWith(origin + '/wasm/') && u.endsWith('.wasm'))).toBe(true);
}

describe.skipIf(!chromiumAvailable)('a host app with the packed library installed', () => {
  const app = inject('hostApp');
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  });
  afterAll(async () => { await browser?.close(); });

  it('installs the built library, its types, models and wasm files', () => {
    const files = readdirSync(join(app, 'node_modules/storecast'), { recursive: true }).map(String);
    for (const expected of ['dist/storecast.js', 'dist/widgets.js', 'dist/vite.js', 'dist/types/index.d.ts', 'dist/wasm/tfjs-backend-wasm-simd.wasm', 'dist/wasm/ort-wasm-simd-threaded.asyncify.wasm', 'public/models/trend-lstm/weights.bin']) {
      expect(files).toContain(expected);
    }
    expect(files.some((f) => f.startsWith('public/models/') && f.endsWith('model_quantized.onnx'))).toBe(true);
  });

  it('its Vite plugin emits only the model folders an app lists, and names the shipped ones when one is not', async () => {
    const { default: storecast } = (await import(pathToFileURL(join(app, 'node_modules/storecast/dist/vite.js')).href)) as { default: (options?: { models?: boolean | string[]; wasm?: boolean }) => { generateBundle: unknown } };
    const emitted = (options: { models?: boolean | string[] }): string[] => {
      const files: string[] = [];
      (storecast({ ...options, wasm: false }).generateBundle as (this: { emitFile(file: { fileName: string }): void }) => void).call({ emitFile: (file) => files.push(file.fileName) });
      return files;
    };
    const all = emitted({});
    const lean = emitted({ models: ['storecast-use-lite', 'trend-lstm'] });
    expect(lean.length).toBeGreaterThan(5);
    expect(lean.every((f) => f.startsWith('models/storecast-use-lite/') || f.startsWith('models/trend-lstm/'))).toBe(true);
    expect(all.filter((f) => lean.includes(f))).toEqual(lean);
    expect(emitted({ models: false })).toEqual([]);
    expect(() => storecast({ models: ['storecast-use-large'] })).toThrow(/not shipped with storecast \(shipped: .*storecast-use-lite/);
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

  describe('vite build, served under a strict CSP', () => {
    let server: ReturnType<typeof createHttpServer>;
    let origin: string;
    beforeAll(async () => {
      execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
      server = createHttpServer((req, res) => {
        const path = join(app, 'dist', decodeURIComponent(new URL(req.url!, 'http://x').pathname));
        const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'index.html') : path;
        if (!existsSync(file)) { res.writeHead(404).end(); return; }
        res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': CSP, 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' });
        createReadStream(file).pipe(res);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }, 300_000);
    afterAll(() => { server?.close(); });

    it('ships each large file once: one onnxruntime wasm, the models, one worker', () => {
      const files = readdirSync(join(app, 'dist'), { recursive: true }).map(String);
      const big = files.filter((f) => statSync(join(app, 'dist', f)).size > 1_000_000);
      expect(big.filter((f) => f.endsWith('.wasm'))).toEqual(['wasm/ort-wasm-simd-threaded.asyncify.wasm']);
      expect(big.filter((f) => /worker/.test(f))).toHaveLength(1);
      expect(big.every((f) => f.startsWith('wasm/') || f.startsWith('models/') || /worker/.test(f))).toBe(true);
      writeFileSync(join(artifactsDir(), 'host-app-sizes.json'), JSON.stringify({ ...inject('packSizes'), hostDist: folderSize(join(app, 'dist')) }, null, 2));
    });

    it('shows a price suggestion and a forecast, with no request leaving the origin and no CSP violation', async () => {
      const result = await showsWidgets(browser, origin, 'host-app-build.png');
      expectWidgets(result, origin, app);
      expect(result.violations).toEqual([]);
    });
  });

  describe('vite dev server', () => {
    let vite: ChildProcess;
    let origin: string;
    beforeAll(async () => {
      const port = await freePort();
      origin = `http://127.0.0.1:${port}`;
      vite = spawn('npx', ['vite', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } });
      let output = '';
      await new Promise<void>((resolve, reject) => {
        const onData = (chunk: Buffer): void => { output += chunk; if (output.includes(String(port))) resolve(); };
        vite.stdout!.on('data', onData);
        vite.stderr!.on('data', (chunk: Buffer) => { output += chunk; });
        vite.on('exit', (code) => reject(new Error(`vite exited with ${code}: ${output}`)));
      });
    }, 120_000);
    afterAll(() => { vite?.kill(); });

    it('shows a price suggestion and a forecast, with no request leaving the origin', async () => {
      expectWidgets(await showsWidgets(browser, origin, 'host-app-dev.png'), origin, app);
    });
  });
});
