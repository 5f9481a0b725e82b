// Batch normalisation layer of our U-Nets: tfjs-layers' BatchNormalization (same weights gamma,
// beta, moving_mean, moving_variance; same config, momentum/epsilon semantics and moving-average
// update), whose training-mode call runs one fused kernel per direction on the 'wasm' backend
// (src/backend/kernels/batchNormTrain.ts) instead of the composed moments + batchNorm, whose
// gradients cost a dozen element-wise passes, and six ops for the moving averages. Optionally
// (`relu`) it applies the ReLU that follows it in a U-Net, inside the same kernels. Elsewhere
// (webgl, webgpu, cpu, wasm without our kernels, or a layout the kernel does not cover) it is the
// stock layer, call for call (then tf.relu with `relu`).
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

/** Arguments of {@link UNetBatchNorm}: those of `tf.layers.batchNormalization`, and `relu`. */
export interface UNetBatchNormArgs extends BatchNormalizationLayerArgs {
  /** Output max(0, batch norm), i.e. batch norm followed by a ReLU, in one layer. Default false. */
  relu?: boolean;
}

/**
 * tfjs-layers' BatchNormalization with a fused training path on 'wasm'. Takes the same arguments
 * (see `tf.layers.batchNormalization`), plus `relu`.
 */
export class UNetBatchNorm extends StockBatchNormalization {
  static override className = 'UNetBatchNorm';
  /** See {@link UNetBatchNormArgs.relu}. */
  readonly relu: boolean;

  constructor(args: UNetBatchNormArgs = {}) {
    const { relu, ...stock } = args;
    super(stock);
    this.relu = relu === true;
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config = super.getConfig();
    // Only when set, so configs without it stay exactly the stock layer's.
    if (this.relu) config['relu'] = true;
    return config;
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
      if (!this.relu) return super.call(inputs, kwargs);
      return tf.tidy(() => tf.relu(super.call(inputs, kwargs) as tf.Tensor));
    }
    return tf.tidy(() => {
      // The kernel also updates the moving averages as the stock layer does (moving ← moving −
      // (moving − batch)·(1 − momentum), biased variance), float32 step for step.
      const out = tf.engine().runKernel(
        TRAIN_KERNEL,
        {
          x: input,
          gamma: me.gamma!.read(),
          beta: me.beta!.read(),
          movingMean: me.movingMean.read(),
          movingVariance: me.movingVariance.read(),
        },
        { epsilon: me.epsilon, relu: this.relu, momentum: me.momentum },
      ) as tf.Tensor[];
      me.movingMean.write(out[4]!);
      me.movingVariance.write(out[5]!);
      return out[0]!;
    });
  }
}

tf.serialization.registerClass(UNetBatchNorm);

/** Creates a {@link UNetBatchNorm} layer (arguments as `tf.layers.batchNormalization`, plus `relu`). */
export function unetBatchNorm(args: UNetBatchNormArgs = {}): UNetBatchNorm {
  return new UNetBatchNorm(args);
}
