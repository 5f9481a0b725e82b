// Sum for 'wasm' when it reduces every axis but the last of a float32 tensor: the bias gradient of
// each conv layer. The stock kernel first transposes the whole tensor so the reduced axes are
// innermost (23–74 ms for a [4,256,256,16] gradient on a loaded 2-core machine); ours is one pass
// (src/kernels/nnSum.ts). Every other Sum goes to the stock kernel.
import {
  Sum,
  util,
  type KernelConfig,
  type KernelFunc,
  type SumAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { sumRows } from '../../kernels/nnSum.js';
import { callStock } from '../stock.js';
import { sumRowsInPlace } from '../../kernels/nnLayoutInPlace.js';
import { heapF32, heapOffset, type WasmBackend } from './util.js';

/** Whether `axes` are exactly 0 .. rank−2 (every axis but the last). */
function allButLast(axes: number[], rank: number): boolean {
  if (rank < 2 || axes.length !== rank - 1) return false;
  return [...axes].sort((a, b) => a - b).every((a, i) => a === i);
}

function sum(args: { inputs: { x: TensorInfo }; backend: WasmBackend; attrs: SumAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  const rank = x.shape.length;
  if (x.dtype !== 'float32' || rank < 2) return callStock(Sum, args) as TensorInfo;
  const axes = util.parseAxisParam(attrs.axis, x.shape);
  const c = x.shape[rank - 1]!;
  if (!allButLast(axes, rank) || c < 1) return callStock(Sum, args) as TensorInfo;
  const rows = util.sizeFromShape(x.shape) / c;
  const outShape = attrs.keepDims ? [...x.shape.slice(0, -1).map(() => 1), c] : [c];
  const out = backend.makeOutput(outShape, 'float32');
  if (sumRowsInPlace(backend, heapOffset(backend, x), rows, c, heapF32(backend, out))) return out;
  sumRows(heapF32(backend, x), rows, c, heapF32(backend, out));
  return out;
}

export const sumChannelsConfig: KernelConfig = {
  kernelName: Sum,
  backendName: 'wasm',
  kernelFunc: sum as unknown as KernelFunc,
};
