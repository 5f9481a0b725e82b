import * as tf from '@tensorflow/tfjs-core';

/** Thrown when the tensors given to a loss do not fit together. */
export class LossInputError extends Error {
  override name = 'LossInputError';
}

/** Probabilities below this are clipped before the log, so a confident mistake costs at most −log(1e-7) ≈ 16. */
export const PROB_EPSILON = 1e-7;

/** Checks `[N,H,W,C]` probabilities against `[N,H,W]` labels (and weights). */
export function checkLossShapes(probs: tf.Tensor, labels: tf.Tensor, weights?: tf.Tensor): void {
  if (probs.rank !== 4)
    throw new LossInputError(`probs must be [batch, height, width, classes], got shape [${probs.shape}]`);
  const [n, h, w] = probs.shape;
  const want = `[${n},${h},${w}]`;
  if (labels.rank !== 3 || labels.shape[0] !== n || labels.shape[1] !== h || labels.shape[2] !== w) {
    throw new LossInputError(`labels must be ${want} to match probs [${probs.shape}], got [${labels.shape}]`);
  }
  if (
    weights &&
    (weights.rank !== 3 || weights.shape[0] !== n || weights.shape[1] !== h || weights.shape[2] !== w)
  ) {
    throw new LossInputError(
      `weights must be ${want} to match probs [${probs.shape}], got [${weights.shape}]`,
    );
  }
}

/**
 * Weighted pixel-wise cross-entropy of the U-Net paper, normalised per image:
 * `mean over images of  Σ w·(−log p_true) / Σ w`, with `p_true` clipped to [1e-7, 1].
 * `probs` `[N,H,W,C]` softmax output; `labels` `[N,H,W]` class indices (int32, cast if not);
 * `weights` `[N,H,W]` ≥ 0 (e.g. from `weightMap`). An image whose weights sum to 0 contributes 0.
 * Differentiable with respect to `probs`.
 */
export function weightedCrossEntropy(
  probs: tf.Tensor4D,
  labels: tf.Tensor3D,
  weights: tf.Tensor3D,
): tf.Scalar {
  checkLossShapes(probs, labels, weights);
  return tf.tidy(() => {
    const classes = probs.shape[3];
    const idx = labels.dtype === 'int32' ? labels : tf.cast(labels, 'int32');
    const oneHot = tf.cast(tf.oneHot(idx, classes), 'float32');
    const pTrue = tf.sum(tf.mul(probs, oneHot), -1);
    const nll = tf.neg(tf.log(tf.clipByValue(pTrue, PROB_EPSILON, 1)));
    const w = weights.dtype === 'float32' ? weights : tf.cast(weights, 'float32');
    const num = tf.sum(tf.mul(w, nll), [1, 2]);
    const den = tf.maximum(tf.sum(w, [1, 2]), 1e-12);
    return tf.mean(tf.div(num, den)) as tf.Scalar;
  });
}

/** Options of {@link diceLoss}. */
export interface DiceLossOptions {
  /** Added to numerator and denominator so empty classes give 0 loss, not NaN. Default 1. */
  smooth?: number;
}

/**
 * Soft Dice loss: `1 − mean over images and classes of (2 Σ p·g + s) / (Σ p + Σ g + s)`, with `g` the
 * one-hot labels. Every class counts equally, which offsets the class imbalance of thin membranes.
 */
export function diceLoss(probs: tf.Tensor4D, labels: tf.Tensor3D, options: DiceLossOptions = {}): tf.Scalar {
  checkLossShapes(probs, labels);
  const smooth = options.smooth ?? 1;
  return tf.tidy(() => {
    const idx = labels.dtype === 'int32' ? labels : tf.cast(labels, 'int32');
    const g = tf.cast(tf.oneHot(idx, probs.shape[3]), 'float32');
    const inter = tf.sum(tf.mul(probs, g), [1, 2]);
    const total = tf.add(tf.sum(probs, [1, 2]), tf.sum(g, [1, 2]));
    const dice = tf.div(tf.add(tf.mul(2, inter), smooth), tf.add(total, smooth));
    return tf.sub(1, tf.mean(dice)) as tf.Scalar;
  });
}

/** Options of {@link combinedLoss}. */
export interface CombinedLossOptions {
  /** Weight of the soft Dice term added to the weighted cross-entropy. Default 0 (cross-entropy only). */
  diceWeight?: number;
  /** Smoothing of the Dice term. Default 1. */
  diceSmooth?: number;
}

/** `weightedCrossEntropy + diceWeight · diceLoss`. */
export function combinedLoss(
  probs: tf.Tensor4D,
  labels: tf.Tensor3D,
  weights: tf.Tensor3D,
  options: CombinedLossOptions = {},
): tf.Scalar {
  const diceWeight = options.diceWeight ?? 0;
  if (!(diceWeight >= 0) || !Number.isFinite(diceWeight)) {
    throw new LossInputError(`diceWeight must be a finite number >= 0, got ${diceWeight}`);
  }
  if (diceWeight === 0) return weightedCrossEntropy(probs, labels, weights);
  return tf.tidy(() =>
    tf.add(
      weightedCrossEntropy(probs, labels, weights),
      tf.mul(diceWeight, diceLoss(probs, labels, { smooth: options.diceSmooth ?? 1 })),
    ),
  );
}
