// Exponential moving average (EMA) of the trainable weights: a shadow copy that trails the live
// weights, shadow = d·shadow + (1 − d)·w after every optimizer step. The averaged weights are
// usually a better model than the last step's (they smooth out the noise of the last steps); the
// live ones keep training. Batch-norm moving statistics are not trainable and are not averaged:
// they are averages already.
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, TrainConfigError } from './errors.js';

/**
 * The `weightAverage` option checked: an EMA decay in [0, 1), 0 (the default) meaning off.
 * Throws `TrainConfigError` for anything else (negative, >= 1, NaN, a string).
 */
export function resolveWeightAverage(decay: unknown): number {
  if (decay === undefined) return 0;
  if (typeof decay !== 'number' || !(decay >= 0 && decay < 1)) {
    throw new TrainConfigError(`weightAverage must be a number in [0, 1), got ${String(decay)}`);
  }
  return decay;
}

/**
 * Decay of the update after `step` optimizer steps: min(decay, (1 + step) / (10 + step)). The
 * warm-up keeps the random initial weights from dominating the average of a short run.
 */
export function averageDecayAt(decay: number, step: number): number {
  return Math.min(decay, (1 + step) / (10 + step));
}

/** Float32 values of `tensors`, concatenated in order (the format of `live-weights.bin`). */
export async function variablesToBytes(tensors: readonly tf.Tensor[]): Promise<Uint8Array> {
  const total = tensors.reduce((s, t) => s + t.size, 0);
  const out = new Float32Array(total);
  let off = 0;
  for (const t of tensors) {
    out.set(await t.data<'float32'>(), off);
    off += t.size;
  }
  return new Uint8Array(out.buffer);
}

/**
 * Assigns bytes written by `variablesToBytes` to `vars`, in order. Throws `CheckpointError` when the
 * byte count does not match their shapes (another model, a truncated file).
 */
export function assignFromBytes(vars: readonly tf.Variable[], bytes: Uint8Array, what: string): void {
  const total = vars.reduce((s, v) => s + v.size, 0);
  if (bytes.byteLength !== total * 4) {
    throw new CheckpointError(
      `${what} has ${bytes.byteLength} bytes, the ${vars.length} weight tensors need ${total * 4}`,
    );
  }
  // A copy: the bytes may sit at an offset that is not a multiple of 4.
  const values = new Float32Array(bytes.slice().buffer);
  tf.tidy(() => {
    let off = 0;
    for (const v of vars) {
      v.assign(tf.tensor(values.subarray(off, off + v.size), v.shape, 'float32'));
      off += v.size;
    }
  });
}

/** The EMA of a list of variables (the model's trainable weights). Call `dispose()` when done. */
export class WeightAverage {
  private readonly shadow: tf.Variable[];

  /**
   * Starts the average at the current values of `live`.
   * @param live The variables to average, e.g. `model.trainableWeights.map((w) => w.read())`.
   * @param decay EMA decay in [0, 1) (`TrainConfigError` otherwise).
   */
  constructor(
    readonly live: readonly tf.Variable[],
    readonly decay: number,
  ) {
    resolveWeightAverage(decay);
    // tf.variable shares the tensor's data until either side is assigned: no copy needed.
    this.shadow = live.map((v) => tf.variable(v, false));
  }

  /**
   * Folds the live weights into the average, after an optimizer step. `step` is the number of
   * steps done so far, this one included (1 after the first step): it sets the warm-up decay.
   */
  update(step: number): void {
    const d = averageDecayAt(this.decay, step);
    tf.tidy(() => {
      const keep = tf.scalar(d);
      const take = tf.scalar(1 - d);
      this.shadow.forEach((s, i) => s.assign(tf.add(tf.mul(s, keep), tf.mul(this.live[i]!, take))));
    });
  }

  /**
   * Runs `fn` with the averaged weights in the live variables, then puts the live values back
   * exactly (the same data, nothing recomputed), also when `fn` throws.
   */
  async withAveraged<T>(fn: () => T | Promise<T>): Promise<T> {
    // Clones share the live data; assign only repoints the variables, so restoring is bit-exact.
    const saved = this.live.map((v) => tf.clone(v));
    this.live.forEach((v, i) => v.assign(this.shadow[i]!));
    try {
      return await fn();
    } finally {
      this.live.forEach((v, i) => v.assign(saved[i]!));
      tf.dispose(saved);
    }
  }

  /** Puts the averaged weights into the live variables for good (the end of a run). */
  copyToLive(): void {
    this.live.forEach((v, i) => v.assign(this.shadow[i]!));
  }

  /** The averaged weights as Float32 bytes in the order of `live`. */
  toBytes(): Promise<Uint8Array> {
    return variablesToBytes(this.shadow);
  }

  /** Replaces the average with bytes from `toBytes` (`CheckpointError` when the length does not fit). */
  loadBytes(bytes: Uint8Array): void {
    assignFromBytes(this.shadow, bytes, 'the weight average');
  }

  /** Frees the shadow variables. The live variables are untouched. */
  dispose(): void {
    tf.dispose(this.shadow);
  }
}
