import { readFileSync, createReadStream, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { WASM_FILES } from './tools/assets.js';

/** Headers that make the page cross-origin isolated (needed for threaded wasm / SharedArrayBuffer). */
export const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/** Serves /wasm/* from node_modules in dev and emits the files into builds: same-origin, no CDN. */
function storecastWasm(): Plugin {
  return {
    name: 'storecast-wasm',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        // `npm run demo` serves the whole project (tests use /test pages); the dashboard lives at /demo/.
        if (req.url === '/' || req.url === '/index.html') {
          res.writeHead(302, { Location: '/demo/' }).end();
          return;
        }
        const match = req.url?.match(/^\/wasm\/([^?]+)/);
        const file = match && WASM_FILES[match[1]];
        if (!file || !existsSync(file)) return next();
        res.setHeader('Content-Type', file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
        for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
        res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
        createReadStream(file).pipe(res);
      });
    },
    generateBundle() {
      for (const [name, file] of Object.entries(WASM_FILES)) this.emitFile({ type: 'asset', fileName: `wasm/${name}`, source: readFileSync(file) });
    },
  };
}

// Dependencies stay imports of the installed packages; `node:*` stays a real import (Node-only code
// paths load it lazily) instead of Vite's empty browser stub, which would break the package in Node.
const external = (id: string): boolean => /^(@tensorflow\/|@huggingface\/transformers|zod|vite|node:)/.test(id);

export default defineConfig(({ mode }) => {
  const shared = {
    plugins: [storecastWasm()],
    server: { headers: ISOLATION_HEADERS, port: 5173, open: process.env.CI ? false : '/demo/' },
    preview: { headers: ISOLATION_HEADERS },
    // Keep onnxruntime's 27 MB wasm out of the JS bundle; it is served from /wasm/ instead.
    resolve: { conditions: ['onnxruntime-web-use-extern-wasm', 'module', 'browser', 'development|production'] },
    // One self-contained worker file: an app that bundles storecast copies it as a plain asset.
    worker: { format: 'es' as const, rollupOptions: { output: { codeSplitting: false } } } as never,
    optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
  };
  if (mode === 'lib') {
    return {
      ...shared,
      // Relative asset URLs (the worker), so the package works wherever an app serves it.
      base: './',
      publicDir: false,
      build: {
        outDir: 'dist',
        emptyOutDir: true,
        target: 'es2022',
        sourcemap: false,
        minify: false,
        lib: {
          formats: ['es'],
          entry: {
            storecast: resolve('lib/index.ts'),
            runtime: resolve('lib/runtime/index.ts'),
            trend: resolve('lib/trend/index.ts'),
            text: resolve('lib/text/index.ts'),
            price: resolve('lib/price/index.ts'),
            pricing: resolve('lib/pricing/index.ts'),
            widgets: resolve('lib/widgets/index.ts'),
            vite: resolve('lib/vite/index.ts'),
          },
        },
        rollupOptions: { external },
      },
    };
  }
  return {
    ...shared,
    root: '.',
    publicDir: 'public',
    build: { outDir: 'dist-demo', target: 'es2022', rollupOptions: { input: { index: resolve('demo/index.html') } } },
  };
});
