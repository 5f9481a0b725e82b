// Concat and SplitV for 'wasm'. The stock kernels copy one `subarray` per outer index (Concat) or
// go through the generic Slice (SplitV); for the U-Net's channel concatenation of skips that is
// one tiny copy per pixel. Tensors of at least LAYOUT_WASM_MIN_BYTES are staged through our module
// and interleaved there with SIMD (src/kernels/nnLayout.ts); smaller ones copy short runs with plain
// loops and long runs with `copyWithin`.
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
import { concatRows, splitRows } from '../../kernels/nnLayout.js';
import { callStock } from '../stock.js';
import { copyRunsInPlace } from '../../kernels/nnLayoutInPlace.js';
import { heapAddress, type WasmBackend } from './util.js';

/** Outputs (Concat) or inputs (SplitV) of fewer bytes take the plain-TS loops. */
export const LAYOUT_WASM_MIN_BYTES = 16384;

// Below this many elements a run is copied by a loop (a native call per run costs more).
const SHORT_RUN = 64;

// One monomorphic copy per element width: 4-byte dtypes (float32, int32) are moved as Int32 bit
// patterns, bool as bytes. `heap` is the whole backend heap, offsets are in elements.
function copyRuns32(
  heap: Int32Array,
  dst: number,
  src: number,
  outer: number,
  n: number,
  dStep: number,
  sStep: number,
): void {
  for (let o = 0; o < outer; o++) {
    const d = dst + o * dStep;
    const s = src + o * sStep;
    if (n < SHORT_RUN) {
      for (let i = 0; i < n; i++) heap[d + i] = heap[s + i]!;
    } else {
      heap.copyWithin(d, s, s + n);
    }
  }
}

function copyRuns8(
  heap: Uint8Array,
  dst: number,
  src: number,
  outer: number,
  n: number,
  dStep: number,
  sStep: number,
): void {
  for (let o = 0; o < outer; o++) {
    const d = dst + o * dStep;
    const s = src + o * sStep;
    if (n < SHORT_RUN) {
      for (let i = 0; i < n; i++) heap[d + i] = heap[s + i]!;
    } else {
      heap.copyWithin(d, s, s + n);
    }
  }
}

/** Copies `outer` runs of `n` elements from tensor `from` to tensor `to` (element offsets and steps). */
function copyRuns(
  backend: WasmBackend,
  to: TensorInfo,
  dOff: number,
  dStep: number,
  from: TensorInfo,
  sOff: number,
  sStep: number,
  outer: number,
  n: number,
): void {
  const dView = backend.typedArrayFromHeap(to);
  const sView = backend.typedArrayFromHeap(from);
  if (to.dtype === 'bool') {
    const heap = new Uint8Array(dView.buffer);
    copyRuns8(heap, dView.byteOffset + dOff, sView.byteOffset + sOff, outer, n, dStep, sStep);
  } else {
    const heap = new Int32Array(dView.buffer);
    copyRuns32(heap, dView.byteOffset / 4 + dOff, sView.byteOffset / 4 + sOff, outer, n, dStep, sStep);
  }
}

/** All bytes of a tensor in the backend heap; valid until the next allocation there. */
function heapBytes(backend: WasmBackend, t: TensorInfo): Uint8Array {
  const v = backend.typedArrayFromHeap(t);
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

const elementBytes = (dtype: string): number => (dtype === 'bool' ? 1 : 4);

// String tensors live outside the heap: the stock kernels handle them.
const onHeap = (dtype: string): boolean => dtype === 'float32' || dtype === 'int32' || dtype === 'bool';

/** Concat's row copies in place on the heap (see nnLayoutInPlace.ts); false if not attached. */
function concatInPlace(
  backend: WasmBackend,
  parts: TensorInfo[],
  inner: number[],
  outer: number,
  eb: number,
  out: TensorInfo,
): boolean {
  const total = inner.reduce((a, b) => a + b, 0) * eb;
  let off = heapAddress(backend, out);
  for (let k = 0; k < parts.length; k++) {
    const n = inner[k]! * eb;
    if (!copyRunsInPlace(backend, off, total, heapAddress(backend, parts[k]!), n, outer, n)) return false;
    off += n;
  }
  return true;
}

/** SplitV's row copies in place on the heap; false if not attached. */
function splitInPlace(
  backend: WasmBackend,
  x: TensorInfo,
  sizes: number[],
  innerUnit: number,
  outer: number,
  eb: number,
  outs: TensorInfo[],
): boolean {
  const total = sizes.reduce((a, b) => a + b, 0) * innerUnit * eb;
  let off = heapAddress(backend, x);
  for (let k = 0; k < outs.length; k++) {
    const n = sizes[k]! * innerUnit * eb;
    if (!copyRunsInPlace(backend, heapAddress(backend, outs[k]!), n, off, total, outer, n)) return false;
    off += n;
  }
  return true;
}

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
  const eb = elementBytes(out.dtype);
  if (outer * total * eb >= LAYOUT_WASM_MIN_BYTES && concatInPlace(backend, parts, inner, outer, eb, out))
    return out;
  if (outer * total * eb >= LAYOUT_WASM_MIN_BYTES) {
    concatRows(
      parts.map((t) => heapBytes(backend, t)),
      inner.map((n) => n * eb),
      outer,
      heapBytes(backend, out),
    );
    return out;
  }
  let off = 0;
  for (let k = 0; k < parts.length; k++) {
    const n = inner[k]!;
    copyRuns(backend, out, off, total, parts[k]!, 0, n, outer, n);
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
  const eb = elementBytes(x.dtype);
  if (
    outer * total * eb >= LAYOUT_WASM_MIN_BYTES &&
    splitInPlace(backend, x, sizes, innerUnit, outer, eb, outs)
  )
    return outs;
  if (outer * total * eb >= LAYOUT_WASM_MIN_BYTES) {
    splitRows(
      heapBytes(backend, x),
      sizes.map((s) => s * innerUnit * eb),
      outer,
      outs.map((t) => heapBytes(backend, t)),
    );
    return outs;
  }
  let off = 0;
  for (let k = 0; k < outs.length; k++) {
    const n = sizes[k]! * innerUnit;
    copyRuns(backend, outs[k]!, 0, n, x, off, total, outer, n);
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
