import { checkPair } from './errors.js';

/** Fraction of pixels whose predicted class equals the true class. */
export function pixelAccuracy(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  checkPair(pred, truth);
  let same = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === truth[i]) same++;
  return same / pred.length;
}
