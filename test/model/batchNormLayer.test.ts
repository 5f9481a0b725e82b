// UNetBatchNorm: the fused 'wasm' training kernels against the float64 oracle
// (src/backend/reference/batchNorm.ts), and the layer against
// tfjs-layers' stock BatchNormalization on 'cpu' (forward, dx, dgamma, dbeta, moving statistics),
// fallback, tensor leaks, serialisation and a short training run.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, registerWasmKernels, unregisterWasmKernels } from '../../src/backend/index.js';
import { batchNormTrainBackward, batchNormTrainForward } from '../../src/kernels/nnBatchNorm.js';
import { NnKernelError } from '../../src/kernels/nn.js';
import {
  buildUNet,
  fusedBatchNormAvailable,
  isBatchNormLayer,
  UNetBatchNorm,
  unetBatchNorm,
} from '../../src/model/index.js';
import { filesToArtifacts, modelToFiles } from '../../src/train/index.js';
import { Rng } from '../../src/random/index.js';
import { expectFlatTensorCount } from './flatTensorCount.js';
import { rand, relErr } from './arrays.js';
import { batchNormTrainRef } from '../../src/backend/reference/batchNorm.js';

type BnArgs = NonNullable<Parameters<typeof tfl.layers.batchNormalization>[0]>;

beforeAll(async () => {
  await initBackend('wasm');
});

describe('nnBatchNorm kernels', () => {
  const shapes: [number, number][] = [
    [1, 1],
    [1, 5],
    [7, 3],
    [130, 4],
    [333, 7],
    [1000, 16],
    [257, 33],
    [64, 2],
  ];
  for (const [i, [n, c]] of shapes.entries())
    for (const relu of [false, true])
      it(`forward and backward match a float64 oracle: n=${n} c=${c}${relu ? ', relu' : ''}`, () => {
        const rng = new Rng(500 + i);
        // An offset mean checks that the variance does not suffer from cancellation.
        const x = rand(rng, n * c, 2, 4);
        const gamma = rand(rng, c, 0.5, 1.5);
        const beta = rand(rng, c);
        const dy = rand(rng, n * c);
        const eps = 1e-3;
        const want = batchNormTrainRef(x, gamma, beta, dy, n, c, eps, relu);
        const f = {
          y: new Float32Array(n * c),
          mean: new Float32Array(c),
          variance: new Float32Array(c),
          invstd: new Float32Array(c),
        };
        batchNormTrainForward(x, gamma, beta, n, c, eps, f, relu);
        expect(relErr(f.y, want.y)).toBeLessThan(1e-5);
        if (relu) {
          expect(f.y.every((v) => v >= 0)).toBe(true);
          // Both signs occur, so the mask matters.
          expect(f.y.some((v) => v === 0) || n * c < 4).toBe(true);
        }
        expect(relErr(f.mean, want.mean)).toBeLessThan(1e-6);
        expect(relErr(f.variance, want.variance, 1e-3)).toBeLessThan(1e-5);
        const b = { dx: new Float32Array(n * c), dgamma: new Float32Array(c), dbeta: new Float32Array(c) };
        batchNormTrainBackward(dy, x, f.mean, f.invstd, gamma, n, c, b, relu ? f.y : undefined);
        expect(relErr(b.dbeta, want.dbeta, 1e-3)).toBeLessThan(1e-5);
        expect(relErr(b.dgamma, want.dgamma, 1e-3)).toBeLessThan(1e-4);
        expect(relErr(b.dx, want.dx, want.dxScale)).toBeLessThan(1e-5);
      });

  it('rejects bad sizes with NnKernelError', () => {
    const o = {
      y: new Float32Array(4),
      mean: new Float32Array(2),
      variance: new Float32Array(2),
      invstd: new Float32Array(2),
    };
    const g = new Float32Array(2);
    expect(() => batchNormTrainForward(new Float32Array(4), g, g, 2, 2, -1, o)).toThrow(NnKernelError);
    expect(() => batchNormTrainForward(new Float32Array(3), g, g, 2, 2, 1e-3, o)).toThrow(NnKernelError);
    expect(() => batchNormTrainForward(new Float32Array(4), g, g, 0, 2, 1e-3, o)).toThrow(NnKernelError);
    expect(() => batchNormTrainForward(new Float32Array(4), g, g, 4, 1, 1e-3, o)).toThrow(NnKernelError);
    const b = { dx: new Float32Array(4), dgamma: new Float32Array(2), dbeta: new Float32Array(3) };
    expect(() => batchNormTrainBackward(new Float32Array(4), new Float32Array(4), g, g, g, 2, 2, b)).toThrow(
      NnKernelError,
    );
  });
});

