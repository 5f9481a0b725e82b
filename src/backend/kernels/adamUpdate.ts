// UnetAdamUpdate for 'wasm': one Adam step of one variable in a single pass over its elements,
// instead of the ~12 element-wise kernels (each a full pass and an allocation) that tfjs's
// AdamOptimizer issues per variable. Every operation is rounded to float32 in the same order as the
// stock optimizer's ops, so the result is bit-identical to stock Adam on 'wasm'.
//
// Plain JS on views of the tfjs-wasm heap: the update is memory-bound, and copying the four inputs
// into our own module's memory would cost more than the arithmetic.
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelSupportError } from '../errors.js';
import { heapF32, type WasmBackend } from './util.js';

/** Name of the fused Adam kernel in tfjs's registry. */
export const ADAM_UPDATE = 'UnetAdamUpdate';

/** Attributes of {@link ADAM_UPDATE}. */
export interface AdamUpdateAttrs extends NamedAttrMap {
  beta1: number;
  beta2: number;
  learningRate: number;
  epsilon: number;
}

const f = Math.fround;

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
  // Views after the allocations: makeOutput may grow (and detach) the heap.
  const x = heapF32(backend, value);
  const m0 = heapF32(backend, m);
  const v0 = heapF32(backend, v);
  const g = heapF32(backend, grad);
  const x1 = heapF32(backend, newValue);
  const m1 = heapF32(backend, newM);
  const v1 = heapF32(backend, newV);
  // The scalars exactly as the stock ops see them (float32 tensors).
  const b1 = f(attrs.beta1);
  const c1 = f(1 - attrs.beta1);
  const b2 = f(attrs.beta2);
  const c2 = f(1 - attrs.beta2);
  const oma1 = f(1 - heapF32(backend, accBeta1)[0]!);
  const oma2 = f(1 - heapF32(backend, accBeta2)[0]!);
  const eps = f(attrs.epsilon);
  const nlr = f(-attrs.learningRate);
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const mi = f(f(m0[i]! * b1) + f(gi * c1));
    const vi = f(f(v0[i]! * b2) + f(f(gi * gi) * c2));
    m1[i] = mi;
    v1[i] = vi;
    const mh = f(mi / oma1);
    const vh = f(vi / oma2);
    x1[i] = f(f(f(mh / f(f(Math.sqrt(vh)) + eps)) * nlr) + x[i]!);
  }
  return [newValue, newM, newV];
}

export const adamUpdateConfig: KernelConfig = {
  kernelName: ADAM_UPDATE,
  backendName: 'wasm',
  kernelFunc: adamUpdate as unknown as KernelFunc,
};
