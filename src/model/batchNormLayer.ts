// Batch normalisation layer of our U-Nets: tfjs-layers' BatchNormalization (same weights gamma,
// beta, moving_mean, moving_variance; same config, momentum/epsilon semantics and moving-average
// update), whose training-mode call runs one fused kernel per direction on the 'wasm' backend
// (src/backend/kernels/batchNormTrain.ts) instead of the composed moments + batchNorm, whose
// gradients cost a dozen element-wise passes. Elsewhere (webgl, webgpu, cpu, wasm without our
// kernels, or a layout the kernel does not cover) it is the stock layer, call for call.
// Serialised as 'UNetBatchNorm'; models saved with 'BatchNormalization' keep loading the stock one.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type {
  BatchNormalization,
  BatchNormalizationLayerArgs,
} from '@tensorflow/tfjs-layers/dist/layers/normalization.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { BATCH_NORM_MAX_ELEMENTS } from '../kernels/nnBatchNorm.js';
import {
  BATCH_NORM_TRAIN as TRAIN_KERNEL,
  BATCH_NORM_TRAIN_GRAD as GRAD_KERNEL,
} from '../backend/kernels/batchNormTrain.js';

/** The stock layer's private fields we read (tfjs-layers 4.22). */
interface BnInternals {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: tfl.LayerVariable | null;
  beta: tfl.LayerVariable | null;
  movingMean: tfl.LayerVariable;
  movingVariance: tfl.LayerVariable;
}

// The stock class is not exported at runtime (and a deep import would load a second copy of
// tfjs-layers under Node), so take it from an instance. An explicit name keeps tfjs's automatic
// layer-name counter untouched.
const StockBatchNormalization = tfl.layers.batchNormalization({ name: 'unet_bn_probe' })
  .constructor as typeof BatchNormalization;

/** True when the fused training kernels can run now (current backend 'wasm', both kernels registered). */
export function fusedBatchNormAvailable(): boolean {
  return (
    tf.getBackend() === 'wasm' &&
    tf.getKernel(TRAIN_KERNEL, 'wasm') !== undefined &&
    tf.getKernel(GRAD_KERNEL, 'wasm') !== undefined
  );
}

/** True for batch-norm layers: ours ('UNetBatchNorm') and the stock 'BatchNormalization'. */
export function isBatchNormLayer(layer: { getClassName(): string }): boolean {
  const cls = layer.getClassName();
  return cls === UNetBatchNorm.className || cls === 'BatchNormalization';
}

/**
 * tfjs-layers' BatchNormalization with a fused training path on 'wasm'. Takes the same arguments
 * (see `tf.layers.batchNormalization`).
 */
export class UNetBatchNorm extends StockBatchNormalization {
  static override className = 'UNetBatchNorm';

  constructor(args: BatchNormalizationLayerArgs = {}) {
    super(args);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const training = kwargs['training'] === true;
    const input = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
    const me = this as unknown as BnInternals;
    const rank = input?.rank ?? 0;
    const lastAxis = me.axis === -1 || me.axis === rank - 1;
    if (
      !training ||
      input === undefined ||
      input.dtype !== 'float32' ||
      input.size > BATCH_NORM_MAX_ELEMENTS ||
      !lastAxis ||
      !me.center ||
      !me.scale ||
      me.gamma === null ||
      me.beta === null ||
      !fusedBatchNormAvailable()
    ) {
      return super.call(inputs, kwargs);
    }
    return tf.tidy(() => {
      const [y, mean, variance] = tf.engine().runKernel(
        TRAIN_KERNEL,
        { x: input, gamma: me.gamma!.read(), beta: me.beta!.read() },
        {
          epsilon: me.epsilon,
        },
      ) as tf.Tensor[];
      // As the stock layer: moving ← moving − (moving − batch)·(1 − momentum), biased variance.
      const decay = 1 - me.momentum;
      for (const [v, value] of [
        [me.movingMean, mean!],
        [me.movingVariance, variance!],
      ] as const) {
        tf.tidy(() => {
          const orig = v.read();
          v.write(tf.sub(orig, tf.mul(tf.sub(orig, value), decay)));
        });
      }
      return y!;
    });
  }
}

tf.serialization.registerClass(UNetBatchNorm);

/** Creates a {@link UNetBatchNorm} layer (arguments as `tf.layers.batchNormalization`). */
export function unetBatchNorm(args: BatchNormalizationLayerArgs = {}): UNetBatchNorm {
  return new UNetBatchNorm(args);
}