describe('UNetBatchNormTrain kernel: moving averages', () => {
  it('updates them as tfjs-layers does, bit for bit, and rejects half or momentum-less input', async () => {
    await tf.setBackend('wasm');
    const rng = new Rng(31);
    const c = 13;
    const x = tf.tensor(rand(rng, 6 * c, -2, 5), [2, 3, c]);
    const gamma = tf.tensor1d(rand(rng, c, 0.5, 1.5));
    const beta = tf.tensor1d(rand(rng, c));
    const movingMean = tf.tensor1d(rand(rng, c));
    const movingVariance = tf.tensor1d(rand(rng, c, 0.5, 2));
    const momentum = 0.83;
    const out = tf
      .engine()
      .runKernel(
        'UNetBatchNormTrain',
        { x, gamma, beta, movingMean, movingVariance },
        { epsilon: 1e-3, relu: false, momentum },
      ) as tf.Tensor[];
    expect(out.length).toBe(6);
    const decay = 1 - momentum;
    const stockUpdate = (m: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.sub(m, tf.mul(tf.sub(m, b), decay));
    const wantMean = stockUpdate(movingMean, out[1]!);
    const wantVariance = stockUpdate(movingVariance, out[2]!);
    expect(Array.from(out[4]!.dataSync())).toEqual(Array.from(wantMean.dataSync()));
    expect(Array.from(out[5]!.dataSync())).toEqual(Array.from(wantVariance.dataSync()));
    // Without moving inputs: the four outputs of before.
    const plain = tf
      .engine()
      .runKernel('UNetBatchNormTrain', { x, gamma, beta }, { epsilon: 1e-3 }) as tf.Tensor[];
    expect(plain.length).toBe(4);
    expect(Array.from(plain[0]!.dataSync())).toEqual(Array.from(out[0]!.dataSync()));
    const short = tf.tensor1d([1, 2, 3]);
    const run = (inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>) => () =>
      tf.engine().runKernel('UNetBatchNormTrain', { x, gamma, beta, ...inputs }, attrs as tf.NamedAttrMap);
    expect(run({ movingMean }, { epsilon: 1e-3, momentum })).toThrow(/go together/);
    expect(run({ movingMean, movingVariance }, { epsilon: 1e-3 })).toThrow(/finite momentum/);
    expect(run({ movingMean: short, movingVariance }, { epsilon: 1e-3, momentum })).toThrow(/movingMean/);
    tf.dispose([x, gamma, beta, short, movingMean, movingVariance, wantMean, wantVariance, ...out, ...plain]);
  });
});

interface LayerRun {
  y: Float32Array;
  dx: Float32Array;
  dgamma: Float32Array;
  dbeta: Float32Array;
  movingMean: Float32Array;
  movingVariance: Float32Array;
}

/** One training-mode call of a batch-norm layer on `backend` with the loss Σ y·w. */
async function runLayer(
  backend: string,
  make: (args: BnArgs) => tfl.layers.Layer,
  shape: number[],
  seed: number,
): Promise<LayerRun> {
  await tf.setBackend(backend);
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const c = shape[shape.length - 1]!;
  const layer = make({ momentum: 0.7, epsilon: 1e-3 });
  const x = tf.tensor(rand(rng, size, -1, 3), shape);
  layer.apply(x, { training: false });
  layer.setWeights([
    tf.tensor1d(rand(rng, c, 0.5, 1.5)),
    tf.tensor1d(rand(rng, c)),
    tf.tensor1d(rand(rng, c)),
    tf.tensor1d(rand(rng, c, 0.5, 2)),
  ]);
  const w = tf.tensor(rand(rng, size), shape);
  const vars = layer.trainableWeights.map((v) => v.read() as tf.Variable);
  const before = tf.memory().numTensors;
  const { value, grads } = tf.variableGrads(() => {
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    return tf.sum(tf.mul(y, w)) as tf.Scalar;
  }, vars);
  const dx = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(layer.apply(xi, { training: true }) as tf.Tensor, w)))(
    x,
  );
  const y = layer.apply(x, { training: true }) as tf.Tensor;
  const out: LayerRun = {
    y: (await y.data()) as Float32Array,
    dx: (await dx.data()) as Float32Array,
    dgamma: (await grads[vars[0]!.name]!.data()) as Float32Array,
    dbeta: (await grads[vars[1]!.name]!.data()) as Float32Array,
    movingMean: new Float32Array(0),
    movingVariance: new Float32Array(0),
  };
  tf.dispose([value, y, dx, ...Object.values(grads)]);
  // 3 training calls have updated the moving statistics; no tensor is left behind.
  expect(tf.memory().numTensors).toBe(before);
  const ws = layer.getWeights();
  out.movingMean = (await ws[2]!.data()) as Float32Array;
  out.movingVariance = (await ws[3]!.data()) as Float32Array;
  tf.dispose([x, w]);
  layer.dispose();
  return out;
}

