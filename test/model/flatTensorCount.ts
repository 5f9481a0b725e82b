// Shared by the layer tests: a few Adam steps of a small U-Net leave the tensor count unchanged.
import { expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** Trains `model` (input [2, size, size, 1], 2 classes) for 4 steps; the count after the first must hold. */
export function expectFlatTensorCount(model: tfl.LayersModel, size: number): void {
  const opt = tf.train.adam(1e-3);
  const x = tf.randomUniform([2, size, size, 1], 0, 1, 'float32', 1);
  const t = tf.oneHot(tf.randomUniform([2, size, size], 0, 2, 'int32', 2), 2);
  const step = (): void => {
    const loss = opt.minimize(
      () => tf.losses.softmaxCrossEntropy(t, model.apply(x, { training: true }) as tf.Tensor),
      true,
    );
    loss?.dispose();
  };
  step();
  const n = tf.memory().numTensors;
  for (let k = 0; k < 3; k++) step();
  expect(tf.memory().numTensors).toBe(n);
  tf.dispose([x, t]);
  opt.dispose();
}
