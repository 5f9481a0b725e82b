// Builds the browser side of unet-wasm with esbuild into dist/browser (or --outdir <dir>):
//   headless.js         the page bundle for `train:headless` (library + tfjs incl. WebGPU + trainer)
//   demo.js, demo.html  the demo page (`npm run demo`)
//   batch-worker.js     the augmentation Web Worker (workers/browser-entry.ts)
//   tfjs-backend-wasm*.wasm  tfjs-wasm binaries, served next to the bundles (setWasmPaths)
// Run after build:wasm: the bundles embed unet-wasm's own WASM kernels.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const i = process.argv.indexOf('--outdir');
const outdir = resolve(i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : join(root, 'dist/browser'));
mkdirSync(outdir, { recursive: true });

await build({
  absWorkingDir: root,
  entryPoints: {
    headless: 'src/browser/headlessMain.ts',
    demo: 'src/browser/demo/main.ts',
    'batch-worker': 'workers/browser-entry.ts',
  },
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: process.argv.includes('--minify'),
  sourcemap: true,
  logLevel: 'warning',
  // tfjs-backend-wasm's Emscripten glue mentions Node modules on paths a browser never takes.
  external: ['fs', 'path', 'worker_threads', 'perf_hooks', 'os', 'crypto'],
});

const require = createRequire(import.meta.url);
const wasmDist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist';
for (const f of readdirSync(wasmDist).filter((f) => f.endsWith('.wasm'))) {
  copyFileSync(join(wasmDist, f), join(outdir, f));
}
copyFileSync(join(root, 'src/browser/demo/demo.html'), join(outdir, 'demo.html'));
console.log(`built the browser bundles into ${outdir}`);