const stock = (a: BnArgs): tfl.layers.Layer => tfl.layers.batchNormalization(a);
const ours = (a: BnArgs): tfl.layers.Layer => unetBatchNorm(a);
const oursRelu = (a: BnArgs): tfl.layers.Layer => unetBatchNorm({ ...a, relu: true });
/** The stock layer followed by a ReLU layer, for inputs of `shape`. */
const stockRelu =
  (shape: number[]) =>
  (a: BnArgs): tfl.layers.Layer =>
    tfl.sequential({
      layers: [tfl.layers.batchNormalization({ ...a, inputShape: shape.slice(1) }), tfl.layers.reLU()],
    });

describe('UNetBatchNorm layer', () => {
  const shapes = [
    [1, 5, 7, 3],
    [2, 6, 4, 16],
    [3, 4, 5, 6],
    [2, 3, 3, 1],
    [1, 9, 8, 13],
    [4, 8, 8, 32],
  ];
  for (const [i, shape] of shapes.entries())
    for (const relu of [false, true]) {
      const name = relu ? 'the stock layer + ReLU' : 'the stock layer';
      it(`fused 'wasm' training matches ${name} on 'cpu': [${shape}]`, async () => {
        const want = await runLayer('cpu', relu ? stockRelu(shape) : stock, shape, 900 + i);
        await tf.setBackend('wasm');
        expect(fusedBatchNormAvailable()).toBe(true);
        const got = await runLayer('wasm', relu ? oursRelu : ours, shape, 900 + i);
        if (relu) {
          // Both sides of the ReLU occur.
          expect(got.y.some((v) => v === 0)).toBe(true);
          expect(got.y.some((v) => v > 0)).toBe(true);
        }
        expect(relErr(got.y, want.y)).toBeLessThan(1e-5);
        expect(relErr(got.dx, want.dx, 1e-3)).toBeLessThan(2e-4);
        expect(relErr(got.dgamma, want.dgamma, 1e-3)).toBeLessThan(2e-4);
        expect(relErr(got.dbeta, want.dbeta)).toBeLessThan(1e-5);
        expect(relErr(got.movingMean, want.movingMean)).toBeLessThan(1e-5);
        expect(relErr(got.movingVariance, want.movingVariance)).toBeLessThan(1e-5);
      });
    }

  it('falls back to the stock path on cpu and on wasm without the kernels', async () => {
    const shape = [2, 5, 3, 5];
    const want = await runLayer('cpu', stock, shape, 77);
    const cpu = await runLayer('cpu', ours, shape, 77);
    expect(Array.from(cpu.y)).toEqual(Array.from(want.y));
    expect(Array.from(cpu.dx)).toEqual(Array.from(want.dx));
    const wantRelu = await runLayer('cpu', stockRelu(shape), shape, 77);
    const cpuRelu = await runLayer('cpu', oursRelu, shape, 77);
    expect(Array.from(cpuRelu.y)).toEqual(Array.from(wantRelu.y));
    expect(Array.from(cpuRelu.dx)).toEqual(Array.from(wantRelu.dx));
    expect(cpuRelu.y.some((v) => v === 0)).toBe(true);
    await tf.setBackend('wasm');
    unregisterWasmKernels(['UNetBatchNormTrain', 'UNetBatchNormTrainGrad']);
    try {
      expect(fusedBatchNormAvailable()).toBe(false);
      const wasmStock = await runLayer('wasm', ours, shape, 77);
      expect(relErr(wasmStock.dgamma, want.dgamma, 1e-3)).toBeLessThan(2e-4);
    } finally {
      registerWasmKernels(['UNetBatchNormTrain', 'UNetBatchNormTrainGrad']);
    }
    expect(fusedBatchNormAvailable()).toBe(true);
  });

  it('keeps the tensor count flat across training steps of a U-Net', async () => {
    await tf.setBackend('wasm');
    const model = buildUNet({ depth: 2, baseFilters: 4, batchNorm: true, inputSize: 16, seed: 4 });
    expect(model.layers.filter((l) => l instanceof UNetBatchNorm).length).toBe(10);
    expectFlatTensorCount(model, 16);
    model.dispose();
  });
});

