// UnetAdamUpdate for 'wasm': one Adam step of one variable in a single pass over its elements,
// instead of the ~12 element-wise kernels (each a full pass and an allocation) that tfjs's
// AdamOptimizer issues per variable. Every operation is rounded to float32 in the same order as the
// stock optimizer's ops, so the result is bit-identical to stock Adam on 'wasm'.
//
// The arithmetic runs in our AssemblyScript SIMD kernel (src/kernels/nnAdam.ts): three divisions and
// a square root per element are ~5× slower as scalar JS than the copies in and out of our memory.
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { adamUpdate as runAdam } from '../../kernels/nnAdam.js';
import { KernelSupportError } from '../errors.js';
import { adamUpdateInPlace } from '../../kernels/nnAdamInPlace.js';
import { heapF32, heapOffset, type WasmBackend } from './util.js';

/** Name of the fused Adam kernel in tfjs's registry. */
export const ADAM_UPDATE = 'UnetAdamUpdate';

/** Attributes of {@link ADAM_UPDATE}. */
export interface AdamUpdateAttrs extends NamedAttrMap {
  beta1: number;
  beta2: number;
  learningRate: number;
  epsilon: number;
}

function adamUpdate(args: {
  inputs: {
    value: TensorInfo;
    m: TensorInfo;
    v: TensorInfo;
    grad: TensorInfo;
    accBeta1: TensorInfo;
    accBeta2: TensorInfo;
  };
  backend: WasmBackend;
  attrs: AdamUpdateAttrs;
}): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const { value, m, v, grad, accBeta1, accBeta2 } = inputs;
  const n = value.shape.reduce((a, b) => a * b, 1);
  for (const [name, t] of [
    ['m', m],
    ['v', v],
    ['grad', grad],
  ] as const) {
    if (t.shape.reduce((a, b) => a * b, 1) !== n)
      throw new KernelSupportError(
        `${ADAM_UPDATE}: ${name} has shape [${t.shape}], the variable [${value.shape}]`,
      );
  }
  const newValue = backend.makeOutput(value.shape, 'float32');
  const newM = backend.makeOutput(value.shape, 'float32');
  const newV = backend.makeOutput(value.shape, 'float32');
  const constants = {
    beta1: attrs.beta1,
    beta2: attrs.beta2,
    accBeta1: heapF32(backend, accBeta1)[0]!,
    accBeta2: heapF32(backend, accBeta2)[0]!,
    epsilon: attrs.epsilon,
    learningRate: attrs.learningRate,
  };
  const at = (t: TensorInfo): number => heapOffset(backend, t);
  const ptrs = { x: at(value), m: at(m), v: at(v), g: at(grad) };
  if (
    adamUpdateInPlace(backend, { ...ptrs, outX: at(newValue), outM: at(newM), outV: at(newV) }, n, constants)
  )
    return [newValue, newM, newV];
  // Views after the allocations: makeOutput may grow (and detach) the heap.
  runAdam(
    heapF32(backend, value),
    heapF32(backend, m),
    heapF32(backend, v),
    heapF32(backend, grad),
    constants,
    {
      x: heapF32(backend, newValue),
      m: heapF32(backend, newM),
      v: heapF32(backend, newV),
    },
  );
  return [newValue, newM, newV];
}

export const adamUpdateConfig: KernelConfig = {
  kernelName: ADAM_UPDATE,
  backendName: 'wasm',
  kernelFunc: adamUpdate as unknown as KernelFunc,
};
