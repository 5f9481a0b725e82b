// Helpers for kernels registered on the tfjs 'wasm' backend. They call other kernels of the same
// backend directly (as tfjs's own kernels do), so intermediates never reach the engine's
// bookkeeping and must be freed with `backend.disposeData`.
import { backend_util, getKernel, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Conv2dGeometry } from '../../kernels/nn.js';
import { KernelSupportError } from '../errors.js';

/** The tfjs-wasm backend as our kernels use it. */
export type WasmBackend = BackendWasm;

/** Runs the kernel `name` currently registered for 'wasm' on `inputs`. */
export function callKernel(
  name: string,
  backend: WasmBackend,
  inputs: Record<string, TensorInfo>,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const cfg = getKernel(name, 'wasm');
  if (cfg === undefined) throw new KernelSupportError(`kernel '${name}' is not registered for 'wasm'`);
  return cfg.kernelFunc({ inputs, backend, attrs }) as TensorInfo;
}

/** Same data, another shape (no copy; the caller must not dispose the result). */
export function reshaped(t: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

/** A Float32Array view of a tensor in the backend heap; valid until the next allocation there. */
export function heapF32(backend: WasmBackend, t: TensorInfo): Float32Array {
  if (t.dtype !== 'float32') throw new KernelSupportError(`expected a float32 tensor, got ${t.dtype}`);
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/** Byte offset of a float32 tensor's data in the backend heap (stable across heap growth). */
export function heapOffset(backend: WasmBackend, t: TensorInfo): number {
  if (t.dtype !== 'float32') throw new KernelSupportError(`expected a float32 tensor, got ${t.dtype}`);
  return heapAddress(backend, t);
}

/** Byte offset of any tensor's data in the backend heap. */
export function heapAddress(backend: WasmBackend, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId)!.memoryOffset;
}

/** Frees intermediates created by `callKernel`. */
export function disposeAll(backend: WasmBackend, ...ts: TensorInfo[]): void {
  for (const t of ts) backend.disposeData(t.dataId);
}

/** Our kernels take NHWC and dilation 1 only; say so clearly otherwise. */
export function checkConvInfo(info: backend_util.Conv2DInfo, kernelName: string): void {
  if (info.dataFormat !== 'channelsLast') {
    throw new KernelSupportError(`${kernelName} on 'wasm' supports NHWC (channelsLast) only`);
  }
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) {
    throw new KernelSupportError(`${kernelName} on 'wasm' supports dilation 1 only`);
  }
}

/** The geometry our AssemblyScript kernels take, from tfjs's conv info. */
export function geometryOf(info: backend_util.Conv2DInfo): Conv2dGeometry {
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    filterH: info.filterHeight,
    filterW: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}
