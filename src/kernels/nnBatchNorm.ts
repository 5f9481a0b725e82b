// JS wrappers of the batch-norm training kernels (assembly/nn/batchNorm.ts). Data is [n, c]
// (NHWC with n = batch·H·W); inputs are copied into our module's memory and results copied into
// caller-supplied arrays, typically views of tfjs-wasm tensors.
import { kernel, view, withScope } from './memory.js';
import { NnKernelError } from './nn.js';

type ForwardFn = (
  x: number,
  gamma: number,
  beta: number,
  y: number,
  mean: number,
  variance: number,
  invstd: number,
  scratch: number,
  n: number,
  c: number,
  epsilon: number,
  relu: number,
) => number;

type BackwardFn = (
  dy: number,
  x: number,
  mean: number,
  invstd: number,
  gamma: number,
  dx: number,
  dgamma: number,
  dbeta: number,
  scratch: number,
  n: number,
  c: number,
  y: number,
) => number;

/** Largest n·c the kernels accept (2^29 floats). */
export const BATCH_NORM_MAX_ELEMENTS = 2 ** 29;

/** Destinations of {@link batchNormTrainForward}. */
export interface BatchNormForwardOut {
  /** Normalised output, n·c floats. */
  y: Float32Array;
  /** Per-channel batch mean, c floats. */
  mean: Float32Array;
  /** Per-channel biased batch variance (as tf.moments), c floats. */
  variance: Float32Array;
  /** Per-channel 1/√(variance + ε), c floats (what the backward needs). */
  invstd: Float32Array;
}

/** Destinations of {@link batchNormTrainBackward}. */
export interface BatchNormBackwardOut {
  /** Input gradient, n·c floats. */
  dx: Float32Array;
  /** c floats. */
  dgamma: Float32Array;
  /** c floats. */
  dbeta: Float32Array;
}

/** Throws NnKernelError unless n and c are sizes the kernels accept. */
export function checkSizes(fn: string, n: number, c: number): void {
  if (!Number.isInteger(n) || n < 1) throw new NnKernelError(`${fn}: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(c) || c < 1 || c > 2 ** 24)
    throw new NnKernelError(`${fn}: c must be an integer in [1, 2^24], got ${c}`);
  if (n * c > BATCH_NORM_MAX_ELEMENTS)
    throw new NnKernelError(`${fn}: n·c = ${n * c} exceeds ${BATCH_NORM_MAX_ELEMENTS}`);
}

function checkLength(fn: string, what: string, a: Float32Array, len: number): void {
  if (a.length !== len) throw new NnKernelError(`${fn}: ${what} has ${a.length} floats, expected ${len}`);
}

/** Scratch bytes both kernels need for c channels. */
export const scratchBytes = (c: number): number => 32 * Math.ceil(c / 4) * 4;

/**
 * Batch norm in training mode over `x` [n, c]: per-channel batch mean and biased variance, then
 * y = (x − mean)·γ/√(variance + ε) + β, by the SIMD kernel `nnBatchNormForward`; with `relu`
 * (default false), y = max(0, that).
 */
export function batchNormTrainForward(
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  n: number,
  c: number,
  epsilon: number,
  out: BatchNormForwardOut,
  relu = false,
): void {
  const fn = 'batchNormTrainForward';
  checkSizes(fn, n, c);
  if (!(epsilon >= 0) || !Number.isFinite(epsilon))
    throw new NnKernelError(`${fn}: epsilon must be finite and >= 0, got ${epsilon}`);
  checkLength(fn, 'x', x, n * c);
  checkLength(fn, 'gamma', gamma, c);
  checkLength(fn, 'beta', beta, c);
  checkLength(fn, 'y', out.y, n * c);
  checkLength(fn, 'mean', out.mean, c);
  checkLength(fn, 'variance', out.variance, c);
  checkLength(fn, 'invstd', out.invstd, c);
  withScope((scope) => {
    const xp = scope.input(x);
    const gp = scope.input(gamma);
    const bp = scope.input(beta);
    const yp = scope.alloc(n * c * 4);
    const stats = scope.alloc(3 * c * 4);
    const scratch = scope.alloc(scratchBytes(c));
    const rc = kernel<ForwardFn>('nnBatchNormForward')(
      xp,
      gp,
      bp,
      yp,
      stats,
      stats + c * 4,
      stats + 2 * c * 4,
      scratch,
      n,
      c,
      epsilon,
      relu ? 1 : 0,
    );
    if (rc !== 0) throw new NnKernelError(`${fn}: kernel rejected n=${n} c=${c} (code ${rc})`);
    out.y.set(view(Float32Array, yp, n * c));
    out.mean.set(view(Float32Array, stats, c));
    out.variance.set(view(Float32Array, stats + c * 4, c));
    out.invstd.set(view(Float32Array, stats + 2 * c * 4, c));
  });
}

/**
 * Gradients of {@link batchNormTrainForward} from `dy` [n, c], the input `x` and the forward's
 * `mean` and `invstd`: dβ = Σdy, dγ = Σdy·x̂, dx = γ·invstd·(dy − dβ/n − x̂·dγ/n), x̂ = (x − mean)·invstd.
 * Pass the forward's output `y` when it ran with `relu`: dy then counts only where y > 0.
 */
export function batchNormTrainBackward(
  dy: Float32Array,
  x: Float32Array,
  mean: Float32Array,
  invstd: Float32Array,
  gamma: Float32Array,
  n: number,
  c: number,
  out: BatchNormBackwardOut,
  y?: Float32Array,
): void {
  const fn = 'batchNormTrainBackward';
  checkSizes(fn, n, c);
  checkLength(fn, 'dy', dy, n * c);
  checkLength(fn, 'x', x, n * c);
  checkLength(fn, 'mean', mean, c);
  checkLength(fn, 'invstd', invstd, c);
  checkLength(fn, 'gamma', gamma, c);
  checkLength(fn, 'dx', out.dx, n * c);
  checkLength(fn, 'dgamma', out.dgamma, c);
  checkLength(fn, 'dbeta', out.dbeta, c);
  if (y) checkLength(fn, 'y', y, n * c);
  withScope((scope) => {
    const dyp = scope.input(dy);
    const yp = y ? scope.input(y) : 0;
    const xp = scope.input(x);
    const mp = scope.input(mean);
    const ip = scope.input(invstd);
    const gp = scope.input(gamma);
    const dxp = scope.alloc(n * c * 4);
    const grads = scope.alloc(2 * c * 4);
    const scratch = scope.alloc(scratchBytes(c));
    const rc = kernel<BackwardFn>('nnBatchNormBackward')(
      dyp,
      xp,
      mp,
      ip,
      gp,
      dxp,
      grads,
      grads + c * 4,
      scratch,
      n,
      c,
      yp,
    );
    if (rc !== 0) throw new NnKernelError(`${fn}: kernel rejected n=${n} c=${c} (code ${rc})`);
    out.dx.set(view(Float32Array, dxp, n * c));
    out.dgamma.set(view(Float32Array, grads, c));
    out.dbeta.set(view(Float32Array, grads + c * 4, c));
  });
}
