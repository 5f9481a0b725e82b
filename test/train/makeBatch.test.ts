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

  it('warps every channel of a multi-channel stack exactly as its own one-channel stack', () => {
    // Three channels with unrelated content; each batch channel must equal makeBatch on that channel alone.
    const C = 3;
    const plane = W * H;
    const planes = Array.from({ length: C }, (_, c) =>
      new Float32Array(COUNT * plane).map((_, i) => Math.sin(i * (c + 1) * 0.37) + c),
    );
    const multi = new Float32Array(COUNT * plane * C);
    for (let i = 0; i < COUNT * plane; i++) for (let c = 0; c < C; c++) multi[i * C + c] = planes[c]![i]!;
    for (const [augment, tile] of [
      [defaultAugmentConfig, { inputSize: 12, outputSize: 12 }],
      [false, { inputSize: 12, outputSize: 8 }],
    ] as const) {
      const b = makeBatch({ ...stack, data: multi, channels: C }, labels, [0, 2, 1], tile, augment, {}, 5);
      expect(b.channels).toBe(C);
      expect(b.images.length).toBe(3 * 12 * 12 * C);
      for (let c = 0; c < C; c++) {
        const one = makeBatch({ ...stack, data: planes[c]! }, labels, [0, 2, 1], tile, augment, {}, 5);
        expect(one.channels).toBe(1);
        const got = b.images.filter((_, k) => k % C === c);
        expect(Array.from(got)).toEqual(Array.from(one.images));
        expect(b.labels).toEqual(one.labels);
        expect(b.weights).toEqual(one.weights);
      }
    }
    expect(() =>
      makeBatch(
        { ...stack, data: multi, channels: 2 },
        labels,
        [0],
        { inputSize: 8, outputSize: 8 },
        false,
        false,
        0,
      ),
    ).toThrow(/needs 2160 image and 1080 label values; got 3240 and 1080/);
    expect(() =>
      makeBatch({ ...stack, channels: 0 }, labels, [0], { inputSize: 8, outputSize: 8 }, false, false, 0),
    ).toThrow(/channels must be a positive integer/);
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
