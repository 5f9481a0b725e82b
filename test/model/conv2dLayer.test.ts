// UNetConv2D: the 'wasm' UNetConv2D kernel path against tfjs-layers' stock Conv2D (+ ReLU layer)
// on 'cpu' (forward, input, filter and bias gradients), the lazy input gradient, the fallback,
// serialisation and tensor leaks.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, registerWasmKernels, unregisterWasmKernels } from '../../src/backend/index.js';
import { buildUNet, readUNetOptions, UNetConv2D, unetConv2d } from '../../src/model/index.js';
import { filesToArtifacts, modelToFiles } from '../../src/train/index.js';
import { Rng } from '../../src/random/index.js';
import { expectFlatTensorCount } from './flatTensorCount.js';
import { rand, relErr } from './arrays.js';

type ConvArgs = Parameters<typeof tfl.layers.conv2d>[0];

interface Run {
  y: Float32Array;
  dx: Float32Array;
  grads: Float32Array[];
}

/** A training-mode call of `make(args)` (then a ReLU layer when `relu`) with the loss Σ y·w. */
async function runConv(
  backend: string,
  make: (a: ConvArgs) => tfl.layers.Layer,
  args: ConvArgs,
  relu: boolean,
  xShape: number[],
  seed: number,
): Promise<Run> {
  await tf.setBackend(backend);
  const rng = new Rng(seed);
  const inputs = tfl.input({ shape: xShape.slice(1) });
  let out = make(args).apply(inputs) as tfl.SymbolicTensor;
  if (relu) out = tfl.layers.reLU().apply(out) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs, outputs: out });
  model.setWeights(model.getWeights().map((w) => tf.tensor(rand(rng, w.size), w.shape)));
  const x = tf.tensor(
    rand(
      rng,
      xShape.reduce((a, b) => a * b, 1),
      -1,
      2,
    ),
    xShape,
  );
  const y = model.apply(x, { training: true }) as tf.Tensor;
  const w = tf.tensor(rand(rng, y.size), y.shape);
  const vars = model.trainableWeights.map((v) => v.read() as tf.Variable);
  const before = tf.memory().numTensors;
  const { value, grads } = tf.variableGrads(
    () => tf.sum(tf.mul(model.apply(x, { training: true }) as tf.Tensor, w)) as tf.Scalar,
    vars,
  );
  const dx = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(model.apply(xi, { training: true }) as tf.Tensor, w)))(
    x,
  );
  const r: Run = {
    y: (await y.data()) as Float32Array,
    dx: (await dx.data()) as Float32Array,
    grads: await Promise.all(vars.map(async (v) => (await grads[v.name]!.data()) as Float32Array)),
  };
  tf.dispose([value, dx, ...Object.values(grads)]);
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([x, y, w]);
  model.dispose();
  return r;
}

const stock = (a: ConvArgs): tfl.layers.Layer => tfl.layers.conv2d(a);
const ours = (a: ConvArgs): tfl.layers.Layer => unetConv2d(a);

beforeAll(async () => {
  await initBackend('wasm');
});

