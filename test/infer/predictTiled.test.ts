import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceInputError, mirrorPad, predictTiled } from '../../src/infer/index.js';
import { argmaxProbabilities } from '../../src/metrics/index.js';
import { buildUNet, withInputSize } from '../../src/model/index.js';
import { Rng } from '../../src/random/index.js';

function randomImage(w: number, h: number, seed: number): Float32Array {
  const r = new Rng(seed);
  return Float32Array.from({ length: w * h }, () => r.next());
}

/** Runs the model once on a whole (padded) image and returns H×W×K probabilities. */
function predictWhole(
  model: tfl.LayersModel,
  img: Float32Array,
  w: number,
  h: number,
): { data: Float32Array; size: number[] } {
  const y = tf.tidy(() => model.predict(tf.tensor4d(img, [1, h, w, 1])) as tf.Tensor);
  const data = y.dataSync() as Float32Array;
  const size = y.shape.slice(1, 3);
  y.dispose();
  return { data, size };
}

/** Max |a − b| between the tiled result and the window [y0, x0] of a whole-image output. */
function maxDiffToWindow(
  tiled: Float32Array,
  w: number,
  h: number,
  whole: Float32Array,
  wholeW: number,
  x0: number,
  y0: number,
  K = 2,
): number {
  let m = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < K; c++) {
        const d = Math.abs(tiled[(y * w + x) * K + c]! - whole[((y + y0) * wholeW + x + x0) * K + c]!);
        if (d > m) m = d;
      }
    }
  }
  return m;
}

function flipLR(a: Float32Array, w: number, h: number, k: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < k; c++) out[(y * w + x) * k + c] = a[(y * w + (w - 1 - x)) * k + c]!;
  return out;
}

function transpose(a: Float32Array, w: number, h: number, k: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < k; c++) out[(x * h + y) * k + c] = a[(y * w + x) * k + c]!;
  return out;
}

const maxAbs = (a: Float32Array, b: Float32Array) =>
  a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

let same: tfl.LayersModel;
let valid: tfl.LayersModel;

beforeAll(async () => {
  await tf.setBackend('cpu');
  same = buildUNet({ depth: 2, baseFilters: 2, seed: 3 });
  valid = buildUNet({ depth: 2, baseFilters: 2, padding: 'valid', inputSize: 44, seed: 4 });
});

afterAll(() => {
  same.dispose();
  valid.dispose();
});

