import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mixSeed } from '../random/index.js';

/** Constructor arguments of {@link SeededDropout}. */
export interface SeededDropoutArgs {
  rate: number;
  seed: number;
  name?: string;
}

/**
 * Dropout whose mask is drawn from `mixSeed(seed, step)`, `step` counting the training calls.
 * tfjs's own Dropout either uses an unseeded generator or, given a seed, the same mask at every
 * step; this one is reproducible and still changes from step to step. Inactive unless called with
 * `{ training: true }`. `step` is public so that a trainer can save and restore it.
 */
export class SeededDropout extends tfl.layers.Layer {
  static className = 'UNetSeededDropout';
  readonly rate: number;
  readonly seed: number;
  step = 0;
  /** False turns the layer into the identity even in training mode (batch-norm recalibration measures inference-time statistics). */
  enabled = true;

  constructor(args: SeededDropoutArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.rate = args.rate;
    this.seed = args.seed;
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (!kwargs.training || !this.enabled || this.rate <= 0) return tf.clone(x);
    return tf.dropout(x, this.rate, undefined, mixSeed(this.seed, this.step++));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

tf.serialization.registerClass(SeededDropout);
