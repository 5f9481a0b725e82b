import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import {
  averageDecayAt,
  CheckpointError,
  resolveWeightAverage,
  TrainConfigError,
  variablesToBytes,
  WeightAverage,
} from '../../src/train/index.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const f = Math.fround;

/** The update in plain JS with float32 rounding after every operation, as the kernels do it. */
function handUpdate(shadow: number[], live: number[], decay: number, step: number): number[] {
  const d = Math.min(decay, (1 + step) / (10 + step));
  return shadow.map((s, i) => f(f(s * f(d)) + f(live[i]! * f(1 - d))));
}

async function values(v: tf.Tensor): Promise<number[]> {
  return Array.from(await v.data());
}

describe('WeightAverage', () => {
  it('follows shadow = d·shadow + (1 − d)·w with the warm-up decay, bit for bit', async () => {
    expect(averageDecayAt(0.999, 1)).toBe(2 / 11);
    expect(averageDecayAt(0.5, 1000)).toBe(0.5);
    const a = tf.variable(tf.tensor1d([0.1, -2, 3.5]));
    const b = tf.variable(tf.tensor2d([1e-3, 7, -0.25, 4], [2, 2]));
    const start = tf.memory().numTensors;
    const avg = new WeightAverage([a, b], 0.9);
    const shadow = [await values(a), await values(b)];
    const counts: number[] = [];
    for (let step = 1; step <= 30; step++) {
      // A made-up optimizer step: the live weights move every time.
      tf.tidy(() => {
        a.assign(tf.add(a, tf.scalar(0.37 * Math.sin(step))));
        b.assign(tf.mul(b, tf.scalar(1.01)));
      });
      avg.update(step);
      shadow[0] = handUpdate(shadow[0]!, await values(a), 0.9, step);
      shadow[1] = handUpdate(shadow[1]!, await values(b), 0.9, step);
      counts.push(tf.memory().numTensors);
    }
    // (1 + t)/(10 + t) < 0.9 up to t = 80: these 30 steps are all warm-up (the next test is past it).
    const got = await avg.withAveraged(async () => [await values(a), await values(b)]);
    expect(got).toEqual(shadow);
    // The average is not just the live weights.
    expect(got[0]).not.toEqual(await values(a));
    expect(new Set(counts).size).toBe(1);
    avg.dispose();
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([a, b]);
  });

  it('uses the configured decay once the warm-up exceeds it', async () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const avg = new WeightAverage([w], 0.5);
    let shadow = await values(w);
    for (const step of [100, 101]) {
      tf.tidy(() => w.assign(tf.mul(w, tf.scalar(3))));
      avg.update(step);
      shadow = handUpdate(shadow, await values(w), 0.5, step);
    }
    expect(await avg.withAveraged(() => values(w))).toEqual(shadow);
    // 1·3 = 3 → 0.5·1 + 0.5·3 = 2; 9 → 0.5·2 + 0.5·9 = 5.5.
    expect(shadow[0]).toBe(5.5);
    avg.dispose();
    w.dispose();
  });

  it('swaps the average in and restores the live weights exactly, also when the function throws', async () => {
    const w = tf.variable(tf.tensor1d([0.1, 0.2, 0.3]));
    const avg = new WeightAverage([w], 0.99);
    tf.tidy(() => w.assign(tf.tensor1d([1 / 3, Math.PI, -1e-7])));
    avg.update(5);
    const live = await values(w);
    const start = tf.memory().numTensors;
    const inside = await avg.withAveraged(() => values(w));
    expect(inside).not.toEqual(live);
    expect(await values(w)).toEqual(live);
    await expect(
      avg.withAveraged(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await values(w)).toEqual(live);
    expect(tf.memory().numTensors).toBe(start);
    // copyToLive makes the average permanent.
    avg.copyToLive();
    expect(await values(w)).toEqual(inside);
    avg.dispose();
    expect(await values(w)).toEqual(inside);
    w.dispose();
  });

  it('round-trips the average through bytes and rejects bytes of another shape', async () => {
    const w = [tf.variable(tf.tensor1d([1, 2, 3])), tf.variable(tf.tensor2d([[4, 5]]))];
    const avg = new WeightAverage(w, 0.9);
    tf.tidy(() => w.forEach((v) => v.assign(tf.mul(v, tf.scalar(-2)))));
    avg.update(3);
    const bytes = await avg.toBytes();
    expect(bytes.byteLength).toBe(5 * 4);
    const want = await avg.withAveraged(() => variablesToBytes(w));
    expect(Array.from(bytes)).toEqual(Array.from(want));

    const other = new WeightAverage(w, 0.9);
    // An unaligned view (as a file read into a bigger buffer may give) loads too.
    const padded = new Uint8Array(bytes.byteLength + 1);
    padded.set(bytes, 1);
    other.loadBytes(padded.subarray(1));
    expect(Array.from(await other.toBytes())).toEqual(Array.from(bytes));
    expect(() => other.loadBytes(bytes.subarray(4))).toThrow(CheckpointError);
    expect(() => other.loadBytes(new Uint8Array(24))).toThrow(/24 bytes.*need 20/);
    [avg, other].forEach((a) => a.dispose());
    tf.dispose(w);
  });

  it('accepts a decay in [0, 1) only', () => {
    expect(resolveWeightAverage(undefined)).toBe(0);
    expect(resolveWeightAverage(0)).toBe(0);
    expect(resolveWeightAverage(0.999)).toBe(0.999);
    for (const bad of [-0.1, 1, NaN, Infinity, '0.9', null]) {
      expect(() => resolveWeightAverage(bad), String(bad)).toThrow(TrainConfigError);
    }
    const w = tf.variable(tf.scalar(1));
    expect(() => new WeightAverage([w], 1)).toThrow(TrainConfigError);
    w.dispose();
  });
});
