// Adam with one fused kernel per variable on 'wasm'. tfjs's AdamOptimizer issues ~12 element-wise
// kernels per variable per step (each a pass over memory and an allocation); on 'wasm' this class
// runs the registered UnetAdamUpdate kernel instead, which gives bit-identical results. It keeps
// AdamOptimizer's state fields (moments, accBeta1/2, iterations), so checkpoints and
// getWeights/setWeights work unchanged; on other backends, or when the kernel is not registered, it
// is stock Adam.
import * as tf from '@tensorflow/tfjs-core';
import { ADAM_UPDATE, type AdamUpdateAttrs } from '../backend/kernels/adamUpdate.js';

interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
}

/** Whether the fused update can run on the active backend. */
function fusedAvailable(): boolean {
  return tf.getBackend() === 'wasm' && tf.getKernel(ADAM_UPDATE, 'wasm') !== undefined;
}

/**
 * `tf.AdamOptimizer` whose update runs as one fused kernel per variable on the 'wasm' backend
 * (when unet-wasm's kernels are registered); stock Adam elsewhere. Same defaults as `tf.train.adam`:
 * beta1 0.9, beta2 0.999, epsilon the backend's epsilon.
 */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null) {
    super(learningRate, beta1, beta2, epsilon as number);
  }

  /** Sets the rate of the next steps (schedules); the moments are unaffected. */
  setLearningRate(learningRate: number): void {
    (this as unknown as AdamState).learningRate = learningRate;
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (!fusedAvailable()) {
      super.applyGradients(variableGradients);
      return;
    }
    const s = this as unknown as AdamState;
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((v) => v.name)
      : Object.keys(variableGradients);
    const attrs: AdamUpdateAttrs = {
      beta1: s.beta1,
      beta2: s.beta2,
      learningRate: s.learningRate,
      epsilon: s.epsilon,
    };
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name]!;
        // As the stock optimizer: moments are created on first use, by position.
        if (s.accumulatedFirstMoment[i] == null) {
          s.accumulatedFirstMoment[i] = {
            originalName: `${name}/m`,
            variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
          };
        }
        if (s.accumulatedSecondMoment[i] == null) {
          s.accumulatedSecondMoment[i] = {
            originalName: `${name}/v`,
            variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
          };
        }
        const grad = Array.isArray(variableGradients)
          ? variableGradients[i]!.tensor
          : variableGradients[name];
        if (grad == null) return;
        const m = s.accumulatedFirstMoment[i]!.variable;
        const v = s.accumulatedSecondMoment[i]!.variable;
        const [newValue, newM, newV] = tf
          .engine()
          .runKernel(
            ADAM_UPDATE,
            { value, m, v, grad, accBeta1: s.accBeta1, accBeta2: s.accBeta2 },
            attrs,
          ) as tf.Tensor[];
        m.assign(newM!);
        v.assign(newV!);
        value.assign(newValue!);
      });
      s.accBeta1.assign(tf.mul(s.accBeta1, s.beta1));
      s.accBeta2.assign(tf.mul(s.accBeta2, s.beta2));
    });
    this.incrementIterations();
  }
}
