// Tile for 'wasm': stock tfjs-wasm tiles element by element, which makes batch norm's gradient
// (it tiles per-channel statistics to the activation's shape) the largest kernel of a BN step.
// Here each innermost input run is copied once and every repetition is made by doubling
// `copyWithin` (memmove) blocks on the heap.
import {
  Tile,
  util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  type TileAttrs,
} from '@tensorflow/tfjs-core';
import { KernelSupportError } from '../errors.js';
import { callStock } from '../stock.js';
import type { WasmBackend } from './util.js';

type Heap = Float32Array | Int32Array | Uint8Array;

/** Copies `dst[off, off+len)` after itself until it fills `times·len` elements. */
function replicate(dst: Heap, off: number, len: number, times: number): void {
  let have = len;
  const total = len * times;
  while (have < total) {
    const n = Math.min(have, total - have);
    dst.copyWithin(off + have, off, off + n);
    have += n;
  }
}

function tile(args: { inputs: { x: TensorInfo }; backend: WasmBackend; attrs: TileAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool')
    return callStock(Tile, args) as TensorInfo;
  const reps = attrs.reps;
  const shape = x.shape;
  const rank = shape.length;
  if (reps.length !== rank)
    throw new KernelSupportError(`Tile: reps has ${reps.length} entries for rank ${rank}`);
  const outShape = shape.map((s, i) => s * reps[i]!);
  const out = backend.makeOutput(outShape, x.dtype);
  if (util.sizeFromShape(outShape) === 0) return out;
  const src = backend.typedArrayFromHeap(x) as Heap;
  const dst = backend.typedArrayFromHeap(out) as Heap;
  if (rank === 0) {
    dst[0] = src[0]!;
    return out;
  }
  const xStrides = [...util.computeStrides(shape), 1];
  // oBlock[a] = elements of one output block spanning axes a..rank-1.
  const oBlock = new Array<number>(rank + 1).fill(1);
  for (let a = rank - 1; a >= 0; a--) oBlock[a] = oBlock[a + 1]! * outShape[a]!;
  const fill = (axis: number, srcOff: number, dstOff: number): void => {
    const n = shape[axis]!;
    if (axis === rank - 1) {
      dst.set(src.subarray(srcOff, srcOff + n), dstOff);
    } else {
      for (let i = 0; i < n; i++)
        fill(axis + 1, srcOff + i * xStrides[axis]!, dstOff + i * oBlock[axis + 1]!);
    }
    replicate(dst, dstOff, n * oBlock[axis + 1]!, reps[axis]!);
  };
  fill(0, 0, 0);
  return out;
}

export const tileConfig: KernelConfig = {
  kernelName: Tile,
  backendName: 'wasm',
  kernelFunc: tile as unknown as KernelFunc,
};
