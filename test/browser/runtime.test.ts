import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, startHarness, stopAll, type Harness } from './harness.js';

// The same small computation on every backend: a dense layer + softmax + an LSTM step. Tolerance
// 1e-4 absolute: GPU backends compute in float32 with different summation orders than wasm/cpu.
const TOLERANCE = 1e-4;

describe.skipIf(!chromiumAvailable)('runtime in headless Chromium', () => {
  // The page's GPUs claim to be software ones (what they are here, whatever the machine): see FakeGpu.
  let h: Harness;
  beforeAll(async () => { h = await startHarness({ gpu: 'software' }); });
  afterAll(async () => { await h?.close(); await stopAll(); });

  async function compute(backend: string, on: Harness = h): Promise<{ info: { backend: string; adapter?: string; softwareGpu?: boolean; skipped: { backend: string; reason: string }[]; warnings: unknown[] }; values: number[]; leaked: number }> {
    const page = await on.newPage();
    const result = await page.evaluate(async (backend) => {
      const sc = await window.load('/lib/index.ts');
      const info = await sc.init({ backend: backend as 'auto' });
      const { loadTf } = await window.load('/lib/runtime/index.ts');
      const tf = await loadTf();
      const before = tf.memory().numTensors;
      const x = tf.tensor2d([[0.1, -0.2, 0.3, 0.5], [1.5, 0.25, -0.75, 2]]);
      const w = tf.tensor2d([[0.2, -0.1, 0.05], [0.3, 0.7, -0.2], [-0.4, 0.1, 0.9], [0.05, 0.05, 0.05]]);
      const y = tf.tidy(() => tf.softmax(tf.matMul(x, w).add(tf.scalar(0.1))).concat(tf.sigmoid(tf.matMul(x, w)), 1));
      const values = Array.from(await y.data() as Float32Array);
      tf.dispose([x, w, y]);
      return { info: JSON.parse(JSON.stringify(info)), values, leaked: tf.memory().numTensors - before };
    }, backend);
    await page.close();
    return result;
  }

  it('gives the same numbers on webgpu, webgl, wasm and cpu, without leaking tensors', async () => {
    const results: Record<string, number[]> = {};
    for (const backend of ['cpu', 'wasm', 'webgl', 'webgpu']) {
      const r = await compute(backend);
      expect(r.info.backend).toBe(backend);
      expect(r.leaked).toBe(0);
      results[backend] = r.values;
    }
    for (const backend of ['wasm', 'webgl', 'webgpu']) {
      results[backend].forEach((v, i) => expect(Math.abs(v - results.cpu[i])).toBeLessThan(TOLERANCE));
    }
    // Sanity: the values are the real softmax/sigmoid, not zeros.
    expect(results.cpu.slice(0, 3).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('auto picks wasm over a software GPU and says why', async () => {
    const r = await compute('auto');
    expect(r.info.backend).toBe('wasm');
    const webgpu = r.info.skipped.find((s) => s.backend === 'webgpu');
    const webgl = r.info.skipped.find((s) => s.backend === 'webgl');
    expect(webgpu?.reason).toMatch(/software GPU \(google swiftshader/);
    expect(webgl?.reason).toMatch(/software GPU \(ANGLE \(Google, Vulkan/);
    // Skipping a software GPU is a choice, not a failure: nothing to warn about.
    expect(r.info.warnings).toEqual([]);
  });

  it('auto picks WebGPU on a hardware GPU', async () => {
    const hardware = await startHarness({ gpu: 'hardware' });
    try {
      const r = await compute('auto', hardware);
      expect(r.info.backend).toBe('webgpu');
      expect(r.info.adapter).toMatch(/nvidia lovelace/);
      expect(r.info.softwareGpu).toBe(false);
      expect(r.info.skipped).toEqual([]);
      expect(r.leaked).toBe(0);
    } finally {
      await hardware.close();
    }
  });

  it('falls back to cpu with a warning naming the HTML page served where the wasm file should be', async () => {
    const page = await h.newPage();
    // A single-page-app server: every unknown path answers with the app's index.html.
    await page.route('**/wasm/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><html><body>My admin app</body></html>' }));
    const info = await page.evaluate(async () => {
      const sc = await window.load('/lib/index.ts');
      return JSON.parse(JSON.stringify(await sc.init({ backend: 'auto' })));
    });
    await page.close();
    expect(info.backend).toBe('cpu');
    expect(info.warnings).toHaveLength(1);
    expect(info.warnings[0].code).toBe('BACKEND_FALLBACK');
    expect(info.warnings[0].message).toMatch(/'wasm' failed to start.*\/wasm\/tfjs-backend-wasm-simd\.wasm returned an HTML page.*env\.wasmBaseUrl.*running on 'cpu'/);
  });

  it('loads wasm from the page origin only: no request leaves it', async () => {
    await compute('wasm');
    expect(h.requests.some((u) => u.startsWith(h.origin + '/wasm/tfjs-backend-wasm'))).toBe(true);
    expect(h.offOrigin).toEqual([]);
  });

  it('recovers when the WebGPU device is lost: falls back and keeps working', async () => {
    const page = await h.newPage();
    const result = await page.evaluate(async () => {
      const sc = await window.load('/lib/index.ts');
      await sc.init({ backend: 'webgpu' });
      const { loadTf, ensureRuntime } = await window.load('/lib/runtime/index.ts');
      const tf = await loadTf();
      const device = (tf.backend() as unknown as { device: GPUDevice }).device;
      device.destroy();
      // storecast's handler was attached to device.lost first, so it has run once this resolves.
      await device.lost;
      const lost = sc.runtimeInfo().deviceLost;
      const { info } = await ensureRuntime();
      const sum = (await tf.tensor1d([1, 2, 3]).sum().data())[0];
      return { lost, backend: info.backend, sum };
    });
    await page.close();
    expect(result.lost).toBe('webgpu');
    expect(result.backend).toBe('wasm');
    expect(result.sum).toBe(6);
  });

  it('refuses an unknown backend with a typed error', async () => {
    const page = await h.newPage();
    const error = await page.evaluate(async () => {
      const sc = await window.load('/lib/index.ts');
      try { await sc.init({ backend: 'tpu' as 'cpu' }); return null; } catch (e) { return { name: (e as Error).name, code: (e as { code: string }).code }; }
    });
    await page.close();
    expect(error).toEqual({ name: 'StorecastError', code: 'INVALID_INPUT' });
  });
});
