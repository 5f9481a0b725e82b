import { checkPair, MetricInputError } from './errors.js';

/** Smoothing of the seed's IoU: a class absent from both prediction and truth scores 1. */
export const IOU_EPSILON = 1e-6;

function checkClasses(classes: number): void {
  if (!Number.isInteger(classes) || classes < 2 || classes > 256) {
    throw new MetricInputError(`classes must be an integer in [2, 256], got ${classes}`);
  }
}

/** Per-class |P∩T|, |P|, |T| of one image of class indices. Values ≥ `classes` throw. */
export function classCounts(
  pred: ArrayLike<number>,
  truth: ArrayLike<number>,
  classes = 2,
): { inter: Float64Array; predCount: Float64Array; truthCount: Float64Array } {
  checkPair(pred, truth);
  checkClasses(classes);
  const inter = new Float64Array(classes);
  const predCount = new Float64Array(classes);
  const truthCount = new Float64Array(classes);
  for (let i = 0; i < pred.length; i++) {
    const p = pred[i]!;
    const t = truth[i]!;
    if (!(p >= 0 && p < classes && t >= 0 && t < classes)) {
      throw new MetricInputError(
        `class index out of range [0, ${classes}) at pixel ${i}: pred ${p}, truth ${t}`,
      );
    }
    predCount[p]!++;
    truthCount[t]!++;
    if (p === t) inter[p]!++;
  }
  return { inter, predCount, truthCount };
}

/**
 * IoU of each class for one image, the seed's definition: `(|P∩T| + 1e-6) / (|P∪T| + 1e-6)`.
 * Inputs are class maps (0 = membrane, 1 = cell for ISBI).
 */
export function iouPerClass(pred: ArrayLike<number>, truth: ArrayLike<number>, classes = 2): number[] {
  const { inter, predCount, truthCount } = classCounts(pred, truth, classes);
  const out: number[] = [];
  for (let c = 0; c < classes; c++) {
    const union = predCount[c]! + truthCount[c]! - inter[c]!;
    out.push((inter[c]! + IOU_EPSILON) / (union + IOU_EPSILON));
  }
  return out;
}

/** Dice of each class for one image: `(2|P∩T| + 1e-6) / (|P| + |T| + 1e-6)`. */
export function dicePerClass(pred: ArrayLike<number>, truth: ArrayLike<number>, classes = 2): number[] {
  const { inter, predCount, truthCount } = classCounts(pred, truth, classes);
  const out: number[] = [];
  for (let c = 0; c < classes; c++) {
    out.push((2 * inter[c]! + IOU_EPSILON) / (predCount[c]! + truthCount[c]! + IOU_EPSILON));
  }
  return out;
}

function asList<T extends ArrayLike<number>>(x: T | T[]): T[] {
  return Array.isArray(x) ? x : [x];
}

function meanOverImagesThenClasses(
  per: (p: ArrayLike<number>, t: ArrayLike<number>, c: number) => number[],
  preds: ArrayLike<number> | ArrayLike<number>[],
  truths: ArrayLike<number> | ArrayLike<number>[],
  classes: number,
): { perClass: number[]; mean: number } {
  const ps = asList(preds);
  const ts = asList(truths);
  if (ps.length !== ts.length) throw new MetricInputError(`${ps.length} predictions but ${ts.length} truths`);
  if (ps.length === 0) throw new MetricInputError('no images');
  const sum = new Array<number>(classes).fill(0);
  for (let i = 0; i < ps.length; i++) {
    const v = per(ps[i]!, ts[i]!, classes);
    for (let c = 0; c < classes; c++) sum[c]! += v[c]!;
  }
  const perClass = sum.map((s) => s / ps.length);
  return { perClass, mean: perClass.reduce((a, b) => a + b, 0) / classes };
}

/** Per-class IoU averaged over images (the seed's protocol). Accepts one image or a list. */
export function iouOverImages(
  preds: ArrayLike<number> | ArrayLike<number>[],
  truths: ArrayLike<number> | ArrayLike<number>[],
  classes = 2,
): number[] {
  return meanOverImagesThenClasses(iouPerClass, preds, truths, classes).perClass;
}

/**
 * Mean IoU as the seed reports it (its 0.758): per-image, per-class IoU, averaged over images,
 * then over classes. Accepts one image or a list of images.
 */
export function meanIoU(
  preds: ArrayLike<number> | ArrayLike<number>[],
  truths: ArrayLike<number> | ArrayLike<number>[],
  classes = 2,
): number {
  return meanOverImagesThenClasses(iouPerClass, preds, truths, classes).mean;
}

/** Dice (F1) per image and class, averaged over images, then over classes. One image or a list. */
export function dice(
  preds: ArrayLike<number> | ArrayLike<number>[],
  truths: ArrayLike<number> | ArrayLike<number>[],
  classes = 2,
): number {
  return meanOverImagesThenClasses(dicePerClass, preds, truths, classes).mean;
}