describe('UNetConv2D layer', () => {
  const cases: [string, ConvArgs, number[]][] = [
    [
      '3×3 same, bias, relu',
      { filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' },
      [2, 9, 7, 3],
    ],
    [
      '3×3 valid, bias, relu',
      { filters: 5, kernelSize: 3, padding: 'valid', activation: 'relu' },
      [2, 10, 11, 4],
    ],
    [
      '3×3 same, no bias, linear',
      { filters: 6, kernelSize: 3, padding: 'same', useBias: false, activation: 'linear' },
      [3, 8, 8, 2],
    ],
    [
      '3×3 same, stride 2, relu',
      { filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
      [2, 9, 9, 5],
    ],
    [
      '1×1 valid, relu, one input channel',
      { filters: 16, kernelSize: 1, padding: 'valid', activation: 'relu' },
      [2, 6, 5, 1],
    ],
  ];
  for (const [i, [name, args, xShape]] of cases.entries()) {
    it(`on 'wasm' matches the stock Conv2D (+ ReLU layer) on 'cpu': ${name}`, async () => {
      const relu = args.activation === 'relu';
      const stockArgs = { ...args, activation: 'linear' as const };
      const want = await runConv('cpu', stock, stockArgs, relu, xShape, 700 + i);
      const got = await runConv('wasm', ours, args, false, xShape, 700 + i);
      expect(relErr(got.y, want.y)).toBeLessThan(1e-5);
      if (relu) {
        expect(got.y.some((v) => v === 0)).toBe(true);
        expect(got.y.some((v) => v > 0)).toBe(true);
      }
      expect(relErr(got.dx, want.dx)).toBeLessThan(1e-5);
      expect(got.grads.length).toBe(want.grads.length);
      for (let k = 0; k < got.grads.length; k++)
        expect(relErr(got.grads[k]!, want.grads[k]!)).toBeLessThan(1e-5);
    });
  }

  it('computes no input gradient for a layer that reads the image', async () => {
    await tf.setBackend('wasm');
    const backpropInputs = async (make: (a: ConvArgs) => tfl.layers.Layer): Promise<number> => {
      const inputs = tfl.input({ shape: [8, 8, 1] });
      const h = make({ filters: 4, kernelSize: 3, padding: 'same' }).apply(inputs);
      const out = make({ filters: 2, kernelSize: 3, padding: 'same' }).apply(h as tfl.SymbolicTensor);
      const model = tfl.model({ inputs, outputs: out as tfl.SymbolicTensor });
      const x = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 1);
      const info = await tf.profile(() => {
        const { value, grads } = tf.variableGrads(() =>
          tf.sum(model.apply(x, { training: true }) as tf.Tensor),
        );
        tf.dispose([value, ...Object.values(grads)]);
      });
      x.dispose();
      model.dispose();
      return info.kernels.filter((k) => k.name === 'Conv2DBackpropInput').length;
    };
    // Stock (fused.conv2d's eager gradient, as for the convs of a batch-norm U-Net): one for the
    // second layer's input and a wasted one for the image.
    expect(await backpropInputs(stock)).toBe(2);
    expect(await backpropInputs(ours)).toBe(1);
  });

  it('falls back to the stock path on cpu and on wasm without the kernel', async () => {
    const args: ConvArgs = { filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' };
    const xShape = [2, 5, 6, 2];
    const want = await runConv('cpu', stock, args, false, xShape, 71);
    const cpu = await runConv('cpu', ours, args, false, xShape, 71);
    expect(Array.from(cpu.y)).toEqual(Array.from(want.y));
    expect(Array.from(cpu.dx)).toEqual(Array.from(want.dx));
    await tf.setBackend('wasm');
    unregisterWasmKernels(['UNetConv2D']);
    try {
      const wasmStock = await runConv('wasm', ours, args, false, xShape, 71);
      expect(relErr(wasmStock.dx, want.dx)).toBeLessThan(1e-5);
    } finally {
      registerWasmKernels(['UNetConv2D']);
    }
  });

  it('keeps the tensor count flat across training steps of a U-Net without batch norm', async () => {
    await tf.setBackend('wasm');
    const model = buildUNet({ depth: 2, baseFilters: 4, inputSize: 16, seed: 4 });
    expect(model.layers.filter((l) => l instanceof UNetConv2D).length).toBe(10);
    expect(model.layers.filter((l) => l.getClassName() === 'ReLU').length).toBe(0);
    expectFlatTensorCount(model, 16);
    model.dispose();
  });

  it('round-trips through model.json; older checkpoints with Conv2D + ReLU layers still load', async () => {
    await tf.setBackend('wasm');
    const a = buildUNet({ inputSize: null, depth: 1, baseFilters: 3, seed: 5 });
    const xs = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 3);
    const files = await modelToFiles(a);
    const json = files['model.json'];
    expect(json).toContain('"UNetConv2D"');
    const want = Array.from(await (a.predict(xs) as tf.Tensor).data());
    const load = (j: string) =>
      tfl.loadLayersModel(
        tf.io.fromMemory(
          filesToArtifacts({
            'model.json': new TextEncoder().encode(j),
            'weights.bin': files['weights.bin'],
          }),
        ),
      );
    const b = await load(json);
    expect(b.layers.filter((l) => l instanceof UNetConv2D).length).toBe(6);
    expect(Array.from(await (b.predict(xs) as tf.Tensor).data())).toEqual(want);
    // The stock class with the same config: what a checkpoint of the stock layer holds.
    const c = await load(json.replaceAll('"UNetConv2D"', '"Conv2D"'));
    expect(c.layers.some((l) => l instanceof UNetConv2D)).toBe(false);
    expect(Array.from(await (c.predict(xs) as tf.Tensor).data())).toEqual(want);
    expect(readUNetOptions(c)).toEqual(readUNetOptions(a));
    xs.dispose();
    [a, b, c].forEach((m) => m.dispose());
  });
});