describe('predictTiled', () => {
  it('valid padding: stitched tiles equal one pass over the whole mirror-padded image (odd size)', async () => {
    const w = 30;
    const h = 23;
    const img = randomImage(w, h, 1);
    const res = await predictTiled(valid, img, w, h, { tileSize: 60, batchSize: 3 });
    expect(res.tiling).toMatchObject({ tileSize: 60, context: 20, step: 20, tiles: 4, padding: 'valid' });
    // Whole image: pad by the context (20) on the top/left and up to a valid size 72 → output 32².
    const padded = mirrorPad(img, w, h, 1, { top: 20, left: 20, bottom: 72 - h - 20, right: 72 - w - 20 });
    const big = withInputSize(valid, 72);
    const whole = predictWhole(big, padded, 72, 72);
    big.dispose();
    expect(whole.size).toEqual([32, 32]);
    expect(maxDiffToWindow(res.probabilities, w, h, whole.data, 32, 0, 0)).toBeLessThan(1e-5);
    expect(res.labels).toEqual(argmaxProbabilities(res.probabilities, 2));
  });

  it('same padding: equals the whole-image output where the margin covers the receptive field', async () => {
    const w = 50;
    const h = 37;
    const img = randomImage(w, h, 2);
    const res = await predictTiled(same, img, w, h, { tileSize: 96, margin: 32 });
    expect(res.tiling).toMatchObject({ tileSize: 96, context: 32, step: 32, tiles: 4, padding: 'same' });
    // One pass over the image mirror-padded the same way (to a multiple of 4).
    const pw = 116;
    const ph = 104;
    const padded = mirrorPad(img, w, h, 1, { top: 32, left: 32, bottom: ph - h - 32, right: pw - w - 32 });
    const whole = predictWhole(same, padded, pw, ph);
    expect(maxDiffToWindow(res.probabilities, w, h, whole.data, pw, 32, 32)).toBeLessThan(1e-5);
    // And the plain whole-image output (zero padding at the border) agrees far from the border.
    const plainW = 64;
    const img64 = randomImage(plainW, plainW, 3);
    const tiled64 = await predictTiled(same, img64, plainW, plainW, { tileSize: 96, margin: 32 });
    const plain = predictWhole(same, img64, plainW, plainW);
    let m = 0;
    for (let y = 28; y < 36; y++) {
      for (let x = 28; x < 36; x++) {
        for (let c = 0; c < 2; c++)
          m = Math.max(
            m,
            Math.abs(tiled64.probabilities[(y * 64 + x) * 2 + c]! - plain.data[(y * 64 + x) * 2 + c]!),
          );
      }
    }
    expect(m).toBeLessThan(1e-5);
  });

  it('handles any image size, including 1×1, with probabilities summing to 1', async () => {
    for (const [w, h] of [
      [1, 1],
      [3, 7],
      [41, 5],
    ] as const) {
      const res = await predictTiled(same, randomImage(w, h, w * h), w, h, { margin: 8 });
      expect(res.probabilities.length).toBe(w * h * 2);
      expect(res.labels.length).toBe(w * h);
      for (let i = 0; i < w * h; i++)
        expect(res.probabilities[2 * i]! + res.probabilities[2 * i + 1]!).toBeCloseTo(1, 5);
    }
    const v = await predictTiled(valid, randomImage(5, 9, 1), 5, 9);
    expect(v.tiling.tileSize).toBe(44);
    expect(v.probabilities.length).toBe(5 * 9 * 2);
  });

  it('test-time augmentation makes the prediction equivariant to flips and transposition', async () => {
    const w = 32;
    const img = randomImage(w, w, 7);
    const opts = { tileSize: 64, margin: 16, tta: true };
    const base = (await predictTiled(same, img, w, w, opts)).probabilities;
    const fl = (await predictTiled(same, flipLR(img, w, w, 1), w, w, opts)).probabilities;
    const tr = (await predictTiled(same, transpose(img, w, w, 1), w, w, opts)).probabilities;
    expect(maxAbs(fl, flipLR(base, w, w, 2))).toBeLessThan(1e-5);
    expect(maxAbs(tr, transpose(base, w, w, 2))).toBeLessThan(1e-5);
    // Without TTA the model alone is not equivariant, so the check above is not vacuous.
    const plain = (await predictTiled(same, img, w, w, { ...opts, tta: false })).probabilities;
    const plainFl = (await predictTiled(same, flipLR(img, w, w, 1), w, w, { ...opts, tta: false }))
      .probabilities;
    expect(maxAbs(plainFl, flipLR(plain, w, w, 2))).toBeGreaterThan(1e-4);
  });

  it('keeps the tensor count flat and gives the same result for any batch size', async () => {
    const img = randomImage(40, 40, 9);
    const first = await predictTiled(same, img, 40, 40, { tileSize: 32, margin: 8, batchSize: 1 });
    const before = tf.memory().numTensors;
    const again = await predictTiled(same, img, 40, 40, { tileSize: 32, margin: 8, batchSize: 5, tta: true });
    await predictTiled(valid, img, 40, 40, { tileSize: 48 });
    expect(tf.memory().numTensors).toBe(before);
    const third = await predictTiled(same, img, 40, 40, { tileSize: 32, margin: 8, batchSize: 3 });
    expect(maxAbs(first.probabilities, third.probabilities)).toBeLessThan(1e-6);
    expect(again.probabilities.length).toBe(first.probabilities.length);
  });

  it('picks the tiling that pushes the fewest pixels through a dynamic-size model', async () => {
    const tiny = buildUNet({ depth: 2, baseFilters: 1 });
    // Default margin 2^(depth+1) = 8: a square slice is one tile of side + 16.
    const sq = await predictTiled(tiny, new Float32Array(200 * 200), 200, 200);
    expect(sq.tiling).toMatchObject({ tileSize: 216, context: 8, tiles: 1 });
    // A wide slice: never more pixels than one tile covering everything.
    const wide = await predictTiled(tiny, new Float32Array(300 * 200), 300, 200);
    expect(wide.tiling.tiles * wide.tiling.tileSize ** 2).toBeLessThanOrEqual(316 ** 2);
    tiny.dispose();
  });

  it('rejects bad inputs with a clear error', async () => {
    const img = randomImage(8, 8, 1);
    await expect(predictTiled(same, img, 9, 8)).rejects.toThrow(InferenceInputError);
    await expect(predictTiled(same, img, 8, 8, { tileSize: 30 })).rejects.toThrow(/multiple of 4/);
    await expect(predictTiled(same, img, 8, 8, { tileSize: 32, margin: 16 })).rejects.toThrow(
      /larger tileSize/,
    );
    await expect(predictTiled(valid, img, 8, 8, { tileSize: 45 })).rejects.toThrow(/odd size/);
    await expect(predictTiled(same, img, 8, 8, { batchSize: 0 })).rejects.toThrow(InferenceInputError);
  });
});
