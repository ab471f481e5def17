// The wasm files storecast serves itself (never from a CDN): TF.js' wasm backend and onnxruntime-web.
// Used by vite.config.ts (dev server, library and demo builds) and by the tests.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const tfjsWasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist';
// onnxruntime-web comes with @huggingface/transformers and exports no package.json: resolve its entry from there.
const fromTransformers = createRequire(require.resolve('@huggingface/transformers'));
const ortEntry = fromTransformers.resolve('onnxruntime-web');
const ortDir = ortEntry.slice(0, ortEntry.lastIndexOf('/dist/') + 5);

export const WASM_FILES: Record<string, string> = {
  'tfjs-backend-wasm.wasm': join(tfjsWasmDir, 'tfjs-backend-wasm.wasm'),
  'tfjs-backend-wasm-simd.wasm': join(tfjsWasmDir, 'tfjs-backend-wasm-simd.wasm'),
  'tfjs-backend-wasm-threaded-simd.wasm': join(tfjsWasmDir, 'tfjs-backend-wasm-threaded-simd.wasm'),
  'ort-wasm-simd-threaded.asyncify.mjs': join(ortDir, 'ort-wasm-simd-threaded.asyncify.mjs'),
  'ort-wasm-simd-threaded.asyncify.wasm': join(ortDir, 'ort-wasm-simd-threaded.asyncify.wasm'),
};
