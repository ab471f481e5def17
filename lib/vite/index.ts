// `storecast/vite`: what a Vite app needs to run storecast, in one plugin. It serves the shipped
// models and wasm files at the app's /models/ and /wasm/ in dev (before Vite's public-dir and
// transform middleware, which refuse onnxruntime's .mjs), emits them into builds, and resolves
// onnxruntime-web without its inlined 27 MB wasm (the file in /wasm/ is the only copy).
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin, UserConfig } from 'vite';

export interface StorecastViteOptions {
  /**
   * Serve and emit `public/models/` at `<base>models/`. Default true (every shipped model). A list of
   * folder names (e.g. `['storecast-use-lite', 'trend-lstm']`, the models storecast uses by default)
   * serves and emits only those. Set false when you host models elsewhere.
   */
  models?: boolean | string[];
  /** Serve and emit the TF.js and onnxruntime wasm files at `<base>wasm/`. Default true. */
  wasm?: boolean;
}

/** The condition under which onnxruntime-web loads its wasm from `wasmPaths` instead of inlining it. */
export const EXTERN_WASM_CONDITION = 'onnxruntime-web-use-extern-wasm';

const TYPES: Record<string, string> = { '.wasm': 'application/wasm', '.mjs': 'text/javascript', '.js': 'text/javascript', '.json': 'application/json', '.onnx': 'application/octet-stream', '.bin': 'application/octet-stream', '.md': 'text/markdown' };

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true }).map(String).filter((f) => statSync(join(dir, f)).isFile()).map((f) => f.split(sep).join('/'));
}

export default function storecast(options: StorecastViteOptions = {}): Plugin {
  // This file is dist/vite.js inside the installed package.
  const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
  const folders: Record<string, string> = {};
  const modelsDir = join(packageRoot, 'public', 'models');
  if (options.models !== false) folders['models/'] = modelsDir;
  if (options.wasm !== false) folders['wasm/'] = join(packageRoot, 'dist', 'wasm');
  // The model folders an app listed (undefined: all of them); every other prefix serves all its files.
  const listedModels = Array.isArray(options.models) ? options.models : undefined;
  if (listedModels) {
    const shipped = existsSync(modelsDir) ? readdirSync(modelsDir) : [];
    const unknown = listedModels.filter((m) => !shipped.includes(m));
    if (unknown.length) throw new Error(`storecast/vite: models ${JSON.stringify(unknown)} are not shipped with storecast (shipped: ${shipped.join(', ')}).`);
  }
  /** Whether a file (path relative to its prefix's folder, either separator) is served and emitted. */
  const included = (prefix: string, file: string): boolean => prefix !== 'models/' || !listedModels || listedModels.includes(file.split(/[\\/]/)[0]);
  let base = '/';
  return {
    name: 'storecast',
    async config(config): Promise<UserConfig> {
      const { defaultClientConditions } = await import('vite');
      const conditions = config.resolve?.conditions ?? defaultClientConditions;
      return {
        resolve: { conditions: [EXTERN_WASM_CONDITION, ...conditions.filter((c) => c !== EXTERN_WASM_CONDITION)] },
        // storecast's module worker is referenced with new URL(…, import.meta.url): it must stay a file
        // next to the library, so the library is not pre-bundled (its CommonJS dependencies still are).
        optimizeDeps: { exclude: ['storecast'], include: ['storecast > @tensorflow/tfjs', 'storecast > @tensorflow/tfjs-backend-wasm', 'storecast > @tensorflow/tfjs-backend-webgpu', 'storecast > zod'] },
      };
    },
    configResolved(config) { base = config.base.endsWith('/') ? config.base : config.base + '/'; },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0]);
        for (const [prefix, dir] of Object.entries(folders)) {
          if (!path.startsWith(base + prefix)) continue;
          const file = join(dir, path.slice(base.length + prefix.length));
          const inside = relative(dir, file);
          if (inside.startsWith('..') || !existsSync(file) || !statSync(file).isFile()) break;
          if (!included(prefix, inside)) break;
          res.setHeader('Content-Type', TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream');
          createReadStream(file).pipe(res);
          return;
        }
        next();
      });
    },
    generateBundle() {
      for (const [prefix, dir] of Object.entries(folders)) {
        for (const file of listFiles(dir).filter((f) => included(prefix, f))) this.emitFile({ type: 'asset', fileName: prefix + file, source: readFileSync(join(dir, file)) });
      }
    },
  };
}
