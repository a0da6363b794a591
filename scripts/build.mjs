// Bundles every entry point with esbuild. `--watch` rebuilds on change; `--production` minifies.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: production,
  logLevel: 'warning',
  define: { __VERSION__: JSON.stringify(pkg.version) },
};

// Optional native / GPU backends: loaded at run time from node_modules or $ARCH2VEC_HOME/backends, never bundled.
const optionalNative = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-backend-webgpu', 'webgpu'];

// tfjs-backend-cpu's package.json declares its node entry side-effect free, so esbuild would drop
// `import '@tensorflow/tfjs-backend-cpu'` (the import that registers the backend); ignore such hints
// in the bundles that run TensorFlow.js.
const tfjs = { external: optionalNative, ignoreAnnotations: true };

// The CLI loads its engine commands with require('./engineCommands'): keep that a run-time require of
// the separate dist/engineCommands.js bundle.
const lazyEngineCommands = {
  name: 'lazy-engine-commands',
  setup(build) {
    build.onResolve({ filter: /^\.\/engineCommands$/ }, () => ({ path: './engineCommands.js', external: true }));
  },
};

const builds = [
  { ...common, entryPoints: { client: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  { ...common, entryPoints: { server: 'server/src/lsp/server.ts' }, outdir: 'dist' },
  // The language server's predictor thread (lsp/predictions.ts starts dist/predictWorker.js beside server.js).
  { ...common, entryPoints: { predictWorker: 'server/src/lsp/predictWorker.ts' }, outdir: 'dist' },
  { ...common, entryPoints: { cli: 'server/src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' }, plugins: [lazyEngineCommands] },
  { ...common, entryPoints: { engineCommands: 'server/src/cli/engineCommands.ts' }, outdir: 'dist', ...tfjs },
  { ...common, entryPoints: { engine: 'server/src/engine/process/main.ts' }, outdir: 'dist', ...tfjs },
  // Engine worker threads: data-parallel training (engine/train/parallel.ts) and embedding (engine/query/embedPool.ts).
  { ...common, entryPoints: { trainWorker: 'server/src/engine/train/trainWorker.ts' }, outdir: 'dist', ...tfjs },
  // Webview pages (webview/src/pages/<view>.ts): browser bundles loaded by the panels under a strict CSP.
  {
    ...common, platform: 'browser', target: 'chrome120', format: 'iife',
    entryPoints: { neighbours: 'webview/src/pages/neighbours.ts', suggestions: 'webview/src/pages/suggestions.ts', map: 'webview/src/pages/map.ts' },
    outdir: 'dist/webview', loader: { '.css': 'text' },
  },
];

/** tfjs-backend-wasm's binaries go next to the bundles (backend.ts looks in dist/wasm). */
function copyWasm() {
  const require = createRequire(import.meta.url);
  const src = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
  const out = new URL('../dist/wasm/', import.meta.url);
  mkdirSync(out, { recursive: true });
  for (const f of readdirSync(src)) if (f.endsWith('.wasm')) copyFileSync(join(src, f), join(out.pathname, f));
}
copyWasm();

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
