// MaxPoolGrad for 'wasm' (the stock kernel is a slow generic loop). Scatter form: each dy element
// goes to the first maximum of its window in row-major window order, as in the 'cpu' backend, so
// ties (common after ReLU) are resolved the same way. Tensors of at least WASM_MIN_ELEMENTS take
// the SIMD kernel (src/kernels/nnLayout.ts); smaller ones the bit-identical plain-TS loop, which
// costs ~10 ns per element but no staging.
import {
  backend_util,
  MaxPoolGrad,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { maxPoolGrad as maxPoolGradWasm, type PoolGeometry } from '../../kernels/nnLayout.js';
import { KernelSupportError } from '../errors.js';
import { maxPoolGradJs } from '../reference/maxPoolGrad.js';
import { maxPoolGradInPlace } from '../../kernels/nnLayoutInPlace.js';
import { heapF32, heapOffset, type WasmBackend } from './util.js';

/** Inputs with fewer elements take the plain-TS loop (staging would cost more than it saves). */
export const MAX_POOL_GRAD_WASM_MIN_ELEMENTS = 4096;

function maxPoolGrad(args: {
  inputs: { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
  backend: WasmBackend;
  attrs: MaxPoolGradAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, input } = inputs;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  if (info.dataFormat !== 'channelsLast')
    throw new KernelSupportError('MaxPoolGrad on wasm supports NHWC only');
  const g: PoolGeometry = {
    batch: info.batchSize,
    h: info.inHeight,
    w: info.inWidth,
    c: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    filterH: info.filterHeight,
    filterW: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
  const dx = backend.makeOutput(input.shape, 'float32');
  const at = (t: TensorInfo): number => heapOffset(backend, t);
  const big = input.shape.reduce((a, b) => a * b, 1) >= MAX_POOL_GRAD_WASM_MIN_ELEMENTS;
  if (big && maxPoolGradInPlace(backend, at(input), at(dy), g, at(dx))) return dx;
  const x = heapF32(backend, input);
  const run = x.length >= MAX_POOL_GRAD_WASM_MIN_ELEMENTS ? maxPoolGradWasm : maxPoolGradJs;
  run(x, heapF32(backend, dy), g, heapF32(backend, dx));
  return dx;
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
