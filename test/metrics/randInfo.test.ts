import { describe, expect, it } from 'vitest';
import {
  connectedComponents,
  evaluateSegmentation,
  maximalScoresOverThresholds,
  segmentationScores,
  thinBoundaries,
  vInfo,
  vRand,
} from '../../src/metrics/index.js';

const u8 = (xs: number[]) => Uint8Array.from(xs);
const H = (ps: number[]) => -ps.reduce((s, p) => s + p * Math.log(p), 0);

describe('connected components and thinning', () => {
  it('labels 4-connected non-membrane pixels in raster order', () => {
    // 1 1 0 1
    // 0 1 0 1
    // 1 0 1 1   (diagonal contact does not connect)
    const m = u8([1, 1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 1]);
    const { labels, count } = connectedComponents(m, 4, 3);
    expect(count).toBe(3);
    expect(Array.from(labels)).toEqual([1, 1, 0, 2, 0, 1, 0, 2, 3, 0, 2, 2]);
  });

  it('thinning grows segments into the boundary, the largest label winning, until the mask is covered', () => {
    const labels = Int32Array.from([1, 0, 0, 0, 2]);
    thinBoundaries(labels, u8([1, 1, 1, 1, 1]), 5, 1);
    // step 1: [1,1,0,2,2]; step 2: the middle pixel sees 1 and 2 → 2
    expect(Array.from(labels)).toEqual([1, 1, 2, 2, 2]);
    // Stops as soon as the mask has no zero left: the middle stays 0 when it is outside the mask.
    const l2 = Int32Array.from([1, 0, 0, 0, 2]);
    thinBoundaries(l2, u8([1, 1, 0, 1, 1]), 5, 1);
    expect(Array.from(l2)).toEqual([1, 1, 0, 2, 2]);
    // No segment at all: one segment everywhere.
    expect(Array.from(thinBoundaries(new Int32Array(3), u8([1, 1, 1]), 3, 1))).toEqual([1, 1, 1]);
  });
});

describe('ISBI 2012 V_rand and V_info (foreground-restricted, after thinning)', () => {
  it('identical segmentations score 1', () => {
    const t = u8([1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1]);
    const s = segmentationScores(t, t, 5, 4);
    for (const v of Object.values(s)) expect(v).toBeCloseTo(1, 12);
  });

  it('a split: one true cell predicted as two (sizes 2 and 3)', () => {
    const truth = u8([1, 1, 1, 1, 1]);
    const pred = u8([1, 1, 0, 1, 1]); // the boundary pixel joins the right segment (label 2 > 1)
    const s = segmentationScores(pred, truth, 5, 1);
    // p = {2/5, 3/5}: Σp² = 13/25, Σt² = 1, Σs² = 13/25
    expect(s.vRand).toBeCloseTo(0.52 / (0.5 + 0.5 * 0.52), 12);
    expect(s.vRandSplit).toBeCloseTo(0.52, 12);
    expect(s.vRandMerge).toBeCloseTo(1, 12);
    // H(T) = 0, so I = 0: no information about the split-free truth... V_info = 0, merge part = 1 (0/0)
    expect(s.vInfo).toBeCloseTo(0, 12);
    expect(s.vInfoSplit).toBeCloseTo(0, 12);
    expect(s.vInfoMerge).toBe(1);
    expect(vRand(pred, truth, 5, 1)).toBe(s.vRand);
  });

  it('a merge: two true cells predicted as one; the true membrane pixel is not counted', () => {
    const truth = u8([1, 1, 0, 1, 1]);
    const pred = u8([1, 1, 1, 1, 1]);
    const s = segmentationScores(pred, truth, 5, 1);
    // n = 4, t = {1/2, 1/2}, s = {1}: Σp² = 1/2, Σt² = 1/2, Σs² = 1
    expect(s.vRand).toBeCloseTo(0.5 / 0.75, 12);
    expect(s.vRandSplit).toBeCloseTo(1, 12);
    expect(s.vRandMerge).toBeCloseTo(0.5, 12);
    expect(s.vInfo).toBeCloseTo(0, 12);
  });

  it('a partial error on a 2D case matches the formulas', () => {
    // truth: two cells (left 2 columns, right 2 columns) split by a membrane column, 3 rows.
    // pred: the membrane is predicted but one cell of the right side is cut off by a predicted membrane row.
    const truth = u8([1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1]);
    const pred = u8([1, 1, 0, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0, 1, 1]);
    // pred components: A = left 6 px (label 1), B = top right {3,4} (label 2), C = bottom right {13,14} (label 3).
    // Thinning, step 1 (simultaneous): px 7 → max(1,2,3) = 3, px 8 → 3, px 9 → 3, px 2 → 2, px 12 → 3.
    // Over truth foreground (12 px): left truth cell (6 px) → A 6; right truth cell (6 px) → B 2, C 4.
    const s = segmentationScores(pred, truth, 5, 3);
    const n = 12;
    const pairs = [6, 2, 4].map((c) => c / n);
    const t = [6, 6].map((c) => c / n);
    const sp = [6, 2, 4].map((c) => c / n);
    const sq = (xs: number[]) => xs.reduce((a, b) => a + b * b, 0);
    expect(s.vRand).toBeCloseTo(sq(pairs) / (0.5 * sq(t) + 0.5 * sq(sp)), 12);
    const mi = H(t) + H(sp) - H(pairs);
    expect(s.vInfo).toBeCloseTo(mi / (0.5 * H(t) + 0.5 * H(sp)), 12);
    expect(s.vInfoMerge).toBeCloseTo(1, 12); // no merge: I = H(T)
    expect(vInfo(pred, truth, 5, 3)).toBe(s.vInfo);
  });

  it('is robust to the membrane width: a thick predicted membrane scores 1', () => {
    const truth = u8([1, 1, 0, 1, 1]);
    const pred = u8([1, 0, 0, 0, 1]);
    expect(vRand(pred, truth, 5, 1)).toBeCloseTo(1, 12);
    expect(vInfo(pred, truth, 5, 1)).toBeCloseTo(1, 12);
  });

  it('evaluateSegmentation aggregates slices (V_rand pooled, V_info averaged) and sweeps thresholds', () => {
    const truths = [u8([1, 1, 1, 1, 1]), u8([1, 1, 0, 1, 1])];
    const preds = [u8([1, 1, 0, 1, 1]), u8([1, 1, 1, 1, 1])];
    const e = evaluateSegmentation(preds, truths, 5, 1);
    // pooled pair counts: slice 1: Σn² = 13, Σa² = 25, Σb² = 13; slice 2: Σn² = 8, Σa² = 8, Σb² = 16
    expect(e.vRand).toBeCloseTo((2 * 21) / (33 + 29), 12);
    expect(e.vInfo).toBeCloseTo(0, 12);
    expect(e.perSlice).toHaveLength(2);
    expect(e.pixelAccuracy).toBeCloseTo(0.8, 12);
    expect(e.iou).toHaveLength(2);
    expect(e.meanIoU).toBeCloseTo((e.iou[0]! + e.iou[1]!) / 2, 12);

    // Cell probabilities that are right at threshold 0.5 but merge at 0.0 and split at 0.9.
    const probs = [Float32Array.from([0.95, 0.95, 0.3, 0.95, 0.95])];
    const best = maximalScoresOverThresholds(probs, [truths[1]!], 5, 1);
    expect(best.vRand).toBeCloseTo(1, 12);
    expect(best.vRandThreshold).toBeGreaterThanOrEqual(0.3);
    expect(best.vRandThreshold).toBeLessThan(0.95);
  });
});
