// "Precise BN": replaces batch-norm moving statistics by exact averages over training tiles.
//
// Batch norm keeps moving statistics with momentum m (Keras's 0.99; buildUNet now defaults to 0.9),
// an average that still holds m^n of its initial (0, 1) after n steps. A wall-time-limited CPU
// run makes only a few hundred steps (a few dozen on a loaded machine), so inference with those
// statistics lags far behind the weights: the network then predicts (nearly) one class. Running
// the trained network in training mode over training tiles with momentum k/(k+1) for pass k leaves
// each moving mean/variance equal to the plain average of the K batch statistics.
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { isBatchNormLayer, SeededDropout } from '../../model/index.js';
import { mixSeed } from '../../random/index.js';
import { makeBatch } from '../../train/index.js';
import type { TrainStack } from '../../train/index.js';

interface MomentumLayer {
  momentum: number;
  getClassName(): string;
}

/** Options of {@link recalibrateBatchNorm}. */
export interface RecalibrateOptions {
  /** Training slices (indices into `stack`) the tiles are cut from. */
  slices: readonly number[];
  /** Tile edge. */
  tileSize: number;
  /** Tiles per pass. */
  batchSize: number;
  /** Number of passes (batches). Default 8. */
  passes?: number;
  /** Seeds the crop positions. */
  seed: number;
}

/**
 * Sets every batch-norm layer's moving mean and variance to the average of its batch statistics
 * over `passes` batches of random unaugmented training tiles (the distribution seen at inference).
 * Dropout layers are off meanwhile, as at inference. Only the moving statistics change. Returns the number of batch-norm layers (0: nothing to do).
 */
export function recalibrateBatchNorm(
  model: LayersModel,
  stack: TrainStack,
  labels: Uint8Array,
  o: RecalibrateOptions,
): number {
  const bn = model.layers.filter((l) => isBatchNormLayer(l)) as unknown as MomentumLayer[];
  if (bn.length === 0) return 0;
  const saved = bn.map((l) => l.momentum);
  // Inference runs without dropout, so the statistics are measured without it (and its step stays).
  const dropouts = model.layers.filter((l): l is SeededDropout => l instanceof SeededDropout && l.enabled);
  const passes = o.passes ?? 8;
  const n = o.tileSize;
  const tile = { inputSize: n, outputSize: n };
  try {
    for (const l of dropouts) l.enabled = false;
    for (let k = 0; k < passes; k++) {
      // new = old·m + batch·(1 − m): m = k/(k+1) keeps the running mean of the k+1 batches seen.
      for (const l of bn) l.momentum = k / (k + 1);
      const idx = Array.from(
        { length: o.batchSize },
        (_, i) => o.slices[(k * o.batchSize + i) % o.slices.length]!,
      );
      const batch = makeBatch(stack, labels, idx, tile, false, false, mixSeed(o.seed, k, 0xb7a1));
      tf.tidy(() => {
        const x = tf.tensor4d(batch.images, [batch.batchSize, n, n, batch.channels]);
        model.apply(x, { training: true });
      });
    }
  } finally {
    bn.forEach((l, i) => (l.momentum = saved[i]!));
    for (const l of dropouts) l.enabled = true;
  }
  return bn.length;
}
