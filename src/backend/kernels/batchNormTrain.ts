// Fused batch norm in training mode for 'wasm': one kernel for the forward (batch statistics, the
// normalised output, optionally ReLU and the moving-average update) and one for the gradient,
// instead of tfjs's composed moments + batchNorm (+ relu, + 3 ops per moving statistic) whose
// gradients take a dozen element-wise passes. Both are custom kernel names; the gradient of the
// forward is registered in tfjs's global gradient registry, so tapes and tf.grads work as for any
// stock op. src/model/batchNormLayer.ts calls the forward through engine().runKernel.
import {
  engine,
  getGradient,
  registerGradient,
  zerosLike,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type Tensor,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { batchNormTrainBackward, batchNormTrainForward } from '../../kernels/nnBatchNorm.js';
import { KernelSupportError } from '../errors.js';
import {
  batchNormTrainBackwardInPlace,
  batchNormTrainForwardInPlace,
} from '../../kernels/nnBatchNormInPlace.js';
import { heapF32, heapOffset, type WasmBackend } from './util.js';

/**
 * Forward: inputs {x [..., c], gamma [c], beta [c]} and optionally {movingMean [c], movingVariance
 * [c]}; attrs {@link BatchNormTrainAttrs}; outputs [y, mean, variance, invstd], followed by the
 * updated [movingMean, movingVariance] when those were given.
 */
export const BATCH_NORM_TRAIN = 'UNetBatchNormTrain';
/** Gradient: inputs {dy, x, mean, invstd, gamma} and, after a `relu` forward, {y}; outputs [dx, dgamma, dbeta]. */
export const BATCH_NORM_TRAIN_GRAD = 'UNetBatchNormTrainGrad';

/** Attributes of {@link BATCH_NORM_TRAIN}. */
export interface BatchNormTrainAttrs extends NamedAttrMap {
  epsilon: number;
  /** y = max(0, batch norm): ReLU fused in both directions (taken as false when absent). */
  relu: boolean;
  /**
   * Momentum of the moving averages (needed with movingMean/movingVariance): moving ← moving −
   * (moving − batch)·(1 − momentum) in float32, step for step as tfjs-layers' BatchNormalization.
   * Ignored without them.
   */
  momentum: number;
}

function channelsOf(x: TensorInfo, kernelName: string): { n: number; c: number } {
  if (x.dtype !== 'float32') throw new KernelSupportError(`${kernelName}: x must be float32, got ${x.dtype}`);
  if (x.shape.length < 1) throw new KernelSupportError(`${kernelName}: x must have rank >= 1`);
  const c = x.shape[x.shape.length - 1]!;
  const size = x.shape.reduce((a, b) => a * b, 1);
  if (c < 1 || size < 1) throw new KernelSupportError(`${kernelName}: empty tensor [${x.shape.join(', ')}]`);
  return { n: size / c, c };
}

function checkVector(t: TensorInfo, c: number, what: string, kernelName: string): void {
  const size = t.shape.reduce((a, b) => a * b, 1);
  if (size !== c || t.dtype !== 'float32')
    throw new KernelSupportError(
      `${kernelName}: ${what} must be ${c} float32 values, got [${t.shape.join(', ')}] ${t.dtype}`,
    );
}

/** moving − (moving − batch)·decay with the float32 rounding of tfjs's sub, mul, sub. */
function movingAverage(moving: Float32Array, batch: Float32Array, decay: number, out: Float32Array): void {
  const d = Math.fround(decay);
  for (let k = 0; k < out.length; k++) {
    const o = moving[k]!;
    out[k] = Math.fround(o - Math.fround(Math.fround(o - batch[k]!) * d));
  }
}

function batchNormTrain(args: {
  inputs: {
    x: TensorInfo;
    gamma: TensorInfo;
    beta: TensorInfo;
    movingMean?: TensorInfo;
    movingVariance?: TensorInfo;
  };
  backend: WasmBackend;
  attrs: BatchNormTrainAttrs;
}): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const { x, gamma, beta, movingMean, movingVariance } = inputs;
  const { n, c } = channelsOf(x, BATCH_NORM_TRAIN);
  checkVector(gamma, c, 'gamma', BATCH_NORM_TRAIN);
  checkVector(beta, c, 'beta', BATCH_NORM_TRAIN);
  const moving = movingMean !== undefined || movingVariance !== undefined;
  if (moving) {
    if (movingMean === undefined || movingVariance === undefined)
      throw new KernelSupportError(`${BATCH_NORM_TRAIN}: movingMean and movingVariance go together`);
    checkVector(movingMean, c, 'movingMean', BATCH_NORM_TRAIN);
    checkVector(movingVariance, c, 'movingVariance', BATCH_NORM_TRAIN);
    const m: unknown = attrs.momentum;
    if (typeof m !== 'number' || !Number.isFinite(m))
      throw new KernelSupportError(
        `${BATCH_NORM_TRAIN}: the moving averages need a finite momentum, got ${m}`,
      );
  }
  const y = backend.makeOutput(x.shape, 'float32');
  const mean = backend.makeOutput([c], 'float32');
  const variance = backend.makeOutput([c], 'float32');
  const invstd = backend.makeOutput([c], 'float32');
  const at = (t: TensorInfo): number => heapOffset(backend, t);
  const ptrs = { x: at(x), gamma: at(gamma), beta: at(beta), y: at(y), mean: at(mean) };
  const inPlace = batchNormTrainForwardInPlace(
    backend,
    { ...ptrs, variance: at(variance), invstd: at(invstd) },
    n,
    c,
    attrs.epsilon,
    attrs.relu === true,
  );
  // Views are taken after every makeOutput: a heap growth detaches older views.
  if (!inPlace)
    batchNormTrainForward(
      heapF32(backend, x),
      heapF32(backend, gamma),
      heapF32(backend, beta),
      n,
      c,
      attrs.epsilon,
      {
        y: heapF32(backend, y),
        mean: heapF32(backend, mean),
        variance: heapF32(backend, variance),
        invstd: heapF32(backend, invstd),
      },
      attrs.relu === true,
    );
  if (!moving) return [y, mean, variance, invstd];
  const newMean = backend.makeOutput([c], 'float32');
  const newVariance = backend.makeOutput([c], 'float32');
  const decay = 1 - attrs.momentum;
  movingAverage(heapF32(backend, movingMean!), heapF32(backend, mean), decay, heapF32(backend, newMean));
  movingAverage(
    heapF32(backend, movingVariance!),
    heapF32(backend, variance),
    decay,
    heapF32(backend, newVariance),
  );
  return [y, mean, variance, invstd, newMean, newVariance];
}

