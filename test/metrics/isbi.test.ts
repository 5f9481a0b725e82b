// The metrics on real ISBI 2012 labels: identity, robustness to membrane width, and the scipy oracle.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateSegmentation, labelsToClasses, segmentationScores } from '../../src/metrics/index.js';
import { decodeTiff, tiffToStack } from '../../src/tiff/index.js';
import { noPython, oracleScores } from './oracle.js';

const LABELS = new URL('../../../shared/data/isbi2012/train-labels.tif', import.meta.url);
const noData = !existsSync(LABELS);
if (noData)
  console.warn('skipping the ISBI metric tests: ../shared/data/isbi2012/train-labels.tif is absent');

describe.skipIf(noData)('metrics on ISBI 2012 labels', () => {
  const load = () => {
    const stack = tiffToStack(decodeTiff(new Uint8Array(readFileSync(LABELS))));
    const n = stack.width * stack.height;
    const slice = (k: number) => labelsToClasses(stack.data.subarray(k * n, (k + 1) * n));
    return { w: stack.width, h: stack.height, slice };
  };

  it('scores a slice against itself as perfect, and is robust to a thicker membrane', () => {
    const { w, h, slice } = load();
    const t = slice(0);
    const e = evaluateSegmentation([t], [t], w, h);
    expect(e.pixelAccuracy).toBe(1);
    expect(e.meanIoU).toBeCloseTo(1, 9);
    expect(e.vRand).toBeCloseTo(1, 12);
    expect(e.vInfo).toBeCloseTo(1, 12);
    // Dilate the membrane by one pixel (4-neighbourhood): IoU drops, the topology scores barely move.
    const thick = t.slice();
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        if (
          (x > 0 && t[i - 1] === 0) ||
          (x < w - 1 && t[i + 1] === 0) ||
          (y > 0 && t[i - w] === 0) ||
          (y < h - 1 && t[i + w] === 0)
        )
          thick[i] = 0;
      }
    }
    const d = evaluateSegmentation([thick], [t], w, h);
    expect(d.iou[0]).toBeLessThan(0.8);
    expect(d.vRand).toBeGreaterThan(0.97);
    expect(d.vInfo).toBeGreaterThan(0.97);
  });

  it.skipIf(noPython)('agrees with the scipy oracle on a wrong segmentation (the neighbouring slice)', () => {
    const { w, h, slice } = load();
    const cases = [
      { w, h, truth: slice(0), pred: slice(1) },
      { w, h, truth: slice(5), pred: slice(29) },
    ];
    const want = oracleScores(cases);
    cases.forEach((c, k) => {
      const got = segmentationScores(c.pred, c.truth, w, h);
      expect(got.vRand).toBeCloseTo(want[k]!.vRand, 9);
      expect(got.vInfo).toBeCloseTo(want[k]!.vInfo, 9);
      expect(got.vRand).toBeLessThan(0.95);
    });
  });
});
