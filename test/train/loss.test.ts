import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildUNet } from '../../src/model/index.js';
import { combinedLoss, diceLoss, LossInputError, weightedCrossEntropy } from '../../src/train/loss.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Two images of 1×2 pixels, 2 classes.
const probs = () =>
  tf.tensor4d(
    [
      [
        [
          [0.8, 0.2],
          [0.3, 0.7],
        ],
      ],
      [
        [
          [1, 0],
          [0.4, 0.6],
        ],
      ],
    ],
    [2, 1, 2, 2],
  );
const labels = () => tf.tensor3d([[[0, 0]], [[1, 1]]], [2, 1, 2], 'int32');
const weights = () => tf.tensor3d([[[1, 2]], [[5, 0]]], [2, 1, 2]);

describe('weightedCrossEntropy', () => {
  it('equals a hand computation', () => {
    // Image 1: (1·(−ln 0.8) + 2·(−ln 0.3)) / 3 = (0.2231436 + 2·1.2039728) / 3 = 0.8770297
    // Image 2: p_true = 0 is clipped to 1e-7: 5·16.1180957 / 5 = 16.1180957 (the 0-weight pixel is ignored)
    // Mean over the batch: 8.4975627
    const loss = weightedCrossEntropy(probs(), labels(), weights());
    expect(loss.shape).toEqual([]);
    expect(loss.dataSync()[0]).toBeCloseTo(8.4975627, 4);
  });

  it('with unit weights is the mean per-image cross-entropy', () => {
    const l = weightedCrossEntropy(probs(), labels(), tf.ones([2, 1, 2]) as tf.Tensor3D).dataSync()[0]!;
    const expected = ((-Math.log(0.8) - Math.log(0.3)) / 2 + (-Math.log(1e-7) - Math.log(0.6)) / 2) / 2;
    expect(l).toBeCloseTo(expected, 4);
  });

  it('has finite, correct gradients, zero where clipped', () => {
    const g = tf.grad((p: tf.Tensor) => weightedCrossEntropy(p as tf.Tensor4D, labels(), weights()))(probs());
    const v = g.dataSync();
    expect(Array.from(v).every(Number.isFinite)).toBe(true);
    // d/dp_true = −w / (p · Σw) / N
    expect(v[0]).toBeCloseTo(-1 / (0.8 * 3) / 2, 5);
    expect(v[2]).toBeCloseTo(-2 / (0.3 * 3) / 2, 5);
    expect(Math.abs(v[1]!)).toBe(0);
    expect(Math.abs(v[5]!)).toBe(0); // p_true = 0 is clipped: no gradient, no NaN
    expect(Math.abs(v[7]!)).toBe(0); // weight 0
  });

  it('casts float labels, ignores all-zero weight images, and trains a model without NaN', () => {
    const lf = weightedCrossEntropy(probs(), tf.tensor3d([[[0, 0]], [[1, 1]]], [2, 1, 2]), weights());
    expect(lf.dataSync()[0]).toBeCloseTo(8.4975627, 4);
    const l0 = weightedCrossEntropy(probs(), labels(), tf.zeros([2, 1, 2]) as tf.Tensor3D);
    expect(l0.dataSync()[0]).toBe(0);

    const model = buildUNet({ depth: 1, baseFilters: 2, seed: 1 });
    const x = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 3);
    const y = tf.reshape(tf.cast(tf.greater(x, 0.5), 'int32'), [2, 8, 8]) as tf.Tensor3D;
    const w = tf.ones([2, 8, 8]) as tf.Tensor3D;
    const { value, grads } = tf.variableGrads(() =>
      weightedCrossEntropy(model.apply(x) as tf.Tensor4D, y, w),
    );
    expect(Number.isFinite(value.dataSync()[0]!)).toBe(true);
    for (const g of Object.values(grads)) expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    model.dispose();
  });

  it('rejects shapes that do not match', () => {
    expect(() =>
      weightedCrossEntropy(probs(), tf.zeros([2, 1, 3], 'int32') as tf.Tensor3D, weights()),
    ).toThrow(LossInputError);
    expect(() => weightedCrossEntropy(probs(), labels(), tf.zeros([2, 2, 1]) as tf.Tensor3D)).toThrow(
      /weights must be/,
    );
    expect(() =>
      weightedCrossEntropy(tf.zeros([2, 2]) as unknown as tf.Tensor4D, labels(), weights()),
    ).toThrow(LossInputError);
  });

  it('does not leak tensors', () => {
    const p = probs();
    const l = labels();
    const w = weights();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      weightedCrossEntropy(p, l, w).dispose();
      combinedLoss(p, l, w, { diceWeight: 0.5 }).dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('diceLoss and combinedLoss', () => {
  it('dice equals a hand computation', () => {
    const p = tf.tensor4d(
      [
        [
          [
            [1, 0],
            [0.5, 0.5],
          ],
        ],
      ],
      [1, 1, 2, 2],
    );
    const l = tf.tensor3d([[[0, 1]]], [1, 1, 2], 'int32');
    // class 0: (2·1 + 1) / (1.5 + 1 + 1) = 0.857143; class 1: (2·0.5 + 1) / (0.5 + 1 + 1) = 0.8
    expect(diceLoss(p, l).dataSync()[0]).toBeCloseTo(1 - (3 / 3.5 + 0.8) / 2, 5);
    // Perfect one-hot prediction: no loss.
    const perfect = tf.tensor4d(
      [
        [
          [
            [1, 0],
            [0, 1],
          ],
        ],
      ],
      [1, 1, 2, 2],
    );
    expect(diceLoss(perfect, l).dataSync()[0]).toBeCloseTo(0, 6);
  });

  it('combined = cross-entropy + diceWeight · dice, with a finite gradient', () => {
    const ce = weightedCrossEntropy(probs(), labels(), weights()).dataSync()[0]!;
    const d = diceLoss(probs(), labels()).dataSync()[0]!;
    expect(combinedLoss(probs(), labels(), weights()).dataSync()[0]).toBeCloseTo(ce, 5);
    expect(combinedLoss(probs(), labels(), weights(), { diceWeight: 0.5 }).dataSync()[0]).toBeCloseTo(
      ce + 0.5 * d,
      5,
    );
    const g = tf.grad((p: tf.Tensor) =>
      combinedLoss(p as tf.Tensor4D, labels(), weights(), { diceWeight: 1 }),
    )(probs());
    expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    expect(() => combinedLoss(probs(), labels(), weights(), { diceWeight: -1 })).toThrow(LossInputError);
  });
});
