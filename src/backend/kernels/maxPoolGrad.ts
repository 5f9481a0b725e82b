// MaxPoolGrad for 'wasm' (the stock kernel is a slow generic loop). Scatter form: each dy element
// goes to the first maximum of its window in row-major window order, as in the 'cpu' backend, so
// ties (common after ReLU) are resolved the same way.
import {
  backend_util,
  MaxPoolGrad,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { KernelSupportError } from '../errors.js';
import { heapF32, type WasmBackend } from './util.js';

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
  const dx = backend.makeOutput(input.shape, 'float32');
  const x = heapF32(backend, input);
  const g = heapF32(backend, dy);
  const out = heapF32(backend, dx);
  out.fill(0);
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const best = new Float32Array(C);
  const pos = new Int32Array(C);
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < OH; oy++) {
      const y0 = oy * sh - pt;
      const ya = Math.max(0, y0);
      const yb = Math.min(H, y0 + fh);
      for (let ox = 0; ox < OW; ox++) {
        const x0 = ox * sw - pl;
        const xa = Math.max(0, x0);
        const xb = Math.min(W, x0 + fw);
        best.fill(-Infinity);
        pos.fill(-1);
        for (let y = ya; y < yb; y++) {
          for (let xx = xa; xx < xb; xx++) {
            const p = ((b * H + y) * W + xx) * C;
            for (let c = 0; c < C; c++) {
              const v = x[p + c]!;
              // Strict '>' keeps the first maximum; a NaN-free window always sets pos.
              if (v > best[c]! || pos[c] === -1) {
                best[c] = v;
                pos[c] = p + c;
              }
            }
          }
        }
        const q = ((b * OH + oy) * OW + ox) * C;
        for (let c = 0; c < C; c++) {
          const at = pos[c]!;
          if (at >= 0) out[at] = out[at]! + g[q + c]!;
        }
      }
    }
  }
  return dx;
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
