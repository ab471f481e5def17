// Real headless Chromium (Debian's, or CHROMIUM_PATH) driving pages served by Vite's dev server.
// Every request of the whole browser context is recorded; any that leaves the page's origin is
// blocked and reported, so a test can assert the library's network guarantee.
import { createServer, type ViteDevServer } from 'vite';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { existsSync, mkdirSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);

const FLAGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--ignore-gpu-blocklist'];

/**
 * What the page's WebGPU adapter and WebGL renderer claim to be. The real (SwiftShader) devices still
 * compute; only their descriptions change, so a test of the backend *choice* gives the same answer
 * on a machine with a real GPU and on one without.
 */
export type FakeGpu = 'software' | 'hardware';

const GPU_DESCRIPTIONS: Record<FakeGpu, { vendor: string; architecture: string; description: string; renderer: string }> = {
  software: { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader Device (Subzero)', renderer: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)' },
  hardware: { vendor: 'nvidia', architecture: 'lovelace', description: 'NVIDIA GeForce RTX 4070', renderer: 'ANGLE (NVIDIA, NVIDIA GeForce RTX 4070 Direct3D11 vs_5_0 ps_5_0)' },
};

/** Runs in the page before its scripts: re-labels the adapter and the renderer string. */
function fakeGpuScript(described: (typeof GPU_DESCRIPTIONS)[FakeGpu]): void {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(o?: unknown): Promise<object | null> } }).gpu;
  if (gpu) {
    const requestAdapter = gpu.requestAdapter.bind(gpu);
    gpu.requestAdapter = async (options?: unknown) => {
      const adapter = await requestAdapter(options);
      if (adapter) {
        Object.defineProperty(adapter, 'info', { value: { vendor: described.vendor, architecture: described.architecture, description: described.description, device: '' } });
        Object.defineProperty(adapter, 'isFallbackAdapter', { value: false });
      }
      return adapter;
    };
  }
  const UNMASKED_RENDERER_WEBGL = 0x9246;
  const RENDERER = 0x1f01;
  for (const Context of [WebGLRenderingContext, WebGL2RenderingContext]) {
    const getParameter = Context.prototype.getParameter;
    Context.prototype.getParameter = function (this: WebGLRenderingContext, name: number) {
      return name === UNMASKED_RENDERER_WEBGL || name === RENDERER ? described.renderer : getParameter.call(this, name);
    };
  }
}

export interface Harness {
  origin: string;
  page: Page;
  context: BrowserContext;
  /** Every URL requested in the context (pages, workers, fetches). */
  requests: string[];
  /** Requests that tried to leave the origin (blocked). */
  offOrigin: string[];
  consoleErrors: string[];
  newPage(path?: string): Promise<Page>;
  close(): Promise<void>;
}

let server: ViteDevServer | undefined;
let browser: Browser | undefined;

export async function startHarness(options: { path?: string; extraFlags?: string[]; gpu?: FakeGpu } = {}): Promise<Harness> {
  server ??= await createServer({ configFile: 'vite.config.ts', logLevel: 'error', server: { port: 0, host: '127.0.0.1', strictPort: false } });
  if (!server.httpServer?.listening) await server.listen();
  const address = server.httpServer!.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser ??= await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...FLAGS, ...(options.extraFlags ?? [])] });
  const context = await browser.newContext();
  if (options.gpu) await context.addInitScript(fakeGpuScript, GPU_DESCRIPTIONS[options.gpu]);
  const requests: string[] = [];
  const offOrigin: string[] = [];
  const consoleErrors: string[] = [];
  const allowed = (url: string): boolean => url.startsWith(origin + '/') || url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank';
  context.on('request', (request) => {
    requests.push(request.url());
    if (!allowed(request.url())) offOrigin.push(request.url());
  });
  await context.route('**/*', (route) => (allowed(route.request().url()) ? route.continue() : route.abort('blockedbyclient')));
  const newPage = async (path = options.path ?? '/test/browser/blank.html'): Promise<Page> => {
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(origin + path);
    return page;
  };
  const page = await newPage();
  return { origin, page, context, requests, offOrigin, consoleErrors, newPage, close: () => context.close() };
}

export async function stopAll(): Promise<void> {
  await browser?.close();
  browser = undefined;
  await server?.close();
  server = undefined;
}

export function artifactsDir(): string {
  const dir = 'test/artifacts';
  mkdirSync(dir, { recursive: true });
  return dir;
}
