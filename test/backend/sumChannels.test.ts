// The 'wasm' Sum over every axis but the last (conv bias gradients) against the 'cpu' backend, and
// the stock fallback for other axes; sumRows on its own against a float64 oracle.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// Registers tfjs's gradient functions (tfjs-core alone does not).
import '@tensorflow/tfjs-layers';
import { sumChannelsConfig } from '../../src/backend/kernels/sumChannels.js';
import { initBackend } from '../../src/backend/index.js';
import { sumRows } from '../../src/kernels/nnSum.js';
import { NnKernelError } from '../../src/kernels/nn.js';
import { Rng } from '../../src/random/index.js';

function rand(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1) + 0.25;
  return a;
}

async function sumOn(
  backend: string,
  data: Float32Array,
  shape: number[],
  axis: number[],
  keepDims: boolean,
) {
  await tf.setBackend(backend);
  const t = tf.tidy(() => tf.sum(tf.tensor(data, shape), axis, keepDims));
  const out = { shape: t.shape, data: (await t.data()) as Float32Array };
  t.dispose();
  return out;
}

describe('backend/wasm Sum over all axes but the last', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    // The kernel under test is the registered one (not the stock Sum).
    expect(tf.getKernel('Sum', 'wasm')?.kernelFunc).toBe(sumChannelsConfig.kernelFunc);
  });

  const cases: [number[], number[], boolean][] = [
    [[2, 9, 7, 16], [0, 1, 2], false],
    [[3, 5, 6, 7], [2, 0, 1], true], // odd channel count, unsorted axes
    [[1, 33, 31, 3], [0, 1, 2], false],
    [[130, 5], [0], false], // several row blocks
    [[4, 40, 40, 32], [0, 1, 2], false],
    [[2, 9, 7, 16], [1, 2], false], // not all-but-last: stock
    [[2, 9, 7, 16], [3], false], // stock
  ];
  for (const [i, [shape, axis, keep]] of cases.entries()) {
    it(`matches 'cpu' for [${shape}] axis [${axis}]${keep ? ' keepDims' : ''}`, async () => {
      const data = rand(
        new Rng(40 + i),
        shape.reduce((a, b) => a * b, 1),
      );
      const want = await sumOn('cpu', data, shape, axis, keep);
      const got = await sumOn('wasm', data, shape, axis, keep);
      expect(got.shape).toEqual(want.shape);
      for (let k = 0; k < want.data.length; k++) {
        expect(Math.abs(got.data[k]! - want.data[k]!)).toBeLessThanOrEqual(
          1e-5 * Math.max(1, Math.abs(want.data[k]!)),
        );
      }
    });
  }

  it('gives the bias gradient of a conv layer equal to cpu through tf.grads', async () => {
    const rng = new Rng(5);
    const xv = rand(rng, 2 * 12 * 11 * 3);
    const wv = rand(rng, 3 * 3 * 3 * 8);
    const grad = async (backend: string): Promise<Float32Array> => {
      await tf.setBackend(backend);
      const g = tf.tidy(() => {
        const x = tf.tensor4d(xv, [2, 12, 11, 3]);
        const w = tf.tensor4d(wv, [3, 3, 3, 8]);
        const f = (b: tf.Tensor) =>
          tf.sum(
            tf.square(
              tf.fused.conv2d({ x, filter: w, strides: 1, pad: 'same', bias: b, activation: 'relu' }),
            ),
          );
        return tf.grad(f)(tf.zeros([8]));
      });
      const d = (await g.data()) as Float32Array;
      g.dispose();
      return d;
    };
    const want = await grad('cpu');
    const got = await grad('wasm');
    for (let k = 0; k < want.length; k++)
      expect(Math.abs(got[k]! - want[k]!)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(want[k]!)));
  });
});

describe('sumRows', () => {
  it('equals a float64 oracle to float32 rounding and checks its sizes', () => {
    const rng = new Rng(9);
    for (const [rows, c] of [
      [0, 3],
      [1, 1],
      [65, 4],
      [200, 13],
      [1000, 64],
    ] as const) {
      const x = rand(rng, rows * c);
      const got = sumRows(x, rows, c);
      for (let k = 0; k < c; k++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += x[r * c + k]!;
        expect(Math.abs(got[k]! - s)).toBeLessThanOrEqual(
          1e-6 * Math.max(1, Math.abs(s)) * Math.sqrt(rows + 1),
        );
      }
    }
    expect(() => sumRows(new Float32Array(5), 2, 3)).toThrow(NnKernelError);
    expect(() => sumRows(new Float32Array(6), 2, 0)).toThrow(NnKernelError);
  });
});
