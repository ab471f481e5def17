import { env, isNode, joinUrl } from '../config.js';
import { diagnoseServedFile } from '../io.js';
import { warning, type StorecastWarning } from '../warnings.js';
import { StorecastError } from '../errors.js';
import { probeWebGl, probeWebGpu, type GpuProbe } from './probe.js';
import type { BackendName, InitOptions, RuntimeInfo, SkippedBackend } from './types.js';

export type { BackendName, InitOptions, RuntimeInfo, SkippedBackend } from './types.js';
export { isSoftwareGpu } from './probe.js';

type Tf = typeof import('@tensorflow/tfjs');

let tfModule: Promise<Tf> | undefined;
let current: RuntimeInfo | undefined;
let initializing: Promise<RuntimeInfo> | undefined;

/** TF.js, loaded on first use so that importing storecast stays cheap. */
export function loadTf(): Promise<Tf> {
  tfModule ??= import('@tensorflow/tfjs');
  return tfModule;
}

function environment(): RuntimeInfo['environment'] {
  if (isNode) return 'node';
  return typeof window === 'undefined' ? 'worker' : 'browser';
}

async function registerWasm(tf: Tf, wasmBaseUrl: string): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (!isNode) {
    // Same-origin by default; setWasmPaths also stops the backend from guessing a CDN path.
    wasm.setWasmPaths(wasmBaseUrl.endsWith('/') ? wasmBaseUrl : wasmBaseUrl + '/');
  }
  // The threaded build's worker crashes in minified bundles; threads are opt-in (runtime/README.md).
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', env.wasmThreads && !isNode);
}

async function trySetBackend(tf: Tf, name: BackendName): Promise<string | undefined> {
  let failure: string | undefined;
  try {
    const ok = await tf.setBackend(name);
    if (ok) await tf.ready();
    else failure = `failed to start: tf.setBackend('${name}') returned false`;
  } catch (error) {
    failure = `failed to start: ${error instanceof Error ? error.message : String(error)}`;
  }
  // The usual cause in a browser: the wasm file is not served where env.wasmBaseUrl says.
  if (failure && name === 'wasm' && !isNode) {
    const problem = await diagnoseServedFile(joinUrl(env.wasmBaseUrl, 'tfjs-backend-wasm-simd.wasm'), 'wasmBaseUrl');
    if (problem) failure += ` (${problem})`;
  }
  return failure;
}


/** Backends that failed (or lost their device) rather than being skipped by design. */
function fallbackWarnings(skipped: SkippedBackend[], chosen: BackendName): StorecastWarning[] {
  return skipped
    .filter((s) => s.reason.startsWith('failed to start') || s.reason.startsWith('device was lost'))
    .map((s) => warning('BACKEND_FALLBACK', `TF.js backend '${s.backend}' ${s.reason}; running on '${chosen}' instead, which can be slower.`));
}