/**
 * The U-Net of depth 1 as buildUNet made it before the ReLU moved into UNetBatchNorm: conv, stock
 * BatchNormalization, a ReLU layer (the topology of older checkpoints).
 */
function legacyBatchNormUNet(): tfl.LayersModel {
  let seed = 40;
  const conv = (x: tfl.SymbolicTensor, filters: number, name: string): tfl.SymbolicTensor => {
    const c = tfl.layers
      .conv2d({
        filters,
        kernelSize: 3,
        padding: 'same',
        useBias: false,
        kernelInitializer: tfl.initializers.heNormal({ seed: seed++ }),
        name,
      })
      .apply(x) as tfl.SymbolicTensor;
    const b = tfl.layers.batchNormalization({ axis: -1, name: `${name}_bn` }).apply(c) as tfl.SymbolicTensor;
    return tfl.layers.reLU({ name: `${name}_relu` }).apply(b) as tfl.SymbolicTensor;
  };
  const input = tfl.input({ shape: [null, null, 1], name: 'image' });
  const skip = conv(conv(input, 3, 'down0_conv1'), 3, 'down0_conv2');
  let x = tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(skip) as tfl.SymbolicTensor;
  x = conv(conv(x, 6, 'bottom_conv1'), 6, 'bottom_conv2');
  x = tfl.layers.conv2dTranspose({ filters: 3, kernelSize: 2, strides: 2 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.concatenate().apply([skip, x]) as tfl.SymbolicTensor;
  x = conv(conv(x, 3, 'up0_conv1'), 3, 'up0_conv2');
  const out = tfl.layers.conv2d({ filters: 2, kernelSize: 1, activation: 'softmax' }).apply(x);
  return tfl.model({ inputs: input, outputs: out as tfl.SymbolicTensor });
}

describe('UNetBatchNorm serialisation', () => {
  const bytes = (json: string, weights: Uint8Array): Record<string, Uint8Array> => ({
    'model.json': new TextEncoder().encode(json),
    'weights.bin': weights,
  });

  it('round-trips through model.json with the fused ReLU', async () => {
    await tf.setBackend('wasm');
    const a = buildUNet({ inputSize: null, depth: 1, baseFilters: 3, batchNorm: true, seed: 5 });
    expect(a.layers.some((l) => l.getClassName() === 'ReLU')).toBe(false);
    // Non-trivial moving statistics.
    const xs = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 3);
    tf.tidy(() => void a.apply(xs, { training: true }));
    const files = await modelToFiles(a);
    const json = files['model.json'];
    expect(json).toContain('"UNetBatchNorm"');
    expect(json).toContain('"relu":true');
    expect(json).not.toContain('"BatchNormalization"');
    const want = await (a.predict(xs) as tf.Tensor).data();
    const b = await tfl.loadLayersModel(
      tf.io.fromMemory(filesToArtifacts(bytes(json, files['weights.bin']))),
    );
    const bns = b.layers.filter((l): l is UNetBatchNorm => l instanceof UNetBatchNorm);
    expect(bns.length).toBe(6);
    expect(bns.every((l) => l.relu)).toBe(true);
    expect(Array.from(await (b.predict(xs) as tf.Tensor).data())).toEqual(Array.from(want));
    xs.dispose();
    [a, b].forEach((m) => m.dispose());
  });

  it('loads older checkpoints: stock BatchNormalization or UNetBatchNorm, then a ReLU layer', async () => {
    await tf.setBackend('wasm');
    const a = legacyBatchNormUNet();
    const xs = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 3);
    tf.tidy(() => void a.apply(xs, { training: true }));
    const want = Array.from(await (a.predict(xs) as tf.Tensor).data());
    const files = await modelToFiles(a);
    const json = files['model.json'];
    expect(json).toContain('"BatchNormalization"');
    for (const [text, cls] of [
      [json, 'BatchNormalization'],
      [json.replaceAll('"BatchNormalization"', '"UNetBatchNorm"'), 'UNetBatchNorm'],
    ] as const) {
      const m = await tfl.loadLayersModel(
        tf.io.fromMemory(filesToArtifacts(bytes(text, files['weights.bin']))),
      );
      const bns = m.layers.filter((l) => isBatchNormLayer(l));
      expect(bns.length).toBe(6);
      expect(bns.every((l) => l.getClassName() === cls)).toBe(true);
      expect(bns.every((l) => !(l instanceof UNetBatchNorm) || !l.relu)).toBe(true);
      expect(m.layers.filter((l) => l.getClassName() === 'ReLU').length).toBe(6);
      expect(Array.from(await (m.predict(xs) as tf.Tensor).data())).toEqual(want);
      m.dispose();
    }
    xs.dispose();
    a.dispose();
  });
});

