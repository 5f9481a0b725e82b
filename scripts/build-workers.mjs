// Bundles the augmentation worker pool (workers/, outside tsc's src/ root) with esbuild:
//   dist/workers/node.js        the pool + worker_threads adapter (createNodeBatchPool)
//   dist/workers/node-entry.js  the worker-thread script (library code bundled in, WASM embedded)
//   dist/workers/node-source.js nodePoolBatchSource: trainUNet's batchSource (the Node trainer
//                               loads it for `workers`; it imports no library code, only the pool)
//   dist/workers/browser.js     the pool + Web Worker adapter (createBrowserBatchPool)
//   dist/workers/browser-entry.js  the Web Worker script (ES module)
// Run after build:wasm (the worker entries embed the WASM kernels).
import { build } from 'esbuild';

const common = { bundle: true, format: 'esm', sourcemap: true, logLevel: 'warning' };

await Promise.all([
  build({
    ...common,
    entryPoints: {
      node: 'workers/node.ts',
      'node-entry': 'workers/node-entry.ts',
      'node-source': 'workers/nodeSource.ts',
    },
    outdir: 'dist/workers',
    platform: 'node',
    target: 'node20',
    packages: 'external',
  }),
  build({
    ...common,
    entryPoints: { browser: 'workers/browser.ts', 'browser-entry': 'workers/browser-entry.ts' },
    outdir: 'dist/workers',
    platform: 'browser',
    target: 'es2022',
  }),
]);
console.log('built dist/workers/{node,node-entry,node-source,browser,browser-entry}.js');