function batchNormTrainGrad(args: {
  inputs: {
    dy: TensorInfo;
    x: TensorInfo;
    mean: TensorInfo;
    invstd: TensorInfo;
    gamma: TensorInfo;
    y?: TensorInfo;
  };
  backend: WasmBackend;
}): TensorInfo[] {
  const { inputs, backend } = args;
  const { dy, x, mean, invstd, gamma, y } = inputs;
  const { n, c } = channelsOf(x, BATCH_NORM_TRAIN_GRAD);
  if (dy.shape.join(',') !== x.shape.join(','))
    throw new KernelSupportError(
      `${BATCH_NORM_TRAIN_GRAD}: dy [${dy.shape.join(', ')}] must match x [${x.shape.join(', ')}]`,
    );
  checkVector(mean, c, 'mean', BATCH_NORM_TRAIN_GRAD);
  checkVector(invstd, c, 'invstd', BATCH_NORM_TRAIN_GRAD);
  checkVector(gamma, c, 'gamma', BATCH_NORM_TRAIN_GRAD);
  if (y !== undefined && (y.shape.join(',') !== x.shape.join(',') || y.dtype !== 'float32'))
    throw new KernelSupportError(
      `${BATCH_NORM_TRAIN_GRAD}: y [${y.shape.join(', ')}] must match x [${x.shape.join(', ')}]`,
    );
  const dx = backend.makeOutput(x.shape, 'float32');
  const dgamma = backend.makeOutput([c], 'float32');
  const dbeta = backend.makeOutput([c], 'float32');
  const at = (t: TensorInfo): number => heapOffset(backend, t);
  const ptrs = { dy: at(dy), x: at(x), mean: at(mean), invstd: at(invstd), gamma: at(gamma) };
  const outs = { dx: at(dx), dgamma: at(dgamma), dbeta: at(dbeta), y: y === undefined ? 0 : at(y) };
  if (batchNormTrainBackwardInPlace(backend, { ...ptrs, ...outs }, n, c)) return [dx, dgamma, dbeta];
  batchNormTrainBackward(
    heapF32(backend, dy),
    heapF32(backend, x),
    heapF32(backend, mean),
    heapF32(backend, invstd),
    heapF32(backend, gamma),
    n,
    c,
    { dx: heapF32(backend, dx), dgamma: heapF32(backend, dgamma), dbeta: heapF32(backend, dbeta) },
    y === undefined ? undefined : heapF32(backend, y),
  );
  return [dx, dgamma, dbeta];
}

export const batchNormTrainConfig: KernelConfig = {
  kernelName: BATCH_NORM_TRAIN,
  backendName: 'wasm',
  kernelFunc: batchNormTrain as unknown as KernelFunc,
};

export const batchNormTrainGradConfig: KernelConfig = {
  kernelName: BATCH_NORM_TRAIN_GRAD,
  backendName: 'wasm',
  kernelFunc: batchNormTrainGrad as unknown as KernelFunc,
};

/**
 * Registers the gradient of {@link BATCH_NORM_TRAIN} (idempotent; backend-independent, it only
 * runs where the forward ran). Gradients reaching the statistics outputs are ignored: the layer
 * only feeds them to the moving averages, which are not differentiated (the moving inputs get
 * zeros if a tape ever asks).
 */
export function registerBatchNormTrainGradient(): void {
  if (getGradient(BATCH_NORM_TRAIN) !== undefined) return;
  registerGradient({
    kernelName: BATCH_NORM_TRAIN,
    inputsToSave: ['x', 'gamma'],
    // y (for ReLU's mask; alive anyway as the next conv's input), mean, invstd.
    outputsToSave: [true, true, false, true],
    gradFunc: (dys: Tensor | Tensor[], saved: Tensor[], attrs?: NamedAttrMap) => {
      const dy = Array.isArray(dys) ? dys[0]! : dys;
      const [x, gamma, y, mean, invstd] = saved as [Tensor, Tensor, Tensor, Tensor, Tensor];
      // Computed now, not in the closures: the tape runs each closure in its own tidy, which
      // would dispose the outputs the first one did not return. Unused outputs are freed by the
      // tidy around the whole backward pass.
      const [dx, dgamma, dbeta] = engine().runKernel(BATCH_NORM_TRAIN_GRAD, {
        dy,
        x,
        mean,
        invstd,
        gamma,
        ...(attrs?.['relu'] === true ? { y } : {}),
      }) as [Tensor, Tensor, Tensor];
      return {
        x: () => dx,
        gamma: () => dgamma,
        beta: () => dbeta,
        movingMean: () => zerosLike(mean),
        movingVariance: () => zerosLike(mean),
      };
    },
  });
}
