import { describe, expect, it } from 'vitest';
import { defaultAugmentConfig } from '../../src/augment/index.js';
import { makeBatch, TrainConfigError } from '../../src/train/index.js';
import { cropTile, reflectIndex } from '../../src/train/makeBatch.js';
import { weightMap } from '../../src/weights/index.js';

const W = 20;
const H = 18;
const COUNT = 3;
// Pixel value encodes (slice, y, x) so crops can be traced back to their source.
const data = new Float32Array(COUNT * W * H).map((_, i) => i);
const labels = new Uint8Array(COUNT * W * H).map((_, i) => (((i % W) + Math.floor(i / W)) % 5 === 0 ? 0 : 1));
const stack = { data, width: W, height: H, count: COUNT };

describe('makeBatch', () => {
  it('is a pure function of its arguments', () => {
    const a = makeBatch(
      stack,
      labels,
      [0, 2],
      { inputSize: 12, outputSize: 12 },
      defaultAugmentConfig,
      {},
      42,
    );
    const b = makeBatch(
      stack,
      labels,
      [0, 2],
      { inputSize: 12, outputSize: 12 },
      defaultAugmentConfig,
      {},
      42,
    );
    expect(a).toEqual(b);
    const c = makeBatch(
      stack,
      labels,
      [0, 2],
      { inputSize: 12, outputSize: 12 },
      defaultAugmentConfig,
      {},
      43,
    );
    expect(Array.from(c.images)).not.toEqual(Array.from(a.images));
    expect(a.images.length).toBe(2 * 12 * 12);
    expect(a.labels).toBeInstanceOf(Int32Array);
    expect(a.indices).toEqual([0, 2]);
  });

  it("crops the label tile from the centre of the input tile ('valid' geometry)", () => {
    const b = makeBatch(stack, labels, [1], { inputSize: 16, outputSize: 8 }, false, false, 7);
    expect(b.labels.length).toBe(64);
    // Input pixel (4 + y, 4 + x) and label pixel (y, x) come from the same source position.
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        const src = b.images[(4 + y) * 16 + 4 + x]!;
        expect(src >= W * H && src < 2 * W * H).toBe(true);
        expect(b.labels[y * 8 + x]).toBe(labels[src]);
      }
    }
    expect(Array.from(b.weights)).toEqual(new Array(64).fill(1));
  });

  it('weights the loss with the weight map of the augmented label tile', () => {
    const b = makeBatch(
      stack,
      labels,
      [0],
      { inputSize: 12, outputSize: 12 },
      defaultAugmentConfig,
      { w0: 10, sigma: 3 },
      5,
    );
    const tileLabel = Uint8Array.from(b.labels);
    expect(Array.from(b.weights)).toEqual(Array.from(weightMap(tileLabel, 12, 12, { w0: 10, sigma: 3 })));
  });

  it('mirrors at borders so slices smaller than the tile work', () => {
    expect([-2, -1, 0, 4, 5, 6].map((i) => reflectIndex(i, 5))).toEqual([2, 1, 0, 4, 3, 2]);
    expect(reflectIndex(7, 1)).toBe(0);
    const img = Float32Array.from([0, 1, 2, 3]);
    const t = cropTile(img, new Uint8Array(4), 2, 2, { inputSize: 4, outputSize: 4 }, 1);
    expect(Array.from(t.image)).toEqual([0, 1, 0, 1, 2, 3, 2, 3, 0, 1, 0, 1, 2, 3, 2, 3]);
  });

  it('rejects bad tiles, indices and stack sizes', () => {
    expect(() => makeBatch(stack, labels, [0], { inputSize: 8, outputSize: 12 }, false, false, 0)).toThrow(
      TrainConfigError,
    );
    expect(() => makeBatch(stack, labels, [0], { inputSize: 12, outputSize: 9 }, false, false, 0)).toThrow(
      TrainConfigError,
    );
    expect(() => makeBatch(stack, labels, [3], { inputSize: 8, outputSize: 8 }, false, false, 0)).toThrow(
      /slice index 3/,
    );
    expect(() =>
      makeBatch(stack, labels.subarray(1), [0], { inputSize: 8, outputSize: 8 }, false, false, 0),
    ).toThrow(TrainConfigError);
  });
});
