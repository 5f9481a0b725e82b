import { describe, expect, it } from 'vitest';
import {
  argmaxProbabilities,
  binarize,
  centerCrop,
  dice,
  dicePerClass,
  iouOverImages,
  iouPerClass,
  labelsToClasses,
  meanIoU,
  MetricInputError,
  pixelAccuracy,
  probabilityChannel,
} from '../../src/metrics/index.js';

const u8 = (xs: number[]) => Uint8Array.from(xs);

describe('pixel metrics', () => {
  it('pixel accuracy counts equal pixels', () => {
    expect(pixelAccuracy(u8([0, 1, 1, 0]), u8([0, 1, 0, 0]))).toBe(0.75);
    expect(() => pixelAccuracy(u8([0]), u8([0, 1]))).toThrow(MetricInputError);
  });

  it('IoU per class follows the seed: (|P∩T| + 1e-6) / (|P∪T| + 1e-6)', () => {
    const pred = u8([0, 0, 1, 1, 1, 0]);
    const truth = u8([0, 1, 1, 1, 0, 0]);
    // class 0: P = {0,1,5}, T = {0,4,5}: ∩ 2, ∪ 4; class 1: P = {2,3,4}, T = {1,2,3}: ∩ 2, ∪ 4
    const iou = iouPerClass(pred, truth);
    expect(iou[0]).toBeCloseTo((2 + 1e-6) / (4 + 1e-6), 12);
    expect(iou[1]).toBeCloseTo(0.5, 6);
    // A class absent from both scores 1 (the epsilon), one absent from the prediction only ~0.
    expect(iouPerClass(u8([0, 0]), u8([0, 0]))).toEqual([1, 1]);
    expect(iouPerClass(u8([0, 0]), u8([1, 1]))[1]).toBeLessThan(1e-6);
    expect(() => iouPerClass(u8([2]), u8([0]))).toThrow(/out of range/);
  });

  it('mean IoU averages over images, then over classes', () => {
    const a = [u8([0, 1]), u8([1, 1])];
    const b = [u8([0, 1]), u8([0, 1])];
    // image 1: [1, 1]; image 2: class 0: ∩0 ∪1 → ~0, class 1: ∩1 ∪2 → 0.5
    const per = iouOverImages(a, b);
    expect(per[0]).toBeCloseTo(0.5, 5);
    expect(per[1]).toBeCloseTo(0.75, 5);
    expect(meanIoU(a, b)).toBeCloseTo(0.625, 5);
    expect(meanIoU(a[0]!, b[0]!)).toBeCloseTo(1, 9);
    expect(() => meanIoU([u8([0])], [])).toThrow(MetricInputError);
  });

  it('dice per class and mean', () => {
    const pred = u8([0, 0, 1, 1]);
    const truth = u8([0, 1, 1, 1]);
    const d = dicePerClass(pred, truth);
    expect(d[0]).toBeCloseTo(2 / 3, 5); // 2·1 / (2 + 1)
    expect(d[1]).toBeCloseTo(0.8, 5); // 2·2 / (2 + 3)
    expect(dice(pred, truth)).toBeCloseTo((2 / 3 + 0.8) / 2, 5);
  });

  it('probability helpers: arg-max, channel, binarize, ISBI labels', () => {
    const p = Float32Array.from([0.9, 0.1, 0.2, 0.8, 0.5, 0.5]);
    expect(Array.from(argmaxProbabilities(p, 2))).toEqual([0, 1, 0]);
    expect(Array.from(probabilityChannel(p, 2, 1))).toEqual([0.1, 0.8, 0.5].map(Math.fround));
    expect(Array.from(binarize(Float32Array.from([0.2, 0.6]), 0.5))).toEqual([0, 1]);
    expect(Array.from(labelsToClasses(u8([0, 255, 255, 0])))).toEqual([0, 1, 1, 0]);
    expect(() => argmaxProbabilities(p, 4)).toThrow(MetricInputError);
  });

  it('centerCrop takes the centre (388² of 512² for the seed), per channel', () => {
    const w = 5;
    const h = 4;
    const m = Uint8Array.from({ length: w * h }, (_, i) => i);
    // x0 = floor((5-3)/2) = 1, y0 = floor((4-3)/2) = 0
    expect(Array.from(centerCrop(m, w, h, 3))).toEqual([1, 2, 3, 6, 7, 8, 11, 12, 13]);
    const two = Float32Array.from({ length: w * h * 2 }, (_, i) => i);
    const c = centerCrop(two, w, h, 2, 2);
    expect(c).toBeInstanceOf(Float32Array);
    // x0 = 1, y0 = 1: pixels (1,1),(2,1),(1,2),(2,2) → indices 6,7,11,12 → channels 2i, 2i+1
    expect(Array.from(c)).toEqual([12, 13, 14, 15, 22, 23, 24, 25]);
    const big = new Uint8Array(512 * 512);
    expect(centerCrop(big, 512, 512, 388).length).toBe(388 * 388);
    expect(() => centerCrop(m, w, h, 6)).toThrow(MetricInputError);
    expect(() => centerCrop(m, w + 1, h, 2)).toThrow(MetricInputError);
  });
});