async function chooseBackend(tf: Tf, requested: BackendName | 'auto', exclude: Set<BackendName>): Promise<RuntimeInfo> {
  const skipped: SkippedBackend[] = [];
  const info: Partial<RuntimeInfo> = {};
  const order: BackendName[] = requested === 'auto' ? ['webgpu', 'webgl', 'wasm', 'cpu'] : [requested];
  // A software GPU is kept as a last resort in case wasm fails to start.
  let softwareFallback: { backend: BackendName; probe: GpuProbe } | undefined;

  for (const backend of order) {
    if (exclude.has(backend)) {
      skipped.push({ backend, reason: 'device was lost earlier in this session' });
      continue;
    }
    if (backend === 'webgpu' || backend === 'webgl') {
      if (isNode) {
        skipped.push({ backend, reason: 'not available in Node' });
        continue;
      }
      const probe = backend === 'webgpu' ? await probeWebGpu() : probeWebGl();
      if (!probe.available) {
        skipped.push({ backend, reason: probe.reason ?? 'unavailable' });
        continue;
      }
      if (requested === 'auto' && probe.software) {
        skipped.push({ backend, reason: `software GPU (${probe.description}): wasm is faster on a machine without a real GPU` });
        softwareFallback ??= { backend, probe };
        continue;
      }
      if (backend === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
      const failure = await trySetBackend(tf, backend);
      if (failure) {
        skipped.push({ backend, reason: failure });
        continue;
      }
      info.adapter = probe.description;
      info.softwareGpu = probe.software;
      return finish(backend);
    }
    if (backend === 'wasm') await registerWasm(tf, env.wasmBaseUrl);
    const failure = await trySetBackend(tf, backend);
    if (!failure) return finish(backend);
    skipped.push({ backend, reason: failure });
    if (backend === 'wasm' && softwareFallback && !(await trySetBackend(tf, softwareFallback.backend))) {
      info.adapter = softwareFallback.probe.description;
      info.softwareGpu = true;
      return finish(softwareFallback.backend);
    }
  }
  throw new StorecastError('BACKEND_UNAVAILABLE', `No TF.js backend could start (asked for '${requested}'): ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`, { details: { skipped } });

  function finish(backend: BackendName): RuntimeInfo {
    return { backend, requested, skipped, environment: environment(), wasmThreads: backend === 'wasm' && tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'), warnings: fallbackWarnings(skipped, backend), ...info };
  }
}

const lostBackends = new Set<BackendName>();

function watchForDeviceLoss(tf: Tf, info: RuntimeInfo): void {
  const backend = tf.backend() as unknown as { device?: { lost?: Promise<unknown> }; gpgpu?: { gl?: WebGL2RenderingContext } };
  const onLost = (): void => {
    lostBackends.add(info.backend);
    if (current === info) current = { ...info, deviceLost: info.backend };
    // The next ensureRuntime() re-initialises on the next backend in line.
    initializing = undefined;
  };
  if (info.backend === 'webgpu') void backend.device?.lost?.then(onLost);
  if (info.backend === 'webgl') backend.gpgpu?.gl?.canvas?.addEventListener?.('webglcontextlost', onLost);
}

/**
 * Chooses and starts the TF.js backend. Idempotent: later calls return the running runtime unless
 * a different backend is requested.
 */
export async function init(options: InitOptions = {}): Promise<RuntimeInfo> {
  const requested = options.backend ?? env.backend;
  const allowed: Array<BackendName | 'auto'> = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'];
  if (!allowed.includes(requested)) {
    throw new StorecastError('INVALID_INPUT', `Unknown backend '${String(requested)}'. Use one of: ${allowed.join(', ')}.`);
  }
  if (options.wasmBaseUrl) env.wasmBaseUrl = options.wasmBaseUrl;
  if (current && !current.deviceLost && (requested === current.requested || requested === current.backend)) return current;
  const run = (async () => {
    const tf = await loadTf();
    const info = await chooseBackend(tf, requested, lostBackends);
    if (lostBackends.size) info.deviceLost = [...lostBackends][0];
    current = info;
    watchForDeviceLoss(tf, info);
    return info;
  })();
  initializing = run;
  try {
    return await run;
  } catch (error) {
    if (initializing === run) initializing = undefined;
    throw error;
  }
}

/** The runtime every TF.js computation goes through: starts it on first use, recovers after a lost GPU. */
export async function ensureRuntime(): Promise<{ tf: Tf; info: RuntimeInfo }> {
  let info: RuntimeInfo;
  if (current && !current.deviceLost) info = current;
  else if (current?.deviceLost) info = await init({ backend: 'auto' });
  else info = await (initializing ?? init());
  return { tf: await loadTf(), info };
}

/** What `init()` chose and why. Throws NOT_TRAINED-style guidance if init has not run. */
export function runtimeInfo(): RuntimeInfo {
  if (!current) throw new StorecastError('BACKEND_UNAVAILABLE', 'The runtime has not started yet: call `await init()` first.');
  return current;
}
