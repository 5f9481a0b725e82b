// Batch-norm cost on 'wasm' (npx vite-node bench/batchNorm.bench.ts [-- --size 128 --batch 2 --steps 6]).
//
// A/B in one process, rounds interleaved so that load changes hit every variant alike:
//   - U-Net training step (base 16, depth 4, same padding, fused Adam) without BN, with BN through
//     the fused UNetBatchNormTrain/Grad kernels, and with BN through tfjs's composed path (our
//     kernels unregistered, the UNetBatchNorm layer then runs the stock BatchNormalization code);
//   - one batch-norm layer, training forward + backward, on the largest BN shape of that U-Net.
// Prints median wall ms and median process CPU ms (steadier under load) as markdown tables.
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernels, unregisterWasmKernels } from '../src/backend/index.js';
import { initNodeBackend } from '../src/node/backend.js';
import { buildUNet, unetBatchNorm } from '../src/model/index.js';
import { weightedCrossEntropy } from '../src/train/loss.js';
import { FusedAdamOptimizer } from '../src/train/fusedAdam.js';

const BN_KERNELS = ['UNetBatchNormTrain', 'UNetBatchNormTrainGrad'] as const;

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Variant {
  label: string;
  fused: boolean;
  run: () => void;
  wall: number[];
  cpu: number[];
}

function timeOnce(v: Variant): void {
  if (v.fused) registerWasmKernels([...BN_KERNELS]);
  else unregisterWasmKernels([...BN_KERNELS]);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  v.run();
  v.wall.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  v.cpu.push((c.user + c.system) / 1000);
}

function table(title: string, vs: Variant[], base: number): void {
  console.log(`\n#### ${title}\n`);
  console.log('| variant | ms (median wall) | CPU ms (median) | wall ratio to first |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const v of vs) {
    console.log(
      `| ${v.label} | ${median(v.wall).toFixed(1)} | ${median(v.cpu).toFixed(1)} | ${(median(v.wall) / base).toFixed(2)} |`,
    );
  }
}

function stepOf(size: number, batch: number, bn: boolean): { run: () => void; dispose: () => void } {
  const model = buildUNet({
    inputSize: size,
    baseFilters: 16,
    depth: 4,
    batchNorm: bn,
    padding: 'same',
    seed: 1,
  });
  const x = tf.randomNormal([batch, size, size, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
  const labels = tf.randomUniform([batch, size, size], 0, 2, 'int32', 2) as tf.Tensor3D;
  const weights = tf.randomUniform([batch, size, size], 0.5, 2, 'float32', 3) as tf.Tensor3D;
  const opt = new FusedAdamOptimizer(1e-3);
  return {
    run: () => {
      const loss = opt.minimize(
        () => weightedCrossEntropy(model.apply(x, { training: true }) as tf.Tensor4D, labels, weights),
        true,
      );
      loss!.dataSync();
      loss!.dispose();
    },
    dispose: () => {
      model.dispose();
      opt.dispose();
      tf.dispose([x, labels, weights]);
    },
  };
}

function layerOf(shape: number[]): { run: () => void; dispose: () => void } {
  const layer = unetBatchNorm({ momentum: 0.9 });
  const x = tf.variable(tf.randomNormal(shape, 0, 1, 'float32', 4));
  const w = tf.randomNormal(shape, 0, 1, 'float32', 5);
  tf.tidy(() => void layer.apply(x));
  // dx, dgamma and dbeta from one backward pass.
  const vars = [x, ...layer.trainableWeights.map((v) => v.read() as tf.Variable)];
  return {
    run: () => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, w)) as tf.Scalar,
        vars,
      );
      value.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    },
    dispose: () => {
      layer.dispose();
      tf.dispose([x, w]);
    },
  };
}

async function main(): Promise<void> {
  const size = arg('size', 128);
  const batch = arg('batch', 2);
  const steps = arg('steps', 6);
  await initNodeBackend('wasm');
  console.log(
    `### Batch norm on tfjs-wasm: ${size}×${size}, batch ${batch}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  const noBn = stepOf(size, batch, false);
  const bn = stepOf(size, batch, true);
  const steps3: Variant[] = [
    { label: 'U-Net step, no BN', fused: true, run: noBn.run, wall: [], cpu: [] },
    { label: 'U-Net step, BN fused (UNetBatchNorm kernels)', fused: true, run: bn.run, wall: [], cpu: [] },
    { label: 'U-Net step, BN composed (stock tfjs path)', fused: false, run: bn.run, wall: [], cpu: [] },
  ];
  for (const v of steps3) for (let i = 0; i < 2; i++) timeOnce(v); // warm-up
  for (const v of steps3) v.wall.length = v.cpu.length = 0;
  for (let r = 0; r < steps; r++) for (const v of steps3) timeOnce(v);
  table(
    `Training step (base 16, depth 4, same padding, fused Adam), median of ${steps}`,
    steps3,
    median(steps3[0]!.wall),
  );
  const over = (v: Variant): number => median(v.wall) - median(steps3[0]!.wall);
  console.log(
    `\nBN overhead over no-BN (wall): fused ${over(steps3[1]!).toFixed(0)} ms, composed ${over(steps3[2]!).toFixed(0)} ms`,
  );
  noBn.dispose();
  bn.dispose();

  const shape = [batch, size, size, 16];
  const layer = layerOf(shape);
  const one: Variant[] = [
    { label: `BN layer fwd+bwd [${shape}], fused`, fused: true, run: layer.run, wall: [], cpu: [] },
    { label: `BN layer fwd+bwd [${shape}], composed`, fused: false, run: layer.run, wall: [], cpu: [] },
  ];
  for (const v of one) for (let i = 0; i < 2; i++) timeOnce(v);
  for (const v of one) v.wall.length = v.cpu.length = 0;
  for (let r = 0; r < 3 * steps; r++) for (const v of one) timeOnce(v);
  table(
    `One batch-norm layer, training forward + backward, median of ${3 * steps}`,
    one,
    median(one[0]!.wall),
  );
  layer.dispose();
  registerWasmKernels([...BN_KERNELS]);
}

void main();
