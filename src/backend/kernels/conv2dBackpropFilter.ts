// Conv2DBackpropFilter for 'wasm' (missing from stock tfjs-wasm 4.22): the AssemblyScript SIMD
// kernel nnConv2dBackpropFilter, in place on the tfjs heap when our kernels are attached to it
// (src/kernels/nnShared.ts), else with x and dy copied from the tfjs heap into our module.
import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { conv2dBackpropFilter as nnBackpropFilter } from '../../kernels/nn.js';
import { conv2dBackpropFilterInPlace } from '../../kernels/nnInPlace.js';
import { checkConvInfo, geometryOf, heapF32, heapOffset, type WasmBackend } from './util.js';

function conv2dBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: WasmBackend;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  checkConvInfo(info, Conv2DBackpropFilter);
  const out = backend.makeOutput(filterShape, 'float32');
  const g = geometryOf(info);
  const at = (t: TensorInfo): number => heapOffset(backend, t);
  if (conv2dBackpropFilterInPlace(backend, at(x), at(dy), g, at(out))) return out;
  // Views are taken after makeOutput: it may grow the heap and detach older views.
  nnBackpropFilter(heapF32(backend, x), heapF32(backend, dy), g, heapF32(backend, out));
  return out;
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
