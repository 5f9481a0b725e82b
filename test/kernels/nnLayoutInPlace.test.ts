// Concat, SplitV, MaxPoolGrad, the bias-gradient Sum and UNetReluGrad in place on threaded
// tfjs-wasm's heap (src/kernels/nnLayoutInPlace.ts): the shared kernels run, the results are
// bit-identical to the copying path and to tfjs's 'cpu' backend, and the inputs are untouched.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers tfjs's gradient functions
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../src/node/backend.js';
import { stopNnHelperThread } from '../../src/node/nnThreads.js';
import { RELU_GRAD } from '../../src/backend/kernels/reluGrad.js';
import { Rng } from '../../src/random/index.js';
import { rand } from '../model/arrays.js';
import { bothWays } from './bothWays.js';

/** `fn` on 'cpu' with the same input values, read back. */
function onCpu(inputs: tf.Tensor[], fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): unknown[] {
  const values = inputs.map((t) => ({ data: t.dataSync().slice(), shape: t.shape, dtype: t.dtype }));
  tf.setBackend('cpu');
  try {
    return tf.tidy(() => {
      const xs = values.map((v) => tf.tensor(v.data, v.shape, v.dtype));
      const out = fn(...xs);
      return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync());
    }) as unknown[];
  } finally {
    tf.setBackend('wasm');
  }
}

function read(out: tf.Tensor | tf.Tensor[]): unknown[] {
  const ts = Array.isArray(out) ? out : [out];
  const data = ts.map((t) => t.dataSync());
  tf.dispose(ts);
  return data;
}

describe('kernels/nnLayoutInPlace on threaded tfjs-wasm', () => {
  beforeAll(async () => {
    await initNodeBackend('wasm', { threads: 2, helperThread: true });
  });
  afterAll(() => stopNnHelperThread());

  it('Concat and SplitV (float32, int32, bool; inner and outer axes)', () => {
    const rng = new Rng(1);
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      for (const axis of [3, 1, 0]) {
        const make = (c: number): tf.Tensor => {
          const v = rand(rng, 2 * 24 * 20 * c).map((x) => (dtype === 'float32' ? x : x > 0 ? 1 : 0));
          return tf.tensor(v, [2, 24, 20, c], dtype);
        };
        const [a, b] = [make(16), make(8)];
        const parts = axis === 3 ? [a, b] : [a, make(16)];
        const before = parts.map((t) => t.dataSync().slice());
        const cat = (...xs: tf.Tensor[]) => tf.concat(xs, axis);
        const { inPlace, copied, kernels } = bothWays(() => read(cat(...parts)));
        expect(kernels.has('nnCopyRuns'), `${dtype} axis ${axis}`).toBe(true);
        expect(inPlace).toEqual(copied);
        expect(inPlace).toEqual(onCpu(parts, cat));
        const joined = cat(...parts);
        const total = joined.shape[axis]!;
        const sizes = [total - Math.max(1, total >> 3), Math.max(1, total >> 3)];
        const split = (x: tf.Tensor) => tf.split(x, sizes, axis);
        const s = bothWays(() => read(split(joined)));
        expect(s.kernels.has('nnCopyRuns')).toBe(true);
        expect(s.inPlace).toEqual(s.copied);
        expect(s.inPlace).toEqual(onCpu([joined], split));
        parts.forEach((t, i) => expect(t.dataSync()).toEqual(before[i]));
        tf.dispose([...parts, a, b, joined]);
      }
    }
  });

  it('MaxPoolGrad (2×2 stride 2, 3×3 stride 2 same, odd sizes)', () => {
    const rng = new Rng(2);
    for (const [h, w, c, f, s, pad] of [
      [32, 32, 16, 2, 2, 'valid'],
      [31, 29, 8, 3, 2, 'same'],
    ] as const) {
      const x = tf.tensor4d(rand(rng, 2 * h * w * c), [2, h, w, c]);
      const grad = (xi: tf.Tensor) =>
        tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, f, s, pad), 1.5)))(xi);
      const { inPlace, copied, kernels } = bothWays(() => read(grad(x)));
      expect(kernels.has('nnMaxPoolGrad')).toBe(true);
      expect(inPlace).toEqual(copied);
      expect(inPlace).toEqual(onCpu([x], grad));
      x.dispose();
    }
  });

  it('Sum over all axes but the last (the bias gradient)', () => {
    const rng = new Rng(3);
    for (const shape of [
      [2, 40, 40, 16],
      [3, 7, 5, 3],
    ]) {
      const x = tf.tensor(
        rand(
          rng,
          shape.reduce((a, b) => a * b, 1),
        ),
        shape,
      );
      const { inPlace, copied, kernels } = bothWays(() => read(tf.sum(x, [0, 1, 2])));
      expect(kernels.has('nnSumRows')).toBe(true);
      expect(inPlace).toEqual(copied);
      const ref = onCpu([x], (t) => tf.sum(t, [0, 1, 2]))[0] as Float32Array;
      const got = inPlace[0] as Float32Array;
      for (let k = 0; k < got.length; k++) expect(got[k]).toBeCloseTo(ref[k]!, 4);
      x.dispose();
    }
  });

  it('UNetReluGrad equals mul(dy, step(y)), NaN and signed zeros included', () => {
    const rng = new Rng(4);
    const n = 2 * 17 * 9 * 16 + 3; // a scalar tail after the SIMD body
    const ys = rand(rng, n);
    const dys = rand(rng, n);
    ys.set([NaN, 0, -0, 1e-40, -1e-40, Infinity, -Infinity], 0);
    dys.set([1, -2, 3, -4, 5, -6, 7, Infinity, -Infinity, NaN], 0);
    ys.set([1, -1, NaN], 7);
    const y = tf.tensor1d(ys);
    const dy = tf.tensor1d(dys);
    const run = () => read(tf.engine().runKernel(RELU_GRAD, { dy, y }) as tf.Tensor);
    const { inPlace, copied, kernels } = bothWays(run);
    expect(kernels.has('nnReluGrad')).toBe(true);
    expect(inPlace).toEqual(copied);
    const ref = onCpu([dy, y], (d, yy) => tf.mul(d!, tf.step(yy!)))[0] as Float32Array;
    const got = inPlace[0] as Float32Array;
    for (let i = 0; i < n; i++)
      expect(Object.is(got[i], ref[i]), `element ${i}: ${got[i]} vs ${ref[i]}`).toBe(true);
    expect(y.dataSync()).toEqual(ys);
    expect(dy.dataSync()).toEqual(dys);
    expect(() => tf.engine().runKernel(RELU_GRAD, { dy, y: tf.zeros([3]) })).toThrow(/one shape/);
    tf.dispose([y, dy]);
  });
});
