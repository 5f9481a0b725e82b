// Worker pool: does the trainer ever wait for data? Runs the Node trainUNet (threaded tfjs-wasm,
// as the CLI does) on real ISBI slices with full augmentation + weight maps, once per worker
// count (0 = batches made inline on the training thread), and prints per config the median step,
// the median time the training thread spent getting its batch, and the share of step time spent
// waiting for batches. Needs the bundled pool (npm run build:workers).
// Run: npx vite-node bench/workers.bench.ts [-- --steps 12 --warmup 2 --tile 256 --batch 4 --workers 0,1,2]
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { syntheticEM } from '../src/data/index.js';
import { decodeTiff, tiffToStack } from '../src/tiff/index.js';
import type { StackInput } from '../src/train/index.js';
import { trainUNet } from '../src/node/trainUNet.js';

const argv = process.argv.slice(2);
const arg = (name: string, def: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : def;
};
const STEPS = Number(arg('steps', '12'));
const WARMUP = Number(arg('warmup', '2'));
const TILE = Number(arg('tile', '256'));
const BATCH = Number(arg('batch', '4'));
const FILTERS = Number(arg('filters', '16'));
const DEPTH = Number(arg('depth', '4'));
const WORKERS = arg('workers', '0,1,2').split(',').map(Number);

const isbi = '../shared/data/isbi2012';
let images: StackInput;
let labels: StackInput;
let source: string;
if (existsSync(join(isbi, 'train-volume.tif'))) {
  images = tiffToStack(decodeTiff(readFileSync(join(isbi, 'train-volume.tif')))) as StackInput;
  labels = tiffToStack(decodeTiff(readFileSync(join(isbi, 'train-labels.tif')))) as StackInput;
  source = `ISBI 2012 train-volume (${images.count} x ${images.width}²)`;
} else {
  const s = syntheticEM({ count: 8, width: 512, height: 512, seed: 1 });
  images = { data: s.images, width: 512, height: 512, count: 8 };
  labels = { data: s.labels, width: 512, height: 512, count: 8 };
  source = 'syntheticEM (8 x 512², ISBI data absent)';
}

const median = (a: number[]): number => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)]!;
const sum = (a: number[]): number => a.reduce((p, q) => p + q, 0);

interface Row {
  workers: number;
  stepMs: number;
  batchMs: number;
  share: number;
  cpuMsPerStep: number;
  losses: number[];
  load: string;
}

async function run(workers: number): Promise<Row> {
  const step: number[] = [];
  const batch: number[] = [];
  const losses: number[] = [];
  let cpu0 = 0;
  const load = loadavg()[0]!.toFixed(1);
  const r = await trainUNet({
    images,
    labels,
    validation: 0, // steps only: no validation pass at the epoch end
    epochs: 1,
    stepsPerEpoch: WARMUP + STEPS,
    batchSize: BATCH,
    tileSize: TILE,
    model: { depth: DEPTH, baseFilters: FILTERS },
    seed: 7,
    workers,
    onBatchEnd: (i) => {
      losses.push(i.loss);
      if (i.step === WARMUP - 1) cpu0 = process.cpuUsage().user + process.cpuUsage().system;
      if (i.step < WARMUP) return; // kernel compilation, pool start-up and its first batch
      step.push(i.stepMs);
      batch.push(i.batchMs);
    },
  });
  const cpu = process.cpuUsage().user + process.cpuUsage().system - cpu0;
  r.model.dispose();
  return {
    workers,
    stepMs: median(step),
    batchMs: median(batch),
    share: sum(batch) / sum(step),
    cpuMsPerStep: cpu / 1000 / STEPS,
    losses,
    load: `${load} → ${loadavg()[0]!.toFixed(1)}`,
  };
}

const rows: Row[] = [];
for (const w of WORKERS) rows.push(await run(w));

console.log(
  `\nworker pool benchmark: ${source}; tile ${TILE}, batch ${BATCH}, full augmentation + weight maps;`,
);
console.log(
  `Node trainUNet, tfjs 'wasm' (threaded), U-Net base ${FILTERS} depth ${DEPTH} same; ${STEPS} timed steps after ${WARMUP}; ${availableParallelism()} cores\n`,
);
console.log(
  '| workers | median step ms | median batch wait ms | share of step time waiting for data | process CPU ms / step | load avg (1 min) |',
);
console.log('| ---: | ---: | ---: | ---: | ---: | --- |');
for (const r of rows) {
  console.log(
    `| ${r.workers === 0 ? '0 (inline)' : r.workers} | ${r.stepMs.toFixed(0)} | ${r.batchMs.toFixed(1)} | ${(100 * r.share).toFixed(1)} % | ${r.cpuMsPerStep.toFixed(0)} | ${r.load} |`,
  );
}
// The batches are identical for any worker count (test/workers/trainer.test.ts); the losses of
// large threaded-wasm steps may still differ in the last bits from run to run, inline or not.
const same = rows.every((r) => r.losses.every((l, i) => Object.is(l, rows[0]!.losses[i])));
console.log(`\nloss sequences bit-identical across the runs: ${same ? 'yes' : 'no'}`);
for (const r of rows) console.log(`  ${r.workers} worker(s): ${r.losses.map((l) => l.toFixed(7)).join(' ')}`);
const inline = rows.find((r) => r.workers === 0);
if (inline) {
  for (const r of rows) {
    if (r.workers > 0) {
      console.log(
        `${r.workers} worker(s): step time ${(r.stepMs / inline.stepMs).toFixed(2)}x of inline (median)`,
      );
    }
  }
}
