// Concat, SplitV and MaxPoolGrad on 'wasm' (our kernels) against the 'cpu' backend.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers tfjs's gradient functions
import { initBackend } from '../../src/backend/index.js';
import { Rng } from '../../src/random/index.js';

async function onBoth(fn: () => tf.Tensor | tf.Tensor[]): Promise<[number[][], number[][]]> {
  const run = async (backend: string): Promise<number[][]> => {
    await tf.setBackend(backend);
    const r = tf.tidy(fn);
    const list = Array.isArray(r) ? r : [r];
    const data = await Promise.all(list.map(async (t) => Array.from(await t.data()) as number[]));
    tf.dispose(list);
    return data;
  };
  return [await run('wasm'), await run('cpu')];
}

const rand = (rng: Rng, n: number, ints = false): number[] =>
  Array.from({ length: n }, () => (ints ? rng.int(3) : rng.uniform(-1, 1)));

describe("backend/wasm Concat, SplitV, MaxPoolGrad match 'cpu'", () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  const concatCases: { shapes: number[][]; axis: number; dtype: 'float32' | 'int32' | 'bool' }[] = [
    {
      shapes: [
        [2, 5, 3, 4],
        [2, 5, 3, 6],
      ],
      axis: 3,
      dtype: 'float32',
    },
    {
      shapes: [
        [2, 3, 100],
        [2, 3, 70],
      ],
      axis: -1,
      dtype: 'float32',
    }, // long runs
    {
      shapes: [
        [3, 2],
        [1, 2],
        [4, 2],
      ],
      axis: 0,
      dtype: 'int32',
    },
    {
      shapes: [
        [2, 3, 1],
        [2, 3, 2],
        [2, 3, 0],
      ],
      axis: 2,
      dtype: 'bool',
    },
    {
      shapes: [
        [2, 4, 3],
        [2, 1, 3],
      ],
      axis: 1,
      dtype: 'float32',
    },
  ];
  for (const [i, c] of concatCases.entries()) {
    it(`concat [${c.shapes.map((s) => `[${s}]`).join(', ')}] axis ${c.axis} ${c.dtype}, and split back`, async () => {
      const rng = new Rng(70 + i);
      const vals = c.shapes.map((s) =>
        rand(
          rng,
          s.reduce((a, b) => a * b, 1),
          c.dtype !== 'float32',
        ),
      );
      const sizes = c.shapes.map((s) => s[c.axis < 0 ? s.length + c.axis : c.axis]!);
      const [w, p] = await onBoth(() => {
        const parts = c.shapes.map((s, k) => tf.tensor(vals[k]!, s, c.dtype));
        const joined = tf.concat(parts, c.axis);
        return [joined, ...tf.split(joined, sizes, c.axis)];
      });
      expect(w).toEqual(p);
    });
  }

  const poolCases: { x: [number, number, number, number]; k: number; s: number; pad: 'same' | 'valid' }[] = [
    { x: [2, 8, 8, 16], k: 2, s: 2, pad: 'same' },
    { x: [1, 7, 9, 3], k: 2, s: 2, pad: 'same' },
    { x: [1, 7, 9, 3], k: 2, s: 2, pad: 'valid' },
    { x: [2, 9, 8, 5], k: 3, s: 2, pad: 'same' },
    { x: [1, 6, 6, 2], k: 3, s: 1, pad: 'valid' },
  ];
  for (const [i, c] of poolCases.entries()) {
    it(`maxPool gradient x [${c.x}] ${c.k}x${c.k}/${c.s} ${c.pad}, with ties`, async () => {
      const rng = new Rng(80 + i);
      // ReLU-like inputs: many exact zeros, so windows have ties.
      const xv = rand(
        rng,
        c.x.reduce((a, b) => a * b, 1),
      ).map((v) => Math.max(v, 0));
      const [w, p] = await onBoth(() => {
        const x = tf.tensor4d(xv, c.x);
        return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, c.k, c.s, c.pad), 1.5)))(
          x,
        );
      });
      expect(w[0]!.length).toBe(p[0]!.length);
      for (let j = 0; j < p[0]!.length; j++) expect(w[0]![j]).toBeCloseTo(p[0]![j]!, 6);
    });
  }
});
