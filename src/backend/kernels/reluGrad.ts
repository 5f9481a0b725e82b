// ReLU's gradient from its output for 'wasm', as used by UNetConv2D's gradient: dx = dy·step(y).
// In place on the tfjs heap it is one SIMD pass (nnReluGrad); otherwise tfjs-wasm's Step and
// Multiply, the same arithmetic. tfjs's own Relu gradient adds a float32-to-float32 cast (a copy).
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { reluGradInPlace } from '../../kernels/nnLayoutInPlace.js';
import { KernelSupportError } from '../errors.js';
import { callKernel, disposeAll, heapOffset, type WasmBackend } from './util.js';

/** Inputs {dy, y} of one shape (y = the ReLU's output); output dx. */
export const RELU_GRAD = 'UNetReluGrad';

function reluGrad(args: { inputs: { dy: TensorInfo; y: TensorInfo }; backend: WasmBackend }): TensorInfo {
  const { inputs, backend } = args;
  const { dy, y } = inputs;
  if (dy.shape.join(',') !== y.shape.join(',') || dy.dtype !== 'float32' || y.dtype !== 'float32')
    throw new KernelSupportError(
      `${RELU_GRAD}: dy [${dy.shape.join(', ')}] ${dy.dtype} and y [${y.shape.join(', ')}] ${y.dtype} must be float32 of one shape`,
    );
  const n = dy.shape.reduce((a, b) => a * b, 1);
  const dx = backend.makeOutput(dy.shape, 'float32');
  if (reluGradInPlace(backend, heapOffset(backend, dy), heapOffset(backend, y), heapOffset(backend, dx), n))
    return dx;
  disposeAll(backend, dx);
  const mask = callKernel('Step', backend, { x: y }, { alpha: 0 });
  const out = callKernel('Multiply', backend, { a: dy, b: mask });
  disposeAll(backend, mask);
  return out;
}

export const reluGradConfig: KernelConfig = {
  kernelName: RELU_GRAD,
  backendName: 'wasm',
  kernelFunc: reluGrad as unknown as KernelFunc,
};
