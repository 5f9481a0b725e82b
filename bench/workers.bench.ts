// Worker pool: does the trainer ever wait for data? Real batches (augmentation + weight maps of
// ISBI 512² slices, tile 128, batch 2) and real training steps (tfjs 'wasm', base 16, depth 4,
// same padding), first with batches made inline on the training thread, then from the pool.
// Prints median ms per batch and per step, and the share of step time spent waiting for batches.
// Run: npx vite-node bench/workers.bench.ts [-- --steps 10 --workers 1]
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { build } from 'esbuild';
import { defaultAugmentConfig } from '../src/augment/index.js';
import { initBackend } from '../src/backend/index.js';
import { syntheticEM } from '../src/data/index.js';
import { buildUNet } from '../src/model/index.js';
import { decodeTiff, tiffToStack } from '../src/tiff/index.js';
import { makeBatch, prepareImages, prepareLabels, weightedCrossEntropy } from '../src/train/index.js';
import type { Batch } from '../src/train/index.js';
import type { PoolBatchOptions } from '../workers/batchFn.js';
import { createNodeBatchPool } from '../workers/node.js';
import { trainerPlan } from '../workers/trainerPlan.js';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const STEPS = arg('steps', 10);
const WORKERS = arg('workers', Math.max(1, availableParallelism() - 1));
const TILE = 128;
const BATCH = 2;
const SEED = 7;

const isbi = '../shared/data/isbi2012';
let raw: { data: ArrayLike<number>; width: number; height: number; count: number };
let labelsRaw: ArrayLike<number>;
let source: string;
if (existsSync(join(isbi, 'train-volume.tif'))) {
  const img = tiffToStack(decodeTiff(readFileSync(join(isbi, 'train-volume.tif'))));
  const lab = tiffToStack(decodeTiff(readFileSync(join(isbi, 'train-labels.tif'))));
  raw = img;
  labelsRaw = lab.data;
  source = 'ISBI 2012 train-volume (30 x 512²)';
} else {
  const s = syntheticEM({ count: 8, width: 512, height: 512, seed: 1 });
  raw = { data: s.images, width: 512, height: 512, count: 8 };
  labelsRaw = s.labels;
  source = 'syntheticEM (8 x 512², ISBI data absent)';
}
const { width, height, count } = raw;
const images = prepareImages(raw.data as Uint8Array, width, height, count);
const labels = prepareLabels(labelsRaw as Uint8Array, 2);
const train = Array.from({ length: count }, (_, i) => i);
const options: PoolBatchOptions = {
  tile: { inputSize: TILE, outputSize: TILE },
  augment: { ...defaultAugmentConfig },
  weights: {},
};
const plan = trainerPlan({ train, seed: SEED, batchSize: BATCH });

await initBackend('wasm');
const model = buildUNet({ inputSize: TILE, depth: 4, baseFilters: 16, padding: 'same' });
const optimizer = tf.train.adam(1e-3);

async function step(b: Batch): Promise<void> {
  const x = tf.tensor4d(b.images, [BATCH, TILE, TILE, 1]);
  const y = tf.tensor3d(b.labels, [BATCH, TILE, TILE], 'int32');
  const w = tf.tensor3d(b.weights, [BATCH, TILE, TILE]);
  const loss = optimizer.minimize(
    () => weightedCrossEntropy(model.apply(x, { training: true }) as tf.Tensor4D, y, w),
    true,
  );
  await loss!.data();
  tf.dispose([x, y, w, loss!]);
}

const median = (a: number[]): number => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)]!;

function inlineBatch(k: number): Batch {
  const { indices, seed } = plan(0, k);
  return makeBatch(
    { data: images, width, height, count },
    labels,
    indices,
    options.tile,
    options.augment,
    options.weights,
    seed,
  );
}

// Warm-up (kernel compilation, first allocations).
await step(inlineBatch(0));

// 1. Inline: the training thread makes each batch itself.
const batchMs: number[] = [];
const inlineStepMs: number[] = [];
for (let k = 0; k < STEPS; k++) {
  const t0 = performance.now();
  const b = inlineBatch(k);
  const t1 = performance.now();
  await step(b);
  batchMs.push(t1 - t0);
  inlineStepMs.push(performance.now() - t0);
}

// 2. Pool: batches come from worker threads, prefetched.
const dir = mkdtempSync(join(tmpdir(), 'unet-wasm-bench-'));
const entry = join(dir, 'node-entry.mjs');
await build({
  entryPoints: ['workers/node-entry.ts'],
  outfile: entry,
  bundle: true,
  platform: 'node',
  format: 'esm',
  logLevel: 'error',
});
const pool = createNodeBatchPool<Batch & Record<string, unknown>>({
  stack: { images, labels, shape: [count, height, width] },
  batchOptions: options,
  plan,
  stepsPerEpoch: 1000,
  workers: WORKERS,
  workerUrl: new URL(`file://${entry}`),
});
await pool.ready();
await pool.batch(0, 0); // start the pipeline, as a trainer would at the first step
const poolStepMs: number[] = [];
const waitMs: number[] = [];
let total = 0;
let waited = 0;
for (let k = 1; k <= STEPS; k++) {
  const t0 = performance.now();
  const b = await pool.batch(0, k);
  const t1 = performance.now();
  await step(b);
  const t2 = performance.now();
  waitMs.push(t1 - t0);
  poolStepMs.push(t2 - t0);
  total += t2 - t0;
  waited += t1 - t0;
}
await pool.close();

console.log(
  `\nworker pool benchmark: ${source}; tile ${TILE}, batch ${BATCH}, full augmentation + weight map;`,
);
console.log(
  `training step: tfjs 'wasm', U-Net base 16 depth 4 same; ${STEPS} steps; ${WORKERS} worker(s); ${availableParallelism()} cores\n`,
);
console.log('| measure | median ms |');
console.log('| --- | ---: |');
console.log(`| makeBatch inline (one batch of ${BATCH}) | ${median(batchMs).toFixed(1)} |`);
console.log(`| step, batches inline (batch + train) | ${median(inlineStepMs).toFixed(1)} |`);
console.log(`| step, batches from the pool (wait + train) | ${median(poolStepMs).toFixed(1)} |`);
console.log(`| wait for a batch from the pool | ${median(waitMs).toFixed(2)} |`);
console.log(
  `\nshare of step time spent waiting for data: inline ${((100 * batchMs.reduce((a, b) => a + b, 0)) / inlineStepMs.reduce((a, b) => a + b, 0)).toFixed(1)} %, ` +
    `pool ${((100 * waited) / total).toFixed(1)} %; pool stats: ${JSON.stringify(pool.stats())}`,
);
model.dispose();
optimizer.dispose();