describe('UNetBatchNorm training', () => {
  it('a short Adam run gives the same losses fused and stock', async () => {
    await tf.setBackend('wasm');
    const train = (fused: boolean): number[] => {
      if (!fused) unregisterWasmKernels(['UNetBatchNormTrain', 'UNetBatchNormTrainGrad']);
      try {
        const model = buildUNet({ depth: 2, baseFilters: 4, batchNorm: true, inputSize: 16, seed: 8 });
        const opt = tf.train.adam(1e-2);
        const x = tf.randomUniform([2, 16, 16, 1], 0, 1, 'float32', 5);
        const t = tf.oneHot(tf.cast(tf.greater(tf.squeeze(x, [3]), 0.5), 'int32'), 2);
        const losses: number[] = [];
        for (let k = 0; k < 8; k++) {
          const loss = opt.minimize(
            () => tf.losses.softmaxCrossEntropy(t, model.apply(x, { training: true }) as tf.Tensor),
            true,
          )!;
          losses.push(loss.dataSync()[0]!);
          loss.dispose();
        }
        tf.dispose([x, t]);
        opt.dispose();
        model.dispose();
        return losses;
      } finally {
        if (!fused) registerWasmKernels(['UNetBatchNormTrain', 'UNetBatchNormTrainGrad']);
      }
    };
    const a = train(true);
    const b = train(false);
    expect(a[7]!).toBeLessThan(a[0]!);
    for (let k = 0; k < a.length; k++)
      expect(Math.abs(a[k]! - b[k]!)).toBeLessThan(1e-3 * Math.max(1, b[k]!));
  });
});
