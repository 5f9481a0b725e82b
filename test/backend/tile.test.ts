import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { initBackend } from '../../src/backend/index.js';
import { Rng } from '../../src/random/index.js';

const CASES: { shape: number[]; reps: number[]; dtype: 'float32' | 'int32' | 'bool' }[] = [
  { shape: [1, 1, 1, 5], reps: [2, 7, 3, 1], dtype: 'float32' }, // batch-norm statistics
  { shape: [3], reps: [4], dtype: 'float32' },
  { shape: [2, 3], reps: [3, 2], dtype: 'int32' },
  { shape: [2, 1, 3], reps: [1, 5, 1], dtype: 'bool' },
  { shape: [2, 3, 1, 2, 3], reps: [2, 1, 4, 3, 1], dtype: 'float32' },
  { shape: [4, 2], reps: [1, 1], dtype: 'float32' },
  { shape: [3, 2], reps: [0, 2], dtype: 'float32' },
];

describe("backend/wasm Tile matches 'cpu'", () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  for (const [i, c] of CASES.entries()) {
    it(`[${c.shape}] × [${c.reps}] ${c.dtype}`, async () => {
      const rng = new Rng(40 + i);
      const n = c.shape.reduce((a, b) => a * b, 1);
      const vals = Array.from({ length: n }, () => (c.dtype === 'float32' ? rng.uniform(-1, 1) : rng.int(3)));
      const run = async (backend: string): Promise<ArrayLike<number>> => {
        await tf.setBackend(backend);
        const t = tf.tidy(() => tf.tile(tf.tensor(vals, c.shape, c.dtype), c.reps));
        const d = await t.data();
        t.dispose();
        return d as ArrayLike<number>;
      };
      const cpu = Array.from(await run('cpu'));
      const wasm = Array.from(await run('wasm'));
      expect(wasm).toEqual(cpu);
    });
  }
});
