// Concat and SplitV for 'wasm'. The stock kernels copy one `subarray` per outer index (Concat) or
// go through the generic Slice (SplitV); for the U-Net's channel concatenation of skips that is
// one tiny copy per pixel. These copy short runs with plain loops and long runs with `set`.
import {
  backend_util,
  Concat,
  SplitV,
  util,
  type ConcatAttrs,
  type KernelConfig,
  type KernelFunc,
  type SplitVAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { callStock } from '../stock.js';
import type { WasmBackend } from './util.js';

type Heap = Float32Array | Int32Array | Uint8Array;

// Below this many elements a run is copied by a loop (a `subarray` + `set` costs more).
const SHORT_RUN = 64;

function copyRun(dst: Heap, dOff: number, src: Heap, sOff: number, n: number): void {
  if (n < SHORT_RUN) {
    for (let i = 0; i < n; i++) dst[dOff + i] = src[sOff + i]!;
  } else {
    dst.set(src.subarray(sOff, sOff + n), dOff);
  }
}

// String tensors live outside the heap: the stock kernels handle them.
const onHeap = (dtype: string): boolean => dtype === 'float32' || dtype === 'int32' || dtype === 'bool';

function concat(args: { inputs: TensorInfo[]; backend: WasmBackend; attrs: ConcatAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  if (!onHeap(inputs[0]!.dtype)) return callStock(Concat, args) as TensorInfo;
  const axis = util.parseAxisParam(attrs.axis, inputs[0]!.shape)[0]!;
  backend_util.assertParamsConsistent(
    inputs.map((t) => t.shape),
    axis,
  );
  const outShape = backend_util.computeOutShape(
    inputs.map((t) => t.shape),
    axis,
  );
  const parts = inputs.filter((t) => util.sizeFromShape(t.shape) > 0);
  const out = backend.makeOutput(outShape, inputs[0]!.dtype);
  if (parts.length === 0) return out;
  const outer = util.sizeFromShape(parts[0]!.shape.slice(0, axis));
  const inner = parts.map((t) => util.sizeFromShape(t.shape.slice(axis)));
  const total = inner.reduce((a, b) => a + b, 0);
  const srcs = parts.map((t) => backend.typedArrayFromHeap(t) as Heap);
  const dst = backend.typedArrayFromHeap(out) as Heap;
  let off = 0;
  for (let k = 0; k < parts.length; k++) {
    const n = inner[k]!;
    const src = srcs[k]!;
    for (let o = 0; o < outer; o++) copyRun(dst, o * total + off, src, o * n, n);
    off += n;
  }
  return out;
}

function splitV(args: { inputs: { x: TensorInfo }; backend: WasmBackend; attrs: SplitVAttrs }): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  if (!onHeap(x.dtype)) return callStock(SplitV, args) as TensorInfo[];
  const axis = util.parseAxisParam(attrs.axis, x.shape)[0]!;
  const sizes = backend_util.prepareSplitSize(x, attrs.numOrSizeSplits, axis);
  const outer = util.sizeFromShape(x.shape.slice(0, axis));
  const innerUnit = util.sizeFromShape(x.shape.slice(axis + 1));
  const total = x.shape[axis]! * innerUnit;
  const outs = sizes.map((s) => {
    const shape = [...x.shape];
    shape[axis] = s;
    return backend.makeOutput(shape, x.dtype);
  });
  // Views after all allocations (makeOutput may grow the heap).
  const src = backend.typedArrayFromHeap(x) as Heap;
  let off = 0;
  for (let k = 0; k < outs.length; k++) {
    const n = sizes[k]! * innerUnit;
    const dst = backend.typedArrayFromHeap(outs[k]!) as Heap;
    for (let o = 0; o < outer; o++) copyRun(dst, o * n, src, o * total + off, n);
    off += n;
  }
  return outs;
}

export const concatConfig: KernelConfig = {
  kernelName: Concat,
  backendName: 'wasm',
  kernelFunc: concat as unknown as KernelFunc,
};

export const splitVConfig: KernelConfig = {
  kernelName: SplitV,
  backendName: 'wasm',
  kernelFunc: splitV as unknown as KernelFunc,
};
