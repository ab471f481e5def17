// GPU probing, kept apart from init so it can be unit-tested and reused by the text encoder.
export interface GpuProbe {
  available: boolean;
  description?: string;
  software?: boolean;
  reason?: string;
}

const SOFTWARE_GPU = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render|microsoft basic/i;

export function isSoftwareGpu(description: string, isFallbackAdapter = false): boolean {
  return isFallbackAdapter || SOFTWARE_GPU.test(description);
}

interface AdapterInfoLike { vendor?: string; architecture?: string; description?: string; device?: string; isFallbackAdapter?: boolean }

export async function probeWebGpu(): Promise<GpuProbe> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu;
  if (!gpu) return { available: false, reason: 'navigator.gpu is missing (no WebGPU in this browser, or it is disabled)' };
  let adapter: { info?: AdapterInfoLike; isFallbackAdapter?: boolean } | null;
  try {
    adapter = (await gpu.requestAdapter()) as typeof adapter;
  } catch (error) {
    return { available: false, reason: `requestAdapter() failed: ${String(error)}` };
  }
  if (!adapter) return { available: false, reason: 'requestAdapter() returned null (no usable GPU adapter)' };
  const info = adapter.info ?? {};
  const description = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ').trim() || 'unknown adapter';
  return { available: true, description, software: isSoftwareGpu(description, info.isFallbackAdapter ?? adapter.isFallbackAdapter) };
}

export function probeWebGl(): GpuProbe {
  let canvas: OffscreenCanvas | HTMLCanvasElement | undefined;
  if (typeof OffscreenCanvas !== 'undefined') canvas = new OffscreenCanvas(1, 1);
  else if (typeof document !== 'undefined') canvas = document.createElement('canvas');
  if (!canvas) return { available: false, reason: 'no canvas in this environment' };
  const gl = canvas.getContext('webgl2') as WebGL2RenderingContext | null;
  if (!gl) return { available: false, reason: 'no WebGL2 context (disabled or blocklisted GPU)' };
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const description = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  // Free the probe context now: browsers cap live WebGL contexts and TF.js needs one.
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return { available: true, description, software: isSoftwareGpu(description) };
}
