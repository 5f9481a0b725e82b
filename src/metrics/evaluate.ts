import { checkSize, MetricInputError } from './errors.js';
import { dicePerClass, iouPerClass } from './iou.js';
import { binarize } from './maps.js';
import { scoresFromContingency, segmentContingency, type SegmentationScores } from './randInfo.js';

/** The metrics of {@link evaluateSegmentation}. All are in [0, 1], higher is better. */
export interface SegmentationEvaluation {
  /** Correct pixels / all pixels, over all slices. */
  pixelAccuracy: number;
  /** Per-class IoU (seed's definition), averaged over slices: `[membrane, cell]` for 2 classes. */
  iou: number[];
  /** Mean of `iou` over classes: the seed's "IoU". */
  meanIoU: number;
  /** Per-class Dice averaged over slices, then over classes. */
  dice: number;
  /** Foreground-restricted V_rand after thinning, pooled over slices (see below). */
  vRand: number;
  /** Foreground-restricted V_info after thinning, mean over slices. */
  vInfo: number;
  /** Per-slice V_rand / V_info (with split and merge parts). */
  perSlice: SegmentationScores[];
}

/** Options of {@link evaluateSegmentation}. */
export interface EvaluateOptions {
  /** Number of classes of the maps. Default 2 (0 = membrane, 1 = cell). */
  classes?: number;
}

/**
 * Scores predicted class maps against true class maps (one `Uint8Array` of `width*height` per slice,
 * 0 = membrane, 1 = cell). IoU and Dice follow the seed (per slice and class, averaged over slices,
 * then classes). V_rand is pooled over slices as Fiji's statistics are: 2ΣΣn_ij² / (ΣΣa_i² + ΣΣb_j²),
 * pair counts summed over slices (pairs never span slices). V_info is the mean of the per-slice values.
 */
export function evaluateSegmentation(
  preds: ArrayLike<number>[],
  truths: ArrayLike<number>[],
  width: number,
  height: number,
  options: EvaluateOptions = {},
): SegmentationEvaluation {
  const classes = options.classes ?? 2;
  if (preds.length !== truths.length)
    throw new MetricInputError(`${preds.length} predictions but ${truths.length} truths`);
  if (preds.length === 0) throw new MetricInputError('no slices to evaluate');
  let same = 0;
  let total = 0;
  const iouSum = new Array<number>(classes).fill(0);
  let diceSum = 0;
  let pair2 = 0;
  let truth2 = 0;
  let pred2 = 0;
  let vInfoSum = 0;
  const perSlice: SegmentationScores[] = [];
  for (let s = 0; s < preds.length; s++) {
    const p = preds[s]!;
    const t = truths[s]!;
    checkSize(p, width, height);
    checkSize(t, width, height);
    for (let i = 0; i < p.length; i++) if (p[i] === t[i]) same++;
    total += p.length;
    const iou = iouPerClass(p, t, classes);
    for (let c = 0; c < classes; c++) iouSum[c]! += iou[c]!;
    const d = dicePerClass(p, t, classes);
    diceSum += d.reduce((a, b) => a + b, 0) / classes;
    const cont = segmentContingency(p, t, width, height);
    pair2 += cont.sumPair2;
    truth2 += cont.sumTruth2;
    pred2 += cont.sumPred2;
    const sc = scoresFromContingency(cont);
    vInfoSum += sc.vInfo;
    perSlice.push(sc);
  }
  const iou = iouSum.map((v) => v / preds.length);
  return {
    pixelAccuracy: same / total,
    iou,
    meanIoU: iou.reduce((a, b) => a + b, 0) / classes,
    dice: diceSum / preds.length,
    vRand: truth2 + pred2 > 0 ? (2 * pair2) / (truth2 + pred2) : 1,
    vInfo: vInfoSum / preds.length,
    perSlice,
  };
}

/** Options of {@link maximalScoresOverThresholds}. */
export interface ThresholdSweepOptions {
  /** Thresholds on P(cell); a pixel is inside a cell when `p > threshold`. Default 0.0, 0.1, …, 0.9 (Fiji's sweep). */
  thresholds?: number[];
}

/**
 * The challenge's "maximal" V_rand and V_info: for each threshold of the cell-probability maps, score
 * all slices (as {@link evaluateSegmentation}) and keep the best value of each metric over thresholds,
 * as Fiji's `getMaximalVRandAfterThinning(0, 1, 0.1)` / `getMaximalVInfoAfterThinning` do.
 * `cellProbabilities` are `width*height` maps of P(cell) per slice; truths are class maps.
 */
export function maximalScoresOverThresholds(
  cellProbabilities: ArrayLike<number>[],
  truths: ArrayLike<number>[],
  width: number,
  height: number,
  options: ThresholdSweepOptions = {},
): { vRand: number; vRandThreshold: number; vInfo: number; vInfoThreshold: number } {
  const thresholds = options.thresholds ?? [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
  if (thresholds.length === 0) throw new MetricInputError('no thresholds');
  let best = { vRand: -1, vRandThreshold: 0, vInfo: -1, vInfoThreshold: 0 };
  for (const th of thresholds) {
    const preds = cellProbabilities.map((p) => binarize(p, th));
    const e = evaluateSegmentation(preds, truths, width, height);
    if (e.vRand > best.vRand) best = { ...best, vRand: e.vRand, vRandThreshold: th };
    if (e.vInfo > best.vInfo) best = { ...best, vInfo: e.vInfo, vInfoThreshold: th };
  }
  return best;
}
