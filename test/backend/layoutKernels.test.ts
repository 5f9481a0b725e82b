// Concat, SplitV and MaxPoolGrad on 'wasm' (our kernels) against the 'cpu' backend: small tensors
// take the plain-TS paths, those above LAYOUT_WASM_MIN_BYTES / MAX_POOL_GRAD_WASM_MIN_ELEMENTS the
// AssemblyScript kernels (src/kernels/nnLayout.ts); string tensors the stock kernels.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers tfjs's gradient functions
import { initBackend } from '../../src/backend/index.js';
import { concatConfig, LAYOUT_WASM_MIN_BYTES, splitVConfig } from '../../src/backend/kernels/concatSplit.js';
import { MAX_POOL_GRAD_WASM_MIN_ELEMENTS, maxPoolGradConfig } from '../../src/backend/kernels/maxPoolGrad.js';
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
    expect(tf.getKernel('Concat', 'wasm')?.kernelFunc).toBe(concatConfig.kernelFunc);
    expect(tf.getKernel('SplitV', 'wasm')?.kernelFunc).toBe(splitVConfig.kernelFunc);
    expect(tf.getKernel('MaxPoolGrad', 'wasm')?.kernelFunc).toBe(maxPoolGradConfig.kernelFunc);
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
    // Above LAYOUT_WASM_MIN_BYTES: the AssemblyScript path.
    {
      shapes: [
        [2, 17, 13, 7],
        [2, 17, 13, 5],
      ],
      axis: 3,
      dtype: 'float32',
    },
    {
      shapes: [
        [1, 33, 31, 3],
        [1, 33, 31, 6],
        [1, 33, 31, 4],
      ],
      axis: -1,
      dtype: 'float32',
    },
    {
      shapes: [
        [3, 16, 16, 16],
        [3, 16, 16, 16],
      ],
      axis: 3,
      dtype: 'float32',
    },
    {
      shapes: [
        [2, 9, 31, 5],
        [2, 4, 31, 5],
        [2, 1, 31, 5],
      ],
      axis: 1,
      dtype: 'float32',
    },
    {
      shapes: [
        [40, 37],
        [40, 100],
      ],
      axis: 1,
      dtype: 'int32',
    },
    {
      shapes: [
        [3, 50, 61, 1],
        [3, 50, 61, 2],
        [3, 50, 61, 0],
      ],
      axis: 3,
      dtype: 'bool',
    },
    {
      shapes: [
        [800, 3],
        [600, 3],
      ],
      axis: 0,
      dtype: 'int32',
    },
  ];
  for (const [i, c] of concatCases.entries()) {
    const bytes =
      c.shapes.reduce((a, s) => a + s.reduce((x, y) => x * y, 1), 0) * (c.dtype === 'bool' ? 1 : 4);
    const path = bytes >= LAYOUT_WASM_MIN_BYTES ? 'wasm' : 'js';
    it(`concat [${c.shapes.map((s) => `[${s}]`).join(', ')}] axis ${c.axis} ${c.dtype} (${path}), and split back`, async () => {
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

  it('splits into equal parts by count on both paths', async () => {
    const rng = new Rng(90);
    for (const shape of [
      [2, 3, 4, 9],
      [2, 31, 17, 9],
    ]) {
      const xv = rand(
        rng,
        shape.reduce((a, b) => a * b, 1),
      );
      const [w, p] = await onBoth(() => tf.split(tf.tensor(xv, shape), 3, -1));
      expect(w).toEqual(p);
    }
  });

  it('leaves string Concat to the stock kernel', async () => {
    const [w, p] = await onBoth(() => {
      const joined = tf.concat([tf.tensor(['a', 'b'], [2, 1]), tf.tensor(['c', 'd'], [2, 1])], 1);
      const codes = Array.from(joined.dataSync() as unknown as string[]).map((v) => v.charCodeAt(0));
      return tf.tensor(codes);
    });
    expect(w).toEqual(p);
    expect(w[0]).toEqual([97, 99, 98, 100]);
  });

  const poolCases: { x: [number, number, number, number]; k: number; s: number; pad: 'same' | 'valid' }[] = [
    { x: [2, 8, 8, 16], k: 2, s: 2, pad: 'same' },
    { x: [1, 7, 9, 3], k: 2, s: 2, pad: 'same' },
    { x: [1, 7, 9, 3], k: 2, s: 2, pad: 'valid' },
    { x: [2, 9, 8, 5], k: 3, s: 2, pad: 'same' },
    { x: [1, 6, 6, 2], k: 3, s: 1, pad: 'valid' },
    // At least MAX_POOL_GRAD_WASM_MIN_ELEMENTS: the AssemblyScript path.
    { x: [2, 32, 32, 16], k: 2, s: 2, pad: 'same' },
    { x: [1, 33, 31, 7], k: 2, s: 2, pad: 'same' },
    { x: [3, 33, 31, 5], k: 2, s: 2, pad: 'valid' },
    { x: [2, 21, 19, 6], k: 3, s: 2, pad: 'same' },
    { x: [1, 24, 24, 9], k: 3, s: 1, pad: 'valid' },
  ];
  for (const [i, c] of poolCases.entries()) {
    const path = c.x.reduce((a, b) => a * b, 1) >= MAX_POOL_GRAD_WASM_MIN_ELEMENTS ? 'wasm' : 'js';
    it(`maxPool gradient x [${c.x}] ${c.k}x${c.k}/${c.s} ${c.pad} (${path}), with ties`, async () => {
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
      // Disjoint windows add one term per element: exact. Overlapping ones may sum in another order.
      if (c.k <= c.s) expect(w[0]).toEqual(p[0]);
      else for (let j = 0; j < p[0]!.length; j++) expect(w[0]![j]).toBeCloseTo(p[0]![j]!, 6);
    });
  }
});
